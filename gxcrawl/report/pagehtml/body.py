"""Finding the report body in a page (the cascade described in `gxcrawl.report.pagehtml`)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from lxml import etree

from gxcrawl.report import chrome
from gxcrawl.report.pagehtml.lines import is_data_table
from gxcrawl.report.pagehtml.scan import Anchor
from gxcrawl.report.pagehtml.tree import (
    BLOCK_TAGS,
    HtmlElement,
    climb_to_container,
    collapse,
    element_text,
    inside,
    is_attached,
    lowest_common_ancestor,
    parse_fragment,
)

_DETAIL_RE = re.compile(r"DETAIL\s*[:=]\s*")
_DETAIL_FIELD_RE = re.compile(
    r"[\"']?(content|title|publisher|identifier|document_number|display_publish_time)[\"']?\s*:\s*(?=\")"
)
# gkmlpt DETAIL field -> metadata key
_DETAIL_METADATA = {
    "publisher": "agency",
    "identifier": "index_no",
    "document_number": "doc_no",
    "display_publish_time": "published",
}


_CONTAINER_IDS = {v: i for i, (k, v) in enumerate(chrome.CONTAINER_SELECTORS) if k == "id"}
_CONTAINER_ID_PREFIXES = [(v, i) for i, (k, v) in enumerate(chrome.CONTAINER_SELECTORS) if k == "id^"]
_CONTAINER_CLASSES = {v: i for i, (k, v) in enumerate(chrome.CONTAINER_SELECTORS) if k == "class"}
_CONTAINER_FORMS = {v: i for i, (k, v) in enumerate(chrome.CONTAINER_SELECTORS) if k == "form"}


def heading_elements(anchors: list[Anchor]) -> list[HtmlElement]:
    hits: list[HtmlElement] = []
    seen: set[HtmlElement] = set()
    for anchor in anchors:
        if not any(k in anchor.text for k in chrome.HEADING_KEYWORDS):
            continue
        owner = anchor.owner
        node = anchor.text
        block = owner
        while block.tag not in BLOCK_TAGS and (parent := block.getparent()) is not None:
            block = parent
        block_text = collapse(element_text(block))
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
    return len(element_text(el)) - sum(len(t) for t in el.xpath(".//a//text()"))


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
        form_name = el.get("name") if el.tag == "form" else None
        if form_name in _CONTAINER_FORMS:
            found[_CONTAINER_FORMS[form_name]].append(el)
    return found


def _container_candidates(found: list[list[HtmlElement]], root: HtmlElement) -> list[HtmlElement]:
    for matches in found:
        usable = [
            el
            for el in matches
            if is_attached(el, root) and (len(element_text(el).strip()) >= 10 or el.find(".//a") is not None)
        ]
        if usable:
            return usable
    return []


def choose_body(doc: HtmlElement, hits: list[HtmlElement], found: list[list[HtmlElement]]) -> HtmlElement:
    candidates = _container_candidates(found, doc)
    if candidates:
        body = max(candidates, key=lambda el: len(element_text(el)))
        outside = [h for h in hits if not inside(h, body)]
        if outside and len(outside) < len(hits) + 1 and len(hits) >= 2:
            inside_count = len(hits) - len(outside)
            if inside_count < len(hits):
                body = climb_to_container(lowest_common_ancestor([body, *outside]))
        return body
    if hits:
        body = climb_to_container(lowest_common_ancestor(hits))
        if len(hits) == 1:  # a lone heading may sit in its own small wrapper
            while len(element_text(body)) < 200 and (parent := body.getparent()) is not None and parent.tag != "body":
                body = climb_to_container(parent)
        return body
    # no headings: the statutory tables themselves (本年制发件数, 申请人情况, 行政复议 …) anchor the body
    tables = [
        t for t in doc.iter("table") if chrome.REPORT_TABLE_RE.search(element_text(t)[:3000]) and is_data_table(t)
    ]
    if tables:
        anchor = lowest_common_ancestor(tables)
        parent = anchor.getparent()
        return climb_to_container(parent if anchor.tag == "table" and parent is not None else anchor)
    root = doc.find("body")
    return _density_body(root if root is not None else doc)


@dataclass(frozen=True, slots=True)
class Detail:
    """A gkmlpt detail page's body and fields, from the JSON in window._CONFIG.DETAIL."""

    body: HtmlElement
    title: str | None
    metadata: tuple[tuple[str, str], ...]  # (metadata key, value) pairs, "" for a missing field


def detail_body(scripts: list[str]) -> Detail | None:
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
                metadata = tuple((key, fields.get(name, "")) for name, key in _DETAIL_METADATA.items())
                return Detail(fragment, fields.get("title"), metadata)
    return None


def zjeg_fragment(text: str) -> HtmlElement | None:
    begin = text.find(chrome.ZJEG_BEGIN)
    if begin < 0:
        return None
    end = text.find(chrome.ZJEG_END, begin)
    if end < 0:
        return None
    fragment = text[begin + len(chrome.ZJEG_BEGIN) : end]
    if not fragment.strip():
        return None
    root = parse_fragment(fragment)
    if root is not None:
        etree.strip_tags(root, etree.Comment)
    return root
