"""`scrapy crawl portals`: find every 政府信息公开工作年度报告 on the registered portals.

    scrapy crawl portals [-a portals=ID,ID] [-a registry=FILE] [-s GX_ARCHIVE_DIR=archive]

The spider is thin: a registry entry gives the entry pages and hints, the discovery library decides
what each page is (report, 年报 column, 信息公开 block, distractor) and which pages of a list to ask
for next; the spider only turns those decisions into requests and items. Roles of a request:
  entry -> disclosure -> column/notice (list pages, paged by the strategies) -> candidate (an article
  that may be a report) -> attachment (PDF/DOC/DOCX/WPS/OFD of a report, fetched with its Referer).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import logging
import re
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from lxml import etree
from scrapy.exceptions import IgnoreRequest
from scrapy.http import JsonRequest, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.defer import deferred_to_future
from twisted.internet import threads

from gxcrawl.crawl.items import ReportPage
from gxcrawl.discovery import (
    DISTRACTOR,
    REPORT,
    UNKNOWN,
    Anchor,
    ListPage,
    PageRequest,
    Portal,
    RenderAction,
    Verdict,
    attachment_anchors,
    capped_anchors,
    classify_page,
    classify_title,
    hint_requests,
    is_attachment_url,
    is_bare_title,
    is_disclosure_link,
    is_group_link,
    is_notice_column_link,
    is_report_column_link,
    json_anchors,
    list_page_requests,
    listing_hints,
    load_registry,
    page_hints,
    parse_html,
    search_requests,
    select_portals,
    text_anchors,
)
from gxcrawl.discovery.fingerprint import URL_SHAPES
from gxcrawl.discovery.metadata import page_title
from gxcrawl.report.errors import UnreadableDocument
from gxcrawl.report.page import load_page

logger = logging.getLogger(__name__)

NAV_ROLES = ("entry", "disclosure", "column", "notice")
MAX_DISCLOSURE_DEPTH = 3      # entry -> 政府信息公开 -> 部门信息公开 -> one agency's block
MAX_COLUMN_DEPTH = 4          # 年报 -> year -> category -> agency
DOCUMENT_PREFERENCE = ("docx", "pdf", "doc", "wps", "ofd")
_MAGIC = ((b"%PDF", "pdf"), (b"PK\x03\x04", "docx"), (b"\xd0\xcf\x11\xe0", "doc"))


def document_kind(url: str, content_type: str | None, body: bytes, filename: str = "") -> str | None:
    """pdf/docx/doc/wps/ofd from the magic bytes, Content-Type, file name or URL; None for HTML/other."""
    for magic, kind in _MAGIC:
        if body.startswith(magic):
            if kind == "docx" and (url.lower().endswith(".ofd") or filename.lower().endswith(".ofd")):
                return "ofd"
            return kind
    ct = (content_type or "").lower()
    if "pdf" in ct:
        return "pdf"
    if "wordprocessingml" in ct:
        return "docx"
    if "msword" in ct:
        return "doc"
    for name in (filename, urlsplit(url).path):
        m = re.search(r"\.(pdf|docx|doc|wps|ofd)$", name.lower())
        if m:
            return m.group(1)
    return None


def _is_article_url(url: str) -> bool:
    path = urlsplit(url).path
    return any(pattern.search(path) for family, pattern in URL_SHAPES if family not in ("anhui",)) and \
        not re.search(r"/(index|list)(_\d+)?\.s?html?$|/col/col\d+/", path)


def _under(url: str, base: str) -> bool:
    """`url` sits in the folder of `base` (…/zfxxgknb/index.html covers …/zfxxgknb/2023n/…)."""
    b, u = urlsplit(base), urlsplit(url)
    if b.netloc != u.netloc:
        return False
    folder = b.path if b.path.endswith("/") else b.path.rsplit("/", 1)[0] + "/"
    return u.path.startswith(folder) and u.path != b.path


class PortalsSpider(scrapy.Spider):
    name = "portals"

    def __init__(self, portals: str | None = None, registry: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._portal_ids = portals
        self._registry_path = registry
        self.portals: list[Portal] = []
        self.by_id: dict[str, Portal] = {}
        # what the coverage extension reports at spider_closed
        self.found: dict[str, dict[str, Any]] = {}
        self.blocked: list[dict[str, Any]] = []
        self.unrendered: list[dict[str, Any]] = []
        self.distractors: dict[str, dict[str, Any]] = {}
        self.nav_pages: dict[str, int] = defaultdict(int)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> PortalsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        path = spider._registry_path or crawler.settings.get("GX_REGISTRY") or None
        spider.portals = select_portals(load_registry(path), spider._portal_ids)
        spider.by_id = {p.id: p for p in spider.portals}
        spider.max_nav_pages = crawler.settings.getint("GX_MAX_NAV_PAGES_PER_PORTAL", 5_000)
        spider.max_links_per_page = crawler.settings.getint("GX_MAX_LINKS_PER_PAGE", 10_000)
        spider.off_reactor_bytes = crawler.settings.getint("GX_OFF_REACTOR_PAGE_BYTES", 1_000_000)
        return spider

    # --- hooks for the middlewares / coverage extension ------------------------------------------------
    def portal_renders(self, portal_id: str | None) -> bool:
        portal = self.by_id.get(portal_id or "")
        return bool(portal and portal.render)

    def portal_render_actions(self, portal_id: str | None) -> tuple[RenderAction, ...]:
        """The registry's page actions for the portal's rendered pages (render.py keeps those whose match fits)."""
        portal = self.by_id.get(portal_id or "")
        return portal.render_actions if portal else ()

    def url_allowed(self, portal_id: str | None, url: str) -> bool:
        """The host policy every request passes (middlewares/hostpolicy.py): the portal's, or for a request of no
        portal (robots.txt), any portal's of this crawl."""
        portal = self.by_id.get(portal_id or "")
        if portal is not None:
            return portal.allows(url)
        return any(p.allows(url) for p in self.portals)

    def record_blocked(self, url: str, reason: str, portal: str | None) -> None:
        self.blocked.append({"url": url, "reason": reason, "portal": portal})

    def record_unrendered(self, url: str, portal: str | None) -> None:
        self.unrendered.append({"url": url, "portal": portal})

    # --- requests -----------------------------------------------------------------------------------------
    def _request(self, url: str, portal: Portal, role: str, *, depth: int = 0, hints: dict | None = None,
                 referer: str | None = None, expect: str = "html", page_request: PageRequest | None = None,
                 priority: int = 0, dont_filter: bool = False, bare: bool = False) -> scrapy.Request:
        meta = {"gx_portal": portal.id, "gx_role": role, "gx_depth": depth, "gx_hints": hints or {},
                "gx_expect": expect}
        if bare:  # a 年报 column row whose text named nothing: the target's content decides
            meta["gx_bare"] = True
        headers = {"Referer": referer} if referer else {}
        if page_request is not None:
            headers.update(dict(page_request.headers))
            meta["gx_state"] = {**page_request.state, "strategy": page_request.strategy} \
                if expect != "html" else dict(page_request.state)
            if page_request.json_body is not None:  # the body is in the fingerprint: pageNo 1 and 2 stay apart
                return JsonRequest(url, data=page_request.json_body, headers=headers, meta=meta, callback=self.parse,
                                   errback=self.on_error, priority=priority, dont_filter=dont_filter)
            if page_request.method == "POST":
                return scrapy.FormRequest(url, formdata=dict(page_request.formdata), headers=headers, meta=meta,
                                          callback=self.parse, errback=self.on_error, priority=priority,
                                          dont_filter=dont_filter)
        return scrapy.Request(url, headers=headers, meta=meta, callback=self.parse, errback=self.on_error,
                              priority=priority, dont_filter=dont_filter)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for portal in self.portals:
            for url in portal.entry_urls:
                yield self._request(url, portal, "entry")
            for url in portal.report_columns:
                yield self._request(url, portal, "column", priority=10)
            for request in self._page_requests(hint_requests(portal.search), portal, 0, None):
                yield request

    def on_error(self, failure: Any) -> Iterator[scrapy.Request]:
        request = failure.request
        if failure.check(HttpError) and failure.value.response.status in (403, 404, 410):
            yield from self._other_spelling(request)
        if failure.check(IgnoreRequest):
            return  # robots.txt or a blocked page (already recorded)
        self.crawler.stats.inc_value(f"gx/errors/{request.meta.get('gx_role', 'other')}")
        logger.info("fetch failed (%s): %s", failure.getErrorMessage(), request.url)

    def _other_spelling(self, request: scrapy.Request) -> Iterator[scrapy.Request]:
        """A page the server did not answer under one spelling (`…/nb/` without a default document) under the
        next spelling met for it (`…/nb/index.html`), which the duplicate filter held back as the same page."""
        others = getattr(self.crawler.request_fingerprinter, "other_spellings", None)
        tried = request.meta.get("gx_spellings_tried", ())
        for url in others(request.url) if others else ():
            if url not in tried:
                meta = {k: v for k, v in request.meta.items() if k in ("gx_portal", "gx_role", "gx_depth", "gx_hints",
                                                                      "gx_expect", "gx_state")}
                meta["gx_spellings_tried"] = (*tried, request.url)
                self.crawler.stats.inc_value("gx/discovery/other_spelling")
                yield request.replace(url=url, meta=meta, dont_filter=True)
                return

    # --- responses -----------------------------------------------------------------------------------------
    async def parse(self, response: Response) -> AsyncIterator[Any]:
        portal = self.by_id[response.meta["gx_portal"]]
        role = response.meta.get("gx_role", "entry")
        expect = response.meta.get("gx_expect", "html")
        if role == "attachment_report":
            item = self._attachment_item(response, portal, response.meta.get("gx_hints", {}), page_url=None)
            if item is not None:
                yield self._found(item, response.url)
            return
        if role == "attachment_candidate" and _is_document(response):
            # a 年报 column row named only by a file name or a year: the document's content decides
            # (a PDF with an ASCII body comes as a TextResponse: its bytes and headers say what it is)
            async for item in self._judged_documents(response, portal, [], response.meta.get("gx_hints", {}), None):
                yield item
            return
        if role == "attachment_candidate":
            role = "candidate"  # the row linked a page after all
        if not isinstance(response, TextResponse):
            if role == "candidate":  # a list linked the document itself
                item = self._attachment_item(response, portal, response.meta.get("gx_hints", {}), page_url=None)
                if item is not None:
                    yield self._found(item, response.url)
            return
        if expect in ("xml", "json"):
            for request in self._list_api_page(response, portal, expect):
                yield request
            return
        async for out in self._html_page(response, portal, role):
            yield out

    def _list_api_page(self, response: TextResponse, portal: Portal, expect: str) -> Iterable[scrapy.Request]:
        text = response.text
        data = None
        if expect == "json":
            try:
                data = json.loads(text)
            except json.JSONDecodeError:
                self.crawler.stats.inc_value("gx/discovery/bad_json")
                return []
            anchors = list(json_anchors(data, response.url))
        else:
            anchors = list(text_anchors(text, response.url, source="xml"))
        page = ListPage(response.url, text, None, expect, data, response.meta.get("gx_state", {}))
        depth = response.meta.get("gx_depth", 0)
        out = self._page_requests(list_page_requests(page, portal.cms), portal, depth, response.url)
        out += self._follow_from_list(anchors, portal, "column", depth, response.url)
        return out

    def _page_requests(self, requests: Iterable[PageRequest], portal: Portal, depth: int,
                       referer: str | None) -> list[scrapy.Request]:
        """Scrapy requests for a list's other pages; only on the portal's hosts (a search form may point anywhere)."""
        out = []
        for request in requests:
            if not portal.allows(request.url):
                self.crawler.stats.inc_value("gx/pagination/offsite")
                continue
            self.crawler.stats.inc_value(f"gx/pagination/{request.strategy or 'other'}")
            out.append(self._request(request.url, portal, "column", depth=depth, referer=referer,
                                     expect=request.expect, page_request=request, priority=5))
        return out

    async def _html_page(self, response: TextResponse, portal: Portal, role: str) -> AsyncIterator[Any]:
        url = response.url
        analyse = functools.partial(analyse_page, response, portal, role, self.max_links_per_page)
        # a big page is parsed and read in a worker thread: the reactor keeps serving the other downloads (and
        # signals) meanwhile
        page = await asyncio.to_thread(analyse) if len(response.body) > self.off_reactor_bytes else analyse()
        if page.capped:  # the page is still handled, on its first links
            self.crawler.stats.inc_value("gx/discovery/links_capped")
            logger.info("%s has more than %d links: only the first are followed", url, self.max_links_per_page)
        anchors, title, paging, attachments, verdict, is_list = (
            page.anchors, page.title, page.paging, page.attachments, page.verdict, page.is_list)
        if verdict.label == DISTRACTOR and not is_list:
            self.crawler.stats.inc_value("gx/discovery/distractors")
            self.distractors[url] = {"url": url, "portal": portal.id, "title": title,
                                     "reasons": list(verdict.reasons)}
            return
        if verdict.label == REPORT and not is_list:
            hints = {**response.meta.get("gx_hints", {}), **page.hints}
            if verdict.year and "report_year" not in response.meta.get("gx_hints", {}):
                hints["report_year"] = verdict.year
            async for item in self._report(response, portal, hints, attachments, verdict.reasons):
                yield item
            return
        if response.meta.get("gx_bare") and not is_list and attachments and verdict.label == UNKNOWN:
            # a 年报 column row that named nothing (a file name, a year, an agency and a year) led to a page whose
            # body is no report: its attachments' content decides
            fetched = [r for r in [await self._fetch_attachment(a, portal, url) for a in attachments] if r]
            hints = {**response.meta.get("gx_hints", {}), **page.hints, "page_url": url}
            hints.pop("title", None)
            found = False
            async for item in self._judged_documents(None, portal, fetched, hints, url):
                found = True
                yield item
            if found or role == "candidate":
                return
        if role == "candidate" and not is_list:
            self.crawler.stats.inc_value("gx/discovery/rejected")
            return
        if role == "candidate":
            role = "column"  # a "candidate" that turned out to list reports
        self.nav_pages[portal.id] += 1
        if self.nav_pages[portal.id] > self.max_nav_pages:
            self.crawler.stats.inc_value("gx/discovery/nav_limit")
            return
        depth = response.meta.get("gx_depth", 0)
        for request in self._page_requests(paging, portal, depth, url):
            yield request
        for request in self._follow_from_list(anchors, portal, role, depth, url):
            yield request

    def _follow_from_list(self, anchors: Iterable[Anchor], portal: Portal, role: str, depth: int,
                          page_url: str) -> list[scrapy.Request]:
        out: list[scrapy.Request] = []
        anchors = list(anchors)
        # a list row often links the page and its PDF under the same title: the page is the report
        page_titles = {_stem(a.text) for a in anchors if not is_attachment_url(a.url, a.text)}
        for anchor in anchors:
            if not portal.allows(anchor.url) or anchor.url == page_url:
                continue
            verdict = classify_title(anchor.text)
            if verdict.label == DISTRACTOR:
                continue
            if verdict.label == REPORT:
                kind = "attachment_report" if is_attachment_url(anchor.url, anchor.text) else "candidate"
                if kind == "attachment_report" and _stem(anchor.text) in page_titles:
                    continue
                out.append(self._request(anchor.url, portal, kind, depth=depth, priority=20, referer=page_url,
                                         hints=listing_hints(anchor.text, anchor.context, anchor.url, page_url)))
                continue
            bare = is_bare_title(anchor.text)
            if is_attachment_url(anchor.url, anchor.text):
                if role == "column" and bare:  # 附件1.pdf, P0….pdf, 2023年 in a 年报 column: judged by its content
                    hints = listing_hints("", anchor.context, anchor.url, page_url)
                    out.append(self._request(anchor.url, portal, "attachment_candidate", depth=depth, priority=15,
                                             referer=page_url, hints=hints, bare=True))
                continue
            if role in ("entry", "disclosure"):
                if is_report_column_link(anchor.text, anchor.url):
                    out.append(self._request(anchor.url, portal, "column", depth=0, referer=page_url, priority=10))
                elif is_notice_column_link(anchor.text):
                    out.append(self._request(anchor.url, portal, "notice", depth=0, referer=page_url))
                elif depth < MAX_DISCLOSURE_DEPTH and (
                        is_disclosure_link(anchor.text, anchor.url)
                        or (role == "disclosure" and _under(anchor.url, page_url) and not _is_article_url(anchor.url))):
                    out.append(self._request(anchor.url, portal, "disclosure", depth=depth + 1, referer=page_url))
            elif role == "column" and (_under(anchor.url, page_url) or is_report_column_link(anchor.text, anchor.url)
                                       or is_group_link(anchor.text) or bare):
                if _is_article_url(anchor.url):
                    out.append(self._request(anchor.url, portal, "candidate", depth=depth, referer=page_url,
                                             priority=15, bare=bare,
                                             hints=listing_hints("" if bare else anchor.text, anchor.context,
                                                                 anchor.url, page_url)))
                elif depth < MAX_COLUMN_DEPTH:
                    out.append(self._request(anchor.url, portal, "column", depth=depth + 1, referer=page_url,
                                             priority=10, bare=bare))
        return out

    # --- reports ----------------------------------------------------------------------------------------------
    async def _report(self, response: TextResponse, portal: Portal, hints: dict, attachments: list[Anchor],
                      reasons: tuple[str, ...]) -> AsyncIterator[ReportPage]:
        fetched: list[tuple[dict, Response]] = []
        for anchor in attachments:
            if not portal.allows(anchor.url):  # attachments are fetched directly, not through the scheduler
                self.crawler.stats.inc_value("gx/offsite/attachment")
                continue
            result = await self._fetch_attachment(anchor, portal, response.url)
            if result is not None:
                fetched.append(result)
        hints = {k: v for k, v in hints.items() if v is not None}
        content_type = response.headers.get(b"Content-Type")
        page_item = ReportPage(
            url=response.request.url, final_url=response.url, portal=portal.id, body=response.body,
            content_type=content_type.decode("latin-1") if content_type else None,
            capture_id=response.meta.get("gx_capture_id"), fetched_at=_fetched_at(response), hints=hints,
            attachments=[info for info, _ in fetched], kind="page")
        if "body" in reasons:
            yield self._found(page_item, response.url)
            return
        # a stub page (详见附件): the report is the attachment; the best document is parsed
        documents = sorted(fetched, key=lambda pair: DOCUMENT_PREFERENCE.index(pair[0]["kind"])
                           if pair[0].get("kind") in DOCUMENT_PREFERENCE else 99)
        if documents:
            info, att_response = documents[0]
            item = self._attachment_item(att_response, portal, {**hints, "page_url": response.url},
                                         page_url=response.url, info=info)
            if item is not None:
                item.attachments = [i for i, _ in fetched]
                yield self._found(item, response.url)
                return
        # title says report, no document came: keep the page (the parser decides what it holds)
        yield self._found(page_item, response.url)

    async def _judged_documents(self, response: Response | None, portal: Portal, fetched: list[tuple[dict, Response]],
                                hints: dict, page_url: str | None) -> AsyncIterator[ReportPage]:
        """Documents whose link said nothing (a file name, a year): each is read and classified by its content; the
        first (best kind first) that is a report is yielded, with its page's other attachments."""
        candidates = fetched if response is None else [({"url": response.url}, response)]
        ordered = sorted(candidates, key=lambda pair: DOCUMENT_PREFERENCE.index(pair[0]["kind"])
                         if pair[0].get("kind") in DOCUMENT_PREFERENCE else 99)
        for info, document in ordered:
            content_type = (document.headers.get(b"Content-Type") or b"").decode("latin-1") or None
            if document_kind(document.url, content_type, document.body, info.get("name", "")) is None:
                continue
            verdict = await deferred_to_future(threads.deferToThread(
                _document_verdict, document.body, document.url, content_type))
            if verdict.label == DISTRACTOR:
                self.crawler.stats.inc_value("gx/discovery/distractors")
                self.distractors[document.url] = {"url": document.url, "portal": portal.id, "title": None,
                                                  "reasons": list(verdict.reasons)}
                continue
            if verdict.label != REPORT:
                continue
            item_hints = {**hints, "report_year": verdict.year} if verdict.year else dict(hints)
            item = self._attachment_item(document, portal, item_hints, page_url=page_url,
                                         info=info if response is None else None)
            if item is not None:
                item.attachments = [i for i, _ in fetched]
                self.crawler.stats.inc_value("gx/discovery/judged_by_content")
                yield self._found(item, page_url or document.url)
                return
        self.crawler.stats.inc_value("gx/discovery/rejected")

    async def _fetch_attachment(self, anchor: Anchor, portal: Portal, page_url: str) -> tuple[dict, Response] | None:
        request = scrapy.Request(anchor.url, headers={"Referer": page_url}, dont_filter=True,
                                 meta={"gx_portal": portal.id, "gx_role": "attachment", "gx_expect": "binary",
                                       "gx_hints": {"page_url": page_url}})
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:  # noqa: BLE001 - robots.txt, network: the page item is still yielded
            self.crawler.stats.inc_value("gx/attachments/failed")
            logger.info("attachment %s of %s not fetched: %s", anchor.url, page_url, exc)
            return None
        if response.status != 200:
            self.crawler.stats.inc_value(f"gx/attachments/status/{response.status}")
            return None
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1") or None
        kind = document_kind(response.url, content_type, response.body, anchor.text)
        if kind is None:  # an HTML error page instead of the file (e.g. VSB without Referer)
            self.crawler.stats.inc_value("gx/attachments/not_a_document")
            return None
        self.crawler.stats.inc_value("gx/attachments/fetched")
        info = {"url": anchor.url, "content_type": content_type, "sha256": hashlib.sha256(response.body).hexdigest(),
                "capture_id": request.meta.get("gx_capture_id", response.meta.get("gx_capture_id")),
                "kind": kind, "name": anchor.text}
        return info, response

    def _attachment_item(self, response: Response, portal: Portal, hints: dict, *, page_url: str | None,
                         info: dict | None = None) -> ReportPage | None:
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1") or None
        if info is None and document_kind(response.url, content_type, response.body) is None:
            return None
        return ReportPage(
            url=response.request.url if hasattr(response, "request") and response.request else response.url,
            final_url=response.url, portal=portal.id, body=response.body, content_type=content_type,
            capture_id=(info or {}).get("capture_id", response.meta.get("gx_capture_id")),
            fetched_at=_fetched_at(response), hints={k: v for k, v in hints.items() if v is not None},
            attachments=[], kind="attachment")

    def _found(self, item: ReportPage, page_url: str) -> ReportPage:
        self.crawler.stats.inc_value(f"gx/reports/found/{item.portal}")
        self.found[page_url] = {"url": page_url, "portal": item.portal, "kind": item.kind, "item_url": item.url,
                                "report_year": item.hints.get("report_year"), "title": item.hints.get("title"),
                                "attachments": [a["url"] for a in item.attachments]}
        return item


@dataclass(slots=True)
class PageAnalysis:
    """What one HTML page is and links to: the spider's per-page reading, with no Scrapy state."""

    anchors: list[Anchor]
    capped: bool                       # the page had more than the links read
    title: str | None
    paging: list[PageRequest]
    attachments: list[Anchor]
    verdict: Verdict
    is_list: bool
    hints: dict[str, Any]              # page_hints, for a page read as a report


def analyse_page(response: TextResponse, portal: Portal, role: str, max_links: int) -> PageAnalysis:
    """Parse the page and decide what it is. Linear in the page, and reads at most `max_links` links; pure, so a
    big page can be read off the reactor thread."""
    url = response.url
    tree = parse_html(response.text)
    anchors, capped = capped_anchors(tree, url, max_links)
    title = page_title(tree)
    # pagination reads the list's scripts: ask before _body_text strips them
    list_page = ListPage(url, response.text, tree, "html", None, response.meta.get("gx_state", {}))
    paging = list_page_requests(list_page, portal.cms) if role in ("column", "notice", "candidate") \
        else search_requests(list_page)  # an entry / 信息公开 page: only its site search (the search box)
    listed_reports = [a for a in anchors if a.url != url and classify_title(a.text).label == REPORT
                      and portal.allows(a.url) and not is_attachment_url(a.url, a.text)]
    # attachments bound by script are looked for where they can matter (a few ms a page): candidates, a bare
    # row's page, and pages whose title says report
    bare = bool(response.meta.get("gx_bare"))
    bound = role == "candidate" or bare or classify_title(title).label == REPORT
    attachments = [a for a in attachment_anchors(tree, url, anchors, bound=bound) if _report_document(a)]
    verdict = classify_page(title, _body_text(tree), url=url, has_attachments=bool(attachments))
    # a list of reports (≥3 report links: 上一篇/下一篇 give a report page two) is navigation, unless the
    # body itself is a report
    is_list = len(listed_reports) >= 3 and "body" not in verdict.reasons
    hints = page_hints(tree, url) if (verdict.label == REPORT or bare) and not is_list else {}
    return PageAnalysis(anchors, capped, title, paging, attachments, verdict, is_list, hints)


def _stem(title: str) -> str:
    return re.sub(r"\.(pdf|docx?|wps|ofd)$", "", "".join(title.split()), flags=re.I)


def _report_document(anchor: Anchor) -> bool:
    path = urlsplit(anchor.url).path.lower()
    return not path.endswith((".xls", ".xlsx", ".et", ".zip", ".rar", ".jpg", ".png"))


def _body_text(tree: Any) -> str:
    """Visible text of the page body (scripts dropped: their links were read before), for classify_page, which
    ignores whitespace: lxml's text serialisation, not a join of every text node (4x cheaper)."""
    body = tree.find(".//body")
    if body is None:
        return ""
    etree.strip_elements(body, "script", "style", etree.Comment, with_tail=False)
    return etree.tostring(body, method="text", encoding=str, with_tail=False)


def _is_document(response: Response) -> bool:
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1") or None
    if not isinstance(response, TextResponse):
        return document_kind(response.url, content_type, response.body) is not None
    # a text response is a document only when its bytes or Content-Type say so (not a .pdf URL answering HTML)
    return document_kind("", content_type, response.body) is not None


def _document_verdict(body: bytes, url: str, content_type: str | None) -> Verdict:
    """A downloaded document classified by its own title and text (run in a thread: PDF text extraction)."""
    try:
        page = load_page(body, url=url, content_type=content_type)
    except (UnreadableDocument, ValueError) as exc:
        logger.info("document %s not read: %s", url, exc)
        return Verdict(UNKNOWN, reasons=("unreadable",))
    return classify_page(page.title, page.text, url=url)


def _fetched_at(response: Response) -> str | None:
    return datetime.now(UTC).isoformat(timespec="seconds")
