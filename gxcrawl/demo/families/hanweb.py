"""Hanweb sites: records only inside the XML datastore, a working dataproxy.jsp,
/art/ pages with ZJEG markers, the xxgkAnnualReport.jsp module, and the JPaaS page-build unit JSON list.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from collections.abc import Callable
from html import escape

from gxcrawl.demo import chrome
from gxcrawl.demo import content as contentlib
from gxcrawl.demo.families.common import (
    Item,
    Options,
    Planner,
    add_attachments,
    add_blocked,
    attachment_links,
    body_of,
    guide_pages,
    home_page,
    index_no,
    news_items,
    report_route,
    robots,
    short,
    to_int,
    xxgk_page,
)
from gxcrawl.demo.families.generic import xxgk_index
from gxcrawl.demo.world import Distractor, Report, Request, Response, Site

# --- Hanweb ---------------------------------------------------------------------------------------------------------


HANWEB_PER_PAGE = 4
HANWEB_GROUP = 3


def hanweb_record(it: Item) -> str:
    y, m, d = it.date.split("-")
    return (
        f'<li class="clearfix"><a href="{escape(it.path)}" title="{escape(it.title)}" target="_blank">'
        f'{escape(short(it.title))}</a><span class="pull-right">{y}-\n{m}-\n{d}</span></li>'
    )


def hanweb_datastore(
    items: list[Item], *, total: int, column_id: int, unit_id: int, webid: int, site_name: str, with_totals: bool
) -> str:
    records = "\n".join(f"<record><![CDATA[{hanweb_record(it)}]]></record>" for it in items)
    totals = ""
    if with_totals:
        totals = (
            f"<totalrecord>{total}</totalrecord><totalpage>{max(1, math.ceil(total / HANWEB_PER_PAGE))}</totalpage>"
        )
    nextgroup = (
        f'<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid={webid}&path=/'
        f'&columnid={column_id}&unitid={unit_id}&webname={escape(site_name)}&permissiontype=0"></a>]]></nextgroup>'
    )
    return f"<datastore>{nextgroup}{totals}<recordset>\n{records}\n</recordset></datastore>"


def build_hanweb(site: Site, rng: random.Random, opts: Options, registry: dict) -> None:
    """Hanweb JCMS: /col/colN/index.html with records only in the XML datastore, dataproxy.jsp paging."""
    pl = Planner(site, rng, opts, 18)
    webid = 100 + site.index
    col_base = 1229000000 + site.index * 10000
    columns: dict[int, dict] = {}  # column id -> {"title", "unit", "items": callable}

    def col_path(c: int) -> str:
        return f"/col/col{c}/index.html"

    c_xxgk, c_nb, c_bm, c_xz = col_base + 1, col_base + 2, col_base + 3, col_base + 4
    site.xxgk_path = col_path(c_xxgk)
    first_docx = True
    changed_done = False
    town_cols: dict[str, int] = {}
    for agency, kind, year in pl.pairs(n_departments=4, n_townships=2):
        form = None
        make_changed = False
        if first_docx and kind == "government":
            form, first_docx = "html+docx", False
        elif site.primary and not changed_done and kind == "government":
            # the report that is silently corrected after publication (see DemoPortal.mutate)
            form, make_changed, changed_done = "html", True, True
        if kind == "township":
            col = town_cols.setdefault(agency, col_base + 10 + len(town_cols))
            group = "township"
        else:
            col = c_nb if kind == "government" else c_bm
            group = "column" if kind == "government" else "department"
        r = pl.report(agency, kind, year, group, form=form)
        if make_changed:
            r.changed, r.layout = True, "html"
        y, m, d = (int(x) for x in r.published.split("-"))
        r.path = f"/art/{y}/{m}/{d}/art_{col}_{r.docid}.html"
        r.list_paths = [col_path(col)]
        add_attachments(
            r, lambda rep, kind, i: f"/module/download/downfile.jsp?classid=0&filename={rep.ymd}{rep.docid}{i}.{kind}"
        )
        report_route(r, lambda rep, gen, col=col: hanweb_article(site, rep, body_of(rep, gen), col))
    extra: dict[int, list[Item]] = {c_nb: [], c_bm: []}
    if site.primary:
        pre = pl.report(site.name, "government", 2017, "column", form="html", fmt="pre2019")
        y, m, d = (int(x) for x in pre.published.split("-"))
        pre.path = f"/art/{y}/{m}/{d}/art_{c_nb}_{pre.docid}.html"
        pre.list_paths = [col_path(c_nb)]
        report_route(pre, lambda rep, gen: hanweb_article(site, rep, body_of(rep, gen), c_nb))
        seed = pl.report(
            contentlib.SEEDS["002"].agency, "department", 2020, "department", source="seed:002", form="html"
        )
        y, m, d = (int(x) for x in seed.published.split("-"))
        seed.path = f"/art/{y}/{m}/{d}/art_{c_bm}_{seed.docid}.html"
        seed.list_paths = [col_path(c_bm)]
        report_route(seed, lambda rep, gen: hanweb_article(site, rep, body_of(rep, gen), c_bm))
        did = pl.docid()
        p521 = f"/art/2024/1/22/art_{c_bm}_{did}.html"
        add_blocked(site, p521, "challenge-521", f"{site.region}公安局2023年政府信息公开工作年度报告")
        extra[c_bm].append(Item(p521, site.blocked[-1].title, "2024-01-22"))
        for kind, year, date in (("work_report", 2023, "2024-01-25"), ("rule_of_law_report", 2022, "2023-03-28")):
            did = pl.docid()
            y, m, d = date.split("-")
            dd = Distractor(
                site,
                kind,
                contentlib.distractor_title(kind, region=site.region, agency=site.name, year=year),
                f"/art/{y}/{int(m)}/{int(d)}/art_{c_nb}_{did}.html",
                date,
            )
            site.distractors.append(dd)
            body = contentlib.distractor_body(kind, dd.title, region=site.region, agency=site.name, year=year)
            site.routes[dd.path] = lambda req, dd=dd, body=body: site.html(
                hanweb_page(
                    site,
                    title=dd.title,
                    agency=site.name + "办公室",
                    published=dd.published,
                    body=body,
                    col=c_nb,
                    docid=int(dd.path.rsplit("_", 1)[1].split(".")[0]),
                    index="",
                    attachments="",
                )
            )
            extra[c_nb].append(Item(dd.path, dd.title, dd.published))
        # a robots.txt answered with a soft-404 HTML page (treat as "no rules")
        site.robots_txt = None
        site.behaviours += [
            "hanweb-datastore",
            "dataproxy",
            "challenge-521",
            "pre2019-report",
            "changed-report",
            "robots-soft-404",
        ]
    else:
        robots(site, [], None)

    def items_of(col: int) -> Callable[[], list[Item]]:
        def get() -> list[Item]:
            its = [Item(r.path, r.title, r.published) for r in site.reports if r.list_paths == [col_path(col)]]
            its += extra.get(col, [])
            return sorted(its, key=lambda it: (it.date, it.path), reverse=True)

        return get

    titles = {c_nb: "政府信息公开年报", c_bm: "部门年报"}
    for agency, col in town_cols.items():
        titles[col] = f"{agency}年度报告"
    for col, title in titles.items():
        unit = 200000 + col % 100000
        columns[col] = {"title": title, "unit": unit, "items": items_of(col)}
        site.routes[col_path(col)] = lambda req, col=col: site.html(hanweb_column(site, col, columns[col], webid))
    registry.setdefault("hanweb_columns", {})[site.id] = {c: {"unit": v["unit"]} for c, v in columns.items()}

    def dataproxy(req: Request) -> Response:
        f = req.form()
        try:
            col = int(f.get("columnid", ["0"])[0])
            unit = int(f.get("unitid", ["0"])[0])
        except ValueError:
            col, unit = 0, 0
        meta = columns.get(col)
        if meta is None or meta["unit"] != unit:
            # wrong or missing ids: real deployments answer an empty datastore
            return Response(200, b"<datastore><recordset></recordset></datastore>", "text/xml; charset=utf-8")
        items = meta["items"]()
        perpage = to_int(f.get("perpage", [str(HANWEB_PER_PAGE)])[0], HANWEB_PER_PAGE)
        if "startrecord" in f:
            start = to_int(f["startrecord"][0], 1)
            end = to_int(f.get("endrecord", [str(start + HANWEB_GROUP * perpage - 1)])[0], start)
        else:
            page = to_int(f.get("page", ["1"])[0], 1)
            start = (page - 1) * perpage + 1
            end = start + perpage - 1
        window = items[max(0, start - 1) : max(0, end)]
        xml = hanweb_datastore(
            window, total=len(items), column_id=col, unit_id=unit, webid=webid, site_name=site.name, with_totals=True
        )
        return Response(
            200, ('<?xml version="1.0" encoding="UTF-8"?>' + xml).encode("utf-8"), "text/xml; charset=utf-8"
        )

    site.routes["/module/web/jpage/dataproxy.jsp"] = dataproxy
    module_path = hanweb_annual_module(site, c_nb)
    lis = "".join(f'<li><a href="{col_path(c)}">{escape(columns[c]["title"])}</a></li>' for c in (c_nb, c_bm))
    lis += f'<li><a href="{module_path}">年度报告查阅</a></li>'
    town_lis = "".join(f'<li><a href="{col_path(c)}">{escape(a)}</a></li>' for a, c in town_cols.items())
    guides = guide_pages(site, "/xxgk/", [("首页", "/"), ("信息公开", site.xxgk_path)])
    glis = "".join(f'<li><a href="{h}">{escape(t)}</a></li>' for t, h in guides)
    main_x = (
        f'<div class="xxgk"><h2>政府信息公开</h2><ul>{glis}{lis}'
        f'<li><a href="{col_path(c_xz)}">乡镇年报</a></li></ul></div>'
    )
    xxgk_page(site, site.xxgk_path, main_x)
    site.routes[col_path(c_xz)] = lambda req: site.html(
        chrome.page(
            site,
            title="乡镇年报",
            column="乡镇年报",
            crumbs=[("首页", "/"), ("政府信息公开", site.xxgk_path), ("乡镇年报", None)],
            main=f'<div class="xz-list"><ul>{town_lis}</ul></div>',
        )
    )
    home_page(site, [("政府信息公开", site.xxgk_path)], news_items(site))


ANNUAL_MODULE = "/module/xxgk/xxgkAnnualReport.jsp"


def hanweb_annual_module(site: Site, col: int) -> str:
    """The Hanweb 信息公开 annual-report viewer: one URL per (unit, year) re-serving the government's /art/ report."""
    area = f"{site.code_digits}000{site.index:03d}"
    by_year: dict[int, Report] = {}
    for r in list(site.reports):
        if (
            r.agency_kind == "government"
            and r.group == "column"
            and r.form != "attachment_only"
            and r.report_year not in by_year
        ):
            dup = Report(
                uid=r.uid + ":module",
                site=site,
                agency=r.agency,
                agency_kind="government",
                report_year=r.report_year,
                fmt=r.fmt,
                form="html",
                layout=r.layout,
                source=r.source,
                defects=r.defects,
                docid=r.docid,
                group="module",
                duplicate_of=r,
                changed=r.changed,
            )
            dup.path = f"{ANNUAL_MODULE}?area={area}&fbtime={r.report_year}"
            dup.list_paths = [ANNUAL_MODULE + "?area=" + area]
            by_year[r.report_year] = dup
            site.reports.append(dup)

    def render(rep: Report) -> str:
        orig = rep.duplicate_of
        assert orig is not None
        return hanweb_page(
            site,
            title=rep.title,
            agency=rep.agency,
            published=rep.published,
            body=body_of(orig, site.generation),
            col=col,
            docid=rep.docid,
            index=index_no(rep),
            attachments="",
        )

    def handle(req: Request) -> Response:
        if req.param("area") != area:
            return site.html(
                chrome.page(site, title="年度报告", column="年度报告", crumbs=[("首页", "/")], main="<p>暂无数据</p>")
            )
        year = to_int(req.param("fbtime"), 0)
        if year in by_year:
            rep = by_year[year]
            return site.html(render(rep), last_modified=rep.published)
        links = "".join(
            f'<li><a href="xxgkAnnualReport.jsp?area={area}&amp;fbtime={y}">{y}年度</a></li>'
            for y in sorted(by_year, reverse=True)
        )
        return site.html(
            chrome.page(
                site,
                title="政府信息公开年度报告",
                column="政府信息公开年度报告",
                crumbs=[("首页", "/"), ("政府信息公开", site.xxgk_path), ("年度报告", None)],
                main=f'<div class="nb-years"><ul>{links}</ul></div>',
            )
        )

    site.routes[ANNUAL_MODULE] = handle
    site.behaviours.append("annual-report-module")
    return f"{ANNUAL_MODULE}?area={area}"


def hanweb_column(site: Site, col: int, meta: dict, webid: int) -> str:
    items = meta["items"]()
    first = items[: HANWEB_PER_PAGE * HANWEB_GROUP]
    unit = meta["unit"]
    store = hanweb_datastore(
        first, total=len(items), column_id=col, unit_id=unit, webid=webid, site_name=site.name, with_totals=False
    )
    main = f"""<div class="list-box"><h2 class="column-title">{escape(meta["title"])}</h2>
<div id="{unit}"><script type="text/xml">{store}</script></div>
<script language="javascript" src="/module/web/jpage/jpage.js"></script>
<script>$(document).ready(function(){{ $('#{unit}').jpage({{ dataStore: '{unit}', totalRecord: {len(items)}, \
perPage: {HANWEB_PER_PAGE}, groupSize: {HANWEB_GROUP}, proxyUrl: '/module/web/jpage/dataproxy.jsp', \
ajaxParam: {{col: 1, appid: '1', webid: {webid}, path: '/', columnid: {col}, sourceContentType: 1, \
unitid: '{unit}', webname: '{escape(site.name)}', permissiontype: 0}} }}); }});</script>
</div>"""
    return chrome.page(
        site,
        title=meta["title"],
        column=meta["title"],
        crumbs=[("首页", "/"), ("政府信息公开", site.xxgk_path), (meta["title"], None)],
        main=main,
        title_tag=f"{site.name} {meta['title']}",
    )


def hanweb_page(
    site: Site,
    *,
    title: str,
    agency: str,
    published: str,
    body: str,
    col: int,
    docid: int,
    index: str,
    attachments: str,
) -> str:
    meta_rows = [
        ("索引号", index or f"{site.code_digits}/{published[:4]}-{docid % 100000:05d}"),
        ("主题分类", "综合政务"),
        ("发布机构", agency),
        ("发文日期", published),
        ("发文字号", ""),
        ("时\u3000\u3000效", "有效"),
    ]
    main = f"""<div class="article">
{chrome.metadata_table(meta_rows)}
<div class="artile_title"><h2>{escape(title)}</h2></div>
<div class="artile_info"><!--<$[信息来源]>begin-->信息来源：{escape(agency)}<!--<$[信息来源]>end--> \
发布日期：{escape(published)} 浏览次数：\
<script language="javascript" src="/module/visitcount/articlehits.jsp?colid={col}&artid={docid}"></script></div>
{chrome.article_tools()}
<div id="zoom"><!--ZJEG_RSS.content.begin--><meta name="ContentStart">{body}\
<meta name="ContentEnd"><!--ZJEG_RSS.content.end--></div>
{attachments}
</div>"""
    metas = {
        "ArticleTitle": title,
        "PubDate": f"{published} 10:11",
        "ContentSource": agency,
        "i_columnid": str(col),
        "i_articleid": str(docid),
        "Maketime": f"{published} 10:11:32",
    }
    return chrome.page(
        site,
        title=title,
        column="政府信息公开年报",
        crumbs=[("首页", "/"), ("政府信息公开", site.xxgk_path), ("年度报告", f"/col/col{col}/index.html")],
        main=main,
        metas=metas,
        title_tag=f"{site.name} 政府信息公开年报 {title}",
    )


def hanweb_article(site: Site, rep: Report, body: str, col: int) -> str:
    return hanweb_page(
        site,
        title=rep.title,
        agency=rep.agency,
        published=rep.published,
        body=body,
        col=col,
        docid=rep.docid,
        index=index_no(rep),
        attachments=attachment_links(rep, "plain", ""),
    )


# --- Hanweb JPaaS page-build units (Zhejiang) ---------------------------------------------------------------------

JPAAS_UNIT = "/api-gateway/jpaas-publish-server/front/page/build/unit"


def build_jpaas(site: Site, rng: random.Random, opts: Options, registry: dict) -> None:
    """JPaaS: the column HTML declares a page-build unit; the list only comes from the unit JSON call."""
    pl = Planner(site, rng, opts, 10)
    web_id, tpl, page_id = 3000 + site.index, 1000 + site.index, 4400000 + site.index
    col = 1229700000 + site.index
    col_path = f"/col/col{col}/index.html"
    site.xxgk_path = "/xxgk/index.html"
    for agency, kind, year in pl.pairs(n_departments=2, n_townships=1):
        r = pl.report(agency, kind, year, "column")
        hexid = hashlib.md5(r.uid.encode()).hexdigest()
        r.path = f"/col/col{col}/art/{r.published[:4]}/art_{hexid}.html"
        r.list_paths = [col_path]
        add_attachments(
            r, lambda rep, kind, i: f"/module/download/downfile.jsp?classid=0&filename={rep.docid}{i}.{kind}"
        )
        report_route(r, lambda rep, gen: hanweb_article(site, rep, body_of(rep, gen), col))

    def unit(req: Request) -> Response:
        if req.param("webId") != str(web_id) or req.param("pageId") != str(page_id):
            return Response(200, b'{"success":false,"msg":"unit not found","data":null}', "application/json")
        try:
            params = json.loads(req.param("paramJson", "{}") or "{}")
        except ValueError:
            params = {}
        page_no = max(1, to_int(str(params.get("pageNo", 1)), 1))
        size = min(100, max(1, to_int(str(params.get("pageSize", 15)), 15)))
        rows = sorted(site.reports, key=lambda r: (r.published, r.path), reverse=True)
        chunk = rows[(page_no - 1) * size : page_no * size]
        html = "".join(
            f'<li><a href="{escape(r.path)}" title="{escape(r.title)}" target="_blank">{escape(short(r.title))}'
            f"</a><span>{r.published}</span></li>"
            for r in chunk
        )
        body = {"success": True, "data": {"html": f'<ul class="list">{html}</ul>' if chunk else ""}}
        return Response(200, json.dumps(body, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    site.routes[JPAAS_UNIT] = unit
    query = json.dumps(
        {
            "webId": web_id,
            "tplSetId": tpl,
            "pageType": "column",
            "tagId": "信息列表",
            "pageId": page_id,
            "editType": None,
        },
        ensure_ascii=False,
    )
    column_main = (
        f'<div class="list-box"><h2>政府信息公开年报</h2><div id="unit-list"></div>'
        f'<script type="text/javascript" src="/AuthorizedRead/unitbuild.js" url="{JPAAS_UNIT}" '
        f"queryData='{escape(query)}' paramJson='{{\"pageNo\":1,\"pageSize\":15}}'></script></div>"
    )
    site.routes[col_path] = lambda req: site.html(
        chrome.page(
            site,
            title="政府信息公开年报",
            column="政府信息公开年报",
            crumbs=[("首页", "/"), ("政务公开", site.xxgk_path), ("政府信息公开年报", None)],
            main=column_main,
        )
    )
    robots(site, [], None)
    xxgk_index(site, [("政府信息公开年报", col_path)])
    site.behaviours += ["jpaas-unit-json"]
