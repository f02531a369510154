"""Turn whatever a portal serves into a report body plus page metadata (contract C1).

Minimal first version: browser-style decoding (w3lib), HTML -> body text via lxml,
text/markdown pass-through. Chrome stripping, metadata and document formats follow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree
from w3lib.encoding import html_to_unicode

from gxcrawl.report.errors import UnreadableDocument


@dataclass(frozen=True, slots=True)
class Link:
    url: str  # absolute when the page URL is known
    text: str  # link text (file name hint)


@dataclass(frozen=True, slots=True)
class Page:
    text: str
    body_html: str | None
    title: str | None
    metadata: dict[str, str] = field(default_factory=dict)
    attachments: tuple[Link, ...] = ()
    encoding: str | None = None
    kind: str = "text"


_BLOCK_TAGS = {
    "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section",
    "article", "blockquote", "pre", "ul", "ol", "dl", "dt", "dd", "center", "form",
}


def decode(data: bytes, content_type: str | None) -> tuple[str, str]:
    encoding, text = html_to_unicode(content_type, data)
    return text, encoding


def _looks_like_html(text: str) -> bool:
    head = text[:2048].lower()
    return bool(re.search(r"<(!doctype|html|head|body|div|p|table|meta)\b", head))


def _element_text(el: etree._Element, out: list[str]) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in ("script", "style", "noscript", "template"):
        if el.tail:
            out.append(el.tail)
        return
    if tag == "tr":
        cells = [
            "".join(c.itertext()).replace("\n", "").strip()
            for c in el
            if isinstance(c.tag, str) and c.tag in ("td", "th")
        ]
        out.append("\n" + "\t".join(cells) + "\n")
        if el.tail:
            out.append(el.tail)
        return
    block = tag in _BLOCK_TAGS
    if block:
        out.append("\n")
    if el.text and tag:
        out.append(el.text)
    for child in el:
        _element_text(child, out)
    if block:
        out.append("\n")
    if el.tail:
        out.append(el.tail)


def html_to_text(root: etree._Element) -> str:
    out: list[str] = []
    _element_text(root, out)
    lines = [line.rstrip() for line in "".join(out).split("\n")]
    return "\n".join(line for line in lines if line.strip())


def load_page(data: bytes | str, *, url: str | None = None, content_type: str | None = None) -> Page:
    """Decode `data` the way a browser would and return the report body with its metadata."""
    encoding: str | None = None
    if isinstance(data, bytes):
        if not data.strip():
            return Page(text="", body_html=None, title=None, encoding=None, kind="text")
        if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise UnreadableDocument(f"binary content that is not a readable document ({url or 'bytes'})")
        text, encoding = decode(data, content_type)
    else:
        text = data
    if not text.strip():
        return Page(text="", body_html=None, title=None, encoding=encoding, kind="text")
    if not _looks_like_html(text):
        return Page(text=text, body_html=None, title=None, encoding=encoding, kind="text")
    doc = lxml.html.document_fromstring(text)
    title_el = doc.find(".//title")
    title = title_el.text_content().strip() if title_el is not None else None
    body = doc.find(".//body")
    root = body if body is not None else doc
    return Page(
        text=html_to_text(root),
        body_html=lxml.html.tostring(root, encoding="unicode"),
        title=title or None,
        encoding=encoding,
        kind="html",
    )
