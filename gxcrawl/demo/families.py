"""One builder per CMS family: URL shapes, list markup, pagination, article templates (portals.md §2).

Each builder plans the site's reports (deterministically from the site's rng) and registers a
handler for every path. Pages are rendered on request, so a site with thousands of reports starts
at once.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape

from gxcrawl.demo import big5gate, chrome, docfiles
from gxcrawl.demo import content as contentlib
from gxcrawl.demo.world import (
    REPORT_YEARS,
    Attachment,
    Blocked,
    Distractor,
    Report,
    Request,
    Response,
    Site,
    agency_names,
    docid_for,
    fmt_for_year,
)

TEXT_LAYOUTS = contentlib.TEXT_LAYOUTS


@dataclass
class Item:
    """One entry of a list page."""

    path: str
    title: str
    date: str


@dataclass
class Options:
    reports_per_site: int | None
    defects: float
    text_layout_share: float
    slow_delay: float


# --- shared helpers --------------------------------------------------------------------------------------------


def rel(from_dir: str, target: str) -> str:
    """TRS-style relative link: './x' when `target` is under `from_dir`, else the absolute path."""
    if target.startswith(from_dir):
        return "./" + target[len(from_dir) :]
    return target


def short(title: str, n: int = 26) -> str:
    return title if len(title) <= n else title[: n - 1] + "…"


class Planner:
    """Draws a site's reports: agencies × years, formats, forms, layouts; numbering document ids."""

    def __init__(self, site: Site, rng: random.Random, opts: Options, default_count: int) -> None:
        self.site = site
        self.rng = rng
        self.opts = opts
        self.count = opts.reports_per_site if opts.reports_per_site is not None else default_count
        self._n = 0

    def docid(self) -> int:
        self._n += 1
        return docid_for(self.site, self._n)

    def pairs(self, *, n_departments: int, n_townships: int) -> list[tuple[str, str, int]]:
        """(agency, kind, report_year) for `self.count` reports: the government first, then departments, towns."""
        site, rng = self.site, self.rng
        per_agency = len(REPORT_YEARS)
        agencies_needed = max(1, math.ceil(self.count / per_agency))
        n_dep = max(n_departments, math.ceil((agencies_needed - 1) * 0.65)) if agencies_needed > 1 else 0
        n_town = max(n_townships, agencies_needed - 1 - n_dep) if agencies_needed > 1 else 0
        site.departments, site.townships = agency_names(rng, site.region, n_dep, n_town)
        agencies = [(site.name, "government")]
        agencies += [(d, "department") for d in site.departments]
        agencies += [(t + "人民政府" if not t.endswith("街道") else t + "办事处", "township") for t in site.townships]
        out: list[tuple[str, str, int]] = []
        # round-robin over agencies, each agency starting at another year, so that small sites still show
        # every grouping and both table formats
        for k in range(per_agency):
            for i, (agency, kind) in enumerate(agencies):
                out.append((agency, kind, REPORT_YEARS[(k + i) % per_agency]))
        return out[: self.count]

    def report(self, agency: str, kind: str, year: int, group: str, *, form: str | None = None,
               source: str = "reportgen", fmt: str | None = None, docid: int | None = None) -> Report:
        rng = self.rng
        if form is None:
            roll = rng.random()
            form = "html" if roll < 0.55 else "html+pdf" if roll < 0.75 else "html+docx" if roll < 0.9 else "attachment_only"
        layout = "html"
        if source == "reportgen" and rng.random() < self.opts.text_layout_share:
            layout = rng.choice(TEXT_LAYOUTS)
        report = Report(
            uid=f"{self.site.id}:{agency}:{year}:{self._n}",
            site=self.site, agency=agency, agency_kind=kind, report_year=year,
            fmt=fmt or (contentlib.SEEDS[source[5:]].fmt if source.startswith("seed:") else fmt_for_year(rng, year)),
            form=form, layout=layout, source=source, defects=self.opts.defects,
            docid=docid if docid is not None else self.docid(), group=group,
        )
        self.site.reports.append(report)
        return report


def http_date(ymd: str) -> str:
    y, m, d = (int(x) for x in ymd.split("-"))
    return format_datetime(datetime(y, m, d, 9, 30, tzinfo=UTC), usegmt=True)


def attachment_bytes(report: Report, att: Attachment, generation: int) -> bytes:
    c = report.content(generation)
    # attachments are the original document, with real tables, whatever the page's pasted layout
    blocks = docfiles.html_blocks(c.original_html)
    if att.kind == "pdf":
        return docfiles.make_pdf(docfiles.blocks_text_lines(blocks), title=c.title)
    return docfiles.make_docx(blocks, title=c.title)


def attachment_handler(report: Report, att: Attachment) -> Callable[[Request], Response]:
    site = report.site

    def handle(req: Request) -> Response:
        if att.referer_required and not req.headers.get("Referer", "").startswith(site.base_url):
            body = "<html><body><h3>下载失败：非法访问，请从网站页面点击下载。</h3></body></html>"
            return Response(403, body.encode("utf-8"))
        data = attachment_bytes(report, att, site.generation)
        ctype = "application/pdf" if att.kind == "pdf" else (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        headers = []
        if "download.jsp" in att.path or "downfile.jsp" in att.path:
            # extension-less endpoints: the name only travels in Content-Disposition (percent-encoded UTF-8)
            from urllib.parse import quote

            headers.append(("Content-Disposition", f"attachment; filename*=UTF-8''{quote(att.name)}"))
        return Response(200, data, ctype, headers, last_modified=report.published)

    return handle


def attachment_links(report: Report, style: str, page_dir: str) -> str:
    if not report.attachments:
        return ""
    out = []
    for att in report.attachments:
        name = escape(att.name)
        if style == "trs":
            href = rel(page_dir, att.path)
            oldsrc = f"/protect/P0{report.ymd[:6]}/P0{report.ymd}/{att.path.rsplit('/', 1)[-1]}"
            out.append(f'<p class="insertfileTag"><a appendix="true" href="{escape(href)}" OLDSRC="{oldsrc}" '
                       f'title="{name}">{name}</a></p>')
        elif style == "vsb":
            fid = att.path.rsplit("=", 1)[-1]
            out.append(f'<li>附件【<a href="{escape(att.path)}" target="_blank">{name}</a>】已下载'
                       f'<span id="nattach{fid}"><script>getClickTimes({fid},{report.docid},"wbnewsfile","attach")'
                       f"</script></span>次</li>")
        else:
            out.append(f'<p class="fj">附件：<a href="{escape(att.path)}" target="_blank">{name}</a></p>')
    if style == "vsb":
        return "<ul class=\"fj-list\">" + "".join(out) + "</ul>"
    return "\n".join(out)


def body_of(report: Report, generation: int) -> str:
    c = report.content(generation)
    if report.form != "attachment_only":
        return c.body_html
    name = report.attachments[0].name if report.attachments else "附件"
    return f"<p>{escape(c.title)}详见附件。</p><p>附件：{escape(name)}</p>"


def index_no(report: Report) -> str:
    return f"{report.site.code_digits}{report.docid % 97:02d}/{report.published[:4]}-{report.docid % 100000:05d}"


def add_attachments(report: Report, path_for: Callable[[Report, str, int], str], *, referer: bool = False) -> None:
    kinds = {"html+pdf": ["pdf"], "html+docx": ["docx"], "attachment_only": ["pdf"]}.get(report.form, [])
    for i, kind in enumerate(kinds):
        name = f"{report.title}.{kind}"
        att = Attachment(path_for(report, kind, i), kind, name, referer_required=referer)
        report.attachments.append(att)
        report.site.routes[att.path.split("?")[0] if "?" not in att.path else att.path] = attachment_handler(report, att)


def report_route(report: Report, render: Callable[[Report, int], str]) -> None:
    site = report.site

    def handle(req: Request) -> Response:
        return site.html(render(report, site.generation), last_modified=report.published)

    site.routes[report.path] = handle


def static_page(site: Site, path: str, title: str, paragraphs: list[str], crumbs: list[tuple[str, str | None]],
                column: str | None = None) -> None:
    main = f'<div class="article"><h1>{escape(title)}</h1><div class="content">' + "".join(
        f"<p>{escape(p)}</p>" for p in paragraphs) + "</div></div>"

    def handle(req: Request) -> Response:
        return site.html(chrome.page(site, title=title, column=column, crumbs=crumbs, main=main))

    site.routes[path] = handle


def distractor_route(site: Site, d: Distractor, render_article: Callable[..., str]) -> None:
    body = contentlib.distractor_body(d.kind, d.title, region=site.region, agency=site.name, year=int(d.published[:4]) - 1)

    def handle(req: Request) -> Response:
        return site.html(render_article(site, title=d.title, agency=site.name + "办公室", published=d.published,
                                        body=body, path=d.path), last_modified=d.published)

    site.routes[d.path] = handle


def home_page(site: Site, links: list[tuple[str, str]], news: list[tuple[str, str]]) -> None:
    nav = "".join(f'<li><a href="{escape(h)}">{escape(t)}</a></li>' for t, h in links)
    newsl = "".join(f'<li><a href="{escape(h)}" target="_blank">{escape(t)}</a><span>2024-0{i % 9 + 1}-1{i}</span></li>'
                    for i, (t, h) in enumerate(news))
    main = (f'<div class="home"><div class="zwgk-entry"><h2>政务公开</h2><ul>{nav}</ul></div>'
            f'<div class="news"><h2>政务要闻</h2><ul>{newsl}</ul></div></div>')

    def handle(req: Request) -> Response:
        return site.html(chrome.page(site, title=site.name, column=None, crumbs=[("首页", None)], main=main,
                                     title_tag=site.name))

    site.routes["/"] = handle
    site.routes["/index.html"] = handle
    for t, h in news:
        static_page(site, h, t, [f"{site.region}召开专题会议，部署近期重点工作。", "会议要求，各部门要切实履职尽责，抓好工作落实。"],
                    [("首页", "/"), ("政务要闻", None)])


def news_items(site: Site) -> list[tuple[str, str]]:
    return [
        (f"{site.region}召开2024年第一季度经济运行分析会", "/xwzx/zwyw/202404/t20240412_101.html"),
        (f"{site.region}部署安全生产大检查工作", "/xwzx/zwyw/202403/t20240318_102.html"),
        (f"{site.region}政府常务会议研究多项民生事项", "/xwzx/zwyw/202402/t20240226_103.html"),
    ]


def guide_pages(site: Site, base: str, crumbs: list[tuple[str, str | None]]) -> list[tuple[str, str]]:
    pages = [("政府信息公开指南", base + "zfxxgkzn/index.html"), ("政府信息公开制度", base + "zfxxgkzd/index.html"),
             ("法定主动公开内容", base + "fdzdgknr/index.html")]
    for title, path in pages:
        static_page(site, path, f"{site.name}{title}", [
            "为了保障公民、法人和其他组织依法获取政府信息，根据《中华人民共和国政府信息公开条例》，编制本指南。",
            "申请人可以通过当面、信函、网络等方式提出政府信息公开申请。"], crumbs + [(title, None)], column=title)
    return pages


# --- access behaviours ---------------------------------------------------------------------------------------


def challenge_412() -> Response:
    body = (
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        '<meta id="9DhefwqGPrzGxEp9hPaoag" content="Y2hhbGxlbmdlLWRhdGE=" r="m">'
        "<script type=\"text/javascript\" r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts=window['$_ts']={};"
        "$_ts.nsd=28761;$_ts.cd=\"qEcrrAlkWqWFqrlEcaaqc0Azr1qPcGAkWsE7rqqlDGlFcqqrc1qbcqr1cqqPcGlFWGYbrqq8Wa3\";"
        "$_ts.lcd=\"l1jarAAlcGE7cqaqcaArcsAlcqlzWsl3qqlFraE\";</script>"
        "<script type=\"text/javascript\" charset=\"utf-8\" src=\"/4QbVtADbnLVIc/c.FxJzG50F.dfe1675.js\" r='m'></script>"
        "</head><body><script type=\"text/javascript\" r='m'>$_ts.cm=function(){return 0};</script></body></html>"
    )
    return Response(412, body.encode("utf-8"), "text/html; charset=utf-8",
                     [("Set-Cookie", "FSSBBIl1UgzbN7N80S=aB3dE5fG7hI9; Path=/; HttpOnly")])


def challenge_521() -> Response:
    body = (
        "<html><body><script>document.cookie=('_')+('_')+('j')+('s')+('l')+('_')+('c')+('l')+('e')+('a')+('r')"
        "+('a')+('n')+('c')+('e')+('=')+(-~[]+'')+('7')+('0')+(1+[0]-(1)+'')+('2')+('9')+('5')+('.')+('1')"
        "+('|0|')+('dE%2FHn')+('%3D')+';max-age=3600;path=/';location.href=location.pathname+location.search"
        "</script></body></html>"
    )
    return Response(521, body.encode("utf-8"), "text/html",
                    [("Set-Cookie", "__jsluid_h=3c5a7e9b1d2f4a6c8e0b2d4f6a8c0e1f; max-age=31536000; path=/; HttpOnly")])


def empty_shell() -> Response:
    core = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        '<title></title><script src="/_bot_sbu/sbu_fpcm.js"></script>'
        '<script>document.cookie="sbu_v=1;path=/";window.location.reload();</script></head>'
        '<body><noscript>Please enable JavaScript to view the page content.</noscript><div id="app"></div>'
    )
    pad = 900 - len(core) - len("</body></html>") - len("<!---->")
    return Response(200, (core + "<!--" + "x" * max(0, pad) + "-->" + "</body></html>").encode("utf-8"))


def soft_404(site: Site) -> Response:
    main = ('<div class="error-page"><h2>404</h2><p>抱歉，您访问的页面不存在或已被删除！</p>'
            '<p><a href="/">返回首页</a></p></div>')
    return site.html(chrome.page(site, title="页面不存在", column=None, crumbs=[("首页", "/"), ("页面不存在", None)],
                                 main=main, title_tag="404 页面不存在"))


def cookie_gated(site: Site, path: str, inner: Callable[[Request], Response], token: str) -> None:
    """302-to-self setting a static cookie (openresty CT6T style); a cookie jar is enough."""

    def handle(req: Request) -> Response:
        if req.cookies.get("CT6T") == token:
            return inner(req)
        return Response(302, b"", "text/html", [("Location", site.url(path)),
                                                ("Set-Cookie", f"CT6T={token}; Path=/")])

    site.routes[path] = handle


def add_blocked(site: Site, path: str, reason: str, title: str) -> None:
    site.blocked.append(Blocked(site, path, reason, title))
    if reason == "challenge-412":
        site.routes[path] = lambda req: challenge_412()
    elif reason == "challenge-521":
        site.routes[path] = lambda req: challenge_521()
    elif reason == "empty-shell":
        site.routes[path] = lambda req: empty_shell()
    elif reason == "soft-404":
        site.routes[path] = lambda req: soft_404(site)
    else:  # pragma: no cover - programming error
        raise ValueError(reason)


def robots(site: Site, disallow: list[str], crawl_delay: float | None) -> None:
    lines = ["User-agent: *"]
    lines += [f"Disallow: {p}" for p in disallow] or ["Disallow:"]
    if crawl_delay is not None:
        lines.append(f"Crawl-delay: {crawl_delay:g}")
    site.robots_txt = "\n".join(lines) + "\n"
    site.robots_disallowed = list(disallow)


# --- TRS (0-based and 1-based) ------------------------------------------------------------------------------------


def trs_article(site: Site, *, title: str, agency: str, published: str, body: str, path: str,
                report: Report | None = None, column: str = "政府信息公开年报", crumbs=None, editor: str = "new") -> str:
    page_dir = path.rsplit("/", 1)[0] + "/"
    meta_rows = [("索\u3000引\u3000号", index_no(report) if report else f"{site.code_digits}/{published[:4]}-00001"),
                 ("发布机构", agency), ("发布日期", published), ("主题分类", "政府信息公开年报" if report else "通知公告"),
                 ("名\u3000\u3000称", title), ("文\u3000\u3000号", "")]
    editor_cls = "TRS_Editor" if editor == "old" else "trs_editor_view TRS_UEDITOR trs_paper_default trs_word trs_web"
    atts = attachment_links(report, "trs", page_dir) if report else ""
    body_html = body if editor != "old" else f'<div class="Custom_UnionStyle">{body}</div>'
    main = f"""<div class="article">
{chrome.metadata_table(meta_rows)}
<h1 class="article-title">{escape(title)}</h1>
<div class="article-info"><span>来源：{escape(agency)}</span> <span>发布时间：{escape(published)} 09:30</span> <span>浏览次数：<script>document.write(Math.floor(Math.random()*900))</script></span></div>
{chrome.article_tools()}
<div class="{editor_cls}">
{body_html}
{atts}
</div>
{chrome.prev_next("关于印发2024年政务公开工作要点的通知", "政府信息公开指南")}
</div>"""
    crumbs = crumbs or [("首页", "/"), ("政务公开", site.xxgk_path), (column, None), ("正文", None)]
    metas = {"ArticleTitle": title, "PubDate": f"{published} 09:30", "ContentSource": agency,
             "Keywords": "政府信息公开,年度报告" if report else "通知", "Author": agency}
    return chrome.page(site, title=title, column=column, crumbs=crumbs, main=main, metas=metas)


def trs_list_page(site: Site, *, title: str, crumbs, items: list[Item], page: int, pages: int, list_dir: str,
                  one_based: bool, variant: str, table: bool = False, sidebar: str = "") -> str:
    if table:
        rows = "".join(
            f'<tr><td class="mc"><a href="{escape(rel(list_dir, it.path))}" title="{escape(it.title)}" target="_blank">'
            f'{escape(short(it.title))}</a></td><td>{site.code_digits}/{it.date[:4]}-{zlib.crc32(it.path.encode()) % 99999:05d}</td>'
            f"<td>{escape(site.name)}</td><td>{it.date}</td></tr>" for it in items)
        listing = f'<table class="xxgk-list"><tr><th>名称</th><th>索引号</th><th>发布机构</th><th>发布日期</th></tr>{rows}</table>'
    else:
        lis = "".join(
            f'<li><a href="{escape(rel(list_dir, it.path))}" title="{escape(it.title)}" target="_blank">'
            f"{escape(short(it.title))}</a><span>{it.date}</span></li>" for it in items)
        listing = f'<ul class="list">{lis}</ul>'
    if one_based:
        pager = (f"<script>createPageHTML('paging', {pages}, {page + 1}, 'index', 'html', {len(items)});</script>"
                 '<div id="paging"></div>')
    elif variant == "inline":
        last = "index.html" if pages == 1 else f"index_{pages - 1}.html"
        nxt = f"index_{page + 1}.html" if page + 1 < pages else last
        prv = "index.html" if page <= 1 else f"index_{page - 1}.html"
        pager = (f'<div class="page"><script>var countPage = {pages}; var currentPage = {page}; '
                 'for (var i = 0; i < countPage; i++) { if (i == currentPage) document.write("<span>" + (i + 1) + "</span>"); '
                 'else document.write("<a href=\\"index" + (i == 0 ? "" : "_" + i) + ".html\\">" + (i + 1) + "</a>"); }</script>'
                 f'<noscript><a href="index.html">首页</a> <a href="{prv}">上一页</a> <a href="{nxt}">下一页</a> '
                 f'<a href="{last}">尾页</a></noscript></div>')
    else:
        pager = f'<div class="page"><script>createPageHTML({pages}, {page}, "index", "html");</script></div>'
    main = (f'{sidebar}<div class="list-box"><h2 class="column-title">{escape(title)}</h2>{listing}{pager}</div>')
    return chrome.page(site, title=title, column=title, crumbs=crumbs, main=main)


def trs_list(site: Site, list_dir: str, title: str, crumbs, items_fn: Callable[[], list[Item]], *, per_page: int,
             one_based: bool = False, variant: str = "createPageHTML", table: bool = False, sidebar: str = "") -> None:
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
            return site.html(trs_list_page(site, title=title, crumbs=crumbs, items=chunk, page=k, pages=pages,
                                           list_dir=list_dir, one_based=one_based, variant=variant, table=table,
                                           sidebar=sidebar))

        site.routes[page_path(k)] = handle
    if list_dir != "/":
        site.routes[list_dir] = site.routes[page_path(0)]


def trs_report_path(list_dir: str, r: Report, ext: str = "html") -> str:
    return f"{list_dir}{r.ymd[:6]}/t{r.ymd}_{r.docid}.{ext}"


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
        add_attachments(r, lambda rep, kind, i: f"{rep.path.rsplit('/', 1)[0]}/P0{rep.ymd}{rep.docid % 1000000:06d}{i}{rng.randrange(100000, 999999)}.{kind}")
        editor = "old" if r.report_year <= 2020 else "new"
        report_route(r, lambda rep, gen, editor=editor: trs_article(
            site, title=rep.title, agency=rep.agency, published=rep.published, body=body_of(rep, gen), path=rep.path,
            report=rep, editor=editor))

    extra_items: list[Item] = []
    tzgg_items: list[Item] = []
    if site.primary:
        # 通知公告 holds a misfiled report (a real seed) and notices that look like reports
        misfiled = pl.report(contentlib.SEEDS["003"].agency, "department", 2020, "misfiled", source="seed:003", form="html")
        misfiled.path = f"/zwgk/tzgg/{misfiled.ymd[:6]}/t{misfiled.ymd}_{misfiled.docid}.html"
        misfiled.list_paths = ["/zwgk/tzgg/index.html"]
        report_route(misfiled, lambda rep, gen: trs_article(
            site, title=rep.title, agency=rep.agency, published=rep.published, body=body_of(rep, gen), path=rep.path,
            report=rep, column="通知公告", editor="old"))
        tzgg_items.append(Item(misfiled.path, misfiled.title, misfiled.published))
        for kind, year, date, where in (("compile_notice", 2023, "2023-12-08", "tzgg"), ("rule_of_law_report", 2023, "2024-03-20", "tzgg"),
                                        ("format_notice", 2021, "2021-10-09", "nb"), ("website_report", 2023, "2024-01-15", "nb")):
            did = pl.docid()
            ymd = date.replace("-", "")
            base = "/zwgk/tzgg/" if where == "tzgg" else f"{nb}{year}n/"
            d = Distractor(site, kind, contentlib.distractor_title(kind, region=site.region, agency=site.name, year=year),
                           f"{base}{ymd[:6]}/t{ymd}_{did}.html", date)
            site.distractors.append(d)
            distractor_route(site, d, lambda s, **kw: trs_article(s, column="通知公告", **kw))
            (tzgg_items if where == "tzgg" else extra_items).append(Item(d.path, d.title, d.published))
        for i, t in enumerate(("关于开展2024年度消防安全检查的通知", "关于2024年春节期间值班安排的公告")):
            did = pl.docid()
            d = Distractor(site, "other", f"{site.region}{t}", f"/zwgk/tzgg/20240{i + 1}/t20240{i + 1}1{i}_{did}.html", f"2024-0{i + 1}-1{i}")
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
        site.routes[robots_path] = lambda req: site.html(trs_article(
            site, title=robots_title, agency=site.name, published="2023-03-10", body="<p>送审稿，内部审核使用。</p>",
            path=robots_path))
        extra_items.append(Item(robots_path, robots_title, "2023-03-10"))
        registry["robots_pages"].append((site, robots_path))
        site.big5_gateway = True
        robots(site, ["/zwgk/nbsh/", "/search/", f"{big5gate.prefix(site)}/zwgk/nbsh/"], site.crawl_delay)
        big5gate.install(site)
        site.behaviours += ["robots-disallow", "crawl-delay", "challenge-412", "misfiled-report", "gzip"]
    else:
        robots(site, [], None)

    def gov_items(year: int | None = None) -> list[Item]:
        out = [Item(r.path, r.title, r.published) for r in site.reports
               if r.agency_kind == "government" and r.group in ("year", "republished") and (year is None or (
                   r.group == "year" and r.report_year == year))]
        if year is None:
            out += extra_items
        else:
            out += [it for it in extra_items if it.path.startswith(f"{nb}{year}n/")]
        return out

    years = sorted({r.report_year for r in site.reports if r.group == "year"}, reverse=True)
    sidebar = '<div class="sidebar"><ul>' + "".join(
        f'<li><a href="{nb}{y}n/index.html">{y}年</a></li>' for y in years) + "</ul></div>"
    # the main column is registered after the republished reports are added (see link_republished)
    registry["deferred"].append(lambda: trs_list(site, nb, "政府信息公开年报", crumbs_x + [("政府信息公开年报", None)],
                                                  gov_items, per_page=8, sidebar=sidebar))
    for y in set(years) | {2023}:
        trs_list(site, f"{nb}{y}n/", f"{y}年", crumbs_x + [("政府信息公开年报", nb + "index.html"), (f"{y}年", None)],
                 lambda y=y: gov_items(y), per_page=8)
    for kind_label, base, slugs in (("部门信息公开", root + "bmxxgk/", dept_slugs), ("乡镇信息公开", root + "xzxxgk/", town_slugs)):
        links = []
        for agency, slug in slugs.items():
            ad = f"{base}{slug}/"
            links.append((agency, ad + "index.html"))
            static_index = (f'<div class="bm-col"><h2>{escape(agency)}</h2><ul><li><a href="{ad}zfxxgkzn/index.html">政府信息公开指南</a></li>'
                            f'<li><a href="{ad}ndbg/index.html">政府信息公开年报</a></li></ul></div>')
            site.routes[ad + "index.html"] = (lambda req, agency=agency, html_=static_index, kl=kind_label: site.html(
                chrome.page(site, title=agency, column=agency, crumbs=crumbs_x + [(kl, None), (agency, None)], main=html_)))
            static_page(site, ad + "zfxxgkzn/index.html", f"{agency}政府信息公开指南", ["本指南依据《中华人民共和国政府信息公开条例》编制。"],
                        crumbs_x + [(agency, ad + "index.html"), ("政府信息公开指南", None)])
            trs_list(site, ad + "ndbg/", "政府信息公开年报", crumbs_x + [(kind_label, base + "index.html"), (agency, ad + "index.html"), ("年报", None)],
                     lambda agency=agency: [Item(r.path, r.title, r.published) for r in site.reports if r.agency == agency and r.group != "republished"],
                     per_page=4, variant="inline")
        lis = "".join(f'<li><a href="{h}">{escape(t)}</a></li>' for t, h in links)
        site.routes[base + "index.html"] = (lambda req, lis=lis, kl=kind_label: site.html(chrome.page(
            site, title=kl, column=kl, crumbs=crumbs_x + [(kl, None)], main=f'<div class="bm-list"><ul>{lis}</ul></div>')))
    if tzgg_items:
        trs_list(site, "/zwgk/tzgg/", "通知公告", [("首页", "/"), ("通知公告", None)], lambda: tzgg_items, per_page=8)
    guides = guide_pages(site, root, crumbs_x)
    blocks = guides + [("政府信息公开年报", nb + "index.html"), ("部门信息公开", root + "bmxxgk/index.html"),
                       ("乡镇信息公开", root + "xzxxgk/index.html")]
    lis = "".join(f'<li><a href="{h}">{escape(t)}</a></li>' for t, h in blocks)
    site.routes[site.xxgk_path] = lambda req: site.html(chrome.page(
        site, title="政府信息公开", column="政府信息公开", crumbs=crumbs_x[:1] + [("政府信息公开", None)],
        main=f'<div class="xxgk-blocks"><ul>{lis}</ul></div>'))
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
        add_attachments(r, lambda rep, kind, i: f"{rep.path.rsplit('/', 1)[0]}/P0{rep.ymd}{rep.docid % 1000000:06d}{i}.{kind}")
        report_route(r, lambda rep, gen: trs_article(
            site, title=rep.title, agency=rep.agency, published=rep.published, body=body_of(rep, gen), path=rep.path,
            report=rep, editor="old"))
    bm_extra: list[Item] = []
    if site.primary:
        seed = pl.report(contentlib.SEEDS["001"].agency, "department", 2021, "flat", source="seed:001", form="html")
        seed.path = trs_report_path(bm, seed, "htm")
        seed.list_paths = [bm + "index.html"]
        report_route(seed, lambda rep, gen: trs_article(
            site, title=rep.title, agency=rep.agency, published=rep.published, body=body_of(rep, gen), path=rep.path,
            report=rep, editor="old"))
        did = pl.docid()
        p404 = f"{bm}202201/t20220120_{did}.htm"
        add_blocked(site, p404, "soft-404", f"{site.region}统计局2021年度政府信息公开工作报告")
        bm_extra.append(Item(p404, site.blocked[-1].title, "2022-01-20"))
        dep = site.departments[0] if site.departments else site.name
        d = Distractor(site, "final_accounts", contentlib.distractor_title("final_accounts", region=site.region, agency=dep, year=2022),
                       f"{bm}202308/t20230815_{pl.docid()}.htm", "2023-08-15")
        site.distractors.append(d)
        body = contentlib.distractor_body(d.kind, d.title, region=site.region, agency=dep, year=2022)
        site.routes[d.path] = lambda req, d=d, body=body: site.html(trs_article(
            site, title=d.title, agency=dep, published=d.published, body=body, path=d.path, column="部门年报"))
        bm_extra.append(Item(d.path, d.title, d.published))
        site.behaviours += ["gbk", "trs-1-based", "soft-404", "flat-department-list"]
    robots(site, [], None)
    trs_list(site, nb, "政府信息公开年报", crumbs_x + [("政府信息公开年报", None)],
             lambda: [Item(r.path, r.title, r.published) for r in site.reports if r.group == "column"],
             per_page=6, one_based=True,
             sidebar=f'<div class="sidebar"><ul><li><a href="{nb}index.html">本级政府</a></li><li><a href="{bm}index.html">部门年报</a></li></ul></div>')
    trs_list(site, bm, "部门年报", crumbs_x + [("政府信息公开年报", nb + "index.html"), ("部门年报", None)],
             lambda: [Item(r.path, r.title, r.published) for r in site.reports if r.group == "flat"] + bm_extra,
             per_page=6, one_based=True, table=True)
    guides = guide_pages(site, root, crumbs_x)
    lis = "".join(f'<li><a href="{h}">{escape(t)}</a></li>' for t, h in guides + [("政府信息公开年报", nb + "index.html")])
    site.routes[site.xxgk_path] = lambda req: site.html(chrome.page(
        site, title="政府信息公开", column="政府信息公开", crumbs=[("首页", "/"), ("政府信息公开", None)],
        main=f'<div class="xxgk-blocks"><ul>{lis}</ul></div>'))
    home_page(site, [("政府信息公开", site.xxgk_path)], news_items(site))


def link_republished(original_site: Site, host_site: Site, rng: random.Random) -> None:
    """The city portal republishes the county government's report (same text, another host)."""
    originals = [r for r in original_site.reports if r.agency_kind == "government" and r.form == "html"
                 and r.source == "reportgen"]
    if not originals:
        return
    orig = originals[0]
    dup = Report(uid=orig.uid + ":republished", site=host_site, agency=orig.agency, agency_kind="government",
                 report_year=orig.report_year, fmt=orig.fmt, form="html", layout=orig.layout, source=orig.source,
                 defects=orig.defects, docid=docid_for(host_site, 9000 + rng.randrange(1000)), group="republished",
                 duplicate_of=orig)
    nb = "/zwgk/zfxxgk/zfxxgknb/"
    dup.path = f"{nb}gqzf/{dup.ymd[:6]}/t{dup.ymd}_{dup.docid}.html"
    dup.list_paths = [nb + "index.html"]
    host_site.reports.append(dup)
    report_route(dup, lambda rep, gen: trs_article(
        host_site, title=rep.title, agency=rep.agency, published=rep.published, body=body_of(rep, gen), path=rep.path,
        report=rep, column="区县政府年报"))
    host_site.behaviours.append("republished-report")


# --- Hanweb ---------------------------------------------------------------------------------------------------------


HANWEB_PER_PAGE = 4
HANWEB_GROUP = 3


def hanweb_record(it: Item) -> str:
    y, m, d = it.date.split("-")
    return (f'<li class="clearfix"><a href="{escape(it.path)}" title="{escape(it.title)}" target="_blank">'
            f'{escape(short(it.title))}</a><span class="pull-right">{y}-\n{m}-\n{d}</span></li>')


def hanweb_datastore(items: list[Item], *, total: int, column_id: int, unit_id: int, webid: int, site_name: str,
                     with_totals: bool) -> str:
    records = "\n".join(f"<record><![CDATA[{hanweb_record(it)}]]></record>" for it in items)
    totals = ""
    if with_totals:
        totals = f"<totalrecord>{total}</totalrecord><totalpage>{max(1, math.ceil(total / HANWEB_PER_PAGE))}</totalpage>"
    nextgroup = (f'<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid={webid}&path=/'
                 f'&columnid={column_id}&unitid={unit_id}&webname={escape(site_name)}&permissiontype=0"></a>]]></nextgroup>')
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
        add_attachments(r, lambda rep, kind, i: f"/module/download/downfile.jsp?classid=0&filename={rep.ymd}{rep.docid}{i}.{kind}")
        report_route(r, lambda rep, gen, col=col: hanweb_article(site, rep, body_of(rep, gen), col))
    extra: dict[int, list[Item]] = {c_nb: [], c_bm: []}
    if site.primary:
        pre = pl.report(site.name, "government", 2017, "column", form="html", fmt="pre2019")
        y, m, d = (int(x) for x in pre.published.split("-"))
        pre.path = f"/art/{y}/{m}/{d}/art_{c_nb}_{pre.docid}.html"
        pre.list_paths = [col_path(c_nb)]
        report_route(pre, lambda rep, gen: hanweb_article(site, rep, body_of(rep, gen), c_nb))
        seed = pl.report(contentlib.SEEDS["002"].agency, "department", 2020, "department", source="seed:002", form="html")
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
            dd = Distractor(site, kind, contentlib.distractor_title(kind, region=site.region, agency=site.name, year=year),
                            f"/art/{y}/{int(m)}/{int(d)}/art_{c_nb}_{did}.html", date)
            site.distractors.append(dd)
            body = contentlib.distractor_body(kind, dd.title, region=site.region, agency=site.name, year=year)
            site.routes[dd.path] = lambda req, dd=dd, body=body: site.html(hanweb_page(
                site, title=dd.title, agency=site.name + "办公室", published=dd.published, body=body, col=c_nb,
                docid=int(dd.path.rsplit("_", 1)[1].split(".")[0]), index="", attachments=""))
            extra[c_nb].append(Item(dd.path, dd.title, dd.published))
        # a robots.txt answered with a soft-404 HTML page (treat as "no rules")
        site.robots_txt = None
        site.behaviours += ["hanweb-datastore", "dataproxy", "challenge-521", "pre2019-report", "changed-report",
                            "robots-soft-404"]
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
        site.routes[col_path(col)] = (lambda req, col=col: site.html(hanweb_column(site, col, columns[col], webid)))
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
        perpage = _int(f.get("perpage", [str(HANWEB_PER_PAGE)])[0], HANWEB_PER_PAGE)
        if "startrecord" in f:
            start = _int(f["startrecord"][0], 1)
            end = _int(f.get("endrecord", [str(start + HANWEB_GROUP * perpage - 1)])[0], start)
        else:
            page = _int(f.get("page", ["1"])[0], 1)
            start = (page - 1) * perpage + 1
            end = start + perpage - 1
        window = items[max(0, start - 1) : max(0, end)]
        xml = hanweb_datastore(window, total=len(items), column_id=col, unit_id=unit, webid=webid,
                               site_name=site.name, with_totals=True)
        return Response(200, ('<?xml version="1.0" encoding="UTF-8"?>' + xml).encode("utf-8"), "text/xml; charset=utf-8")

    site.routes["/module/web/jpage/dataproxy.jsp"] = dataproxy
    module_path = hanweb_annual_module(site, c_nb)
    lis = "".join(f'<li><a href="{col_path(c)}">{escape(columns[c]["title"])}</a></li>' for c in (c_nb, c_bm))
    lis += f'<li><a href="{module_path}">年度报告查阅</a></li>'
    town_lis = "".join(f'<li><a href="{col_path(c)}">{escape(a)}</a></li>' for a, c in town_cols.items())
    guides = guide_pages(site, "/xxgk/", [("首页", "/"), ("信息公开", site.xxgk_path)])
    glis = "".join(f'<li><a href="{h}">{escape(t)}</a></li>' for t, h in guides)
    main_x = (f'<div class="xxgk"><h2>政府信息公开</h2><ul>{glis}{lis}<li><a href="{col_path(c_xz)}">乡镇年报</a></li></ul></div>')
    site.routes[site.xxgk_path] = lambda req: site.html(chrome.page(
        site, title="政府信息公开", column="政府信息公开", crumbs=[("首页", "/"), ("政府信息公开", None)], main=main_x))
    site.routes[col_path(c_xz)] = lambda req: site.html(chrome.page(
        site, title="乡镇年报", column="乡镇年报", crumbs=[("首页", "/"), ("政府信息公开", site.xxgk_path), ("乡镇年报", None)],
        main=f'<div class="xz-list"><ul>{town_lis}</ul></div>'))
    home_page(site, [("政府信息公开", site.xxgk_path)], news_items(site))


ANNUAL_MODULE = "/module/xxgk/xxgkAnnualReport.jsp"


def hanweb_annual_module(site: Site, col: int) -> str:
    """The Hanweb 信息公开 annual-report viewer: one URL per (unit, year) re-serving the government's /art/ report."""
    area = f"{site.code_digits}000{site.index:03d}"
    by_year: dict[int, Report] = {}
    for r in list(site.reports):
        if (r.agency_kind == "government" and r.group == "column" and r.form != "attachment_only"
                and r.report_year not in by_year):
            dup = Report(uid=r.uid + ":module", site=site, agency=r.agency, agency_kind="government",
                         report_year=r.report_year, fmt=r.fmt, form="html",
                         layout=r.layout, source=r.source, defects=r.defects, docid=r.docid, group="module",
                         duplicate_of=r, changed=r.changed)
            dup.path = f"{ANNUAL_MODULE}?area={area}&fbtime={r.report_year}"
            dup.list_paths = [ANNUAL_MODULE + "?area=" + area]
            by_year[r.report_year] = dup
            site.reports.append(dup)

    def render(rep: Report) -> str:
        orig = rep.duplicate_of
        assert orig is not None
        return hanweb_page(site, title=rep.title, agency=rep.agency, published=rep.published,
                           body=body_of(orig, site.generation), col=col, docid=rep.docid, index=index_no(rep),
                           attachments="")

    def handle(req: Request) -> Response:
        if req.param("area") != area:
            return site.html(chrome.page(site, title="年度报告", column="年度报告", crumbs=[("首页", "/")],
                                         main="<p>暂无数据</p>"))
        year = _int(req.param("fbtime"), 0)
        if year in by_year:
            rep = by_year[year]
            return site.html(render(rep), last_modified=rep.published)
        links = "".join(f'<li><a href="xxgkAnnualReport.jsp?area={area}&amp;fbtime={y}">{y}年度</a></li>'
                        for y in sorted(by_year, reverse=True))
        return site.html(chrome.page(site, title="政府信息公开年度报告", column="政府信息公开年度报告",
                                     crumbs=[("首页", "/"), ("政府信息公开", site.xxgk_path), ("年度报告", None)],
                                     main=f'<div class="nb-years"><ul>{links}</ul></div>'))

    site.routes[ANNUAL_MODULE] = handle
    return f"{ANNUAL_MODULE}?area={area}"


def _int(value: str, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def hanweb_column(site: Site, col: int, meta: dict, webid: int) -> str:
    items = meta["items"]()
    first = items[: HANWEB_PER_PAGE * HANWEB_GROUP]
    unit = meta["unit"]
    store = hanweb_datastore(first, total=len(items), column_id=col, unit_id=unit, webid=webid, site_name=site.name,
                             with_totals=False)
    main = f"""<div class="list-box"><h2 class="column-title">{escape(meta['title'])}</h2>
<div id="{unit}"><script type="text/xml">{store}</script></div>
<script language="javascript" src="/module/web/jpage/jpage.js"></script>
<script>$(document).ready(function(){{ $('#{unit}').jpage({{ dataStore: '{unit}', totalRecord: {len(items)}, perPage: {HANWEB_PER_PAGE}, groupSize: {HANWEB_GROUP}, proxyUrl: '/module/web/jpage/dataproxy.jsp', ajaxParam: {{col: 1, appid: '1', webid: {webid}, path: '/', columnid: {col}, sourceContentType: 1, unitid: '{unit}', webname: '{escape(site.name)}', permissiontype: 0}} }}); }});</script>
</div>"""
    return chrome.page(site, title=meta["title"], column=meta["title"],
                       crumbs=[("首页", "/"), ("政府信息公开", site.xxgk_path), (meta["title"], None)], main=main,
                       title_tag=f"{site.name} {meta['title']}")


def hanweb_page(site: Site, *, title: str, agency: str, published: str, body: str, col: int, docid: int, index: str,
                attachments: str) -> str:
    meta_rows = [("索引号", index or f"{site.code_digits}/{published[:4]}-{docid % 100000:05d}"), ("主题分类", "综合政务"),
                 ("发布机构", agency), ("发文日期", published), ("发文字号", ""), ("时\u3000\u3000效", "有效")]
    main = f"""<div class="article">
{chrome.metadata_table(meta_rows)}
<div class="artile_title"><h2>{escape(title)}</h2></div>
<div class="artile_info"><!--<$[信息来源]>begin-->信息来源：{escape(agency)}<!--<$[信息来源]>end--> 发布日期：{escape(published)} 浏览次数：<script language="javascript" src="/module/visitcount/articlehits.jsp?colid={col}&artid={docid}"></script></div>
{chrome.article_tools()}
<div id="zoom"><!--ZJEG_RSS.content.begin--><meta name="ContentStart">{body}<meta name="ContentEnd"><!--ZJEG_RSS.content.end--></div>
{attachments}
</div>"""
    metas = {"ArticleTitle": title, "PubDate": f"{published} 10:11", "ContentSource": agency,
             "i_columnid": str(col), "i_articleid": str(docid), "Maketime": f"{published} 10:11:32"}
    return chrome.page(site, title=title, column="政府信息公开年报", crumbs=[
        ("首页", "/"), ("政府信息公开", site.xxgk_path), ("年度报告", f"/col/col{col}/index.html")],
        main=main, metas=metas, title_tag=f"{site.name} 政府信息公开年报 {title}")


def hanweb_article(site: Site, rep: Report, body: str, col: int) -> str:
    return hanweb_page(site, title=rep.title, agency=rep.agency, published=rep.published, body=body, col=col,
                       docid=rep.docid, index=index_no(rep), attachments=attachment_links(rep, "plain", ""))


# --- VSB ---------------------------------------------------------------------------------------------------------------

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
        add_attachments(r, lambda rep, kind, i: f"/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner={owner}"
                        f"&wbfileid={rep.docid * 10 + i}", referer=True)
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
        d = Distractor(site, "website_report", contentlib.distractor_title("website_report", region=site.region,
                                                                            agency=site.name, year=2023),
                       f"/info/1025/{pl.docid()}.htm", "2024-01-16")
        site.distractors.append(d)
        body = contentlib.distractor_body(d.kind, d.title, region=site.region, agency=site.name, year=2023)
        site.routes[d.path] = lambda req: site.html(vsb_page(site, title=d.title, agency=site.name + "办公室",
                                                             published=d.published, body=body, docid=0, owner=owner,
                                                             attachments=""))
        extra.append(Item(d.path, d.title, d.published))
        site.behaviours += ["vsb-reverse-paging", "referer-required-download", "cookie-gate", "attachment-only-report"]
    robots(site, ["/system/resource/"], None)

    items = sorted([Item(r.path, r.title, r.published) for r in site.reports] + extra,
                   key=lambda it: (it.date, it.path), reverse=True)
    total_pages = max(1, math.ceil(len(items) / VSB_PER_PAGE))
    for k in range(1, total_pages + 1):  # UI page k
        chunk = items[(k - 1) * VSB_PER_PAGE : k * VSB_PER_PAGE]
        path = "/ndbg.htm" if k == 1 else f"/ndbg/{total_pages - k + 1}.htm"
        site.routes[path] = (lambda req, k=k, chunk=chunk: site.html(vsb_list(site, chunk, k, total_pages, len(items))))
    guides = guide_pages(site, "/xxgk/", [("首页", "/"), ("信息公开", site.xxgk_path)])
    glis = "".join(f'<li><a href="{h.lstrip("/")}">{escape(t)}</a></li>' for t, h in guides)
    site.routes[site.xxgk_path] = lambda req: site.html(chrome.page(
        site, title="信息公开", column="信息公开", crumbs=[("首页", "/"), ("信息公开", None)],
        main=f'<div class="xxgk"><ul>{glis}<li><a href="ndbg.htm">政府信息公开年度报告</a></li></ul></div>'))
    home_page(site, [("信息公开", site.xxgk_path)], news_items(site))


def vsb_list(site: Site, items: list[Item], k: int, total: int, count: int) -> str:
    prefix = "" if k == 1 else "../"

    def page_href(ui: int) -> str:
        if ui == 1:
            return "../ndbg.htm" if k != 1 else "ndbg.htm"
        return f"{'' if k != 1 else 'ndbg/'}{total - ui + 1}.htm"

    lis = "".join(f'<li id="line_u5_{i}"><a href="{prefix}{escape(it.path.lstrip("/"))}" target="_blank" '
                  f'title="{escape(it.title)}">{escape(short(it.title))}</a><span>{it.date}</span></li>'
                  for i, it in enumerate(items))
    parts = [f'<span class="p_t">共{count}条</span><span class="p_pages">']
    if k == 1:
        parts.append('<span class="p_first_d p_fun_d">首页</span><span class="p_prev_d p_fun_d">上页</span>')
    else:
        parts.append(f'<span class="p_first p_fun"><a href="{page_href(1)}">首页</a></span>'
                     f'<span class="p_prev p_fun"><a href="{page_href(k - 1)}">上页</a></span>')
    for ui in range(1, total + 1):
        if ui == k:
            parts.append(f'<span class="p_no_d">{ui}</span>')
        elif abs(ui - k) <= 2 or ui == total:
            parts.append(f'<span class="p_no"><a href="{page_href(ui)}">{ui}</a></span>')
        elif ui == k + 3:
            parts.append('<span class="p_dot">...</span>')
    if k < total:
        parts.append(f'<span class="p_next p_fun"><a href="{page_href(k + 1)}">下页</a></span>'
                     f'<span class="p_last p_fun"><a href="{page_href(total)}">尾页</a></span>')
    else:
        parts.append('<span class="p_next_d p_fun_d">下页</span><span class="p_last_d p_fun_d">尾页</span>')
    parts.append(f'</span><span class="p_t">{k}/{total}</span>')
    pager = '<div class="pb_sys_common pb_sys_normal pb_sys_style1">' + "".join(parts) + "</div>"
    main = f'<div class="list-box"><h2>政府信息公开年度报告</h2><ul class="list">{lis}</ul>{pager}</div>'
    return chrome.page(site, title="政府信息公开年度报告", column="政府信息公开年度报告",
                       crumbs=[("首页", "/"), ("信息公开", site.xxgk_path), ("年度报告", None)], main=main)


def vsb_page(site: Site, *, title: str, agency: str, published: str, body: str, docid: int, owner: int,
             attachments: str, index: str = "") -> str:
    meta_rows = [("索引号", index or f"{site.code_digits}/{published[:4]}-00000"), ("发文字号", ""),
                 ("成文日期", published), ("发布日期", published), ("标\u3000\u3000题", title), ("发布机构", agency),
                 ("公文时效", "有效")]
    main = f"""<form name="_newscontent_fromname">
{chrome.metadata_table(meta_rows, css="xxgk-meta")}
<div class="titlestyle"><h1>{escape(title)}</h1></div>
<div class="info">来源: {escape(agency)} 作者: 时间:{escape(published)} 点击率:<script>_showDynClicks("wbnews", {owner}, {docid})</script> 【<a href="javascript:window.print()">打印</a>】【<a href="javascript:window.close()">关闭</a>】</div>
<div id="vsb_content"><div class="v_news_content">{body}</div></div>
{attachments}
</form>{chrome.article_tools()}"""
    metas = {"ArticleTitle": title, "PubDate": f"{published} 08:00", "ContentSource": agency}
    return chrome.page(site, title=title, column="年度报告", crumbs=[
        ("首页", "/"), ("信息公开", site.xxgk_path), ("年度报告", "/ndbg.htm"), ("正文", None)], main=main, metas=metas)


def vsb_article(site: Site, rep: Report, body: str, owner: int) -> str:
    return vsb_page(site, title=rep.title, agency=rep.agency, published=rep.published, body=body, docid=rep.docid,
                    owner=owner, attachments=attachment_links(rep, "vsb", ""), index=index_no(rep))


# --- gkmlpt (Guangdong) ----------------------------------------------------------------------------------------------

GKMLPT_PER_PAGE = 100


def build_gkmlpt(site: Site, rng: random.Random, opts: Options, registry: dict) -> None:
    """gkmlpt SPA: an HTML shell with window._CONFIG, a JSON list API, and /content/post_ID.html pages."""
    pl = Planner(site, rng, opts, 8)
    sid = str(755000 + site.index)
    cat_nb, cat_other = 721, 722
    site.xxgk_path = "/gkmlpt/index"
    site.report_columns = ["/gkmlpt/index#721"]
    site.gzip = True
    articles: dict[int, list[dict]] = {cat_nb: [], cat_other: []}

    def article_json(path: str, title: str, date: str, pid: int, publisher: str, atts: list[Attachment]) -> dict:
        return {"id": pid, "title": title, "document_number": "", "publisher": publisher,
                "identifier": f"{site.code_digits}/{date[:4]}-{pid % 100000:05d}", "date": int(
                    datetime.fromisoformat(date).replace(tzinfo=UTC).timestamp()), "created_at": f"{date} 09:00:00",
                "display_publish_time": int(datetime.fromisoformat(date).replace(tzinfo=UTC).timestamp()),
                "url": path, "post_url": path,  # "url" is made absolute per request (the port is bound later)
                "attachment": [{"name": a.name, "type": a.kind, "mime": "application/pdf", "size": 0,
                                "url": a.path} for a in atts],
                "is_expired": False, "is_abolished": False}

    for agency, kind, year in pl.pairs(n_departments=2, n_townships=1):
        r = pl.report(agency, kind, year, "column")
        r.path = f"/zwgk/xxgknb/content/post_{r.docid}.html"
        r.list_paths = [f"/gkmlpt/api/all/{cat_nb}"]
        add_attachments(r, lambda rep, kind, i: f"/attachment/0/{rep.docid % 100}/{rep.docid % 100000}/{rep.docid}{i}.{kind}")
        report_route(r, lambda rep, gen: gkmlpt_article(site, rep, body_of(rep, gen)))
    if site.primary:
        did = pl.docid()
        shell_path = f"/zwgk/xxgknb/content/post_{did}.html"
        add_blocked(site, shell_path, "empty-shell", f"{site.region}教育局2023年政府信息公开工作年度报告")
        articles[cat_nb].append(article_json(shell_path, site.blocked[-1].title, "2024-01-26", did, site.region + "教育局", []))
        site.behaviours += ["gkmlpt-json", "empty-shell"]
    for r in site.reports:
        articles[cat_nb].append(article_json(r.path, r.title, r.published, r.docid, r.agency, r.attachments))
    # ordinary policy documents fill the "all" category past one API page
    n_other = 130 if site.primary else 20
    for i in range(n_other):
        did = pl.docid()
        date = f"{2020 + i % 5}-{i % 12 + 1:02d}-{i % 27 + 1:02d}"
        title = f"{site.region}关于印发{['农村人居环境整治', '安全生产专项整治', '营商环境优化', '城市更新'][i % 4]}工作方案的通知（第{i + 1}号）"
        path = f"/zwgk/wjk/content/post_{did}.html"
        d = Distractor(site, "other", title, path, date)
        site.distractors.append(d)
        articles[cat_other].append(article_json(path, title, date, did, site.name + "办公室", []))
        site.routes[path] = (lambda req, d=d: site.html(gkmlpt_page(site, title=d.title, agency=site.name + "办公室",
                                                                    published=d.published, body="<p>现将有关工作方案印发给你们，请认真贯彻执行。</p>",
                                                                    atts="", index="")))
    for cat in articles:
        articles[cat].sort(key=lambda a: a["date"], reverse=True)
    tree = [{"id": 720, "name": "政府信息公开指南", "children": [], "post_count": 0, "jump_url": "/xxgk/zfxxgkzn/index.html"},
            {"id": cat_other, "name": "法定主动公开内容", "children": [], "post_count": len(articles[cat_other])},
            {"id": cat_nb, "name": "政府信息公开年报", "children": [], "post_count": len(articles[cat_nb])}]
    names = {cat_nb: "政府信息公开年报", cat_other: "法定主动公开内容", 0: "全部"}

    def api(req: Request) -> Response:
        try:
            cat = int(req.path.rsplit("/", 1)[1])
        except ValueError:
            cat = -1
        if cat == 0:
            pool = sorted(articles[cat_nb] + articles[cat_other], key=lambda a: a["date"], reverse=True)
        elif cat in articles:
            pool = articles[cat]
        else:
            return Response(404, b'{"code":404,"msg":"not found"}', "application/json")
        page = max(1, _int(req.param("page", "1"), 1))  # page 0 and page 1 return the same batch
        batch = [{**a, "url": site.url(a["url"]),
                  "attachment": [{**f, "url": site.url(f["url"])} for f in a["attachment"]]}
                 for a in pool[(page - 1) * GKMLPT_PER_PAGE : page * GKMLPT_PER_PAGE]]
        body = {"classify": {"id": cat, "name": names.get(cat, ""), "post_count": len(pool)}, "articles": batch}
        return Response(200, json.dumps(body, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    for cat in (0, cat_nb, cat_other):
        site.routes[f"/gkmlpt/api/all/{cat}"] = api
    config = json.dumps({"SID": sid, "TREE": tree, "API": "/gkmlpt/api/all/"}, ensure_ascii=False)
    shell_main = (f'<div id="app"><div class="gkmlpt-loading">正在加载…</div></div>'
                  f"<script>window._CONFIG = {config};</script><script src=\"/gkmlpt/static/js/app.js\"></script>")
    site.routes["/gkmlpt/index"] = lambda req: site.html(chrome.page(
        site, title="政府信息公开", column="政府信息公开", crumbs=[("首页", "/"), ("政府信息公开", None)], main=shell_main))
    robots(site, [], None)
    guide_pages(site, "/xxgk/", [("首页", "/"), ("政府信息公开", site.xxgk_path)])
    home_page(site, [("政府信息公开", site.xxgk_path)], news_items(site))


def gkmlpt_page(site: Site, *, title: str, agency: str, published: str, body: str, atts: str, index: str) -> str:
    rows = [("索引号", index or f"{site.code_digits}/{published[:4]}-00000"), ("分类", "政府信息公开年报"), ("发布机构", agency),
            ("成文日期", published), ("名称", title), ("文号", ""), ("发布日期", published), ("主题词", "")]
    main = f"""<div class="classify">{chrome.metadata_table(rows, css="classify-table")}</div>
<div class="content"><h1 class="title">{escape(title)}</h1>
<div class="date">发布日期：{escape(published)} 来源：{escape(agency)} 字号：<a>大</a> <a>中</a> <a>小</a></div>
<div class="article-content">{body}</div>
{atts}
</div>{chrome.article_tools()}"""
    metas = {"ArticleTitle": title, "PubDate": f"{published} 17:00", "ContentSource": agency}
    return chrome.page(site, title=title, column="政府信息公开年报", crumbs=[
        ("首页", "/"), ("政府信息公开", site.xxgk_path), ("正文", None)], main=main, metas=metas,
        head_extra=f"<script>var NFCMS_SITE_ID = {site.index + 1}; var NFCMS_POST_ID = 0;</script>")


def gkmlpt_article(site: Site, rep: Report, body: str) -> str:
    return gkmlpt_page(site, title=rep.title, agency=rep.agency, published=rep.published, body=body,
                       atts=attachment_links(rep, "plain", ""), index=index_no(rep))


# --- generic article template (JS-only, client-side slice and slow sites) -------------------------------------------


def generic_page(site: Site, *, title: str, agency: str, published: str, body: str, container: str, atts: str,
                 column: str, list_path: str, index: str = "") -> str:
    dl = (f'<dl class="meta"><dt>索引号：</dt><dd>{escape(index)}</dd><dt>发文机构：</dt><dd>{escape(agency)}</dd>'
          f"<dt>发布日期：</dt><dd>{escape(published)}</dd><dt>标题：</dt><dd>{escape(title)}</dd></dl>")
    if container.startswith("#"):
        open_tag = f'<div id="{container[1:]}">'
    else:
        open_tag = f'<div class="{container[1:]}">'
    main = f"""<div class="article">{dl}
<h1 id="ti">{escape(title)}</h1>
<div class="pages-date">{escape(published)} <span class="font">来源：{escape(agency)}</span> 字号：<a>大</a> <a>中</a> <a>小</a></div>
{open_tag}{body}</div>
{atts}
{chrome.article_tools()}</div>"""
    metas = {"ArticleTitle": title, "PubDate": f"{published} 11:00", "ContentSource": agency}
    return chrome.page(site, title=title, column=column, crumbs=[
        ("首页", "/"), ("政务公开", site.xxgk_path), (column, list_path), ("正文", None)], main=main, metas=metas)


def build_generic_reports(site: Site, pl: Planner, list_dir: str, container: str, column: str, *,
                          n_departments: int, n_townships: int) -> None:
    for agency, kind, year in pl.pairs(n_departments=n_departments, n_townships=n_townships):
        r = pl.report(agency, kind, year, "column")
        r.path = trs_report_path(list_dir, r)
        r.list_paths = [list_dir + "index.html"]
        add_attachments(r, lambda rep, kind, i: f"{rep.path.rsplit('/', 1)[0]}/P0{rep.ymd}{rep.docid % 1000000:06d}{i}.{kind}")
        report_route(r, lambda rep, gen: generic_page(
            site, title=rep.title, agency=rep.agency, published=rep.published, body=body_of(rep, gen),
            container=container, atts=attachment_links(rep, "plain", ""), column=column,
            list_path=list_dir + "index.html", index=index_no(rep)))


def xxgk_index(site: Site, blocks: list[tuple[str, str]]) -> None:
    guides = guide_pages(site, site.xxgk_path.rsplit("/", 1)[0] + "/", [("首页", "/"), ("政务公开", site.xxgk_path)])
    lis = "".join(f'<li><a href="{h}">{escape(t)}</a></li>' for t, h in guides + blocks)
    site.routes[site.xxgk_path] = lambda req: site.html(chrome.page(
        site, title="政府信息公开", column="政府信息公开", crumbs=[("首页", "/"), ("政府信息公开", None)],
        main=f'<div class="xxgk-blocks"><ul>{lis}</ul></div>'))
    home_page(site, [("政府信息公开", site.xxgk_path)], news_items(site))


def build_jsonly(site: Site, rng: random.Random, opts: Options, registry: dict) -> None:
    """A list drawn by JavaScript only: the HTML has no report links and no URL a regex could lift."""
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
            "<script>(function(){var d=" + json.dumps(data) + ";var ul=document.getElementById('nb-list');"
            "for(var i=0;i<d.length;i++){var x=d[i],li=document.createElement('li'),a=document.createElement('a');"
            "var s=String(x[0]);a.setAttribute('hr'+'ef','./'+s.slice(0,6)+'/t'+s+'_'+(x[1]*3+7)+'.ht'+'ml');"
            "a.textContent=String.fromCharCode.apply(null,x[2]);a.target='_blank';li.appendChild(a);"
            "var sp=document.createElement('span');sp.textContent=s.slice(0,4)+'-'+s.slice(4,6)+'-'+s.slice(6);"
            "li.appendChild(sp);ul.appendChild(li);}})();</script>"
        )
        main = f'<div class="list-box"><h2>政府信息公开年报</h2><ul id="nb-list" class="list"></ul>{script}</div>'
        return site.html(chrome.page(site, title="政府信息公开年报", column="政府信息公开年报",
                                     crumbs=[("首页", "/"), ("政务公开", site.xxgk_path), ("政府信息公开年报", None)], main=main))

    site.routes[list_dir + "index.html"] = listing
    site.routes[list_dir] = listing
    robots(site, [], None)
    xxgk_index(site, [("政府信息公开年报", list_dir + "index.html")])
    site.behaviours += ["js-only-list"]


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
        lis = "".join(f'<li><a href="{escape(rel(list_dir, r.path))}" title="{escape(r.title)}" target="_blank">'
                      f"{escape(short(r.title))}</a><span>{r.published}</span></li>" for r in rows)
        script = ("<script>var pageConfig = {totalCount: " + str(len(rows)) + ", perSize: " + str(SLICE_PER_SIZE) +
                  ", curPage: 1, pageId: 'page'};"
                  "function showPage(p){var lis=document.querySelectorAll('.default_news li');for(var i=0;i<lis.length;i++)"
                  "{lis[i].style.display=(i>=(p-1)*pageConfig.perSize&&i<p*pageConfig.perSize)?'':'none';}}showPage(1);</script>")
        main = f'<div class="list-box"><h2>政府信息公开年报</h2><ul class="default_news">{lis}</ul><div id="page"></div>{script}</div>'
        return site.html(chrome.page(site, title="政府信息公开年报", column="政府信息公开年报",
                                     crumbs=[("首页", "/"), ("政务公开", site.xxgk_path), ("政府信息公开年报", None)], main=main))

    site.routes[list_dir + "index.html"] = listing
    site.routes[list_dir] = listing
    robots(site, [], None)
    xxgk_index(site, [("政府信息公开年报", list_dir + "index.html")])


def build_slow(site: Site, rng: random.Random, opts: Options, registry: dict) -> None:
    """A township site on a slow link: every answer waits `slow_delay` seconds."""
    pl = Planner(site, rng, opts, 3)
    site.xxgk_path = "/xxgk/index.html"
    site.slow = True
    list_dir = "/xxgk/ndbg/"
    n = pl.count
    pl.count = max(0, n - 1) if site.primary else n
    build_generic_reports(site, pl, list_dir, ".TRS_Editor", "年度报告", n_departments=0, n_townships=0)
    if site.primary:
        seed = pl.report(contentlib.SEEDS["004"].agency, "township", 2020, "column", source="seed:004", form="html")
        seed.path = trs_report_path(list_dir, seed)
        seed.list_paths = [list_dir + "index.html"]
        report_route(seed, lambda rep, gen: generic_page(
            site, title=rep.title, agency=rep.agency, published=rep.published, body=body_of(rep, gen),
            container=".TRS_Editor", atts="", column="年度报告", list_path=list_dir + "index.html", index=index_no(rep)))
        site.behaviours += ["slow"]
    trs_list(site, list_dir, "年度报告", [("首页", "/"), ("政务公开", site.xxgk_path), ("年度报告", None)],
             lambda: [Item(r.path, r.title, r.published) for r in site.reports], per_page=10)
    robots(site, [], None)
    xxgk_index(site, [("年度报告", list_dir + "index.html")])


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
        add_attachments(r, lambda rep, kind, i: f"/module/download/downfile.jsp?classid=0&filename={rep.docid}{i}.{kind}")
        report_route(r, lambda rep, gen: hanweb_article(site, rep, body_of(rep, gen), col))

    def unit(req: Request) -> Response:
        if req.param("webId") != str(web_id) or req.param("pageId") != str(page_id):
            return Response(200, b'{"success":false,"msg":"unit not found","data":null}', "application/json")
        try:
            params = json.loads(req.param("paramJson", "{}") or "{}")
        except ValueError:
            params = {}
        page_no = max(1, _int(str(params.get("pageNo", 1)), 1))
        size = min(100, max(1, _int(str(params.get("pageSize", 15)), 15)))
        rows = sorted(site.reports, key=lambda r: (r.published, r.path), reverse=True)
        chunk = rows[(page_no - 1) * size : page_no * size]
        html = "".join(f'<li><a href="{escape(r.path)}" title="{escape(r.title)}" target="_blank">{escape(short(r.title))}'
                       f"</a><span>{r.published}</span></li>" for r in chunk)
        body = {"success": True, "data": {"html": f"<ul class=\"list\">{html}</ul>" if chunk else ""}}
        return Response(200, json.dumps(body, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    site.routes[JPAAS_UNIT] = unit
    query = json.dumps({"webId": web_id, "tplSetId": tpl, "pageType": "column", "tagId": "信息列表",
                        "pageId": page_id, "editType": None}, ensure_ascii=False)
    column_main = (f'<div class="list-box"><h2>政府信息公开年报</h2><div id="unit-list"></div>'
                   f'<script type="text/javascript" src="/AuthorizedRead/unitbuild.js" url="{JPAAS_UNIT}" '
                   f"queryData='{escape(query)}' paramJson='{{\"pageNo\":1,\"pageSize\":15}}'></script></div>")
    site.routes[col_path] = lambda req: site.html(chrome.page(
        site, title="政府信息公开年报", column="政府信息公开年报",
        crumbs=[("首页", "/"), ("政务公开", site.xxgk_path), ("政府信息公开年报", None)], main=column_main))
    robots(site, [], None)
    xxgk_index(site, [("政府信息公开年报", col_path)])
    site.behaviours += ["jpaas-unit-json"]


BUILDERS: dict[str, Callable[[Site, random.Random, Options, dict], None]] = {
    "trs": build_trs, "trs1": build_trs1, "hanweb": build_hanweb, "vsb": build_vsb, "gkmlpt": build_gkmlpt,
    "jsonly": build_jsonly, "client_slice": build_client_slice, "slow": build_slow, "jpaas": build_jpaas,
}


def etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
