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
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

from lxml import etree

from gxcrawl.report import chrome
from gxcrawl.report.pagemeta import RANK_HEADER, RANK_TABLE, RANK_URL, MetadataBuilder, date_from_url
from gxcrawl.report.tables import tables_grid

HtmlElement = etree._Element

BLOCK_TAGS: frozenset[str] = frozenset({
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "dir", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "html",
    "legend", "li", "listing", "main", "menu", "ol", "p", "pre", "section", "summary", "ul", "table", "tbody",
    "thead", "tfoot", "tr", "td", "th", "caption", "colgroup", "xmp", "plaintext",
})
_CONTAINER_TAGS: frozenset[str] = frozenset(
    {"div", "td", "article", "section", "main", "form", "body", "table", "center", "blockquote", "html"}
)
_CELL_BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6")
# Dropped page-wide before the body is searched; iframes/embeds stay until attachments are read.
_GLOBAL_DROP_TAGS = chrome.DROP_TAGS - {"iframe", "frame", "object", "embed"}

_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_CJK_NEWLINE_RE = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n[ \t\n\r\f]*(?=[{_CJK}])")
_WS_RUN_RE = re.compile(r"[ \t\n\r\f]+")
_WS_ANY_RE = re.compile(r"[ \t\n\r\f]")
_NO_WS_RE = re.compile(r"[\s\u3000\xa0]+")

_DOC_EXT_RE = re.compile(r"\.(?:pdf|docx?|wps|ofd|xlsx?|et|zip|rar|7z|ceb)$", re.IGNORECASE)
_DOWNLOAD_RE = re.compile(
    r"download\.jsp|downfile\.jsp|downloadfile|filedownload|fileDownload|/attachment/|DownloadAttachUrl|"
    r"download\.do|/module/download/|getfile|downloadAttach",
    re.IGNORECASE,
)
_VIEWER_RE = re.compile(r"viewer\.html?$|pdfjs|/pdf/web/", re.IGNORECASE)
_SCRIPT_LINK_RE = re.compile(
    r"<a\b[^>]*?href\s*=\s*\\?[\"']([^\"'\\]+)\\?[\"'][^>]*>(.{0,300}?)</a>", re.IGNORECASE | re.DOTALL
)
_QUOTED_DOC_RE = re.compile(r"[\"']([^\"'\s]+\.(?:pdf|docx?|wps|ofd|xlsx?))[\"']", re.IGNORECASE)
_TAG_RE = re.compile(r"<[^>]+>")
_AREA_RE = re.compile(
    r"(?:^|[_-])(?:foot|footer|copyright|nav|navbar|menu|header|topbar|sidebar|yqlj|friend\w*)(?:$|[_-])",
    re.IGNORECASE,
)

_TITLE_SPLIT_RE = re.compile(r"\s*(?:[_|｜]|--|—+|-\s|\s-|\s{2,}|\u3000)\s*")
_HEADER_DATE_RE = re.compile(
    r"(?:发布时间|发布日期|发表时间|公开日期|更新时间|时间|日期)[\s\u3000\xa0]*[:：][\s\u3000\xa0]*"
    r"(\d{2,4}[\s\u3000]*[-/.年][\s\u3000]*\d{1,2}[\s\u3000]*[-/.月][\s\u3000]*\d{1,2})"
)
_HEADER_SOURCE_RE = re.compile(r"(?:信息来源|来源)[\s\u3000\xa0]*[:：][\s\u3000\xa0]*([^\s\u3000\xa0:：|｜【】\[\]]{2,30})")
_HEADER_LABEL_CUT_RE = re.compile(r"(?:发布时间|发布日期|时间|日期|编辑|作者|点击|浏览|访问|字号|字体|责任编辑)$")
_DETAIL_RE = re.compile(r"DETAIL\s*[:=]\s*")
_DETAIL_FIELD_RE = re.compile(
    r"[\"']?(content|title|publisher|identifier|document_number|display_publish_time)[\"']?\s*:\s*(?=\")"
)
# gkmlpt DETAIL field -> metadata key
_DETAIL_METADATA = {"publisher": "agency", "identifier": "index_no", "document_number": "doc_no",
                    "display_publish_time": "published"}

_METADATA_ANCHORS = (r"索[\s\u3000\xa0]*引", "发布机构", "发文机关", "成文日期", "发文字号", "发布单位")
_METADATA_ANCHOR_RE = re.compile("|".join(_METADATA_ANCHORS))
# Text that may carry a metadata label or a statutory heading (one scan finds both).
_ANCHOR_RE = re.compile("|".join((*_METADATA_ANCHORS, *(re.escape(k) for k in chrome.HEADING_KEYWORDS))))
_LINK_TAGS = frozenset({"a", "iframe", "frame", "embed", "object"})
_METADATA_BLOCK_MAX_CHARS = 1500
_METADATA_STRONG = ("索引号", "发布机构", "发文机关", "发文字号", "成文日期", "发布单位")
_CONTAINER_IDS = {v: i for i, (k, v) in enumerate(chrome.CONTAINER_SELECTORS) if k == "id"}
_CONTAINER_ID_PREFIXES = [(v, i) for i, (k, v) in enumerate(chrome.CONTAINER_SELECTORS) if k == "id^"]
_CONTAINER_CLASSES = {v: i for i, (k, v) in enumerate(chrome.CONTAINER_SELECTORS) if k == "class"}
_CONTAINER_FORMS = {v: i for i, (k, v) in enumerate(chrome.CONTAINER_SELECTORS) if k == "form"}


@dataclass(slots=True)
class Anchor:
    owner: HtmlElement  # the element whose text (or, for a tail, whose parent's text) matched
    text: str


@dataclass(slots=True)
class Scan:
    """One pass over a tree: what the later stages look up (libxml2's //*[…] XPath is much slower)."""

    attributed: list[HtmlElement] = field(default_factory=list)  # elements with id/class/name
    chrome_like: list[HtmlElement] = field(default_factory=list)  # chrome id/class token, or hidden by style
    linking: list[HtmlElement] = field(default_factory=list)  # elements that may carry an attachment URL
    anchors: list[Anchor] = field(default_factory=list)


_HIDDEN_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _is_chrome_token(token: str) -> bool:
    return bool(chrome.CHROME_ATTR_RE.match(token))


@lru_cache(maxsize=4096)
def _is_chrome_class(classes: str) -> bool:
    # per class attribute, not per token: Word/CMS pages repeat one class string on hundreds of elements
    return any(_is_chrome_token(t) for t in classes.split())


_SCAN_SKIP_TAGS = chrome.DROP_TAGS - _LINK_TAGS


def scan(root: HtmlElement) -> Scan:
    result = Scan()
    search = _ANCHOR_RE.search
    anchors, attributed, linking, chrome_like = result.anchors, result.attributed, result.linking, result.chrome_like
    for el in root.iter(etree.Element):
        tag = el.tag
        if tag in _SCAN_SKIP_TAGS:
            continue
        text = el.text
        if text and search(text):
            anchors.append(Anchor(el, text))
        tail = el.tail
        if tail and search(tail):
            parent = el.getparent()
            if parent is not None:
                anchors.append(Anchor(parent, tail))
        keys = el.keys()
        if not keys:
            continue
        # membership in the key list first: each el.get() builds a str from libxml2's UTF-8
        is_chrome = False
        ident = el.get("id") if "id" in keys else None
        classes = el.get("class") if "class" in keys else None
        if ident or classes or "name" in keys:
            attributed.append(el)
            if ident and _is_chrome_token(ident):
                is_chrome = True
            elif classes:
                is_chrome = _is_chrome_class(classes)
        if not is_chrome and "style" in keys:
            style = el.get("style")
            is_chrome = bool(style and ("none" in style or "hidden" in style) and _HIDDEN_RE.search(style))
        if is_chrome:
            chrome_like.append(el)
        if tag in _LINK_TAGS or "oldsrc" in keys or "onclick" in keys or "data-" in " ".join(keys):
            linking.append(el)
    return result


@dataclass(slots=True)
class HtmlExtract:
    text: str
    body_html: str | None
    title: str | None
    metadata: dict[str, str]
    attachments: list[tuple[str, str]] = field(default_factory=list)
    table_grid: str | None = None  # tables.html_tables_text(body_html), read from the tree in hand
    issues: tuple[str, ...] = ()  # what was left out (tables over the grid limits)


# --- small helpers --------------------------------------------------------------------------------


def collapse(text: str) -> str:
    """HTML white-space collapsing; a line break between two CJK characters disappears."""
    if _WS_ANY_RE.search(text) is None:  # fast path: most table cells
        return text
    if "\n" in text:
        text = _CJK_NEWLINE_RE.sub("", text)
    return _WS_RUN_RE.sub(" ", text).strip(" ")


def _text(el: HtmlElement) -> str:
    # tostring's text method: the same string as "".join(itertext()) (no comments/PIs, no own tail) at ~4x
    # the speed; XPath string() costs ~20-50 µs even on a tiny element
    return etree.tostring(el, method="text", encoding=str, with_tail=False)


def _text_upto(el: HtmlElement, limit: int) -> str | None:
    """The element's text, or None as soon as it is longer than `limit` (no need to read a whole page)."""
    parts: list[str] = []
    size = 0
    for part in el.itertext():
        size += len(part)
        if size > limit:
            return None
        parts.append(part)
    return "".join(parts)


def _attr_tokens(el: HtmlElement) -> list[str]:
    tokens = (el.get("class") or "").split()
    ident = el.get("id")
    if ident:
        tokens.append(ident)
    return tokens


def _is_attached(el: HtmlElement, root: HtmlElement) -> bool:
    # not getroottree(): a removed element still reports the document's root
    top = el
    for top in el.iterancestors():  # noqa: B007 - the last ancestor is what we want
        pass
    return top is root


def _inside(el: HtmlElement, ancestor: HtmlElement) -> bool:
    return el is ancestor or any(a is ancestor for a in el.iterancestors())


def _lca(elements: list[HtmlElement]) -> HtmlElement:
    paths = [[*reversed(list(e.iterancestors())), e] for e in elements]
    common = paths[0][0]
    for nodes in zip(*paths, strict=False):
        if all(n is nodes[0] for n in nodes):
            common = nodes[0]
        else:
            break
    return common


def _climb_to_container(el: HtmlElement) -> HtmlElement:
    while el.tag not in _CONTAINER_TAGS and el.getparent() is not None:
        el = el.getparent()
    return el


def parse_document(text: str) -> HtmlElement | None:
    # Bytes + explicit encoding: lxml refuses str with an <?xml encoding?> declaration. Plain etree
    # elements (no lxml.html element classes): their per-element class lookup costs ~20% on big pages.
    parser = etree.HTMLParser(encoding="utf-8", remove_pis=True)
    try:
        return etree.fromstring(text.encode("utf-8", "replace"), parser)
    except (etree.XMLSyntaxError, ValueError):
        return None


def parse_fragment(html: str) -> HtmlElement | None:
    doc = parse_document(f"<html><body><div>{html}</div></body></html>")
    if doc is None:
        return None
    div = doc.find("body/div")
    if div is not None:
        div.getparent().remove(div)  # detach so that the page around it cannot leak in
    return div


def _drop(el: HtmlElement) -> None:
    """Remove an element but keep its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


# --- rendering -------------------------------------------------------------------------------------


def is_data_table(table: HtmlElement) -> bool:
    """A table of values (rows -> tab lines) rather than a layout table (cells -> blocks)."""
    if next(table.iterdescendants("table"), None) is not None:
        return False
    for cell in table.iter("td", "th"):
        # cheap tests first: most cells have no child elements
        if len(cell) and len(_text(cell)) > 150 and sum(1 for _ in islice(cell.iter(*_CELL_BLOCK_TAGS), 3)) >= 3:
            return False
    return True


def _row_cells(tr: HtmlElement) -> list[str]:
    # Inside a cell every block boundary and <br> joins with "" ("本年新<br>制作数量" -> one cell).
    # iterchildren's tag filter runs in C: no .tag string per child
    return [collapse(_text(td) if len(td) else (td.text or "")) for td in tr.iterchildren("td", "th")]


def render_lines(root: HtmlElement) -> list[tuple[str, HtmlElement]]:
    """Block elements -> lines; data-table rows -> one line, cells joined by tab; <br> in a cell -> ''.

    Returns (line, element that produced it) pairs so that dropped lines can be dropped from the tree.
    Rows of data tables are rendered whole (C-level text serialisation), which keeps huge tables fast.
    """
    lines: list[tuple[str, HtmlElement]] = []
    cur: list[str] = []
    blocks: list[HtmlElement] = [root]
    tables: list[bool] = []  # open tables, True for data tables

    def flush() -> None:
        if cur:
            line = collapse("".join(cur))
            cur.clear()
            if line:
                lines.append((line, blocks[-1]))

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag
        if not isinstance(tag, str):
            continue
        in_data = tables[-1] if tables else False
        if event == "start":
            if tag in chrome.DROP_TAGS:
                walker.skip_subtree()
                continue
            if tag == "table":
                data = is_data_table(el)
                flush()
                tables.append(data)
                if not data:
                    blocks.append(el)
                    if el.text:
                        cur.append(el.text)
                continue
            if in_data:
                if tag == "tr":
                    cells = _row_cells(el)
                    if any(cells):
                        lines.append(("\t".join(cells), el))
                    walker.skip_subtree()
                elif tag in ("td", "th", "caption"):  # a cell outside any row, or a caption
                    line = collapse(_text(el))
                    if line:
                        lines.append((line, el))
                    walker.skip_subtree()
                continue
            if tag in BLOCK_TAGS or tag == "br":
                flush()
                if tag != "br":
                    blocks.append(el)
            text = el.text  # each .text/.tail read builds a new str: read once
            if text:
                cur.append(text)
            continue

        # end event
        if tag == "table" and tables:
            if not tables.pop():
                flush()
                blocks.pop()
        elif in_data:
            continue  # white space between rows and cells
        elif tag in BLOCK_TAGS and tag not in chrome.DROP_TAGS:
            flush()
            if len(blocks) > 1:
                blocks.pop()
        if el is root:
            break
        if not (tables and tables[-1]):
            tail = el.tail
            if tail:
                cur.append(tail)
    flush()
    return lines


def text_of(el: HtmlElement) -> str:
    return "\n".join(line for line, _ in render_lines(el))


# --- metadata blocks --------------------------------------------------------------------------------


def _label_count(text: str) -> tuple[int, bool]:
    flat = _NO_WS_RE.sub("", text)
    labels = {lab for lab in chrome.METADATA_BLOCK_LABELS if lab in flat}
    strong = any(lab in flat for lab in _METADATA_STRONG)
    return len(labels), strong


def find_metadata_blocks(anchors: list[Anchor], keep: set[HtmlElement]) -> list[HtmlElement]:
    """The 信息公开 metadata tables/lists (索引号/发布机构/…): short blocks with several labels."""
    blocks: list[HtmlElement] = []
    seen: set[HtmlElement] = set()
    for anchor in anchors:
        if not _METADATA_ANCHOR_RE.search(anchor.text):
            continue
        owner = anchor.owner
        best: HtmlElement | None = None
        el: HtmlElement | None = owner
        for _ in range(8):
            if el is None or el in keep or el.tag in ("body", "html"):
                break
            if el.tag in ("table", "dl", "ul", "ol", "div", "section", "tbody"):
                text = _text_upto(el, _METADATA_BLOCK_MAX_CHARS)
                if text is None or chrome.HEADING_RE.search(text):
                    break
                count, strong = _label_count(text)
                if count >= 2 and strong:
                    # the smallest block holding the labels: an outer one may hold the whole (short) article
                    best = el.getparent() if el.tag == "tbody" and el.getparent() is not None else el
                    break
            el = el.getparent()
        if best is not None and best not in seen:
            seen.add(best)
            blocks.append(best)
    # keep only outermost blocks
    return [b for b in blocks if not any(o is not b and _inside(b, o) for o in blocks)]

def _metadata_tokens(block: HtmlElement) -> list[str]:
    tokens: list[str] = []
    for line, _ in render_lines(block):
        tokens.extend(t for t in line.split("\t") if t.strip())
    return tokens


# --- body finding --------------------------------------------------------------------------------------


def heading_elements(anchors: list[Anchor]) -> list[HtmlElement]:
    hits: list[HtmlElement] = []
    seen: set[HtmlElement] = set()
    for anchor in anchors:
        if not any(k in anchor.text for k in chrome.HEADING_KEYWORDS):
            continue
        owner = anchor.owner
        node = anchor.text
        block = owner
        while block.tag not in BLOCK_TAGS and block.getparent() is not None:
            block = block.getparent()
        block_text = collapse(_text(block))
        if len(block_text) <= 80 and chrome.is_heading(block_text):
            hit = block
        elif chrome.is_heading(collapse(str(node))):
            hit = owner
        else:
            continue
        if hit not in seen:
            seen.add(hit)
            hits.append(hit)
    return hits

def _non_link_len(el: HtmlElement) -> int:
    return len(_text(el)) - sum(len(t) for t in el.xpath(".//a//text()"))


def _density_body(start: HtmlElement) -> HtmlElement:
    node = start
    while True:
        kids = [c for c in node if isinstance(c.tag, str)]
        if not kids:
            return node
        total = _non_link_len(node)
        if total < 200:
            return node
        scored = [(_non_link_len(k), k) for k in kids]
        best_len, best = max(scored, key=lambda pair: pair[0])
        if best_len < 0.7 * total or (best.tag == "table" and is_data_table(best)):
            return node
        node = best


def match_containers(elements: list[HtmlElement]) -> list[list[HtmlElement]]:
    """For each of chrome.CONTAINER_SELECTORS, the elements it matches (document order)."""
    found: list[list[HtmlElement]] = [[] for _ in chrome.CONTAINER_SELECTORS]
    for el in elements:
        ident = el.get("id")
        if ident:
            if ident in _CONTAINER_IDS:
                found[_CONTAINER_IDS[ident]].append(el)
            for prefix, i in _CONTAINER_ID_PREFIXES:
                if ident.startswith(prefix):
                    found[i].append(el)
        classes = el.get("class")
        if classes:
            for token in classes.split():
                if token in _CONTAINER_CLASSES:
                    found[_CONTAINER_CLASSES[token]].append(el)
        if el.tag == "form" and el.get("name") in _CONTAINER_FORMS:
            found[_CONTAINER_FORMS[el.get("name")]].append(el)
    return found


def _container_candidates(found: list[list[HtmlElement]], root: HtmlElement) -> list[HtmlElement]:
    for matches in found:
        usable = [
            el for el in matches
            if _is_attached(el, root) and (len(_text(el).strip()) >= 10 or el.find(".//a") is not None)
        ]
        if usable:
            return usable
    return []

def choose_body(doc: HtmlElement, hits: list[HtmlElement], found: list[list[HtmlElement]]) -> HtmlElement:
    candidates = _container_candidates(found, doc)
    if candidates:
        body = max(candidates, key=lambda el: len(_text(el)))
        outside = [h for h in hits if not _inside(h, body)]
        if outside and len(outside) < len(hits) + 1 and len(hits) >= 2:
            inside_count = len(hits) - len(outside)
            if inside_count < len(hits):
                body = _climb_to_container(_lca([body, *outside]))
        return body
    if hits:
        body = _climb_to_container(_lca(hits))
        if len(hits) == 1:  # a lone heading may sit in its own small wrapper
            while len(_text(body)) < 200 and body.getparent() is not None and body.getparent().tag != "body":
                body = _climb_to_container(body.getparent())
        return body
    # no headings: the statutory tables themselves (本年制发件数, 申请人情况, 行政复议 …) anchor the body
    tables = [t for t in doc.iter("table") if chrome.REPORT_TABLE_RE.search(_text(t)[:3000]) and is_data_table(t)]
    if tables:
        anchor = _lca(tables)
        return _climb_to_container(anchor.getparent() if anchor.tag == "table" and anchor.getparent() is not None else anchor)
    root = doc.find("body")
    return _density_body(root if root is not None else doc)


def strip_chrome_elements(body: HtmlElement, protected: set[HtmlElement], chrome_like: list[HtmlElement]) -> None:
    """Drop tool bars, breadcrumbs, share widgets, hidden blocks… inside the body (never a heading's block)."""
    doomed: list[HtmlElement] = [el for el in body.iter(*chrome.DROP_TAGS) if el is not body]
    for el in chrome_like:
        if el is body or el in protected or not _inside(el, body):
            continue
        style = el.get("style")
        hidden = bool(style and _HIDDEN_RE.search(style))
        if hidden or (_text_upto(el, chrome.CHROME_BLOCK_MAX_CHARS) is not None and el.find(".//table") is None):
            doomed.append(el)
    for el in doomed:
        _drop(el)


def _detail_body(scripts: list[str]) -> tuple[HtmlElement | None, dict[str, str]]:
    """gkmlpt detail pages: the body as an escaped JSON string in window._CONFIG.DETAIL, plus its fields."""
    decoder = json.JSONDecoder()
    for script in scripts:
        m = _DETAIL_RE.search(script)
        if not m:
            continue
        fields: dict[str, str] = {}
        for fm in _DETAIL_FIELD_RE.finditer(script, m.end()):
            try:
                value, _end = decoder.raw_decode(script, fm.end())
            except ValueError:
                continue
            if isinstance(value, str):
                fields.setdefault(fm.group(1), value)
        content = fields.get("content")
        if content and content.strip():
            fragment = parse_fragment(content)
            if fragment is not None:
                return fragment, fields
    return None, {}


# --- title -------------------------------------------------------------------------------------------


#: C0 controls lxml refuses in element text (the title is written back into the tree as a heading)
_CONTROL_CHARS = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def _clean_title(text: str | None) -> str | None:
    if not text:
        return None
    text = collapse(text.replace("\xa0", " ").replace("\u3000", " ").translate(_CONTROL_CHARS))
    return text or None


def pick_title(
    doc: HtmlElement, meta: MetadataBuilder, html_title: str | None, attributed: list[HtmlElement]
) -> str | None:
    value = meta.get("title")
    if value and len(value) >= 4:
        return _clean_title(value)
    candidates = list(doc.iter("h1", "h2", "h3"))[:30] + [
        el for el in attributed
        if el.get("id") in ("ivs_title", "ti", "title") or "title" in (el.get("class") or "").lower()
    ][:30]
    texts = [_clean_title(_text(c)) for c in candidates]
    for text in texts:
        if text and 4 <= len(text) <= 120 and chrome.TITLE_RE.search(text):
            return text
    if html_title:
        segments = [s for s in _TITLE_SPLIT_RE.split(html_title.strip()) if s]
        site = meta.get("site")
        reportish = [s for s in segments if chrome.TITLE_RE.search(s)]
        if reportish:
            return _clean_title(max(reportish, key=len))
        for s in segments:
            if s != site:
                return _clean_title(s)
    for text in texts:
        if text and 4 <= len(text) <= 120:
            return text
    return None


# --- attachments ---------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)  # a page repeats its links (a list of 40k identical ones took seconds)
def attachment_url(raw: str | None, base: str | None) -> str | None:
    if not raw:
        return None
    raw = raw.strip()
    if not raw or raw.startswith(("javascript:", "mailto:", "#", "tel:", "data:")):
        return None
    absolute = urljoin(base, raw) if base else raw
    parts = urlsplit(absolute)
    path = unquote(parts.path)
    query = parse_qs(parts.query)
    if _VIEWER_RE.search(path) and query.get("file"):
        return attachment_url(query["file"][0], absolute)
    if _DOC_EXT_RE.search(path):
        return absolute
    if any(_DOC_EXT_RE.search(v) for values in query.values() for v in values):
        return absolute
    if _DOWNLOAD_RE.search(absolute):
        return absolute
    return None


def _link_text(el: HtmlElement, url: str) -> str:
    text = collapse(_text(el)) if el.tag == "a" else ""
    if not text:
        text = collapse(el.get("title") or "")
    if not text:
        text = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return text


def _element_links(el: HtmlElement, base: str | None) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    raws: list[str | None] = []
    if el.tag == "a":
        raws.append(el.get("href"))
    if el.tag in ("iframe", "embed", "frame"):
        raws.append(el.get("src"))
    if el.tag == "object":
        raws.append(el.get("data"))
    raws.append(el.get("oldsrc"))
    for name, value in el.attrib.items():
        if name.startswith("data-"):
            raws.append(value)
    onclick = el.get("onclick")
    if onclick:
        raws.extend(m.group(1) for m in _QUOTED_DOC_RE.finditer(onclick))
    for raw in raws:
        url = attachment_url(raw, base)
        if url:
            found.append((url, _link_text(el, url)))
    return found


def collect_links(elements: list[HtmlElement], base: str | None) -> list[tuple[HtmlElement, str, str]]:
    links: list[tuple[HtmlElement, str, str]] = []
    for el in elements:
        for url, text in _element_links(el, base):
            links.append((el, url, text))
    return links

def _script_links(scripts: list[str], base: str | None) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for script in scripts:
        if "href" not in script and ".pdf" not in script.lower() and ".doc" not in script.lower():
            continue
        for m in _SCRIPT_LINK_RE.finditer(script):
            url = attachment_url(m.group(1), base)
            if url:
                text = collapse(_TAG_RE.sub("", m.group(2))) or unquote(urlsplit(url).path.rsplit("/", 1)[-1])
                found.append((url, text))
    return found


def _in_chrome_area(el: HtmlElement, known: dict[HtmlElement, bool] | None = None) -> bool:
    """Whether an ancestor of `el` is a footer/nav/header/select or marked as chrome; `known` keeps the answer
    per ancestor, so that many links deep in one tree do not walk the same ancestors again."""
    known = {} if known is None else known
    walked: list[HtmlElement] = []
    answer = False
    for anc in el.iterancestors():
        if anc in known:
            answer = known[anc]
            break
        walked.append(anc)
        if anc.tag in ("footer", "nav", "header", "select") or any(_AREA_RE.search(t) for t in _attr_tokens(anc)):
            answer = True
            break
    # every walked ancestor below a chrome one is inside chrome; without one, none of them is
    for anc in walked:
        known[anc] = answer
    return answer


# --- main --------------------------------------------------------------------------------------------


def _page_header_metadata(text: str, meta: MetadataBuilder) -> None:
    m = _HEADER_DATE_RE.search(text)
    if m:
        meta.offer("published", m.group(1), RANK_HEADER + 5)
    s = _HEADER_SOURCE_RE.search(text)
    if s:
        value = _HEADER_LABEL_CUT_RE.sub("", s.group(1))
        meta.offer("source", value, RANK_HEADER + 5)


#: characters lxml parses into a tree but refuses in any text set later (a dropped element's tail, a heading)
_XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_compatible(text: str) -> str:
    if _XML_INVALID_RE.search(text) is None:
        return text
    return _XML_INVALID_RE.sub(lambda m: " " if m.group() in "\x0b\x0c" else "", text)


def extract_html(text: str, url: str | None = None, *, whole: bool = False) -> HtmlExtract:
    """Extract the report from an HTML page; `whole=True` for converted documents (all of it is body)."""
    text = _xml_compatible(text)
    doc = parse_document(text)
    if doc is None:
        return HtmlExtract(text="", body_html=None, title=None, metadata={})
    meta = MetadataBuilder()
    for m in doc.iter("meta"):
        name = m.get("name") or m.get("property")
        content = m.get("content")
        if name and content:
            meta.offer_meta(name, content)
    base = url
    base_el = doc.find(".//base[@href]")
    if base_el is not None:
        base = urljoin(url or "", base_el.get("href", "").strip()) or url
    html_title = doc.findtext(".//title")
    scripts = [s.text for s in doc.iter("script") if s.text]

    etree.strip_tags(doc, etree.Comment)
    for el in list(doc.iter(*_GLOBAL_DROP_TAGS)):
        _drop(el)

    zjeg = None if whole else _zjeg_fragment(text)
    page = scan(doc)
    attributed, anchors = page.attributed, page.anchors
    page_links = collect_links(page.linking, base)
    found = match_containers(attributed)
    metadata_blocks = find_metadata_blocks(anchors, {el for matches in found for el in matches})
    for block in metadata_blocks:
        meta.offer_lines(_metadata_tokens(block), RANK_TABLE)

    title = pick_title(doc, meta, html_title, attributed)
    root_body = doc.find("body")
    page_text = collapse(_text(root_body if root_body is not None else doc)[:50_000])
    _page_header_metadata(page_text, meta)

    for block in metadata_blocks:
        _drop(block)

    hits = [h for h in heading_elements(anchors) if _is_attached(h, doc)]
    body: HtmlElement
    body_scan = page
    if whole:
        body = root_body if root_body is not None else doc
        body_links = page_links
    elif zjeg is not None and len(_text(zjeg).strip()) >= 10:
        body = zjeg
        body_scan = scan(zjeg)
        body_links = collect_links(body_scan.linking, base)
    else:
        body = choose_body(doc, hits, found)
        body_links = [link for link in page_links if _inside(link[0], body)]
    if not whole and len(_text(body).strip()) < 100:
        detail, fields = _detail_body(scripts)
        if detail is not None:
            body = detail
            body_scan = scan(detail)
            body_links = collect_links(body_scan.linking, base)
            title = title or _clean_title(fields.get("title"))
            for field_name, key in _DETAIL_METADATA.items():
                meta.offer(key, fields.get(field_name, ""), RANK_TABLE)

    protected: set[HtmlElement] = set()
    for h in hits:
        protected.add(h)
        protected.update(h.iterancestors())
    strip_chrome_elements(body, protected, body_scan.chrome_like)

    rendered = render_lines(body)
    # a block holding breadcrumb, info bar and report text together loses only the chrome spans
    pieces, chrome_spans = chrome.split_lines([line for line, _ in rendered])
    rendered = [(piece, rendered[i][1]) for i, piece in pieces]
    line_texts = [line for line, _ in rendered]
    mask = chrome.chrome_line_mask(line_texts)
    dropped = [*chrome_spans, *(line for line, drop in zip(line_texts, mask, strict=True) if drop)]
    meta.offer_lines(dropped, RANK_HEADER, allow_truncated=True)
    for (line, el), drop in zip(rendered, mask, strict=True):
        if drop and el is not body and collapse(_text(el)) == line:
            _drop(el)
    kept = [line for line, drop in zip(line_texts, mask, strict=True) if not drop]
    meta.offer("published", date_from_url(url) or "", RANK_URL)

    if title and kept and _NO_WS_RE.sub("", title) not in _NO_WS_RE.sub("", "".join(kept[:40])):
        kept.insert(0, title)
        heading = etree.Element("h1")
        heading.text = title
        heading.tail = body.text
        body.text = None
        body.insert(0, heading)

    attachments: list[tuple[str, str]] = []
    seen: set[str] = set()
    chrome_areas: dict[HtmlElement, bool] = {}
    others = [
        (u, t) for el, u, t in page_links
        if _is_attached(el, doc) and not _in_chrome_area(el, chrome_areas)
    ]
    for link_url, link_text in [
        *((u, t) for _el, u, t in body_links), *others, *_script_links(scripts, base)
    ]:
        if link_url not in seen:
            seen.add(link_url)
            attachments.append((link_url, link_text))

    body_html = etree.tostring(body, encoding="unicode", method="html", with_tail=False)
    grid_issues: list[str] = []
    table_grid = tables_grid(body, grid_issues)
    return HtmlExtract(
        text="\n".join(kept),
        body_html=body_html,
        title=title,
        metadata=meta.build(),
        attachments=attachments,
        table_grid=table_grid,
        issues=tuple(grid_issues),
    )


def _zjeg_fragment(text: str) -> HtmlElement | None:
    begin = text.find(chrome.ZJEG_BEGIN)
    if begin < 0:
        return None
    end = text.find(chrome.ZJEG_END, begin)
    if end < 0:
        return None
    fragment = text[begin + len(chrome.ZJEG_BEGIN):end]
    if not fragment.strip():
        return None
    root = parse_fragment(fragment)
    if root is not None:
        etree.strip_tags(root, etree.Comment)
    return root
