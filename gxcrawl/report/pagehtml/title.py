"""The report title: a <meta> title, a report-like heading, the <title> segment, any heading."""

from __future__ import annotations

import re

from gxcrawl.report import chrome
from gxcrawl.report.pagehtml.tree import HtmlElement, collapse, element_text
from gxcrawl.report.pagemeta import MetadataBuilder

_TITLE_SPLIT_RE = re.compile(r"\s*(?:[_|｜]|--|—+|-\s|\s-|\s{2,}|\u3000)\s*")


#: C0 controls lxml refuses in element text (the title is written back into the tree as a heading)
_CONTROL_CHARS = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def clean_title(text: str | None) -> str | None:
    if not text:
        return None
    text = collapse(text.replace("\xa0", " ").replace("\u3000", " ").translate(_CONTROL_CHARS))
    return text or None


#: a report title followed by a site or column name after a bare separator ("…年度报告-沭阳县发改局")
_SITE_AFTER_TITLE = re.compile(r"^(.*?(?:报告|年报))\s*(?:[_|｜]|-+|—+|–+)\s*[^报]+$")


def label_title(label: str | None) -> str | None:
    """The report title in a label that names more than the report (an HTML <title>, a PDF's or DOCX's document
    properties): its longest report-like segment, without a site or column name after it. None when no part of
    the label looks like a report title."""
    if not label:
        return None
    segments = [s for s in _TITLE_SPLIT_RE.split(label.strip()) if s]
    reportish = [s for s in segments if chrome.TITLE_RE.search(s)]
    if not reportish:
        return None
    best = max(reportish, key=len)
    trimmed = _SITE_AFTER_TITLE.match(best)
    return clean_title(trimmed.group(1) if trimmed else best)


def pick_title(
    doc: HtmlElement, meta: MetadataBuilder, html_title: str | None, attributed: list[HtmlElement]
) -> str | None:
    value = meta.get("title")
    if value and len(value) >= 4:
        return clean_title(value)
    candidates = (
        list(doc.iter("h1", "h2", "h3"))[:30]
        + [
            el
            for el in attributed
            if el.get("id") in ("ivs_title", "ti", "title") or "title" in (el.get("class") or "").lower()
        ][:30]
    )
    texts = [clean_title(element_text(c)) for c in candidates]
    for text in texts:
        if text and 4 <= len(text) <= 120 and chrome.TITLE_RE.search(text):
            return text
    if html_title:
        segments = [s for s in _TITLE_SPLIT_RE.split(html_title.strip()) if s]
        site = meta.get("site")
        if (reportish := label_title(html_title)) is not None:
            return reportish
        for s in segments:
            if s != site:
                return clean_title(s)
    for text in texts:
        if text and 4 <= len(text) <= 120:
            return text
    return None
