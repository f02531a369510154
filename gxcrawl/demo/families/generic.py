"""Sites whose list is drawn by JavaScript only, sliced on the client, or served by a slow host."""

from __future__ import annotations

import json
import random
from html import escape

from gxcrawl.demo import chrome
from gxcrawl.demo import content as contentlib
from gxcrawl.demo.families.common import (
    Item,
    Options,
    Planner,
    add_attachments,
    attachment_links,
    body_of,
    guide_pages,
    home_page,
    index_no,
    news_items,
    rel,
    report_route,
    robots,
    short,
    xxgk_page,
)
from gxcrawl.demo.families.trs import trs_attachment_path, trs_list, trs_report_path
from gxcrawl.demo.world import Request, Response, Site

# --- generic article template (JS-only, client-side slice and slow sites) -------------------------------------------


def generic_page(
    site: Site,
    *,
    title: str,
    agency: str,
    published: str,
    body: str,
    container: str,
    atts: str,
    column: str,
    list_path: str,
    index: str = "",
) -> str:
    dl = (
        f'<dl class="meta"><dt>索引号：</dt><dd>{escape(index)}</dd><dt>发文机构：</dt><dd>{escape(agency)}</dd>'
        f"<dt>发布日期：</dt><dd>{escape(published)}</dd><dt>标题：</dt><dd>{escape(title)}</dd></dl>"
    )
    attribute = "id" if container.startswith("#") else "class"
    open_tag = f'<div {attribute}="{container[1:]}">'
    main = f"""<div class="article">{dl}
<h1 id="ti">{escape(title)}</h1>
<div class="pages-date">{escape(published)} <span class="font">来源：{escape(agency)}</span> \
字号：<a>大</a> <a>中</a> <a>小</a></div>
{open_tag}{body}</div>
{atts}
{chrome.article_tools()}</div>"""
    metas = {"ArticleTitle": title, "PubDate": f"{published} 11:00", "ContentSource": agency}
    return chrome.page(
        site,
        title=title,
        column=column,
        crumbs=[("首页", "/"), ("政务公开", site.xxgk_path), (column, list_path), ("正文", None)],
        main=main,
        metas=metas,
    )


def build_generic_reports(
    site: Site, pl: Planner, list_dir: str, container: str, column: str, *, n_departments: int, n_townships: int
) -> None:
    for agency, kind, year in pl.pairs(n_departments=n_departments, n_townships=n_townships):
        r = pl.report(agency, kind, year, "column")
        r.path = trs_report_path(list_dir, r)
        r.list_paths = [list_dir + "index.html"]
        add_attachments(r, trs_attachment_path)
        report_route(
            r,
            lambda rep, gen: generic_page(
                site,
                title=rep.title,
                agency=rep.agency,
                published=rep.published,
                body=body_of(rep, gen),
                container=container,
                atts=attachment_links(rep, "plain", ""),
                column=column,
                list_path=list_dir + "index.html",
                index=index_no(rep),
            ),
        )


def xxgk_index(site: Site, blocks: list[tuple[str, str]], extra: str = "") -> None:
    """The 政府信息公开 page: guides and `blocks` as links, then `extra` HTML (a search box, a widget)."""
    guides = guide_pages(site, site.xxgk_path.rsplit("/", 1)[0] + "/", [("首页", "/"), ("政务公开", site.xxgk_path)])
    lis = "".join(f'<li><a href="{h}">{escape(t)}</a></li>' for t, h in guides + blocks)
    xxgk_page(site, site.xxgk_path, f'<div class="xxgk-blocks"><ul>{lis}</ul></div>{extra}')
    home_page(site, [("政府信息公开", site.xxgk_path)], news_items(site))


JSONLY_PAGE_SIZE = 2  # rows the JS-only list draws per page; 下一页 draws the next ones in their place


def build_jsonly(site: Site, rng: random.Random, opts: Options, registry: dict) -> None:
    """A list drawn by JavaScript only: the HTML has no report links and no URL a regex could lift. It draws
    one page of rows; 下一页 (a javascript: link) replaces them with the next page a moment later and is marked
    disabled on the last page. A browser finds every report only by clicking it (registry `render_actions`)."""
    pl = Planner(site, rng, opts, 6)
    site.render = True
    site.xxgk_path = "/xxgk/index.html"
    list_dir = "/xxgk/ndbg/"
    # ids are chosen so that the page script computes them (id = x * 3 + 7); x is what the HTML carries
    orig_docid = pl.docid
    pl.docid = lambda: ((orig_docid() // 3) * 3) + 7  # type: ignore[method-assign]
    build_generic_reports(site, pl, list_dir, "#UCAP-CONTENT", "政府信息公开年报", n_departments=1, n_townships=0)
    for r in site.reports:
        r.needs_browser = True

    def listing(req: Request) -> Response:
        rows = sorted(site.reports, key=lambda r: (r.published, r.path), reverse=True)
        data = [[int(r.ymd), (r.docid - 7) // 3, [ord(ch) for ch in r.title]] for r in rows]
        script = (
            "<script>(function(){var d=" + json.dumps(data) + ",n=" + str(JSONLY_PAGE_SIZE) + ",p=0;"
            "var ul=document.getElementById('nb-list'),nx=document.getElementById('nb-next');"
            "function draw(){ul.innerHTML='';"
            "for(var i=p*n;i<Math.min(d.length,(p+1)*n);i++){var x=d[i],li=document.createElement('li'),"
            "a=document.createElement('a');"
            "var s=String(x[0]);a.setAttribute('hr'+'ef','./'+s.slice(0,6)+'/t'+s+'_'+(x[1]*3+7)+'.ht'+'ml');"
            "a.textContent=String.fromCharCode.apply(null,x[2]);a.target='_blank';li.appendChild(a);"
            "var sp=document.createElement('span');sp.textContent=s.slice(0,4)+'-'+s.slice(4,6)+'-'+s.slice(6);"
            "li.appendChild(sp);ul.appendChild(li);}"
            "nx.className=(p+1)*n>=d.length?'next disabled':'next';}"
            # the next rows arrive a moment after the click, as from an XHR
            "nx.onclick=function(){if((p+1)*n<d.length){p++;setTimeout(draw,120);}return false;};"
            "draw();})();</script>"
        )
        main = (
            f'<div class="list-box"><h2>政府信息公开年报</h2><ul id="nb-list" class="list"></ul>'
            f'<div class="pager"><a id="nb-next" class="next" href="javascript:void(0)">下一页</a></div>'
            f"{script}</div>"
        )
        return site.html(
            chrome.page(
                site,
                title="政府信息公开年报",
                column="政府信息公开年报",
                crumbs=[("首页", "/"), ("政务公开", site.xxgk_path), ("政府信息公开年报", None)],
                main=main,
            )
        )

    site.routes[list_dir + "index.html"] = listing
    site.routes[list_dir] = listing
    pages = max(1, -(-len(site.reports) // JSONLY_PAGE_SIZE))
    # what a registry author writes for this site: only on the list page (not its report pages), wait for the
    # rows, then click 下一页 until it is disabled, keeping every page's rows
    site.render_actions = [
        {"wait_for": "#nb-list li", "timeout_ms": 10_000, "match": "^/xxgk/ndbg/(index\\.html)?$"},
        {
            "click_repeat": "#nb-next",
            "times": min(50, pages + 1),
            "collect": "#nb-list li",
            "timeout_ms": 3_000,
            "match": "^/xxgk/ndbg/(index\\.html)?$",
        },
    ]
    robots(site, [], None)
    xxgk_index(site, [("政府信息公开年报", list_dir + "index.html")])
    site.behaviours += ["js-only-list", "js-next-page"]


SLICE_PER_SIZE = 5


def build_client_slice(site: Site, rng: random.Random, opts: Options, registry: dict) -> None:
    """Every item in one HTML list, JavaScript shows one slice at a time (Shandong/Beijing style)."""
    pl = Planner(site, rng, opts, 12)
    site.xxgk_path = "/zwgk/index.html"
    list_dir = "/zwgk/gknb/"
    build_generic_reports(site, pl, list_dir, "#mainText", "政府信息公开年报", n_departments=3, n_townships=1)
    if site.primary:
        site.fail_first = 2
        site.behaviours += ["client-side-slice", "503-retry-after"]

    def listing(req: Request) -> Response:
        rows = sorted(site.reports, key=lambda r: (r.published, r.path), reverse=True)
        lis = "".join(
            f'<li><a href="{escape(rel(list_dir, r.path))}" title="{escape(r.title)}" target="_blank">'
            f"{escape(short(r.title))}</a><span>{r.published}</span></li>"
            for r in rows
        )
        script = (
            "<script>var pageConfig = {totalCount: "
            + str(len(rows))
            + ", perSize: "
            + str(SLICE_PER_SIZE)
            + ", curPage: 1, pageId: 'page'};"
            "function showPage(p){var lis=document.querySelectorAll('.default_news li');for(var i=0;i<lis.length;i++)"
            "{lis[i].style.display=(i>=(p-1)*pageConfig.perSize&&i<p*pageConfig.perSize)?'':'none';}}showPage(1);</script>"
        )
        main = (
            f'<div class="list-box"><h2>政府信息公开年报</h2><ul class="default_news">{lis}</ul>'
            f'<div id="page"></div>{script}</div>'
        )
        return site.html(
            chrome.page(
                site,
                title="政府信息公开年报",
                column="政府信息公开年报",
                crumbs=[("首页", "/"), ("政务公开", site.xxgk_path), ("政府信息公开年报", None)],
                main=main,
            )
        )

    site.routes[list_dir + "index.html"] = listing
    site.routes[list_dir] = listing
    robots(site, [], None)
    xxgk_index(site, [("政府信息公开年报", list_dir + "index.html")])


def build_slow(site: Site, rng: random.Random, opts: Options, registry: dict) -> None:
    """A township site on a slow link: every answer waits `slow_delay` seconds."""
    pl = Planner(site, rng, opts, 3)
    site.xxgk_path = "/xxgk/index.html"
    site.slow = site.primary  # extra copies of this family (benchmarks) answer at full speed
    list_dir = "/xxgk/ndbg/"
    n = pl.count
    pl.count = max(0, n - 1) if site.primary else n
    build_generic_reports(site, pl, list_dir, ".TRS_Editor", "年度报告", n_departments=0, n_townships=0)
    if site.primary:
        seed = pl.report(contentlib.SEEDS["004"].agency, "township", 2020, "column", source="seed:004", form="html")
        seed.path = trs_report_path(list_dir, seed)
        seed.list_paths = [list_dir + "index.html"]
        report_route(
            seed,
            lambda rep, gen: generic_page(
                site,
                title=rep.title,
                agency=rep.agency,
                published=rep.published,
                body=body_of(rep, gen),
                container=".TRS_Editor",
                atts="",
                column="年度报告",
                list_path=list_dir + "index.html",
                index=index_no(rep),
            ),
        )
        site.behaviours += ["slow"]
    trs_list(
        site,
        list_dir,
        "年度报告",
        [("首页", "/"), ("政务公开", site.xxgk_path), ("年度报告", None)],
        lambda: [Item(r.path, r.title, r.published) for r in site.reports],
        per_page=10,
    )
    robots(site, [], None)
    xxgk_index(site, [("年度报告", list_dir + "index.html")])
