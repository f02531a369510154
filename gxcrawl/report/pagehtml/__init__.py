"""HTML page -> report body, text lines, title, metadata and attachment links.

The cascade (each stage runs only when the one before found nothing):
  1. Hanweb ZJEG markers (<!--ZJEG_RSS.content.begin--> … end) around the body;
  2. known CMS body containers (`chrome.CONTAINER_SELECTORS`), widened to the common ancestor of the
     statutory headings when the container misses some of them;
  3. the smallest block holding the statutory section headings (一、总体情况 … 六、其他需要报告的事项);
  4. a density walk: descend into the child holding most of the non-link text;
  5. gkmlpt pages whose body is only in `window._CONFIG.DETAIL` (a JSON string).
Chrome is then dropped at element level (tags, id/class patterns, hidden blocks, metadata tables)
and at line level (`chrome.chrome_line_mask`).

Modules: tree (lxml helpers), scan (one pass collecting anchors, chrome-like and linking elements), body
(the cascade), chromeblocks (element-level chrome), lines (text flattening), metadata (label/value blocks,
header line), title, attachments (document links).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree

from gxcrawl.report import chrome
from gxcrawl.report.pagehtml.attachments import ElementLink, Link, collect_links, page_attachments
from gxcrawl.report.pagehtml.body import (
    Detail,
    choose_body,
    detail_body,
    heading_elements,
    match_containers,
    zjeg_fragment,
)
from gxcrawl.report.pagehtml.chromeblocks import strip_chrome_elements
from gxcrawl.report.pagehtml.lines import render_lines
from gxcrawl.report.pagehtml.metadata import find_metadata_blocks, header_line_metadata, metadata_tokens
from gxcrawl.report.pagehtml.scan import Scan, scan
from gxcrawl.report.pagehtml.title import clean_title, pick_title
from gxcrawl.report.pagehtml.tree import (
    NO_WS_RE,
    HtmlElement,
    collapse,
    drop_element,
    element_text,
    inside,
    is_attached,
    parse_document,
    xml_compatible,
)
from gxcrawl.report.pagemeta import RANK_HEADER, RANK_TABLE, RANK_URL, MetadataBuilder, date_from_url
from gxcrawl.report.tables import tables_grid

__all__ = ["HtmlExtract", "Link", "extract_html"]

# Dropped page-wide before the body is searched; iframes/embeds stay until attachments are read.
_GLOBAL_DROP_TAGS = chrome.DROP_TAGS - {"iframe", "frame", "object", "embed"}


@dataclass(slots=True)
class HtmlExtract:
    text: str
    body_html: str | None
    title: str | None
    metadata: dict[str, str]
    attachments: tuple[Link, ...] = ()
    table_grid: str | None = None  # tables.html_tables_text(body_html), read from the tree in hand
    issues: tuple[str, ...] = ()  # what was left out (tables over the grid limits)


@dataclass(slots=True)
class _Head:
    """What the page says about itself, read before anything is removed."""

    base: str | None  # the URL links resolve against (<base href> or the page's)
    html_title: str | None
    scripts: list[str]


@dataclass(slots=True)
class _Body:
    element: HtmlElement
    scan: Scan  # of the tree the body lives in (a ZJEG or gkmlpt body is a tree of its own)
    links: list[ElementLink]


def extract_html(text: str, url: str | None = None, *, whole: bool = False) -> HtmlExtract:
    """Extract the report from an HTML page; `whole=True` for converted documents (all of it is body)."""
    text = xml_compatible(text)
    doc = parse_document(text)
    if doc is None:
        return HtmlExtract(text="", body_html=None, title=None, metadata={})
    meta = MetadataBuilder()
    head = _read_head(doc, url, meta)

    etree.strip_tags(doc, etree.Comment)
    for el in list(doc.iter(*_GLOBAL_DROP_TAGS)):
        drop_element(el)

    zjeg = None if whole else zjeg_fragment(text)
    page = scan(doc)
    page_links = collect_links(page.linking, head.base)
    found = match_containers(page.attributed)
    metadata_blocks = find_metadata_blocks(page.anchors, {el for matches in found for el in matches})
    for block in metadata_blocks:
        meta.offer_lines(metadata_tokens(block), RANK_TABLE)

    title = pick_title(doc, meta, head.html_title, page.attributed)
    root_body = doc.find("body")
    page_text = collapse(element_text(root_body if root_body is not None else doc)[:50_000])
    header_line_metadata(page_text, meta)

    for block in metadata_blocks:
        drop_element(block)

    hits = [h for h in heading_elements(page.anchors) if is_attached(h, doc)]
    if whole:
        body = _Body(root_body if root_body is not None else doc, page, page_links)
    elif zjeg is not None and len(element_text(zjeg).strip()) >= 10:
        zjeg_scan = scan(zjeg)
        body = _Body(zjeg, zjeg_scan, collect_links(zjeg_scan.linking, head.base))
    else:
        chosen = choose_body(doc, hits, found)
        body = _Body(chosen, page, [link for link in page_links if inside(link.element, chosen)])
    if not whole and len(element_text(body.element).strip()) < 100:
        detail = detail_body(head.scripts)
        if detail is not None:
            body = _detail(detail, head.base)
            title = title or clean_title(detail.title)
            for key, value in detail.metadata:
                meta.offer(key, value, RANK_TABLE)

    kept = _body_lines(body, hits, meta)
    meta.offer("published", date_from_url(url) or "", RANK_URL)
    if title and kept and NO_WS_RE.sub("", title) not in NO_WS_RE.sub("", "".join(kept[:40])):
        kept.insert(0, title)
        _insert_heading(body.element, title)

    attachments = page_attachments(body.links, page_links, head.scripts, head.base, doc)
    body_html = etree.tostring(body.element, encoding="unicode", method="html", with_tail=False)
    grid_issues: list[str] = []
    table_grid = tables_grid(body.element, grid_issues)
    return HtmlExtract(
        text="\n".join(kept),
        body_html=body_html,
        title=title,
        metadata=meta.build(),
        attachments=attachments,
        table_grid=table_grid,
        issues=tuple(grid_issues),
    )


def _read_head(doc: HtmlElement, url: str | None, meta: MetadataBuilder) -> _Head:
    for m in doc.iter("meta"):
        name = m.get("name") or m.get("property")
        content = m.get("content")
        if name and content:
            meta.offer_meta(name, content)
    base = url
    base_el = doc.find(".//base[@href]")
    if base_el is not None:
        base = urljoin(url or "", base_el.get("href", "").strip()) or url
    return _Head(base, doc.findtext(".//title"), [s.text for s in doc.iter("script") if s.text])


def _detail(detail: Detail, base: str | None) -> _Body:
    detail_scan = scan(detail.body)
    return _Body(detail.body, detail_scan, collect_links(detail_scan.linking, base))


def _body_lines(body: _Body, hits: list[HtmlElement], meta: MetadataBuilder) -> list[str]:
    """The body's text lines without chrome; chrome elements and the lines' dropped elements leave the tree,
    and the dropped lines are offered as metadata (the info bar: 发布时间, 来源 …)."""
    protected: set[HtmlElement] = set()
    for h in hits:
        protected.add(h)
        protected.update(h.iterancestors())
    strip_chrome_elements(body.element, protected, body.scan.chrome_like)

    rendered = render_lines(body.element)
    # a block holding breadcrumb, info bar and report text together loses only the chrome spans
    pieces, chrome_spans = chrome.split_lines([line for line, _ in rendered])
    rendered = [(piece, rendered[i][1]) for i, piece in pieces]
    line_texts = [line for line, _ in rendered]
    mask = chrome.chrome_line_mask(line_texts)
    dropped = [*chrome_spans, *(line for line, drop in zip(line_texts, mask, strict=True) if drop)]
    meta.offer_lines(dropped, RANK_HEADER, allow_truncated=True)
    for (line, el), drop in zip(rendered, mask, strict=True):
        if drop and el is not body.element and collapse(element_text(el)) == line:
            drop_element(el)
    return [line for line, drop in zip(line_texts, mask, strict=True) if not drop]


def _insert_heading(body: HtmlElement, title: str) -> None:
    """The title as the body's first heading (the body did not carry it)."""
    heading = etree.Element("h1")
    heading.text = title
    heading.tail = body.text
    body.text = None
    body.insert(0, heading)
