"""VSB/博达 sites: reverse-numbered ndbg/N.htm pages, ../info/ links, #vsb_content
bodies, download.jsp attachments that need a Referer, a cookie-gated report.
"""

from __future__ import annotations

import math
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
    cookie_gated,
    guide_pages,
    home_page,
    index_no,
    news_items,
    report_route,
    robots,
    short,
)
from gxcrawl.demo.world import Distractor, Report, Site

# --- VSB --------------------------------------------------------------------------------------------------------------

VSB_PER_PAGE = 5


def build_vsb(site: Site, rng: random.Random, opts: Options, registry: dict) -> None:
    """VSB/博达 county site: ndbg.htm + reverse-numbered ndbg/N.htm, /info/C/ID.htm, download.jsp needing a Referer."""
    pl = Planner(site, rng, opts, 12)
    site.xxgk_path = "/xxgk.htm"
    owner = 1200000 + site.index
    first_att_only = True
    for agency, kind, year in pl.pairs(n_departments=3, n_townships=1):
        form = None
        if first_att_only and kind == "government":
            form, first_att_only = "attachment_only", False
        r = pl.report(agency, kind, year, "column", form=form)
        r.path = f"/info/1025/{r.docid}.htm"
        r.list_paths = ["/ndbg.htm"]
        add_attachments(
            r,
            lambda rep, kind, i: (
                f"/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner={owner}"
                f"&wbfileid={rep.docid * 10 + i}"
            ),
            referer=True,
        )
        report_route(r, lambda rep, gen: vsb_article(site, rep, body_of(rep, gen), owner))
    extra: list[Item] = []
    if site.primary:
        seed = pl.report(contentlib.SEEDS["000"].agency, "department", 2020, "column", source="seed:000", form="html")
        seed.path = f"/info/1025/{seed.docid}.htm"
        seed.list_paths = ["/ndbg.htm"]
        report_route(seed, lambda rep, gen: vsb_article(site, rep, body_of(rep, gen), owner))
        # one report behind a 302-to-self cookie gate: still a real report, reachable with a cookie jar
        gated = next((r for r in site.reports if r.form == "html" and r.source == "reportgen"), None)
        if gated is not None:
            gated.cookie_gate = True
            cookie_gated(site, gated.path, site.routes[gated.path], f"{gated.docid:x}a7")
        d = Distractor(
            site,
            "website_report",
            contentlib.distractor_title("website_report", region=site.region, agency=site.name, year=2023),
            f"/info/1025/{pl.docid()}.htm",
            "2024-01-16",
        )
        site.distractors.append(d)
        body = contentlib.distractor_body(d.kind, d.title, region=site.region, agency=site.name, year=2023)
        site.routes[d.path] = lambda req: site.html(
            vsb_page(
                site,
                title=d.title,
                agency=site.name + "办公室",
                published=d.published,
                body=body,
                docid=0,
                owner=owner,
                attachments="",
            )
        )
        extra.append(Item(d.path, d.title, d.published))
        site.behaviours += ["vsb-reverse-paging", "referer-required-download", "cookie-gate", "attachment-only-report"]
    robots(site, ["/system/resource/"], None)

    items = sorted(
        [Item(r.path, r.title, r.published) for r in site.reports] + extra,
        key=lambda it: (it.date, it.path),
        reverse=True,
    )
    total_pages = max(1, math.ceil(len(items) / VSB_PER_PAGE))
    for k in range(1, total_pages + 1):  # UI page k
        chunk = items[(k - 1) * VSB_PER_PAGE : k * VSB_PER_PAGE]
        path = "/ndbg.htm" if k == 1 else f"/ndbg/{total_pages - k + 1}.htm"
        site.routes[path] = lambda req, k=k, chunk=chunk: site.html(vsb_list(site, chunk, k, total_pages, len(items)))
    guides = guide_pages(site, "/xxgk/", [("首页", "/"), ("信息公开", site.xxgk_path)])
    glis = "".join(f'<li><a href="{h.lstrip("/")}">{escape(t)}</a></li>' for t, h in guides)
    site.routes[site.xxgk_path] = lambda req: site.html(
        chrome.page(
            site,
            title="信息公开",
            column="信息公开",
            crumbs=[("首页", "/"), ("信息公开", None)],
            main=f'<div class="xxgk"><ul>{glis}<li><a href="ndbg.htm">政府信息公开年度报告</a></li></ul></div>',
        )
    )
    home_page(site, [("信息公开", site.xxgk_path)], news_items(site))


def vsb_list(site: Site, items: list[Item], k: int, total: int, count: int) -> str:
    prefix = "" if k == 1 else "../"

    def page_href(ui: int) -> str:
        if ui == 1:
            return "../ndbg.htm" if k != 1 else "ndbg.htm"
        return f"{'' if k != 1 else 'ndbg/'}{total - ui + 1}.htm"

    lis = "".join(
        f'<li id="line_u5_{i}"><a href="{prefix}{escape(it.path.lstrip("/"))}" target="_blank" '
        f'title="{escape(it.title)}">{escape(short(it.title))}</a><span>{it.date}</span></li>'
        for i, it in enumerate(items)
    )
    parts = [f'<span class="p_t">共{count}条</span><span class="p_pages">']
    if k == 1:
        parts.append('<span class="p_first_d p_fun_d">首页</span><span class="p_prev_d p_fun_d">上页</span>')
    else:
        parts.append(
            f'<span class="p_first p_fun"><a href="{page_href(1)}">首页</a></span>'
            f'<span class="p_prev p_fun"><a href="{page_href(k - 1)}">上页</a></span>'
        )
    for ui in range(1, total + 1):
        if ui == k:
            parts.append(f'<span class="p_no_d">{ui}</span>')
        elif abs(ui - k) <= 2 or ui == total:
            parts.append(f'<span class="p_no"><a href="{page_href(ui)}">{ui}</a></span>')
        elif ui == k + 3:
            parts.append('<span class="p_dot">...</span>')
    if k < total:
        parts.append(
            f'<span class="p_next p_fun"><a href="{page_href(k + 1)}">下页</a></span>'
            f'<span class="p_last p_fun"><a href="{page_href(total)}">尾页</a></span>'
        )
    else:
        parts.append('<span class="p_next_d p_fun_d">下页</span><span class="p_last_d p_fun_d">尾页</span>')
    parts.append(f'</span><span class="p_t">{k}/{total}</span>')
    pager = '<div class="pb_sys_common pb_sys_normal pb_sys_style1">' + "".join(parts) + "</div>"
    main = f'<div class="list-box"><h2>政府信息公开年度报告</h2><ul class="list">{lis}</ul>{pager}</div>'
    return chrome.page(
        site,
        title="政府信息公开年度报告",
        column="政府信息公开年度报告",
        crumbs=[("首页", "/"), ("信息公开", site.xxgk_path), ("年度报告", None)],
        main=main,
    )


def vsb_page(
    site: Site,
    *,
    title: str,
    agency: str,
    published: str,
    body: str,
    docid: int,
    owner: int,
    attachments: str,
    index: str = "",
) -> str:
    meta_rows = [
        ("索引号", index or f"{site.code_digits}/{published[:4]}-00000"),
        ("发文字号", ""),
        ("成文日期", published),
        ("发布日期", published),
        ("标\u3000\u3000题", title),
        ("发布机构", agency),
        ("公文时效", "有效"),
    ]
    main = f"""<form name="_newscontent_fromname">
{chrome.metadata_table(meta_rows, css="xxgk-meta")}
<div class="titlestyle"><h1>{escape(title)}</h1></div>
<div class="info">来源: {escape(agency)} 作者: 时间:{escape(published)} 点击率:\
<script>_showDynClicks("wbnews", {owner}, {docid})</script> \
【<a href="javascript:window.print()">打印</a>】【<a href="javascript:window.close()">关闭</a>】</div>
<div id="vsb_content"><div class="v_news_content">{body}</div></div>
{attachments}
</form>{chrome.article_tools()}"""
    metas = {"ArticleTitle": title, "PubDate": f"{published} 08:00", "ContentSource": agency}
    return chrome.page(
        site,
        title=title,
        column="年度报告",
        crumbs=[("首页", "/"), ("信息公开", site.xxgk_path), ("年度报告", "/ndbg.htm"), ("正文", None)],
        main=main,
        metas=metas,
    )


def vsb_article(site: Site, rep: Report, body: str, owner: int) -> str:
    return vsb_page(
        site,
        title=rep.title,
        agency=rep.agency,
        published=rep.published,
        body=body,
        docid=rep.docid,
        owner=owner,
        attachments=attachment_links(rep, "vsb", ""),
        index=index_no(rep),
    )
