"""A Fujian-style TRS portal whose article template binds attachments by script, and whose 年报 column names some
rows only by a file name or a year (real portals' list and template quirks).

- Attachments exist only as a template binding or a click handler: avalon `ms-attr-href="qzbFile"` filled from the
  script's `apps` array (the 全真版 template), avalon bound to an inline JSON document, a Vue list
  (`:href="item.url"` over inline JSON), `onclick="downloadFile('…')"`, `href="javascript:window.open('…')"`, a
  `data-file` attribute. File names are relative to the page, as the CMS writes a file stored beside it.
- The 年报 column lists some reports by a file name (`附件1.pdf`, `P0….pdf`, linking the document itself), a year
  (`2023年`) or an agency and a year (`XX局2022年`, on a page titled the same way).
- Titles: a school's report by academic year (`2023—2024学年`), an agency whose name holds a distractor word
  (`…预算评审中心`), a report published with the website's annual form (`…年度报告和政府网站工作年度报表`).
- Distractors of the same shapes: a notice whose PDF is bound by script, a `附件2.pdf` row that is a 编制通知, a
  `2022年` row that is the 网站年度报表, an agency-and-year row that is a statistics bulletin, a 学年 notice about
  信息公开 that is no report, the 预算评审中心's 部门预算, a 编制通知 naming both reports.
"""

from __future__ import annotations

import json
import random
from html import escape

from gxcrawl.demo import chrome, docfiles
from gxcrawl.demo import content as contentlib
from gxcrawl.demo.families.common import (
    Item,
    Options,
    Planner,
    add_attachments,
    body_of,
    index_no,
    report_route,
    robots,
)
from gxcrawl.demo.families.generic import xxgk_index
from gxcrawl.demo.families.trs import trs_list, trs_report_path
from gxcrawl.demo.world import Distractor, Report, Request, Response, Site

BINDINGS = ("avalon_apps", "avalon_json", "vue", "onclick", "window_open", "data_file")
ROOT = "/zwgk/"
NB = ROOT + "zfxxgknb/"


def bound_attachment(binding: str, file_name: str, name: str) -> str:
    """The attachment block of the article template: the file only reachable through a script."""
    f, n = escape(file_name), escape(name)
    if binding == "avalon_apps":
        apps = json.dumps([{"name": name, "url": file_name}], ensure_ascii=False).replace('"', "'")
        return (
            '<div class="tabs_hd" ms-controller="QzbView" ms-visible="qzbFile!=\'\'">'
            '<a ms-attr-href="qzbFile" title="文件下载" ms-attr-download="qzbFileName" class="download">'
            "文件下载</a></div>"
            '<script>var qzbFile = ""; var qzbFileName = ""; var apps = ' + apps + ";"
            'for (var i = 0; i < apps.length; i++) { if (apps[i].url.indexOf("pdf") > -1) {'
            ' qzbFile = apps[i].url.replace("http:", document.location.protocol); qzbFileName = apps[i].name; } }'
            'var qzb = avalon.define({$id: "QzbView", qzbFile: qzbFile, qzbFileName: qzbFileName});</script>'
        )
    if binding == "avalon_json":
        doc = json.dumps({"qzbFile": file_name, "qzbFileName": name}, ensure_ascii=False).replace("/", "\\/")
        return (
            '<div ms-controller="QzbView"><a ms-attr-href="qzbFile" ms-text="qzbFileName" target="_blank"></a></div>'
            f'<script type="application/json" id="qzb-data">{doc}</script>'
        )
    if binding == "vue":
        files = json.dumps([{"name": name, "url": file_name}], ensure_ascii=False)
        return (
            '<div id="fj-app" class="fj"><p>附件：</p><ul><li v-for="item in files">'
            '<a :href="item.url" target="_blank">{{ item.name }}</a></li></ul></div>'
            f'<script>new Vue({{el: "#fj-app", data: {{files: {files}}}}});</script>'
        )
    if binding == "onclick":
        return f'<p class="fj">附件：<a href="javascript:void(0)" onclick="downloadFile(\'{f}\')">{n}</a></p>'
    if binding == "window_open":
        return f'<p class="fj">附件：<a href="javascript:window.open(\'{f}\')">{n}</a></p>'
    return f'<p class="fj">附件：<span class="fj-link" data-file="{f}" role="link">{n}</span></p>'


def scripted_article(site: Site, *, title: str, agency: str, published: str, body: str, atts: str, index: str) -> str:
    meta_rows = [
        ("索\u3000引\u3000号", index),
        ("发布机构", agency),
        ("发布日期", published),
        ("名\u3000\u3000称", title),
    ]
    main = f"""<div class="article" ms-controller="windowRoot">
{chrome.metadata_table(meta_rows)}
<h1 class="article-title">{escape(title)}</h1>
<div class="article-info"><span>来源：{escape(agency)}</span> <span>发布时间：{escape(published)} 10:00</span></div>
{chrome.article_tools()}
<div class="article_content"><div class="TRS_Editor">{body}</div></div>
{atts}
</div>"""
    metas = {"ArticleTitle": title, "PubDate": f"{published} 10:00", "ContentSource": agency}
    return chrome.page(
        site,
        title=title,
        column="政府信息公开年报",
        crumbs=[("首页", "/"), ("政务公开", site.xxgk_path), ("政府信息公开年报", NB + "index.html"), ("正文", None)],
        main=main,
        metas=metas,
        head_extra='<script src="/js/avalon.js"></script><script src="/js/vue.min.js"></script>',
    )


def _file_name(r: Report, i: int, kind: str) -> str:
    return f"P0{r.ymd}{r.docid % 1000000:06d}{i}.{kind}"


def _bound_report_route(site: Site, r: Report, binding: str, shown_title: str | None = None) -> None:
    """The report page: its attachments (if any) only through `binding`."""

    def render(rep: Report, gen: int) -> str:
        atts = "".join(bound_attachment(binding, a.path.rsplit("/", 1)[1], a.name) for a in rep.attachments)
        return scripted_article(
            site,
            title=shown_title or rep.title,
            agency=rep.agency,
            published=rep.published,
            body=body_of(rep, gen),
            atts=atts,
            index=index_no(rep),
        )

    report_route(r, render)


def _pdf_of(html_body: str, title: str) -> bytes:
    return docfiles.make_pdf(docfiles.blocks_text_lines(docfiles.html_blocks(html_body)), title=title)


def build_scripted(site: Site, rng: random.Random, opts: Options, registry: dict) -> None:
    pl = Planner(site, rng, opts, 12)
    site.xxgk_path = ROOT + "index.html"
    crumbs = [("首页", "/"), ("政府信息公开", site.xxgk_path), ("政府信息公开年报", None)]
    rows: list[Item] = []  # the 年报 column, as its rows read

    def add_report(
        agency: str,
        kind: str,
        year: int,
        form: str,
        binding: str,
        row: str | None = None,
        shown_title: str | None = None,
    ) -> Report:
        r = pl.report(agency, kind, year, "column", form=form)
        r.shown_title = shown_title
        r.attachment_binding = binding
        r.path = trs_report_path(NB, r)
        r.list_paths = [NB + "index.html"]
        add_attachments(r, lambda rep, k, i: f"{rep.path.rsplit('/', 1)[0]}/{_file_name(rep, i, k)}")
        _bound_report_route(site, r, binding, shown_title)
        rows.append(Item(r.path, row or r.title, r.published))
        return r

    for n, (agency, kind, year) in enumerate(pl.pairs(n_departments=4, n_townships=1)):
        # every third report is its attachment only; the others carry one bound copy half of the time
        form = "attachment_only" if n % 3 == 0 else ("html+pdf" if n % 3 == 1 else "html")
        add_report(agency, kind, year, form, BINDINGS[n % len(BINDINGS)])
    if site.primary:
        _primary_extras(site, pl, rows, add_report)
        site.behaviours += ["script-bound-attachments", "bare-list-rows", "academic-year-titles"]
    robots(site, [], None)
    trs_list(site, NB, "政府信息公开年报", crumbs, lambda: rows, per_page=8)
    xxgk_index(site, [("政府信息公开年报", NB + "index.html")])


def _primary_extras(site: Site, pl: Planner, rows: list[Item], add_report) -> None:  # noqa: ANN001 - local helper
    region, dept = site.region, site.departments[0] if site.departments else site.name
    # --- the new title shapes ---
    school = f"{region}第一中学"
    add_report(school, "department", 2023, "html", "vue", shown_title=f"{school}2023—2024学年信息公开工作年度报告")
    college = f"{region}职业技术学院"
    add_report(
        college,
        "department",
        2022,
        "attachment_only",
        "avalon_apps",
        shown_title=f"{college}2022-2023学年信息公开工作年度报告",
    )
    add_report(f"{region}财政局预算评审中心", "department", 2023, "attachment_only", "onclick")
    add_report(
        site.name,
        "government",
        2022,
        "html",
        "data_file",
        shown_title=f"{site.name}2022年政府信息公开工作年度报告和政府网站工作年度报表",
    )
    # --- rows that name no content ---
    add_report(
        site.departments[1] if len(site.departments) > 1 else dept,
        "department",
        2023,
        "html",
        "window_open",
        row="2023年",
    )
    bare = f"{dept}2021年度"  # the page is titled like its row, its body only says 详见附件: the PDF decides
    add_report(dept, "department", 2021, "attachment_only", "onclick", row=bare, shown_title=bare)
    town = site.townships[0] if site.townships else region
    bare_body = f"{town}人民政府2022年"  # titled like its row; its body is the report (the fingerprint decides)
    add_report(f"{town}人民政府", "township", 2022, "html", "avalon_json", row=bare_body, shown_title=bare_body)
    for i, (agency, year) in enumerate(((college, 2021), (dept, 2020))):
        r = pl.report(agency, "department", year, "column", form="attachment_only")
        r.list_paths = [NB + "index.html"]
        folder = f"/protect/P0{r.ymd[:6]}/"
        add_attachments(r, lambda rep, k, j, folder=folder: f"{folder}{_file_name(rep, j, k)}")
        r.path = r.attachments[0].path  # the row links the document itself: the report is the file
        rows.append(Item(r.path, f"附件{i + 1}.pdf" if i == 0 else r.path.rsplit("/", 1)[1], r.published))
    # --- distractors of the same shapes ---
    _distractors(site, pl, rows, school)


def _distractor_page(
    site: Site,
    pl: Planner,
    rows: list[Item],
    kind: str,
    title: str,
    published: str,
    body: str,
    *,
    row: str | None = None,
    atts: str = "",
) -> Distractor:
    ymd = published.replace("-", "")
    d = Distractor(site, kind, title, f"{NB}{ymd[:6]}/t{ymd}_{pl.docid()}.html", published)
    site.distractors.append(d)
    page = scripted_article(
        site,
        title=title,
        agency=site.name + "办公室",
        published=published,
        body=body,
        atts=atts,
        index=f"{site.code_digits}/{published[:4]}-{len(site.distractors):05d}",
    )
    site.routes[d.path] = lambda req: site.html(page, last_modified=published)
    rows.append(Item(d.path, row or title, published))
    return d


def _distractors(site: Site, pl: Planner, rows: list[Item], school: str) -> None:
    region = site.region

    def lines(*text: str) -> str:
        return "".join(f"<p>{escape(t)}</p>" for t in text)

    # a notice whose PDF is bound by script exactly like a report's
    notice_pdf = f"{NB}202401/P020240115000001.pdf"
    notice_title = f"{region}关于2024年春节期间值班安排的公告"
    site.routes[notice_pdf] = _file_route(
        _pdf_of(lines(notice_title, "春节期间各单位要严格落实值班制度。"), notice_title)
    )
    _distractor_page(
        site,
        pl,
        rows,
        "other",
        notice_title,
        "2024-01-15",
        lines("春节期间值班安排详见附件。"),
        atts=bound_attachment("avalon_apps", notice_pdf.rsplit("/", 1)[1], "值班安排表.pdf"),
    )
    # a 附件2.pdf row that is the 编制通知
    compile_title = contentlib.distractor_title("compile_notice", region=region, agency=site.name, year=2023)
    compile_path = "/protect/P0202312/P020231208000002.pdf"
    body = contentlib.distractor_body("compile_notice", compile_title, region=region, agency=site.name, year=2023)
    site.routes[compile_path] = _file_route(_pdf_of(body, compile_title))
    site.distractors.append(Distractor(site, "compile_notice", compile_title, compile_path, "2023-12-08"))
    rows.append(Item(compile_path, "附件2.pdf", "2023-12-08"))
    # a 2022年 row that is the website's annual form
    web_title = contentlib.distractor_title("website_report", region=region, agency=site.name, year=2022)
    _distractor_page(
        site,
        pl,
        rows,
        "website_report",
        web_title,
        "2023-01-16",
        contentlib.distractor_body("website_report", web_title, region=region, agency=site.name, year=2022),
        row="2022年",
    )
    # an agency-and-year row (and page title) that is a statistics bulletin
    stats = f"{region}统计局2023年"
    _distractor_page(
        site,
        pl,
        rows,
        "other",
        stats,
        "2024-03-01",
        lines(
            f"{region}2023年国民经济和社会发展统计公报",
            "全年地区生产总值比上年增长5.2%。",
            "全年一般公共预算收入增长3.1%。",
        ),
        row=stats,
    )
    # a 学年 notice about 信息公开 that is no report
    _distractor_page(
        site,
        pl,
        rows,
        "other",
        f"{school}关于印发2024—2025学年信息公开工作要点的通知",
        "2024-09-02",
        lines("各处室、年级组：", "现将《2024—2025学年信息公开工作要点》印发给你们，请认真贯彻落实。"),
    )
    # the 预算评审中心's budget, and a 编制通知 naming both reports
    budget_title = f"{region}财政局预算评审中心2023年部门预算"
    _distractor_page(
        site,
        pl,
        rows,
        "final_accounts",
        budget_title,
        "2023-02-10",
        contentlib.distractor_body(
            "final_accounts", budget_title, region=region, agency=f"{region}财政局预算评审中心", year=2023
        ),
    )
    both = "关于报送2023年政府信息公开工作年度报告和政府网站工作年度报表的通知"
    _distractor_page(
        site,
        pl,
        rows,
        "compile_notice",
        both,
        "2023-12-20",
        contentlib.distractor_body("compile_notice", both, region=region, agency=site.name, year=2023),
    )


def _file_route(data: bytes):  # noqa: ANN202 - a route handler
    def handle(req: Request) -> Response:
        return Response(200, data, "application/pdf")

    return handle
