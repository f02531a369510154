"""Site-search strategies (docs/portals.md, "Site-search APIs") on answers shaped like the real APIs':
what fires them (a page's widget config or search box, a registry hint), the requests they make, and how they page
from the totals."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from gxcrawl.discovery import classify_title, json_anchors
from gxcrawl.discovery.links import parse_html
from gxcrawl.discovery.pagination import (
    ListPage,
    PageRequest,
    hint_requests,
    list_page_requests,
    search_requests,
)
from gxcrawl.discovery.pagination.search_common import DEFAULT_MAX_PAGES, DEFAULT_WORDS, as_count
from gxcrawl.discovery.registry import SearchHint

SITE = "https://www.example.gov.cn"


def html_page(url: str, body: str) -> ListPage:
    return ListPage(url, body, parse_html(body), "html")


def answer(request: PageRequest, data: object) -> ListPage:
    """The spider's view of an API answer: decoded JSON plus the state the request carried."""
    return ListPage(
        request.url,
        json.dumps(data, ensure_ascii=False),
        None,
        "json",
        data,
        {**request.state, "strategy": request.strategy},
    )


def query(request: PageRequest) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(request.url).query, keep_blank_values=True).items()}


# --- TRS IGS ------------------------------------------------------------------------------------------------------

WIDGET = """<div class="list-box"><ul id="igs-list"></ul></div>
<script>var igsListOptions = {url: '/irs/front/search', code: '17dc2e9a8e1', dataTypeId: '2301', searchWord: '',
 searchBy: 'title', orderBy: 'time', pageSize: 4, granularity: 'ALL', el: '#igs-list',
 customFilter: {operator: 'and', properties: [{property: 'channel_id', operator: 'eq', value: '40517', weight: 100}]}};
</script>"""
SEARCH_BOX = """<form class="search" action="/irs-c-web/search.shtml" method="get"><input type="hidden" name="code"
 value="18a2b3c4d5e"><input type="hidden" name="dataTypeId" value="107"><input name="searchWord"></form>"""


def igs_answer(
    titles: list[str], *, page_no: int = 1, size: int = 10, total: int | None = None, page_count: object = None
) -> dict:
    pager: dict = {"pageNo": page_no, "pageSize": size, "total": len(titles) if total is None else total}
    if page_count is not None:
        pager["pageCount"] = page_count
    items = [
        {
            "type": "DATA",
            "data": {
                "title": t.replace("年度报告", "<em>年度报告</em>"),
                "titleO": t,
                "url": f"{SITE}/zwgk/zfxxgknb/202402/t2024020{i % 9}_{i}.html",
                "docDate": "2024-02-01",
                "content": "…",
            },
        }
        for i, t in enumerate(titles)
    ]
    return {"success": True, "code": 200, "data": {"pager": pager, "middle": {"listAndBox": items}}}


def report_titles(n: int) -> list[str]:
    return [f"某县第{i}局2023年政府信息公开工作年度报告" for i in range(n)]


class TestIgs:
    URL = f"{SITE}/zwgk/zfxxgknb/index.html"

    def test_a_column_widget_config_gives_a_json_post_of_its_own_options(self) -> None:
        (request,) = [r for r in list_page_requests(html_page(self.URL, WIDGET), "trs") if r.strategy == "igs"]
        assert request.url == f"{SITE}/irs/front/search" and request.method == "POST" and request.expect == "json"
        body = request.json_body
        assert body is not None
        assert (body["code"], body["dataTypeId"], body["pageNo"], body["pageSize"]) == ("17dc2e9a8e1", "2301", 1, 4)
        # the channel filter lists the column: no word is added, and mandatory orderBy/searchBy are there
        assert body["searchWord"] == "" and body["customFilter"]["properties"][0]["value"] == "40517"
        assert body["orderBy"] == "time" and body["searchBy"] == "title"
        assert "el" not in body and "url" not in body

    def test_the_search_box_starts_one_series_per_report_word(self) -> None:
        requests = search_requests(html_page(f"{SITE}/", SEARCH_BOX))
        assert [r.json_body["searchWord"] for r in requests] == list(DEFAULT_WORDS)  # type: ignore[index]
        assert {r.url for r in requests} == {f"{SITE}/irs/front/search"}
        assert all(
            r.json_body["code"] == "18a2b3c4d5e" and r.json_body["dataTypeId"] == "107"  # type: ignore[index]
            for r in requests
        )

    def test_a_search_page_link_with_a_hot_word_still_searches_report_words(self) -> None:
        body = '<a href="/irs-c-web/search.shtml?code=18a2b3c4d5e&amp;dataTypeId=107&amp;searchWord=疫情防控">热搜</a>'
        words = {r.json_body["searchWord"] for r in search_requests(html_page(f"{SITE}/", body))}  # type: ignore[index]
        assert words == set(DEFAULT_WORDS)

    def test_first_answer_asks_for_the_other_pages_and_later_ones_ask_for_nothing(self) -> None:
        (first,) = [r for r in list_page_requests(html_page(self.URL, WIDGET), "trs") if r.strategy == "igs"]
        data = igs_answer(report_titles(4), size=4, total=10, page_count=3)
        more = list_page_requests(answer(first, data), "trs")
        assert [r.json_body["pageNo"] for r in more] == [2, 3]  # type: ignore[index]
        # the same URL and the same options: only pageNo differs (so neither the list nor the spider merges them)
        assert {r.url for r in more} == {first.url}
        strip = [{k: v for k, v in r.json_body.items() if k != "pageNo"} for r in (first, *more)]  # type: ignore[union-attr]
        assert strip[0] == strip[1] == strip[2]
        assert len({r.key() for r in (first, *more)}) == 3
        third = igs_answer(report_titles(2), page_no=3, size=4, total=10, page_count=3)
        assert list_page_requests(answer(more[1], third), "trs") == []

    def test_hits_become_report_anchors_without_highlight_tags(self) -> None:
        anchors = list(json_anchors(igs_answer(report_titles(2)), f"{SITE}/irs/front/search"))
        assert [a.text for a in anchors] == report_titles(2)
        assert all(classify_title(a.text).label == "report" for a in anchors)

    def test_old_result_docs_variant_with_total_hits(self) -> None:
        (first, _) = search_requests(html_page(f"{SITE}/", SEARCH_BOX))
        docs = [
            {"data": {"titleO": t, "url": f"{SITE}/a/{i}.html", "docDate": "2024-01-02"}}
            for i, t in enumerate(report_titles(20))
        ]
        more = list_page_requests(answer(first, {"ok": True, "resultDocs": docs, "totalHits": 45}), None)
        assert [r.json_body["pageNo"] for r in more] == [2, 3]  # type: ignore[index]

    def test_refused_and_malformed_answers_end_the_series(self) -> None:
        (first, _) = search_requests(html_page(f"{SITE}/", SEARCH_BOX))
        for data in (
            {"success": False, "msg": "排序方式不能为空！"},
            None,
            [],
            "x",
            {"success": True, "data": None},
            {"success": True, "data": {"middle": {"listAndBox": "none"}}},
        ):
            assert list_page_requests(answer(first, data), None) == [], data

    def test_empty_result_asks_for_nothing(self) -> None:
        (first, _) = search_requests(html_page(f"{SITE}/", SEARCH_BOX))
        assert list_page_requests(answer(first, igs_answer([], total=0, page_count=0)), None) == []

    def test_unusable_totals_fall_back_to_one_page_at_a_time(self) -> None:
        (first, _) = search_requests(html_page(f"{SITE}/", SEARCH_BOX))
        size = first.json_body["pageSize"]  # type: ignore[index]
        bad = igs_answer(report_titles(size), size=size, total=-1, page_count="n/a")
        (second,) = list_page_requests(answer(first, bad), None)
        assert second.json_body["pageNo"] == 2 and second.state["sequential"]  # type: ignore[index]
        (third,) = list_page_requests(answer(second, {**bad, "data": {**bad["data"], "pager": {}}}), None)
        assert third.json_body["pageNo"] == 3  # type: ignore[index]
        short = igs_answer(report_titles(size - 1), page_no=3, total=-1)
        assert list_page_requests(answer(third, short), None) == []

    def test_a_total_of_zero_next_to_hits_is_not_believed(self) -> None:
        (first, _) = search_requests(html_page(f"{SITE}/", SEARCH_BOX))
        size = first.json_body["pageSize"]  # type: ignore[index]
        more = list_page_requests(
            answer(first, igs_answer(report_titles(size), size=size, total=0, page_count=0)), None
        )
        assert [r.json_body["pageNo"] for r in more] == [2]  # type: ignore[index]

    def test_absurd_totals_are_capped(self) -> None:
        (first, _) = search_requests(html_page(f"{SITE}/", SEARCH_BOX))
        data = igs_answer(report_titles(20), size=20, total=10**9)
        more = list_page_requests(answer(first, data), None)
        assert len(more) == DEFAULT_MAX_PAGES - 1
        assert more[-1].json_body["pageNo"] == DEFAULT_MAX_PAGES  # type: ignore[index]

    def test_a_server_that_caps_the_page_size_silently(self) -> None:
        (first, _) = search_requests(html_page(f"{SITE}/", SEARCH_BOX))
        data = igs_answer(report_titles(10), total=35)
        del data["data"]["pager"]["pageSize"]
        more = list_page_requests(answer(first, data), None)
        assert [r.json_body["pageNo"] for r in more] == [2, 3, 4]  # type: ignore[index]

    def test_an_igs_answer_is_continued_by_igs_only(self) -> None:
        (first, _) = search_requests(html_page(f"{SITE}/", SEARCH_BOX))
        data = {**igs_answer(report_titles(20), size=20, total=30), "classify": {"post_count": 500}, "articles": [{}]}
        assert {r.strategy for r in list_page_requests(answer(first, data), "gkmlpt")} == {"igs"}

    def test_registry_hint(self) -> None:
        hint = SearchHint(
            "igs",
            f"{SITE}/irs/front/search",
            (("code", "17d1d69fedf"), ("data_type_id", "259"), ("order_by", "related")),
            ("政府信息公开工作年度报告",),
            30,
            5,
        )
        (request,) = hint_requests([hint])
        body = request.json_body
        assert body is not None
        assert (body["code"], body["dataTypeId"], body["searchWord"], body["pageSize"]) == (
            "17d1d69fedf",
            "259",
            "政府信息公开工作年度报告",
            30,
        )
        assert body["orderBy"] == "related" and body["searchBy"] == "title"
        more = list_page_requests(answer(request, igs_answer(report_titles(30), size=30, total=900)), None)
        assert [r.json_body["pageNo"] for r in more] == [2, 3, 4, 5]  # type: ignore[index]

    def test_pages_without_igs_markers_are_left_alone(self) -> None:
        page = html_page(
            f"{SITE}/",
            '<form action="/govsearch/search.jsp"><input name="searchWord"></form>'
            '<script>var opts = {code: "abc"};</script>',
        )
        assert search_requests(page) == []


# --- TRS openSearch -------------------------------------------------------------------------------------------------

OPEN_URL = f"{SITE}/trs-search/trssearch/openSearch/getZwgkList"


def open_answer(n: int, *, total: int, page_num: int = 1, size: int = 10, state: object = 200) -> dict:
    return {
        "msg": "success",
        "state": state,
        "data": {
            "total": total,
            "pageSize": size,
            "pageNum": page_num,
            "data": [
                {
                    "gk_doctitle": f"某县第{i}局2023年<em style='color:red'>政府信息公开</em>工作年度报告",
                    "docpuburl": f"{SITE}/zfxxgk/bm{i}/202402/t20240201_{i}.shtml",
                    "docpubtime": "2024-02-01 10:00:00",
                }
                for i in range(n)
            ],
        },
    }


class TestTrsOpen:
    def test_a_page_naming_the_api_and_its_site_id(self) -> None:
        body = (
            "<script>$.get('/trs-search/trssearch/openSearch/getZwgkList', {keywords: kw, position: 0, "
            "siteId: 13, pageNum: 1});</script>"
        )
        requests = search_requests(html_page(f"{SITE}/zfxxgk/index.html", body))
        assert [query(r)["keywords"] for r in requests] == list(DEFAULT_WORDS)
        assert all(r.method == "GET" and r.url.startswith(OPEN_URL + "?") for r in requests)
        assert all(
            query(r)["siteId"] == "13" and query(r)["position"] == "0" and query(r)["pageNum"] == "1" for r in requests
        )

    def test_site_id_in_the_url_and_extra_parameters_kept(self) -> None:
        body = f'<a href="{OPEN_URL}?keywords=&amp;pageNum=1&amp;siteId=22&amp;position=1&amp;sort=time">检索</a>'
        (first, _) = search_requests(html_page(f"{SITE}/", body))
        assert (query(first)["siteId"], query(first)["position"], query(first)["sort"]) == ("22", "1", "time")

    def test_without_a_site_id_nothing_is_guessed(self) -> None:
        body = f"<script>var api = '{OPEN_URL}';</script>"
        assert search_requests(html_page(f"{SITE}/", body)) == []

    def test_paging_from_total_and_the_reported_page_size(self) -> None:
        hint = SearchHint("trs_open", OPEN_URL, (("site_id", "13"),))
        first = hint_requests([hint])[0]
        assert "pageSize" not in query(first)  # the server picks it
        more = list_page_requests(answer(first, open_answer(10, total=23)), None)
        assert [query(r)["pageNum"] for r in more] == ["2", "3"]
        assert all(query(r)["keywords"] == query(first)["keywords"] for r in more)
        assert list_page_requests(answer(more[0], open_answer(10, total=23, page_num=2)), None) == []

    def test_titles_lose_their_highlight_markup(self) -> None:
        anchors = list(json_anchors(open_answer(2, total=2), OPEN_URL))
        assert [a.text for a in anchors] == [f"某县第{i}局2023年政府信息公开工作年度报告" for i in range(2)]

    @pytest.mark.parametrize(
        "data",
        [
            {"msg": "站点不存在", "state": 500, "data": None},
            {"state": "200", "data": None},
            {"state": 200, "data": {"total": "x", "data": None}},
        ],
    )
    def test_errors_end_the_series(self, data: dict) -> None:
        first = hint_requests([SearchHint("trs_open", OPEN_URL, (("site_id", "13"),))])[0]
        assert list_page_requests(answer(first, data), None) == []


# --- Kaipuyun search5 ------------------------------------------------------------------------------------------------


def search5_answer(n: int, total: object) -> dict:
    return {
        "siteName": "某市人民政府",
        "searchResultAll": {
            "total": total,
            "searchTotal": [
                {
                    "title": f"某市第{i}局2023年<span class='red'>政府信息公开工作年度报告</span>",
                    "url": f"{SITE}/art/{i}.html",
                    "pubDate": "2024-01-20",
                }
                for i in range(n)
            ],
        },
    }


class TestKaipuyun:
    FORM = (
        '<form action="/search5/html/searchResult_wenchang.html" method="get"><input type="hidden" name="siteCode" '
        'value="4690050001"><input type="text" name="searchWord"></form>'
    )

    def test_the_search_box_site_code_gives_a_form_post(self) -> None:
        requests = search_requests(html_page(f"{SITE}/", self.FORM))
        assert [dict(r.formdata)["searchWord"] for r in requests] == list(DEFAULT_WORDS)
        form = dict(requests[0].formdata)
        assert requests[0].url == f"{SITE}/search5/search/s" and requests[0].method == "POST"
        assert (form["siteCode"], form["pageNum"], form["pageSize"]) == ("4690050001", "1", "20")

    def test_a_search_page_param_object(self) -> None:
        body = (
            "<script src='/search5/static/common/config.js'></script><script>var param = {'siteCode': 'bm29000002', "
            "'searchWord': '', 'column': '政策法规', 'uc': 1, 'pageSize': 10, 'pageNum': 0};</script>"
        )
        (first, _) = search_requests(html_page(f"{SITE}/search5/html/index.html", body))
        form = dict(first.formdata)
        assert (form["siteCode"], form["column"], form["uc"], form["pageSize"]) == ("bm29000002", "政策法规", "1", "10")

    def test_unknown_numbering_base_asks_for_page_zero_and_one_past_the_end(self) -> None:
        (first, _) = search_requests(html_page(f"{SITE}/", self.FORM))
        more = list_page_requests(answer(first, search5_answer(20, 45)), None)
        assert [dict(r.formdata)["pageNum"] for r in more] == ["0", "2", "3", "4"]
        assert list_page_requests(answer(more[1], search5_answer(20, 45)), None) == []

    def test_the_jiucuo_site_code_is_used_only_on_a_search5_site(self) -> None:
        jiucuo = '<script id="_jiucuo_" sitecode="4600000001" src="/exposure/jiucuo.js"></script>'
        assert search_requests(html_page(f"{SITE}/", jiucuo)) == []
        (first, _) = search_requests(
            html_page(f"{SITE}/", jiucuo + '<a href="/search5/html/searchResult.html">搜索</a>')
        )
        assert dict(first.formdata)["siteCode"] == "4600000001"

    def test_a_malformed_answer_ends_the_series(self) -> None:
        (first, _) = search_requests(html_page(f"{SITE}/", self.FORM))
        assert list_page_requests(answer(first, {"searchResultAll": None}), None) == []
        assert list_page_requests(answer(first, search5_answer(0, 0)), None) == []


# --- gov.cn policy library -------------------------------------------------------------------------------------------

GOVCN = "https://sousuo.www.gov.cn/search-gov/data"


def govcn_answer(n: int, total: int, pages: int | None = None) -> dict:
    vo: dict = {
        "totalCount": total,
        "listVO": [
            {
                "title": f"国务院办公厅<em>2023年</em>政府信息公开工作年度报告{i}",
                "url": f"https://www.gov.cn/zhengce/content/{i}.htm",
                "pcode": "",
                "puborg": "国务院办公厅",
                "pubtime": 1711900000000,
            }
            for i in range(n)
        ],
    }
    if pages is not None:
        vo["totalpage"] = pages
    return {"code": 200, "msg": "成功", "searchVO": vo}


class TestGovcn:
    HINT = SearchHint("govcn", GOVCN, (("library", "zhengcelibrary_gw"),))

    def test_hint_query(self) -> None:
        requests = hint_requests([self.HINT])
        assert [query(r)["q"] for r in requests] == list(DEFAULT_WORDS)
        q = query(requests[0])
        assert (q["t"], q["p"], q["n"], q["searchfield"], q["sort"]) == (
            "zhengcelibrary_gw",
            "1",
            "50",
            "title",
            "pubtime",
        )
        assert requests[0].url.startswith(GOVCN + "?")

    def test_paging_uses_the_larger_of_total_pages_and_count(self) -> None:
        first = hint_requests([self.HINT])[0]
        more = list_page_requests(answer(first, govcn_answer(50, 120, pages=2)), None)
        assert [query(r)["p"] for r in more] == ["2", "3"]

    def test_no_result_code(self) -> None:
        first = hint_requests([self.HINT])[0]
        assert list_page_requests(answer(first, {"code": 1001, "msg": "抱歉，没有找到相关结果"}), None) == []

    def test_a_page_linking_the_library(self) -> None:
        body = f'<a href="{GOVCN}?t=zhengcelibrary_gw&amp;q=&amp;sort=score&amp;sortType=1&amp;p=1&amp;n=5">政策库</a>'
        requests = search_requests(html_page("https://www.gov.cn/zhengce/index.htm", body))
        assert {query(r)["t"] for r in requests} == {"zhengcelibrary_gw"} and len(requests) == len(DEFAULT_WORDS)
        assert query(requests[0])["sort"] == "score"  # the page's own ordering is kept

    def test_a_library_link_without_t_starts_nothing(self) -> None:
        assert search_requests(html_page("https://www.gov.cn/", f'<a href="{GOVCN}?q=x">x</a>')) == []


@pytest.mark.parametrize(
    ("value", "count"),
    [(12, 12), (12.0, 12), (" 12 ", 12), (-1, None), (True, None), ("n/a", None), (1.5, None), (None, None)],
)
def test_counts_are_read_leniently(value: object, count: int | None) -> None:
    assert as_count(value) == count


def test_a_reported_page_size_is_believed_over_a_short_first_page() -> None:
    (first, _) = search_requests(html_page(f"{SITE}/", SEARCH_BOX))
    # 7 hits on a page the server says holds 10 (some filtered out after counting): 30 hits are 3 pages, not 5
    more = list_page_requests(answer(first, igs_answer(report_titles(7), size=10, total=30)), None)
    assert [r.json_body["pageNo"] for r in more] == [2, 3]  # type: ignore[index]
