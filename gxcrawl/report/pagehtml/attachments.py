"""Attachment links: document URLs in hrefs, iframes, viewer URLs, data-/onclick attributes and scripts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

from gxcrawl.report.pagehtml.chromeblocks import in_chrome_area
from gxcrawl.report.pagehtml.tree import HtmlElement, collapse, element_text, is_attached

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


@dataclass(frozen=True, slots=True)
class Link:
    url: str  # absolute when the page URL is known
    text: str  # link text (file name hint)


@dataclass(frozen=True, slots=True)
class ElementLink:
    element: HtmlElement  # where the link was found: decides whether it is in the body or in chrome
    link: Link


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
    text = collapse(element_text(el)) if el.tag == "a" else ""
    if not text:
        text = collapse(el.get("title") or "")
    if not text:
        text = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return text


def _element_links(el: HtmlElement, base: str | None) -> list[Link]:
    found: list[Link] = []
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
            found.append(Link(url, _link_text(el, url)))
    return found


def collect_links(elements: list[HtmlElement], base: str | None) -> list[ElementLink]:
    return [ElementLink(el, link) for el in elements for link in _element_links(el, base)]


def script_links(scripts: list[str], base: str | None) -> list[Link]:
    """Links written by scripts (a viewer or list built in JavaScript): <a href> markup and quoted paths."""
    found: list[Link] = []
    for script in scripts:
        if "href" not in script and ".pdf" not in script.lower() and ".doc" not in script.lower():
            continue
        for m in _SCRIPT_LINK_RE.finditer(script):
            url = attachment_url(m.group(1), base)
            if url:
                text = collapse(_TAG_RE.sub("", m.group(2))) or unquote(urlsplit(url).path.rsplit("/", 1)[-1])
                found.append(Link(url, text))
    return found


def page_attachments(
    body_links: list[ElementLink],
    page_links: list[ElementLink],
    scripts: list[str],
    base: str | None,
    doc: HtmlElement,
) -> tuple[Link, ...]:
    """The body's links first, then the page's outside chrome areas, then scripts'; each URL once."""
    chrome_areas: dict[HtmlElement, bool] = {}
    others = [
        found.link
        for found in page_links
        if is_attached(found.element, doc) and not in_chrome_area(found.element, chrome_areas)
    ]
    attachments: dict[str, Link] = {}
    for link in [*(found.link for found in body_links), *others, *script_links(scripts, base)]:
        attachments.setdefault(link.url, link)
    return tuple(attachments.values())
