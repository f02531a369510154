"""Hints about a report from the list row and the page around it (docs/portals.md, "Page chrome and metadata").

Order of trust for the publication date: `<meta>` tags -> the 信息公开 metadata table -> the
header line (发布时间/日期) -> the URL. The parser reads the body; these are the crawler's
hints, stored with the item so a report whose body lacks a date still gets one.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from gxcrawl.discovery.classify import classify_title, normalise, title_year, url_date, url_report_year
from gxcrawl.discovery.links import element_text

_DATE = re.compile(r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
DATE_META = ("PubDate", "pubdate", "firstpublishedtime", "Maketime", "publishdate", "article:published_time")
TITLE_META = ("ArticleTitle", "articletitle", "og:title")
AGENCY_META = ("ContentSource", "contentsource", "author")
DATE_LABELS = ("发布日期", "发布时间", "公开日期", "生成日期", "成文日期", "发文日期", "日期", "时间")
AGENCY_LABELS = ("发布机构", "发文机关", "发布单位", "公开主体", "信息来源", "来源")


def parse_date(text: str) -> str | None:
    """First Y-M-D date in a string, as YYYY-MM-DD (dates split over lines are joined first)."""
    m = _DATE.search(re.sub(r"\s+", "", text or ""))
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    if 1 <= mo <= 12 and 1 <= d <= 31:
        return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


_METAS = etree.XPath("//meta[@name or @property]")


def _meta(tree: etree._Element, names: tuple[str, ...]) -> str | None:
    """Content of the first non-empty <meta name|property=...> of the first name that has one (one pass over the
    page for all the names, not one per name)."""
    metas = [(node.get("name"), node.get("property"), (node.get("content") or "").strip()) for node in _METAS(tree)]
    for name in names:
        for meta_name, meta_property, content in metas:
            if content and name in (meta_name, meta_property):
                return content
    return None


_LABEL_TEXT = re.compile(
    r"^\s*([^\s:：]{1,4}(?:\s|\u3000)*[^\s:：]{0,4}(?:\s|\u3000)*[^\s:：]{0,4})\s*[:：]?\s*(.*)$", re.S
)


def _label_values(tree: etree._Element, *groups: tuple[str, ...]) -> list[str | None]:
    """For each group of labels, the value next to the first of them on the page: `<td>发布日期：</td><td>…</td>`,
    `<dt>…</dt><dd>…</dd>`, `<li>发布日期：…</li>`. One pass over the page for all groups.

    Scans text nodes, not elements: calling text_content() on every cell of a big page is what costs; and only
    nodes whose first character can start a label reach the regex.
    """
    wanted = [set(labels) for labels in groups]
    firsts = frozenset(label[0] for labels in groups for label in labels)
    found: list[str | None] = [None] * len(groups)
    for node in _label_candidates(firsts)(tree):  # text nodes of at most 120 characters
        raw = str(node)
        first = raw.lstrip()[:1]
        if not first or (first not in firsts and unicodedata.normalize("NFKC", first)[:1] not in firsts):
            continue
        m = _LABEL_TEXT.match(raw)
        if not m:
            continue
        label = normalise(m.group(1))
        open_groups = [i for i, labels in enumerate(wanted) if found[i] is None and label in labels]
        if not open_groups:
            continue
        value = _value_after(node, m.group(2))
        if value:
            for i in open_groups:
                found[i] = value
            if all(v is not None for v in found):
                break
    return found


# white space str.strip() removes but XPath's normalize-space() keeps (control characters cannot be written in an
# XPath: a label after a vertical tab or form feed, which no page has shown, is not looked for)
_NON_XML_SPACE = "".join(
    c
    for c in map(chr, range(0x3001))
    if c.isspace() and c not in " \t\r\n" and not (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F)
)


@functools.cache
def _label_candidates(firsts: frozenset[str]) -> Callable[[etree._Element], list[Any]]:
    """The body's text nodes that may start with one of `firsts` once white space is stripped and NFKC applied:
    the characters themselves, their compatibility forms, and any node led by white space that normalize-space()
    does not strip. libxml2 does the filtering; Python only sees the few candidates."""
    starts = (
        set(firsts)
        | set(_NON_XML_SPACE)
        | {
            c
            for c in map(chr, (*range(0x80, 0x10000), *range(0x2F800, 0x2FA20)))
            if c not in firsts and unicodedata.normalize("NFKC", c)[:1] in firsts
        }
    )
    chars = "".join(sorted(starts))
    xpath = etree.XPath(
        "//body//text()[string-length(.) <= 120 and normalize-space(.) != ''"
        " and contains($starts, substring(normalize-space(.), 1, 1))]"
    )
    return lambda tree: xpath(tree, starts=chars)


def _value_after(node: etree._ElementUnicodeResult, inline: str) -> str | None:
    """The value of a label text node: the rest of its line, else the text of the element that follows."""
    inline = inline.strip(" \u3000")
    if inline:
        return " ".join(inline.split())
    owner = node.getparent()
    if owner is None:
        return None
    # the next element: a comment or processing instruction in between holds no value
    nxt = next(owner.itersiblings(etree.Element), None)
    grandparent = owner.getparent()
    if nxt is None and grandparent is not None and owner.tag in ("b", "strong", "span", "label", "font"):
        nxt = next(grandparent.itersiblings(etree.Element), None)
    if nxt is not None:
        return " ".join(element_text(nxt).split()) or None
    return None


def page_title(tree: etree._Element) -> str | None:
    """ArticleTitle meta -> h1 -> <title> with the site name trimmed."""
    title = _meta(tree, TITLE_META)
    if title:
        return " ".join(title.split())
    for xpath in ("//h1", "//*[@id='ivs_title' or @id='ti' or contains(@class,'article-title')]", "//h2"):
        for node in tree.xpath(xpath):
            text = " ".join(node.text_content().split())
            if 4 <= len(text) <= 200:
                return text
    node = tree.find(".//title")
    if node is not None and node.text:
        parts = re.split(r"\s*[-_|—]\s*", " ".join(node.text.split()))
        return max(parts, key=len) if parts else None
    return None


# text nodes that hold 时间 or 日期 (every label of _HEADER_DATE does), outside scripts and styles: libxml2 picks
# them in one pass, Python only sees the few candidates
_HEADER_DATE_NODES = etree.XPath(
    "//text()[contains(., '时间') or contains(., '日期')][not(parent::script) and not(parent::style)]"
)
_HEADER_DATE = re.compile(r"(发布时间|发布日期|时间|日期)\s*[:：]\s*((?:19|20)\d{2}[-年/.]\d{1,2}[-月/.]\d{1,2})")


def header_date(tree: etree._Element) -> str | None:
    """发布时间/日期 in the article header line (来源:… 时间:2023-01-31 点击率:…)."""
    for node in _HEADER_DATE_NODES(tree):
        m = _HEADER_DATE.search(str(node))
        if m:
            return parse_date(m.group(2))
    return None


def agency_from_title(title: str | None) -> str | None:
    """The issuing agency in a canonical title: the text before the year (XX县人民政府2022年…)."""
    text = normalise(title or "")
    m = re.match(r"^(.{2,40}?)(?:关于)?(?:19|20)\d{2}年", text)
    if m and not re.search(r"\d", m.group(1)):
        return m.group(1)
    m = re.match(r"^(?:19|20)\d{2}年度?(.{2,40}?)(?:政府|政务)?信息公开", text)
    if m:
        return m.group(1)
    return None


def page_hints(tree: etree._Element, url: str) -> dict[str, object]:
    """title, published, agency, report_year from one page (missing keys are omitted)."""
    hints: dict[str, object] = {}
    title = page_title(tree)
    if title:
        hints["title"] = title
    date_label, agency_label = _label_values(tree, DATE_LABELS, AGENCY_LABELS[:4])
    published = (
        parse_date(_meta(tree, DATE_META) or "") or parse_date(date_label or "") or header_date(tree) or url_date(url)
    )
    if published:
        hints["published"] = published
    agency = agency_label or _meta(tree, AGENCY_META) or agency_from_title(title)
    if agency and len(agency) <= 60:
        hints["agency"] = agency
    year = title_year(title or "") if title else None
    if year is None:
        year = url_report_year(url)
    if year is None and published and int(str(published)[5:7]) <= 6:
        year = int(str(published)[:4]) - 1
    if year is not None:
        hints["report_year"] = year
    return hints


def listing_hints(text: str, context: str = "", url: str = "", list_url: str | None = None) -> dict[str, object]:
    """Hints from a list row: link text, date in the row, year in the title or the URL."""
    hints: dict[str, object] = {}
    if text:
        hints["title"] = text
        verdict = classify_title(text)
        if verdict.year:
            hints["report_year"] = verdict.year
        agency = agency_from_title(text)
        if agency:
            hints["agency"] = agency
    published = parse_date(context.replace(text, "")) if context else None
    published = published or url_date(url)
    if published:
        hints["published"] = published
    if "report_year" not in hints:
        year = url_report_year(url)
        if year:
            hints["report_year"] = year
    if list_url:
        hints["list_url"] = list_url
    return hints


def same_site(url: str, other: str) -> bool:
    return (urlsplit(url).hostname or "") == (urlsplit(other).hostname or "")
