"""The follow policy of a portal crawl: what one page is, and which of its links to ask for next.

Pure (no Scrapy, no network): the spider hands in a page's URL and text and turns the decisions made here into
requests. Roles of a link: entry -> disclosure -> column/notice (list pages) -> candidate (an article that may
be a report) -> attachment_report / attachment_candidate (a document of a report, or one whose link named
nothing and whose content decides).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from gxcrawl.discovery.classify import (
    DISTRACTOR,
    REPORT,
    UNKNOWN,
    Verdict,
    classify_page,
    classify_title,
    is_bare_title,
    is_disclosure_link,
    is_group_link,
    is_notice_column_link,
    is_report_column_link,
)
from gxcrawl.discovery.fingerprint import URL_SHAPES
from gxcrawl.discovery.links import Anchor, attachment_anchors, capped_anchors, is_attachment_url, parse_html
from gxcrawl.discovery.metadata import listing_hints, page_hints, page_title
from gxcrawl.discovery.pagination import ListPage, PageRequest, list_page_requests, search_requests
from gxcrawl.discovery.registry import Portal
from gxcrawl.report.errors import UnreadableDocument
from gxcrawl.report.page import load_page, sniff_kind

logger = logging.getLogger(__name__)

MAX_DISCLOSURE_DEPTH = 3  # entry -> 政府信息公开 -> 部门信息公开 -> one agency's block
MAX_COLUMN_DEPTH = 4  # 年报 -> year -> category -> agency
LIST_MIN_REPORT_LINKS = 3  # 上一篇/下一篇 give a report page two report links; a list has more
DOCUMENT_PREFERENCE = ("docx", "pdf", "doc", "ofd")  # the document of a report parsed first, best first
_NOT_REPORT_DOCUMENTS = (".xls", ".xlsx", ".et", ".zip", ".rar", ".jpg", ".png")


# --- documents ---------------------------------------------------------------------------------------------------


def document_kind(body: bytes, *, url: str | None = None, content_type: str | None = None) -> str | None:
    """pdf / docx / doc / ofd when `body` is a document the parser reads, else None (an HTML error page where a
    file was expected, text, an image, a spreadsheet or a plain ZIP). The parser's own sniffing decides (magic
    bytes, a ZIP's members), so the crawl and the parser never disagree on what a document is."""
    try:
        kind = sniff_kind(body, url=url, content_type=content_type)
    except UnreadableDocument:
        return None
    return kind if kind in DOCUMENT_PREFERENCE else None


def preference(kind: str | None) -> int:
    """Sort key: the kind of document parsed first (DOCUMENT_PREFERENCE), unknown kinds last."""
    return DOCUMENT_PREFERENCE.index(kind) if kind in DOCUMENT_PREFERENCE else len(DOCUMENT_PREFERENCE)


def document_verdict(body: bytes, url: str, content_type: str | None) -> Verdict:
    """A downloaded document classified by its own title and text (slow on a PDF: call it off the reactor)."""
    try:
        page = load_page(body, url=url, content_type=content_type)
    except (UnreadableDocument, ValueError) as exc:
        logger.info("document %s not read: %s", url, exc)
        return Verdict(UNKNOWN, reasons=("unreadable",))
    return classify_page(page.title, page.text, url=url)


def is_report_document(anchor: Anchor) -> bool:
    """An attachment link that may hold a report (not a spreadsheet, an archive or an image)."""
    return not urlsplit(anchor.url).path.lower().endswith(_NOT_REPORT_DOCUMENTS)


# --- URL and title shapes ------------------------------------------------------------------------------------


def is_article_url(url: str) -> bool:
    """An article's URL shape (t20240115_123.html, art_…, content_…), not a list page's (index_2.html, col/…)."""
    path = urlsplit(url).path
    return any(pattern.search(path) for family, pattern in URL_SHAPES if family not in ("anhui",)) and not re.search(
        r"/(index|list)(_\d+)?\.s?html?$|/col/col\d+/", path
    )


def under(url: str, base: str) -> bool:
    """`url` sits in the folder of `base` (…/zfxxgknb/index.html covers …/zfxxgknb/2023n/…)."""
    b, u = urlsplit(base), urlsplit(url)
    if b.netloc != u.netloc:
        return False
    folder = b.path if b.path.endswith("/") else b.path.rsplit("/", 1)[0] + "/"
    return u.path.startswith(folder) and u.path != b.path


def title_stem(title: str) -> str:
    """A link title without spaces and a document extension: a page and its PDF listed under one title match."""
    return re.sub(r"\.(pdf|docx?|wps|ofd)$", "", "".join(title.split()), flags=re.I)


# --- one page ------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class PageAnalysis:
    """What one HTML page is and links to."""

    anchors: list[Anchor]
    capped: bool  # the page had more than the links read
    title: str | None
    paging: list[PageRequest]
    attachments: list[Anchor]
    verdict: Verdict
    is_list: bool
    hints: dict[str, Any]  # page_hints, for a page read as a report


def is_report_list(listed_reports: int, verdict: Verdict) -> bool:
    """A page linking LIST_MIN_REPORT_LINKS or more reports is navigation, unless its body itself is a report."""
    return listed_reports >= LIST_MIN_REPORT_LINKS and "body" not in verdict.reasons


def analyse_page(
    url: str,
    text: str,
    portal: Portal,
    role: str,
    max_links: int,
    *,
    state: Mapping[str, Any] | None = None,
    bare: bool = False,
) -> PageAnalysis:
    """Parse the page and decide what it is. Linear in the page, and reads at most `max_links` links; a big page
    can be read off the reactor thread. `state` is a pagination strategy's for this list page; `bare` says the
    link to the page named nothing (its attachments are looked for, its hints read)."""
    tree = parse_html(text)
    anchors, capped = capped_anchors(tree, url, max_links)
    title = page_title(tree)
    # pagination reads the list's scripts: ask before body_text strips them
    list_page = ListPage(url, text, tree, "html", None, dict(state or {}))
    paging = (
        list_page_requests(list_page, portal.cms)
        if role in ("column", "notice", "candidate")
        else search_requests(list_page)
    )  # an entry / 信息公开 page: only its site search (the search box)
    listed_reports = [
        a
        for a in anchors
        if a.url != url
        and classify_title(a.text).label == REPORT
        and portal.allows(a.url)
        and not is_attachment_url(a.url, a.text)
    ]
    # attachments bound by script are looked for where they can matter (a few ms a page): candidates, a bare
    # row's page, and pages whose title says report
    bound = role == "candidate" or bare or classify_title(title).label == REPORT
    attachments = [a for a in attachment_anchors(tree, url, anchors, bound=bound) if is_report_document(a)]
    verdict = classify_page(title, body_text(tree), url=url, has_attachments=bool(attachments))
    is_list = is_report_list(len(listed_reports), verdict)
    hints = page_hints(tree, url) if (verdict.label == REPORT or bare) and not is_list else {}
    return PageAnalysis(anchors, capped, title, paging, attachments, verdict, is_list, hints)


def body_text(tree: Any) -> str:
    """Visible text of the page body (scripts dropped: their links were read before), for classify_page, which
    ignores whitespace: lxml's text serialisation, not a join of every text node (4x cheaper)."""
    body = tree.find(".//body")
    if body is None:
        return ""
    etree.strip_elements(body, "script", "style", etree.Comment, with_tail=False)
    text: str = etree.tostring(body, method="text", encoding=str, with_tail=False)
    return text


# --- which links to follow --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Follow:
    """One link to ask for: its role, nesting depth, scheduling priority and what its listing said."""

    url: str
    role: str
    depth: int = 0
    priority: int = 0
    hints: dict[str, Any] = field(default_factory=dict)
    bare: bool = False  # the link named nothing (a file name, a year): the target's content decides


def follow_from_list(anchors: Iterable[Anchor], portal: Portal, role: str, depth: int, page_url: str) -> list[Follow]:
    """The links of a page of role `role` (entry, disclosure, column, notice) worth asking for, in page order:
    reports and their documents, 年报 and notice columns, 信息公开 blocks, and under a 年报 column its articles
    and sub-columns. Links off the portal, distractors and the page itself are dropped."""
    out: list[Follow] = []
    anchors = list(anchors)
    # a list row often links the page and its PDF under the same title: the page is the report
    page_titles = {title_stem(a.text) for a in anchors if not is_attachment_url(a.url, a.text)}
    for anchor in anchors:
        if not portal.allows(anchor.url) or anchor.url == page_url:
            continue
        verdict = classify_title(anchor.text)
        if verdict.label == DISTRACTOR:
            continue
        if verdict.label == REPORT:
            kind = "attachment_report" if is_attachment_url(anchor.url, anchor.text) else "candidate"
            if kind == "attachment_report" and title_stem(anchor.text) in page_titles:
                continue
            out.append(
                Follow(
                    anchor.url,
                    kind,
                    depth,
                    priority=20,
                    hints=listing_hints(anchor.text, anchor.context, anchor.url, page_url),
                )
            )
            continue
        bare = is_bare_title(anchor.text)
        if is_attachment_url(anchor.url, anchor.text):
            if role == "column" and bare:  # 附件1.pdf, P0….pdf, 2023年 in a 年报 column: judged by its content
                out.append(
                    Follow(
                        anchor.url,
                        "attachment_candidate",
                        depth,
                        priority=15,
                        bare=True,
                        hints=listing_hints("", anchor.context, anchor.url, page_url),
                    )
                )
            continue
        if role in ("entry", "disclosure"):
            if is_report_column_link(anchor.text, anchor.url):
                out.append(Follow(anchor.url, "column", 0, priority=10))
            elif is_notice_column_link(anchor.text):
                out.append(Follow(anchor.url, "notice", 0))
            elif depth < MAX_DISCLOSURE_DEPTH and (
                is_disclosure_link(anchor.text, anchor.url)
                or (role == "disclosure" and under(anchor.url, page_url) and not is_article_url(anchor.url))
            ):
                out.append(Follow(anchor.url, "disclosure", depth + 1))
        elif role == "column" and (
            under(anchor.url, page_url)
            or is_report_column_link(anchor.text, anchor.url)
            or is_group_link(anchor.text)
            or bare
        ):
            if is_article_url(anchor.url):
                out.append(
                    Follow(
                        anchor.url,
                        "candidate",
                        depth,
                        priority=15,
                        bare=bare,
                        hints=listing_hints("" if bare else anchor.text, anchor.context, anchor.url, page_url),
                    )
                )
            elif depth < MAX_COLUMN_DEPTH:
                out.append(Follow(anchor.url, "column", depth + 1, priority=10, bare=bare))
    return out
