"""Shared pieces of the site builders: list items, the report planner, attachments, static pages and
the access behaviours (challenge pages, empty shell, soft 404, cookie gate, robots.txt).
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape

from gxcrawl.demo import chrome, docfiles
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

    def report(
        self,
        agency: str,
        kind: str,
        year: int,
        group: str,
        *,
        form: str | None = None,
        source: str = "reportgen",
        fmt: str | None = None,
        docid: int | None = None,
    ) -> Report:
        rng = self.rng
        if form is None:
            roll = rng.random()
            form = (
                "html"
                if roll < 0.55
                else "html+pdf"
                if roll < 0.75
                else "html+docx"
                if roll < 0.9
                else "attachment_only"
            )
        layout = "html"
        if source == "reportgen" and rng.random() < self.opts.text_layout_share:
            layout = rng.choice(TEXT_LAYOUTS)
        report = Report(
            uid=f"{self.site.id}:{agency}:{year}:{self._n}",
            site=self.site,
            agency=agency,
            agency_kind=kind,
            report_year=year,
            fmt=fmt or (contentlib.SEEDS[source[5:]].fmt if source.startswith("seed:") else fmt_for_year(rng, year)),
            form=form,
            layout=layout,
            source=source,
            defects=self.opts.defects,
            docid=docid if docid is not None else self.docid(),
            group=group,
        )
        self.site.reports.append(report)
        return report


def http_date(ymd: str) -> str:
    y, m, d = (int(x) for x in ymd.split("-"))
    return format_datetime(datetime(y, m, d, 9, 30, tzinfo=UTC), usegmt=True)


ATTACHMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "ofd": "application/ofd",
}


def attachment_bytes(report: Report, att: Attachment, generation: int) -> bytes:
    c = report.content(generation)
    # attachments are the original document, with real tables, whatever the page's pasted layout
    blocks = docfiles.html_blocks(c.original_html)
    if att.kind == "pdf":
        return docfiles.make_pdf(docfiles.blocks_text_lines(blocks), title=c.title)
    if att.kind == "ofd":
        return docfiles.make_ofd(docfiles.blocks_text_lines(blocks), title=c.title)
    return docfiles.make_docx(blocks, title=c.title)


def attachment_handler(report: Report, att: Attachment) -> Callable[[Request], Response]:
    site = report.site
    built: dict[int, bytes] = {}  # generation -> file: a real server sends a stored file, it does not rebuild it

    def handle(req: Request) -> Response:
        if att.referer_required and not req.headers.get("Referer", "").startswith(site.base_url):
            body = "<html><body><h3>下载失败：非法访问，请从网站页面点击下载。</h3></body></html>"
            return Response(403, body.encode("utf-8"))
        data = built.get(site.generation)
        if data is None:
            data = built[site.generation] = attachment_bytes(report, att, site.generation)
        ctype = ATTACHMENT_TYPES[att.kind]
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
            out.append(
                f'<p class="insertfileTag"><a appendix="true" href="{escape(href)}" OLDSRC="{oldsrc}" '
                f'title="{name}">{name}</a></p>'
            )
        elif style == "vsb":
            fid = att.path.rsplit("=", 1)[-1]
            out.append(
                f'<li>附件【<a href="{escape(att.path)}" target="_blank">{name}</a>】已下载'
                f'<span id="nattach{fid}"><script>getClickTimes({fid},{report.docid},"wbnewsfile","attach")'
                f"</script></span>次</li>"
            )
        else:
            out.append(f'<p class="fj">附件：<a href="{escape(att.path)}" target="_blank">{name}</a></p>')
    if style == "vsb":
        return '<ul class="fj-list">' + "".join(out) + "</ul>"
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
    kinds = {"html+pdf": ["pdf"], "html+docx": ["docx"], "attachment_only": [report.attachment_kind]}.get(
        report.form, []
    )
    for i, kind in enumerate(kinds):
        name = f"{report.title}.{kind}"
        att = Attachment(path_for(report, kind, i), kind, name, referer_required=referer)
        report.attachments.append(att)
        report.site.routes[att.path.split("?")[0] if "?" not in att.path else att.path] = attachment_handler(
            report, att
        )


def report_route(report: Report, render: Callable[[Report, int], str]) -> None:
    site = report.site

    def handle(req: Request) -> Response:
        return site.html(render(report, site.generation), last_modified=report.published)

    site.routes[report.path] = handle


def static_page(
    site: Site,
    path: str,
    title: str,
    paragraphs: list[str],
    crumbs: list[tuple[str, str | None]],
    column: str | None = None,
) -> None:
    main = (
        f'<div class="article"><h1>{escape(title)}</h1><div class="content">'
        + "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        + "</div></div>"
    )

    def handle(req: Request) -> Response:
        return site.html(chrome.page(site, title=title, column=column, crumbs=crumbs, main=main))

    site.routes[path] = handle


def xxgk_page(site: Site, path: str, main: str) -> None:
    """Serve the portal's 政府信息公开 page at `path`, with `main` as its content."""
    site.routes[path] = lambda req: site.html(
        chrome.page(
            site,
            title="政府信息公开",
            column="政府信息公开",
            crumbs=[("首页", "/"), ("政府信息公开", None)],
            main=main,
        )
    )


def distractor_route(site: Site, d: Distractor, render_article: Callable[..., str]) -> None:
    body = contentlib.distractor_body(
        d.kind, d.title, region=site.region, agency=site.name, year=int(d.published[:4]) - 1
    )

    def handle(req: Request) -> Response:
        return site.html(
            render_article(
                site, title=d.title, agency=site.name + "办公室", published=d.published, body=body, path=d.path
            ),
            last_modified=d.published,
        )

    site.routes[d.path] = handle


def home_page(site: Site, links: list[tuple[str, str]], news: list[tuple[str, str]]) -> None:
    nav = "".join(f'<li><a href="{escape(h)}">{escape(t)}</a></li>' for t, h in links)
    newsl = "".join(
        f'<li><a href="{escape(h)}" target="_blank">{escape(t)}</a><span>2024-0{i % 9 + 1}-1{i}</span></li>'
        for i, (t, h) in enumerate(news)
    )
    main = (
        f'<div class="home"><div class="zwgk-entry"><h2>政务公开</h2><ul>{nav}</ul></div>'
        f'<div class="news"><h2>政务要闻</h2><ul>{newsl}</ul></div></div>'
    )

    def handle(req: Request) -> Response:
        return site.html(
            chrome.page(site, title=site.name, column=None, crumbs=[("首页", None)], main=main, title_tag=site.name)
        )

    site.routes["/"] = handle
    site.routes["/index.html"] = handle
    for t, h in news:
        static_page(
            site,
            h,
            t,
            [f"{site.region}召开专题会议，部署近期重点工作。", "会议要求，各部门要切实履职尽责，抓好工作落实。"],
            [("首页", "/"), ("政务要闻", None)],
        )


def news_items(site: Site) -> list[tuple[str, str]]:
    return [
        (f"{site.region}召开2024年第一季度经济运行分析会", "/xwzx/zwyw/202404/t20240412_101.html"),
        (f"{site.region}部署安全生产大检查工作", "/xwzx/zwyw/202403/t20240318_102.html"),
        (f"{site.region}政府常务会议研究多项民生事项", "/xwzx/zwyw/202402/t20240226_103.html"),
    ]


def guide_pages(site: Site, base: str, crumbs: list[tuple[str, str | None]]) -> list[tuple[str, str]]:
    pages = [
        ("政府信息公开指南", base + "zfxxgkzn/index.html"),
        ("政府信息公开制度", base + "zfxxgkzd/index.html"),
        ("法定主动公开内容", base + "fdzdgknr/index.html"),
    ]
    for title, path in pages:
        static_page(
            site,
            path,
            f"{site.name}{title}",
            [
                "为了保障公民、法人和其他组织依法获取政府信息，根据《中华人民共和国政府信息公开条例》，编制本指南。",
                "申请人可以通过当面、信函、网络等方式提出政府信息公开申请。",
            ],
            crumbs + [(title, None)],
            column=title,
        )
    return pages


# --- access behaviours ---------------------------------------------------------------------------------------


def challenge_412() -> Response:
    body = (
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        '<meta id="9DhefwqGPrzGxEp9hPaoag" content="Y2hhbGxlbmdlLWRhdGE=" r="m">'
        "<script type=\"text/javascript\" r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts=window['$_ts']={};"
        '$_ts.nsd=28761;$_ts.cd="qEcrrAlkWqWFqrlEcaaqc0Azr1qPcGAkWsE7rqqlDGlFcqqrc1qbcqr1cqqPcGlFWGYbrqq8Wa3";'
        '$_ts.lcd="l1jarAAlcGE7cqaqcaArcsAlcqlzWsl3qqlFraE";</script>'
        '<script type="text/javascript" charset="utf-8" src="/4QbVtADbnLVIc/c.FxJzG50F.dfe1675.js" r=\'m\'></script>'
        "</head><body><script type=\"text/javascript\" r='m'>$_ts.cm=function(){return 0};</script></body></html>"
    )
    return Response(
        412,
        body.encode("utf-8"),
        "text/html; charset=utf-8",
        [("Set-Cookie", "FSSBBIl1UgzbN7N80S=aB3dE5fG7hI9; Path=/; HttpOnly")],
    )


def challenge_521() -> Response:
    body = (
        "<html><body><script>document.cookie=('_')+('_')+('j')+('s')+('l')+('_')+('c')+('l')+('e')+('a')+('r')"
        "+('a')+('n')+('c')+('e')+('=')+(-~[]+'')+('7')+('0')+(1+[0]-(1)+'')+('2')+('9')+('5')+('.')+('1')"
        "+('|0|')+('dE%2FHn')+('%3D')+';max-age=3600;path=/';location.href=location.pathname+location.search"
        "</script></body></html>"
    )
    return Response(
        521,
        body.encode("utf-8"),
        "text/html",
        [("Set-Cookie", "__jsluid_h=3c5a7e9b1d2f4a6c8e0b2d4f6a8c0e1f; max-age=31536000; path=/; HttpOnly")],
    )


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
    main = (
        '<div class="error-page"><h2>404</h2><p>抱歉，您访问的页面不存在或已被删除！</p>'
        '<p><a href="/">返回首页</a></p></div>'
    )
    return site.html(
        chrome.page(
            site,
            title="页面不存在",
            column=None,
            crumbs=[("首页", "/"), ("页面不存在", None)],
            main=main,
            title_tag="404 页面不存在",
        )
    )


def cookie_gated(site: Site, path: str, inner: Callable[[Request], Response], token: str) -> None:
    """302-to-self setting a static cookie (openresty CT6T style); a cookie jar is enough."""

    def handle(req: Request) -> Response:
        if req.cookies.get("CT6T") == token:
            return inner(req)
        return Response(302, b"", "text/html", [("Location", site.url(path)), ("Set-Cookie", f"CT6T={token}; Path=/")])

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


def to_int(value: str, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
