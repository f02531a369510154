"""Whatever a portal serves -> a clean report body plus page metadata (docs/interfaces.md, "Page loading").

`load_page(data, url=…, content_type=…)` accepts a whole HTML page (chrome and all, any encoding),
plain text, markdown, PDF, DOCX or legacy DOC and returns a `Page`: the report body as text lines
(table rows as tab-separated lines), the body HTML with its tables intact (HTML and DOCX), title,
metadata (published/agency/index_no/category/source …) and attachment links.

Decoding follows browsers (w3lib: BOM, HTTP charset, <meta charset>, then detection; GB2312/GBK as
GB18030), with one correction browsers do not make: a page whose declared charset yields
replacement characters while GB18030 (or UTF-8) decodes it cleanly is read with the latter.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from w3lib.encoding import html_to_unicode

from gxcrawl.report import chrome, formats
from gxcrawl.report.errors import UnreadableDocument
from gxcrawl.report.pagehtml import Link, extract_html
from gxcrawl.report.pagehtml.title import label_title
from gxcrawl.report.pagemeta import RANK_HEADER, RANK_TABLE, RANK_URL, MetadataBuilder, date_from_url


@dataclass(frozen=True, slots=True)
class Page:
    text: str  # report body as plain text, chrome removed; table rows -> one line, cells joined by "\t"
    body_html: str | None  # the body fragment, chrome removed, <table>s intact (HTML/DOCX); None for text/PDF
    title: str | None
    metadata: dict[str, str] = field(default_factory=dict)
    attachments: tuple[Link, ...] = ()
    encoding: str | None = None  # the decoding used for bytes input
    kind: str = "text"  # "html" | "text" | "pdf" | "docx" | "doc" | "ofd"
    # The body's tables as the parser reads them (tables.html_tables_text(body_html)), taken from the tree
    # that page loading has already built; None -> the parser parses body_html itself.
    table_grid: str | None = field(default=None, compare=False, repr=False)
    issues: tuple[str, ...] = ()  # what loading left out, and why (a zip bomb's member, a table over the limits)


KINDS = ("html", "text", "pdf", "docx", "doc", "ofd")

_HTML_SNIFF_RE = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|title|div|p|table|span|br|h[1-6]|center|font|form)\b", re.IGNORECASE
)
_FULL_HTML_RE = re.compile(r"^(?:\ufeff)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.DOTALL)
_TEXT_EXTS = (".txt", ".md", ".markdown", ".text")
_HTML_EXTS = (".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php")
# Bytes that never occur in text documents (C0 controls other than \t \n \v \f \r and ESC).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))
_CONTROL_TABLE = bytes.maketrans(b"", b"")
_MAX_CONTROL_RATIO = 0.01
_MAX_REPLACEMENT_RATIO = 0.02
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _canonical(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding


def _detect_encoding(data: bytes) -> str | None:
    for candidate in ("utf-8", "gb18030"):
        try:
            data.decode(candidate)
        except UnicodeDecodeError:
            continue
        return candidate
    return None


def decode(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode like a browser; then correct a declared charset that is evidently wrong."""
    encoding, text = html_to_unicode(content_type, data, auto_detect_fun=_detect_encoding)
    encoding = _canonical(encoding)
    if encoding.startswith("utf-16") or encoding.startswith("utf-32"):
        return text, encoding
    if "\ufffd" in text:
        # The declared (or guessed) charset leaves replacement characters: take the charset that leaves the
        # fewest (a GBK page declared UTF-8, or a GBK page cut off in the middle of a character).
        best, best_bad = text, text.count("\ufffd")
        for candidate in ("gb18030", "utf-8"):
            if candidate == encoding:
                continue
            alternative = data.decode(candidate, "replace").lstrip("\ufeff")
            bad = alternative.count("\ufffd")
            if bad * 2 < best_bad:
                best, best_bad, encoding = alternative, bad, candidate
        return best, encoding
    elif encoding not in ("utf-8", "ascii") and not data.isascii():
        # Declared GBK (or anything else) but valid UTF-8 with multi-byte sequences: long runs of GBK
        # text are practically never valid UTF-8, so the declaration is the thing that is wrong.
        try:
            alternative = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return alternative.lstrip("\ufeff"), "utf-8"
    return text, encoding


def _looks_binary(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16/32 text with a byte-order mark
        return False
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > _MAX_CONTROL_RATIO * len(sample)


def sniff_kind(data: bytes | str, *, url: str | None = None, content_type: str | None = None) -> str:
    """'html' | 'text' | 'pdf' | 'docx' | 'doc' | 'ofd' from magic bytes, then content type, then URL extension."""
    ctype = (content_type or "").split(";", 1)[0].strip().lower()
    path = urlsplit(url).path.lower() if url else ""
    if isinstance(data, bytes):
        head = data[:1024]
        if b"%PDF-" in head:
            return "pdf"
        if data.startswith(formats.ZIP_MAGIC):
            kind = formats.zip_kind(data)
            if kind in ("docx", "ofd"):
                return kind
            raise UnreadableDocument(f"{_where(url)} is {kind}")
        if data.startswith(formats.OLE_MAGIC):
            return "doc"
        what = formats.unsupported_binary(data)
        if what:
            raise UnreadableDocument(f"{_where(url)} is {what}")
        if _looks_binary(data):
            raise UnreadableDocument(
                f"{_where(url)} is binary data that is neither HTML, text, PDF, DOCX nor DOC "
                f"(content type {content_type or 'unknown'}; first bytes {data[:8]!r})"
            )
        sample = _sniff_sample(data)
    else:
        sample = data[:4096]
    if "html" in ctype or ctype == "application/xhtml+xml":
        return "html"
    if ctype in ("text/plain", "text/markdown", "text/x-markdown") or path.endswith(_TEXT_EXTS):
        return "html" if _FULL_HTML_RE.match(sample) else "text"
    if path.endswith(_HTML_EXTS):
        return "html"
    stripped = sample.lstrip("\ufeff \t\r\n")
    if stripped.startswith("<") and _HTML_SNIFF_RE.search(stripped):
        return "html"
    return "text"


def _sniff_sample(data: bytes) -> str:
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[2:4098].decode(codec, "replace")
    return data[:4096].decode("latin-1")


def _where(url: str | None) -> str:
    return url or "the input"


def load_page(data: bytes | str, *, url: str | None = None, content_type: str | None = None) -> Page:
    """Decode `data` as a browser would and return the report body with the page's metadata.

    Raises UnreadableDocument for binary data that is not a readable document.
    """
    if isinstance(data, bytes | bytearray | memoryview):
        data = bytes(data)
        if not data.strip():
            return Page(text="", body_html=None, title=None, encoding=None, kind=_empty_kind(url, content_type))
    elif not isinstance(data, str):
        raise TypeError(f"load_page() takes bytes or str, not {type(data).__name__}")
    elif not data.strip():
        return Page(text="", body_html=None, title=None, encoding=None, kind=_empty_kind(url, content_type))
    elif _SURROGATE_RE.search(data):  # lone surrogates (str only): no codec, lxml or hash can take them
        data = _SURROGATE_RE.sub("\ufffd", data)

    kind = sniff_kind(data, url=url, content_type=content_type)
    if kind == "pdf":
        return _from_document(formats.read_pdf(_as_bytes(data)), "pdf", url)
    if kind == "docx":
        return _from_document(formats.read_docx(_as_bytes(data)), "docx", url)
    if kind == "doc":
        return _from_document(formats.read_doc(_as_bytes(data)), "doc", url)
    if kind == "ofd":
        return _from_document(formats.read_ofd(_as_bytes(data)), "ofd", url)

    encoding: str | None = None
    if isinstance(data, bytes):
        text, encoding = decode(data, content_type)
        sample = text[:100_000]
        if sample and sample.count("\ufffd") > _MAX_REPLACEMENT_RATIO * len(sample):
            raise UnreadableDocument(
                f"{_where(url)} is not text in any encoding gxcrawl knows (tried {encoding}, UTF-8 and GB18030)"
            )
    else:
        text = data
    if kind == "html":
        extract = extract_html(text, url)
        return Page(
            text=extract.text,
            body_html=extract.body_html,
            title=extract.title,
            metadata=extract.metadata,
            attachments=extract.attachments,
            encoding=encoding,
            kind="html",
            table_grid=extract.table_grid,
            issues=extract.issues,
        )
    body, title, metadata = clean_text(text, url)
    return Page(text=body, body_html=None, title=title, metadata=metadata, encoding=encoding, kind="text")


def _as_bytes(data: bytes | str) -> bytes:
    if isinstance(data, str):
        raise UnreadableDocument("binary document formats (PDF/DOCX/DOC) must be passed as bytes, not str")
    return data


def _empty_kind(url: str | None, content_type: str | None) -> str:
    ctype = (content_type or "").lower()
    path = urlsplit(url).path.lower() if url else ""
    if "pdf" in ctype or path.endswith(".pdf"):
        return "pdf"
    if "wordprocessingml" in ctype or path.endswith(".docx"):
        return "docx"
    if "msword" in ctype or path.endswith(".doc"):
        return "doc"
    if "ofd" in ctype or path.endswith(".ofd"):
        return "ofd"
    if "html" in ctype or path.endswith(_HTML_EXTS):
        return "html"
    return "text"


def _first_title_line(lines: list[str]) -> str | None:
    for line in lines[:20]:
        candidate = line.strip().lstrip("#").strip()
        if 4 <= len(candidate) <= 80 and chrome.TITLE_RE.search(candidate) and not chrome.is_heading(candidate):
            return candidate
    return None


def clean_text(text: str, url: str | None = None) -> tuple[str, str | None, dict[str, str]]:
    """Plain text/markdown: drop chrome lines (head/tail/pure chrome) and the chrome spans of lines that
    also hold report text (a breadcrumb starting the one line of a flattened page); keep the rest verbatim.

    A header block of label lines closed by a body marker ("标题: …", "发布时间: …", "==== 正文 ====")
    is metadata: its `标题` is the title unless the body prints a title line of its own."""
    raw_lines = text.splitlines()
    meta = MetadataBuilder()
    header_end = chrome.header_block_end([line.strip() for line in raw_lines])
    header_title = None
    if header_end:
        header = [line.strip() for line in raw_lines[:header_end] if line.strip()]
        meta.offer_lines(header, RANK_TABLE)
        header_title = meta.get("title")
        raw_lines = raw_lines[header_end:]
    pieces, spans = chrome.split_lines(raw_lines)
    lines = [piece for _i, piece in pieces]
    first = next((i for i, line in enumerate(lines) if line.strip() and not chrome.is_head_chrome(line.strip())), None)
    if first is not None:
        # the one line of a flattened page may start with the report's title glued to its first sentence
        split = chrome.split_leading_title(lines[first].strip())
        if split is not None:
            lines[first : first + 1] = list(split)
    content_idx = [i for i, line in enumerate(lines) if line.strip()]
    stripped = [lines[i].strip() for i in content_idx]
    mask = chrome.chrome_line_mask(stripped)
    drop = {content_idx[k] for k, d in enumerate(mask) if d}
    meta.offer_lines([*spans, *(stripped[k] for k, d in enumerate(mask) if d)], RANK_HEADER, allow_truncated=True)
    meta.offer("published", date_from_url(url) or "", RANK_URL)
    kept = [line for i, line in enumerate(lines) if i not in drop]
    while kept and not kept[0].strip():
        kept.pop(0)
    while kept and not kept[-1].strip():
        kept.pop()
    kept_content = [stripped[k] for k, d in enumerate(mask) if not d]
    title = meta.get("title") if meta.get("title") and chrome.TITLE_RE.search(meta.get("title") or "") else None
    if header_title and chrome.TITLE_RE.search(header_title):
        title = header_title
    title = _first_title_line(kept_content) or title
    return "\n".join(kept), title, meta.build()


def _from_document(doc: formats.DocumentText, kind: str, url: str | None) -> Page:
    if doc.body_html is not None:
        extract = extract_html(doc.body_html, url, whole=True)
        title = _plausible_title(doc.title) or extract.title or _first_title_line(extract.text.splitlines())
        return Page(
            text=extract.text,
            body_html=extract.body_html,
            title=title,
            metadata=extract.metadata,
            attachments=extract.attachments,
            encoding=None,
            kind=kind,
            table_grid=extract.table_grid,
            issues=doc.issues + extract.issues,
        )
    body, title, metadata = clean_text(doc.text or "", url)
    return Page(
        text=body,
        body_html=None,
        title=_plausible_title(doc.title) or title,
        metadata=metadata,
        encoding=None,
        kind=kind,
        issues=doc.issues,
    )


def _plausible_title(title: str | None) -> str | None:
    """Document properties often hold a template's title ("Microsoft Word - 文档1"), or the report's title with
    the site's name after it (a PDF printed from a web page): the report-like part, or None."""
    return label_title(title)
