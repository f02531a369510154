"""One pass over a tree collecting what the later stages look up (libxml2's //*[…] XPath is much slower)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree

from gxcrawl.report import chrome
from gxcrawl.report.pagehtml.tree import HtmlElement

METADATA_ANCHORS = (r"索[\s\u3000\xa0]*引", "发布机构", "发文机关", "成文日期", "发文字号", "发布单位")


# Text that may carry a metadata label or a statutory heading (one scan finds both).
_ANCHOR_RE = re.compile("|".join((*METADATA_ANCHORS, *(re.escape(k) for k in chrome.HEADING_KEYWORDS))))
LINK_TAGS = frozenset({"a", "iframe", "frame", "embed", "object"})


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


HIDDEN_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _is_chrome_token(token: str) -> bool:
    return bool(chrome.CHROME_ATTR_RE.match(token))


@lru_cache(maxsize=4096)
def _is_chrome_class(classes: str) -> bool:
    # per class attribute, not per token: Word/CMS pages repeat one class string on hundreds of elements
    return any(_is_chrome_token(t) for t in classes.split())


_SCAN_SKIP_TAGS = chrome.DROP_TAGS - LINK_TAGS


def scan(root: HtmlElement) -> Scan:
    result = Scan()
    search = _ANCHOR_RE.search
    anchors, attributed, linking, chrome_like = (
        result.anchors,
        result.attributed,
        result.linking,
        result.chrome_like,
    )
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
            is_chrome = bool(style and ("none" in style or "hidden" in style) and HIDDEN_RE.search(style))
        if is_chrome:
            chrome_like.append(el)
        if tag in LINK_TAGS or "oldsrc" in keys or "onclick" in keys or "data-" in " ".join(keys):
            linking.append(el)
    return result
