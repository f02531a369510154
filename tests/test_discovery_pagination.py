"""Pagination strategies on list pages that mirror each CMS family's markup
(docs/portals.md, "CMS families and list mechanisms")."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from gxcrawl.discovery.links import parse_html
from gxcrawl.discovery.pagination import ListPage, list_page_requests, strategies_for


def html_page(url: str, body: str, cms: str | None = None) -> list:
    page = ListPage(url, body, parse_html(body), "html")
    return list_page_requests(page, cms)


def urls(requests: list) -> list[str]:
    return [r.url for r in requests]


BASE = "http://www.example.gov.cn/zwgk/zfxxgk/zfxxgknb/"


class TestTrs:
    def test_classic_create_page_html_is_zero_based(self) -> None:
        body = '<ul class="list"></ul><script>createPageHTML(4, 0, "index", "html");</script>'
        assert urls(html_page(BASE + "index.html", body, "trs")) == [BASE + f"index_{k}.html" for k in (1, 2, 3)]

    def test_page_js_paging_form_is_one_based(self) -> None:
        body = "<script>createPageHTML('paging', 3, 1, 'index', 'html', 45);</script>"
        assert urls(html_page(BASE + "index.html", body, "trs1")) == [BASE + "index_2.html", BASE + "index_3.html"]

    def test_shtml_extension_and_deeper_page(self) -> None:
        body = '<script>createPageHTML(3, 2, "index", "shtml", "black2", 30);</script>'
        assert urls(html_page(BASE + "index_2.shtml", body)) == [BASE + "index_1.shtml", BASE + "index_2.shtml"]

    def test_inline_count_page_uses_the_static_pager_to_pick_the_base(self) -> None:
        body = (
            "<script>var countPage = 3; var currentPage = 0;</script>"
            '<a href="index.html">首页</a><a href="index_1.html">下一页</a><a href="index_2.html">尾页</a>'
        )
        got = urls(html_page(BASE + "index.html", body))
        assert BASE + "index_1.html" in got and BASE + "index_2.html" in got
        assert BASE + "index_3.html" not in got

    def test_inline_count_page_without_static_pager_asks_for_both_conventions(self) -> None:
        body = "<script>var countPage = 3;</script>"
        assert urls(html_page(BASE + "index.html", body)) == [BASE + f"index_{k}.html" for k in (1, 2, 3)]


def test_shanghai_total_page_is_one_based() -> None:
    url = "https://www.shanghai.gov.cn/nw12344/index.html"
    body = '<script>$("#pager").pagination({totalPage: 3, currentPage: 1});</script>'
    assert urls(html_page(url, body, "shanghai")) == [url.replace("index", "index_2"), url.replace("index", "index_3")]


def test_shtml_platform_list_pages() -> None:
    url = "https://www.huaihua.gov.cn/huaihua/c101111/list.shtml"
    body = '<div class="page">共 3 页 <a href="list_2.shtml">下一页</a></div>'
    got = urls(html_page(url, body, "shtml"))
    assert got[:2] == [url.replace("list.", "list_2."), url.replace("list.", "list_3.")]


class TestVsb:
    PAGER = (
        '<div class="pb_sys_common pb_sys_normal pb_sys_style1"><span class="p_t">共52条</span>'
        '<span class="p_pages"><span class="p_no_d">1</span><span class="p_no"><a href="ndbg/4.htm">2</a></span>'
        '<span class="p_next p_fun"><a href="ndbg/4.htm">下页</a></span>'
        '<span class="p_last p_fun"><a href="ndbg/1.htm">尾页</a></span></span><span class="p_t">1/5</span></div>'
    )

    def test_reverse_numbering_from_the_newest_page(self) -> None:
        url = "http://www.ynyx.gov.cn/ndbg.htm"
        got = set(urls(html_page(url, self.PAGER, "vsb")))
        # 1.htm is the OLDEST page; with T=5 the other pages are 4,3,2,1.htm
        assert got == {f"http://www.ynyx.gov.cn/ndbg/{k}.htm" for k in (1, 2, 3, 4)}

    def test_a_deeper_page_only_follows_its_pager(self) -> None:
        url = "http://www.ynyx.gov.cn/ndbg/4.htm"
        pager = self.PAGER.replace('href="ndbg/', 'href="').replace("1/5", "2/5")
        got = set(urls(html_page(url, pager, "vsb")))
        assert got == {"http://www.ynyx.gov.cn/ndbg/1.htm"}


class TestHanweb:
    COLUMN = (
        '<div id="212860"><script type="text/xml"><datastore>'
        '<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid=33718'
        '&unitid=212860&permissiontype=0"></a>]]></nextgroup><recordset>'
        '<record><![CDATA[<li><a href="/art/2025/1/15/art_33718_1.html" '
        'title="某县2024年政府信息公开工作年度报告">x</a>'
        "<span>2025-01-15</span></li>]]></record></recordset></datastore></script></div>"
        "<script>$('#212860').jpage({totalRecord:100, perPage:15, groupSize:3, "
        "proxyUrl:'/module/web/jpage/dataproxy.jsp',"
        " ajaxParam:{col:1, appid:'1', webid:1, path:'/', columnid:33718, unitid:'212860', webname:'某县', "
        "permissiontype:0}});</script>"
    )

    def test_jpage_config_gives_post_groups(self) -> None:
        url = "http://www.example.gov.cn/col/col33718/index.html"
        requests = html_page(url, self.COLUMN, "hanweb")
        posts = [r for r in requests if r.method == "POST"]
        assert [parse_qs(urlsplit(r.url).query)["startrecord"][0] for r in posts] == ["1", "46", "91"]
        assert parse_qs(urlsplit(posts[-1].url).query)["endrecord"] == ["100"]
        form = dict(posts[0].formdata)
        assert form["columnid"] == "33718" and form["unitid"] == "212860" and form["webname"] == "某县"
        assert ("Referer", url) in posts[0].headers and all(r.expect == "xml" for r in posts)

    def test_without_jpage_the_nextgroup_get_variant_is_paged_by_totalpage(self) -> None:
        url = "http://www.example.gov.cn/col/col33718/index.html"
        column = self.COLUMN.split("<script>$(")[0]
        (first,) = html_page(url, column, "hanweb")
        assert first.method == "GET" and first.expect == "xml" and "page=1" in first.url
        xml = "<datastore><totalrecord>45</totalrecord><totalpage>3</totalpage><recordset></recordset></datastore>"
        answer = ListPage(first.url, xml, None, "xml", None, {**first.state, "strategy": first.strategy})
        pages = sorted(parse_qs(urlsplit(r.url).query)["page"][0] for r in list_page_requests(answer, "hanweb"))
        assert pages == ["2", "3"]


class TestGkmlpt:
    SPA = (
        "<script>window._CONFIG = {SID: '755041', TREE: [{id: 1, name: '政策文件', children: []},"
        " {id: 721, name: '政府信息公开年报', children: []}]};</script>"
    )

    def test_report_category_from_the_config_tree(self) -> None:
        url = "http://www.example.gov.cn/gkmlpt/index"
        (request,) = html_page(url, self.SPA, "gkmlpt")
        assert request.url == "http://www.example.gov.cn/gkmlpt/api/all/721?page=1&sid=755041"
        assert request.expect == "json"

    def test_post_count_gives_the_other_api_pages(self) -> None:
        url = "http://www.example.gov.cn/gkmlpt/api/all/721?page=1&sid=755041"
        data = {"classify": {"post_count": 250}, "articles": [{"url": f"/x/post_{i}.html"} for i in range(100)]}
        page = ListPage(url, json.dumps(data), None, "json", data, {"strategy": "gkmlpt"})
        got = urls(list_page_requests(page, "gkmlpt"))
        assert got == [url.replace("page=1", "page=2"), url.replace("page=1", "page=3")]


class TestJpaas:
    COLUMN = (
        '<div id="unit-list"></div><script type="text/javascript" src="/AuthorizedRead/unitbuild.js" '
        'url="/api-gateway/jpaas-publish-server/front/page/build/unit" queryData=\'{&quot;webId&quot;: 3008, '
        "&quot;tplSetId&quot;: 1008, &quot;pageType&quot;: &quot;column&quot;, "
        "&quot;tagId&quot;: &quot;信息列表&quot;, "
        "&quot;pageId&quot;: 4400008}'></script>"
    )

    def test_unit_call_then_next_page_until_empty(self) -> None:
        url = "http://www.example.gov.cn/col/col1229700008/index.html"
        (first,) = html_page(url, self.COLUMN, "jpaas")
        query = parse_qs(urlsplit(first.url).query)
        assert query["webId"] == ["3008"] and query["tagId"] == ["信息列表"]
        assert json.loads(query["paramJson"][0]) == {"pageNo": 1, "pageSize": 15}
        full = {"success": True, "data": {"html": '<ul><li><a href="/art/2024/1/2/art_1_2.html">x</a></li></ul>'}}
        state = {**first.state, "strategy": "jpaas"}
        (second,) = list_page_requests(ListPage(first.url, json.dumps(full), None, "json", full, state), "jpaas")
        assert json.loads(parse_qs(urlsplit(second.url).query)["paramJson"][0])["pageNo"] == 2
        empty = {"success": True, "data": {"html": "<ul></ul>"}}
        state2 = {**second.state, "strategy": "jpaas"}
        assert list_page_requests(ListPage(second.url, "{}", None, "json", empty, state2), "jpaas") == []


def test_anhui_page_index() -> None:
    url = "https://www.dongzhi.gov.cn/content/column/6786771"
    body = "<script>Ls.pagination({pageCount: 3, pageIndex: 1});</script>"
    got = urls(html_page(url, body, "anhui"))
    assert got == [url + "?pageIndex=2", url + "?pageIndex=3"]


def test_client_slice_needs_no_requests_and_next_links_are_followed() -> None:
    body = '<ul class="default_news"><li><a href="a.html">1</a></li></ul><a href="index_1.html">下一页</a>'
    url = "https://www.beijing.gov.cn/gongkai/zfxxgk/gknb/index.html"
    assert urls(html_page(url, body, "client_slice")) == ["https://www.beijing.gov.cn/gongkai/zfxxgk/gknb/index_1.html"]


def test_family_strategies_run_first_but_all_run() -> None:
    names = [s.name for s in strategies_for("vsb")]
    assert names[0] == "vsb" and set(names) >= {"trs", "hanweb", "gkmlpt", "jpaas", "next"}


def test_pagination_modules_import_one_way() -> None:
    """No import cycle in the package: the graph of its modules' imports (at any depth of the module, deferred
    ones included) has no loop, so any module can be imported first and finds the ones it needs whole."""
    import ast
    from graphlib import CycleError, TopologicalSorter
    from pathlib import Path

    import gxcrawl.discovery.pagination as package

    prefix = package.__name__ + "."
    graph: dict[str, set[str]] = {}
    for path in Path(package.__path__[0]).glob("*.py"):
        imported = {
            node.module
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.ImportFrom) and node.module
        }
        if path.stem != "__init__":  # the package's __init__ re-exports; it is run before any of them anyway
            graph[path.stem] = {m.removeprefix(prefix) for m in imported if m.startswith(prefix)}
    assert {"types", "strategies", "trs", "search"} <= set(graph)
    assert graph["types"] == set() and "strategies" not in set().union(*(graph[m] for m in graph if m != "strategies"))
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        raise AssertionError(f"import cycle: {exc.args[1]}") from None
