"""TRS WCM sites: 0-based index_N.html with createPageHTML, the 1-based GBK variant,
relative ./YYYYMM/tYYYYMMDD_ID.html links, per-year and per-agency sub-columns, 通知公告, the big5 gateway.
"""

from __future__ import annotations

import math
import random
import zlib
from collections.abc import Callable
from html import escape
from typing import Any

from gxcrawl.demo import big5gate, chrome
from gxcrawl.demo import content as contentlib
from gxcrawl.demo.families.common import (
    Item,
    Options,
    Planner,
    add_attachments,
    add_blocked,
    attachment_links,
    body_of,
    distractor_route,
    guide_pages,
    home_page,
    index_no,
    news_items,
    rel,
    report_route,
    robots,
    short,
    static_page,
    xxgk_page,
)
from gxcrawl.demo.world import Distractor, Report, Request, Response, Site, docid_for

# --- TRS (0-based and 1-based) ------------------------------------------------------------------------------------


def trs_article(
    site: Site,
    *,
    title: str,
    agency: str,
    published: str,
    body: str,
    path: str,
    report: Report | None = None,
    column: str = "政府信息公开年报",
    crumbs=None,
    editor: str = "new",
) -> str:
    page_dir = path.rsplit("/", 1)[0] + "/"
    meta_rows = [
        ("索\u3000引\u3000号", index_no(report) if report else f"{site.code_digits}/{published[:4]}-00001"),
        ("发布机构", agency),
        ("发布日期", published),
        ("主题分类", "政府信息公开年报" if report else "通知公告"),
        ("名\u3000\u3000称", title),
        ("文\u3000\u3000号", ""),
    ]
    editor_cls = "TRS_Editor" if editor == "old" else "trs_editor_view TRS_UEDITOR trs_paper_default trs_word trs_web"
    atts = attachment_links(report, "trs", page_dir) if report else ""
    body_html = body if editor != "old" else f'<div class="Custom_UnionStyle">{body}</div>'
    main = f"""<div class="article">
{chrome.metadata_table(meta_rows)}
<h1 class="article-title">{escape(title)}</h1>
<div class="article-info"><span>来源：{escape(agency)}</span> <span>发布时间：{escape(published)} 09:30</span> \
<span>浏览次数：<script>document.write(Math.floor(Math.random()*900))</script></span></div>
{chrome.article_tools()}
<div class="{editor_cls}">
{body_html}
{atts}
</div>
{chrome.prev_next("关于印发2024年政务公开工作要点的通知", "政府信息公开指南")}
</div>"""
    crumbs = crumbs or [("首页", "/"), ("政务公开", site.xxgk_path), (column, None), ("正文", None)]
    metas = {
        "ArticleTitle": title,
        "PubDate": f"{published} 09:30",
        "ContentSource": agency,
        "Keywords": "政府信息公开,年度报告" if report else "通知",
        "Author": agency,
    }
    return chrome.page(site, title=title, column=column, crumbs=crumbs, main=main, metas=metas)


def trs_list_page(
    site: Site,
    *,
    title: str,
    crumbs,
    items: list[Item],
    page: int,
    pages: int,
    list_dir: str,
    one_based: bool,
    variant: str,
    table: bool = False,
    sidebar: str = "",
) -> str:
    if table:
        rows = "".join(
            f'<tr><td class="mc"><a href="{escape(rel(list_dir, it.path))}" title="{escape(it.title)}" target="_blank">'
            f"{escape(short(it.title))}</a></td>"
            f"<td>{site.code_digits}/{it.date[:4]}-{zlib.crc32(it.path.encode()) % 99999:05d}</td>"
            f"<td>{escape(site.name)}</td><td>{it.date}</td></tr>"
            for it in items
        )
        listing = (
            '<table class="xxgk-list"><tr><th>名称</th><th>索引号</th><th>发布机构</th><th>发布日期</th></tr>'
            f"{rows}</table>"
        )
    else:
        lis = "".join(
            f'<li><a href="{escape(rel(list_dir, it.path))}" title="{escape(it.title)}" target="_blank">'
            f"{escape(short(it.title))}</a><span>{it.date}</span></li>"
            for it in items
        )
        listing = f'<ul class="list">{lis}</ul>'
    if one_based:
        pager = (
            f"<script>createPageHTML('paging', {pages}, {page + 1}, 'index', 'html', {len(items)});</script>"
            '<div id="paging"></div>'
        )
    elif variant == "inline":
        last = "index.html" if pages == 1 else f"index_{pages - 1}.html"
        nxt = f"index_{page + 1}.html" if page + 1 < pages else last
        prv = "index.html" if page <= 1 else f"index_{page - 1}.html"
        pager = (
            f'<div class="page"><script>var countPage = {pages}; var currentPage = {page}; '
            "for (var i = 0; i < countPage; i++) { if (i == currentPage) "
            'document.write("<span>" + (i + 1) + "</span>"); '
            'else document.write("<a href=\\"index" + (i == 0 ? "" : "_" + i) + ".html\\">" '
            '+ (i + 1) + "</a>"); }</script>'
            f'<noscript><a href="index.html">首页</a> <a href="{prv}">上一页</a> <a href="{nxt}">下一页</a> '
            f'<a href="{last}">尾页</a></noscript></div>'
        )
    else:
        pager = f'<div class="page"><script>createPageHTML({pages}, {page}, "index", "html");</script></div>'
    main = f'{sidebar}<div class="list-box"><h2 class="column-title">{escape(title)}</h2>{listing}{pager}</div>'
    return chrome.page(site, title=title, column=title, crumbs=crumbs, main=main)


def trs_list(
    site: Site,
    list_dir: str,
    title: str,
    crumbs,
    items_fn: Callable[[], list[Item]],
    *,
    per_page: int,
    one_based: bool = False,
    variant: str = "createPageHTML",
    table: bool = False,
    sidebar: str = "",
) -> None:
    """Register index.html and every follow-up page of one TRS column (items read lazily, newest first)."""

    def page_path(k: int) -> str:
        if k == 0:
            return list_dir + "index.html"
        return list_dir + (f"index_{k + 1}.html" if one_based else f"index_{k}.html")

    # the page count must be known to register paths; items_fn is cheap (metadata only)
    items = sorted(items_fn(), key=lambda it: (it.date, it.path), reverse=True)
    pages = max(1, math.ceil(len(items) / per_page))
    for k in range(pages):
        chunk = items[k * per_page : (k + 1) * per_page]

        def handle(req: Request, k: int = k, chunk: list[Item] = chunk) -> Response:
            return site.html(
                trs_list_page(
                    site,
                    title=title,
                    crumbs=crumbs,
                    items=chunk,
                    page=k,
                    pages=pages,
                    list_dir=list_dir,
                    one_based=one_based,
                    variant=variant,
                    table=table,
                    sidebar=sidebar,
                )
            )

        site.routes[page_path(k)] = handle
    if list_dir != "/":
        site.routes[list_dir] = site.routes[page_path(0)]


def trs_report_path(list_dir: str, r: Report, ext: str = "html") -> str:
    return f"{list_dir}{r.ymd[:6]}/t{r.ymd}_{r.docid}.{ext}"


def trs_attachment_path(rep: Report, kind: str, i: int) -> str:
    """An attachment beside its TRS article: P0, the date, the docid's last six digits, its number."""
    return f"{rep.path.rsplit('/', 1)[0]}/P0{rep.ymd}{rep.docid % 1000000:06d}{i}.{kind}"


def trs_report_route(site: Site, report: Report, **article: Any) -> None:
    """Serve `report` at its path as a TRS article page of `site`; `article`: trs_article's page options."""
    report_route(
        report,
        lambda rep, gen: trs_article(
            site,
            title=rep.title,
            agency=rep.agency,
            published=rep.published,
            body=body_of(rep, gen),
            path=rep.path,
            report=rep,
            **article,
        ),
    )


def build_trs(site: Site, rng: random.Random, opts: Options, registry: dict) -> None:
    """City portal, TRS WCM, 0-based index_N.html; per-year folders, per-agency sub-columns, 通知公告."""
    pl = Planner(site, rng, opts, 24)
    root = "/zwgk/zfxxgk/"
    nb = root + "zfxxgknb/"
    site.xxgk_path = root + "index.html"
    site.report_columns = [nb + "index.html"]
    site.gzip = True
    crumbs_x = [("首页", "/"), ("政务公开", site.xxgk_path)]
    dept_slugs: dict[str, str] = {}
    town_slugs: dict[str, str] = {}
    first_pdf = True
    for agency, kind, year in pl.pairs(n_departments=4, n_townships=2):
        form = None
        if kind == "department" and first_pdf:
            form, first_pdf = "html+pdf", False
        group = {"government": "year", "department": "department", "township": "township"}[kind]
        r = pl.report(agency, kind, year, group, form=form)
        if kind == "government":
            list_dir = f"{nb}{year}n/"
            r.list_paths = [nb + "index.html", list_dir + "index.html"]
        elif kind == "department":
            slug = dept_slugs.setdefault(agency, f"auto{23700 + len(dept_slugs) * 17}")
            list_dir = f"{root}bmxxgk/{slug}/ndbg/"
            r.list_paths = [list_dir + "index.html"]
        else:
            slug = town_slugs.setdefault(agency, f"xz{len(town_slugs) + 1:02d}")
            list_dir = f"{root}xzxxgk/{slug}/ndbg/"
            r.list_paths = [list_dir + "index.html"]
        r.path = trs_report_path(list_dir, r)
        add_attachments(
            r,
            lambda rep, kind, i: (
                f"{rep.path.rsplit('/', 1)[0]}/P0{rep.ymd}{rep.docid % 1000000:06d}{i}"
                f"{rng.randrange(100000, 999999)}.{kind}"
            ),
        )
        editor = "old" if r.report_year <= 2020 else "new"
        trs_report_route(site, r, editor=editor)

    extra_items: list[Item] = []
    tzgg_items: list[Item] = []
    if site.primary:
        # 通知公告 holds a misfiled report (a real seed) and notices that look like reports
        misfiled = pl.report(
            contentlib.SEEDS["003"].agency, "department", 2020, "misfiled", source="seed:003", form="html"
        )
        misfiled.path = f"/zwgk/tzgg/{misfiled.ymd[:6]}/t{misfiled.ymd}_{misfiled.docid}.html"
        misfiled.list_paths = ["/zwgk/tzgg/index.html"]
        trs_report_route(site, misfiled, column="通知公告", editor="old")
        tzgg_items.append(Item(misfiled.path, misfiled.title, misfiled.published))
        for kind, year, date, where in (
            ("compile_notice", 2023, "2023-12-08", "tzgg"),
            ("rule_of_law_report", 2023, "2024-03-20", "tzgg"),
            ("format_notice", 2021, "2021-10-09", "nb"),
            ("website_report", 2023, "2024-01-15", "nb"),
        ):
            did = pl.docid()
            ymd = date.replace("-", "")
            base = "/zwgk/tzgg/" if where == "tzgg" else f"{nb}{year}n/"
            d = Distractor(
                site,
                kind,
                contentlib.distractor_title(kind, region=site.region, agency=site.name, year=year),
                f"{base}{ymd[:6]}/t{ymd}_{did}.html",
                date,
            )
            site.distractors.append(d)
            distractor_route(site, d, lambda s, **kw: trs_article(s, column="通知公告", **kw))
            (tzgg_items if where == "tzgg" else extra_items).append(Item(d.path, d.title, d.published))
        for i, t in enumerate(("关于开展2024年度消防安全检查的通知", "关于2024年春节期间值班安排的公告")):
            did = pl.docid()
            d = Distractor(
                site,
                "other",
                f"{site.region}{t}",
                f"/zwgk/tzgg/20240{i + 1}/t20240{i + 1}1{i}_{did}.html",
                f"2024-0{i + 1}-1{i}",
            )
            site.distractors.append(d)
            distractor_route(site, d, lambda s, **kw: trs_article(s, column="通知公告", **kw))
            tzgg_items.append(Item(d.path, d.title, d.published))
        # a WAF rule on one article (瑞数-style 412) and a page robots.txt forbids
        did = pl.docid()
        p412 = f"{nb}2023n/202402/t20240206_{did}.html"
        add_blocked(site, p412, "challenge-412", f"{site.name}办公室2023年政府信息公开工作年度报告")
        extra_items.append(Item(p412, site.blocked[-1].title, "2024-02-06"))
        did = pl.docid()
        robots_path = f"/zwgk/nbsh/202303/t20230310_{did}.html"
        robots_title = f"{site.name}2022年政府信息公开工作年度报告（送审稿）"
        site.routes[robots_path] = lambda req: site.html(
            trs_article(
                site,
                title=robots_title,
                agency=site.name,
                published="2023-03-10",
                body="<p>送审稿，内部审核使用。</p>",
                path=robots_path,
            )
        )
        extra_items.append(Item(robots_path, robots_title, "2023-03-10"))
        registry["robots_pages"].append((site, robots_path))
        site.big5_gateway = True
        robots(site, ["/zwgk/nbsh/", "/search/", f"{big5gate.prefix(site)}/zwgk/nbsh/"], site.crawl_delay)
        big5gate.install(site)
        site.behaviours += ["robots-disallow", "crawl-delay", "challenge-412", "misfiled-report", "gzip"]
    else:
        robots(site, [], None)

    def gov_items(year: int | None = None) -> list[Item]:
        out = [
            Item(r.path, r.title, r.published)
            for r in site.reports
            if r.agency_kind == "government"
            and r.group in ("year", "republished")
            and (year is None or (r.group == "year" and r.report_year == year))
        ]
        if year is None:
            out += extra_items
        else:
            out += [it for it in extra_items if it.path.startswith(f"{nb}{year}n/")]
        return out

    years = sorted({r.report_year for r in site.reports if r.group == "year"}, reverse=True)
    sidebar = (
        '<div class="sidebar"><ul>'
        + "".join(f'<li><a href="{nb}{y}n/index.html">{y}年</a></li>' for y in years)
        + "</ul></div>"
    )
    # the main column is registered after the republished reports are added (see link_republished)
    registry["deferred"].append(
        lambda: trs_list(
            site,
            nb,
            "政府信息公开年报",
            crumbs_x + [("政府信息公开年报", None)],
            gov_items,
            per_page=8,
            sidebar=sidebar,
        )
    )
    for y in set(years) | {2023}:
        trs_list(
            site,
            f"{nb}{y}n/",
            f"{y}年",
            crumbs_x + [("政府信息公开年报", nb + "index.html"), (f"{y}年", None)],
            lambda y=y: gov_items(y),
            per_page=8,
        )
    for kind_label, base, slugs in (
        ("部门信息公开", root + "bmxxgk/", dept_slugs),
        ("乡镇信息公开", root + "xzxxgk/", town_slugs),
    ):
        links = []
        for agency, slug in slugs.items():
            ad = f"{base}{slug}/"
            links.append((agency, ad + "index.html"))
            static_index = (
                f'<div class="bm-col"><h2>{escape(agency)}</h2><ul>'
                f'<li><a href="{ad}zfxxgkzn/index.html">政府信息公开指南</a></li>'
                f'<li><a href="{ad}ndbg/index.html">政府信息公开年报</a></li></ul></div>'
            )
            site.routes[ad + "index.html"] = lambda req, agency=agency, html_=static_index, kl=kind_label: site.html(
                chrome.page(
                    site, title=agency, column=agency, crumbs=crumbs_x + [(kl, None), (agency, None)], main=html_
                )
            )
            static_page(
                site,
                ad + "zfxxgkzn/index.html",
                f"{agency}政府信息公开指南",
                ["本指南依据《中华人民共和国政府信息公开条例》编制。"],
                crumbs_x + [(agency, ad + "index.html"), ("政府信息公开指南", None)],
            )
            trs_list(
                site,
                ad + "ndbg/",
                "政府信息公开年报",
                crumbs_x + [(kind_label, base + "index.html"), (agency, ad + "index.html"), ("年报", None)],
                lambda agency=agency: [
                    Item(r.path, r.title, r.published)
                    for r in site.reports
                    if r.agency == agency and r.group != "republished"
                ],
                per_page=4,
                variant="inline",
            )
        lis = "".join(f'<li><a href="{h}">{escape(t)}</a></li>' for t, h in links)
        site.routes[base + "index.html"] = lambda req, lis=lis, kl=kind_label: site.html(
            chrome.page(
                site,
                title=kl,
                column=kl,
                crumbs=crumbs_x + [(kl, None)],
                main=f'<div class="bm-list"><ul>{lis}</ul></div>',
            )
        )
    if tzgg_items:
        trs_list(site, "/zwgk/tzgg/", "通知公告", [("首页", "/"), ("通知公告", None)], lambda: tzgg_items, per_page=8)
    guides = guide_pages(site, root, crumbs_x)
    blocks = guides + [
        ("政府信息公开年报", nb + "index.html"),
        ("部门信息公开", root + "bmxxgk/index.html"),
        ("乡镇信息公开", root + "xzxxgk/index.html"),
    ]
    lis = "".join(f'<li><a href="{h}">{escape(t)}</a></li>' for t, h in blocks)
    xxgk_page(site, site.xxgk_path, f'<div class="xxgk-blocks"><ul>{lis}</ul></div>')
    site.routes[root] = site.routes[site.xxgk_path]
    home_links = [("政府信息公开", site.xxgk_path)] + ([("通知公告", "/zwgk/tzgg/index.html")] if tzgg_items else [])
    home_page(site, home_links, news_items(site))


def build_trs1(site: Site, rng: random.Random, opts: Options, registry: dict) -> None:
    """County portal on an older TRS: GBK pages, 1-based index_2.html paging, one flat 部门 list."""
    pl = Planner(site, rng, opts, 12)
    root = "/zfxxgk/"
    nb = root + "zfxxgknb/"
    bm = nb + "bmnb/"
    site.encoding = "gbk"
    site.xxgk_path = root + "index.html"
    crumbs_x = [("首页", "/"), ("政府信息公开", site.xxgk_path)]
    for agency, kind, year in pl.pairs(n_departments=5, n_townships=0):
        if kind == "township":
            kind = "department"
        r = pl.report(agency, kind, year, "column" if kind == "government" else "flat")
        list_dir = nb if kind == "government" else bm
        r.path = trs_report_path(list_dir, r, "htm")
        r.list_paths = [list_dir + "index.html"]
        add_attachments(r, trs_attachment_path)
        trs_report_route(site, r, editor="old")
    bm_extra: list[Item] = []
    if site.primary:
        seed = pl.report(contentlib.SEEDS["001"].agency, "department", 2021, "flat", source="seed:001", form="html")
        seed.path = trs_report_path(bm, seed, "htm")
        seed.list_paths = [bm + "index.html"]
        trs_report_route(site, seed, editor="old")
        # an attachment-only report whose file is OFD (the national e-document format): archived, not parsed
        if site.departments:
            ofd = pl.report(site.departments[-1], "department", 2023, "flat", form="attachment_only")
            ofd.attachment_kind = "ofd"
            site.behaviours.append("ofd-attachment")
            ofd.path = trs_report_path(bm, ofd, "htm")
            ofd.list_paths = [bm + "index.html"]
            add_attachments(ofd, trs_attachment_path)
            trs_report_route(site, ofd, editor="old")
        did = pl.docid()
        p404 = f"{bm}202201/t20220120_{did}.htm"
        add_blocked(site, p404, "soft-404", f"{site.region}统计局2021年度政府信息公开工作报告")
        bm_extra.append(Item(p404, site.blocked[-1].title, "2022-01-20"))
        dep = site.departments[0] if site.departments else site.name
        d = Distractor(
            site,
            "final_accounts",
            contentlib.distractor_title("final_accounts", region=site.region, agency=dep, year=2022),
            f"{bm}202308/t20230815_{pl.docid()}.htm",
            "2023-08-15",
        )
        site.distractors.append(d)
        body = contentlib.distractor_body(d.kind, d.title, region=site.region, agency=dep, year=2022)
        site.routes[d.path] = lambda req, d=d, body=body: site.html(
            trs_article(
                site, title=d.title, agency=dep, published=d.published, body=body, path=d.path, column="部门年报"
            )
        )
        bm_extra.append(Item(d.path, d.title, d.published))
        site.behaviours += ["gbk", "trs-1-based", "soft-404", "flat-department-list"]
    robots(site, [], None)
    trs_list(
        site,
        nb,
        "政府信息公开年报",
        crumbs_x + [("政府信息公开年报", None)],
        lambda: [Item(r.path, r.title, r.published) for r in site.reports if r.group == "column"],
        per_page=6,
        one_based=True,
        sidebar=(
            f'<div class="sidebar"><ul><li><a href="{nb}index.html">本级政府</a></li>'
            f'<li><a href="{bm}index.html">部门年报</a></li></ul></div>'
        ),
    )
    trs_list(
        site,
        bm,
        "部门年报",
        crumbs_x + [("政府信息公开年报", nb + "index.html"), ("部门年报", None)],
        lambda: [Item(r.path, r.title, r.published) for r in site.reports if r.group == "flat"] + bm_extra,
        per_page=6,
        one_based=True,
        table=True,
    )
    guides = guide_pages(site, root, crumbs_x)
    lis = "".join(
        f'<li><a href="{h}">{escape(t)}</a></li>' for t, h in guides + [("政府信息公开年报", nb + "index.html")]
    )
    xxgk_page(site, site.xxgk_path, f'<div class="xxgk-blocks"><ul>{lis}</ul></div>')
    home_page(site, [("政府信息公开", site.xxgk_path)], news_items(site))


def link_republished(original_site: Site, host_site: Site, rng: random.Random) -> None:
    """The city portal republishes the county government's report (same text, another host)."""
    originals = [
        r
        for r in original_site.reports
        if r.agency_kind == "government" and r.form == "html" and r.source == "reportgen"
    ]
    if not originals:
        return
    orig = originals[0]
    dup = Report(
        uid=orig.uid + ":republished",
        site=host_site,
        agency=orig.agency,
        agency_kind="government",
        report_year=orig.report_year,
        fmt=orig.fmt,
        form="html",
        layout=orig.layout,
        source=orig.source,
        defects=orig.defects,
        docid=docid_for(host_site, 9000 + rng.randrange(1000)),
        group="republished",
        duplicate_of=orig,
    )
    nb = "/zwgk/zfxxgk/zfxxgknb/"
    dup.path = f"{nb}gqzf/{dup.ymd[:6]}/t{dup.ymd}_{dup.docid}.html"
    dup.list_paths = [nb + "index.html"]
    host_site.reports.append(dup)
    trs_report_route(host_site, dup, column="区县政府年报")
    host_site.behaviours.append("republished-report")
