"""`scrapy crawl portals`: find every 政府信息公开工作年度报告 on the registered portals.

    scrapy crawl portals [-a portals=ID,ID] [-a registry=FILE] [-s GX_ARCHIVE_DIR=archive]

The spider is thin: a registry entry gives the entry pages and hints, the discovery library decides
what each page is (report, 年报 column, 信息公开 block, distractor) and which links and pages of a list to
ask for next (gxcrawl/discovery/follow.py, the pagination strategies); the spider only turns those decisions
into requests and items. Roles of a request:
  entry -> disclosure -> column/notice (list pages, paged by the strategies) -> candidate (an article
  that may be a report) -> attachment (PDF/DOC/DOCX/OFD of a report, fetched with its Referer).
What the middlewares need of a request (its portal's host policy, rendering, page actions) is in its meta;
what the crawl found is announced with signals (report_found, distractor_seen): docs/crawl-signals.md.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import JsonRequest, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.defer import deferred_to_future
from twisted.internet import threads

from gxcrawl.crawl import signals as gx_signals
from gxcrawl.crawl.items import ReportPage
from gxcrawl.crawl.meta import (
    META_ALLOWED_HOSTS,
    META_BARE,
    META_CAPTURE_ID,
    META_DEPTH,
    META_EXPECT,
    META_HINTS,
    META_PORTAL,
    META_RENDER,
    META_RENDER_ACTIONS,
    META_ROLE,
    META_SPELLINGS_TRIED,
    META_STATE,
    REQUEST_KEYS,
)
from gxcrawl.discovery import (
    DISTRACTOR,
    REPORT,
    UNKNOWN,
    Anchor,
    ListPage,
    PageRequest,
    Portal,
    hint_requests,
    json_anchors,
    list_page_requests,
    load_registry,
    select_portals,
    text_anchors,
)
from gxcrawl.discovery.follow import (
    Follow,
    analyse_page,
    document_kind,
    document_verdict,
    follow_from_list,
    preference,
)

logger = logging.getLogger(__name__)


class PortalsSpider(scrapy.Spider):
    name = "portals"

    def __init__(self, portals: str | None = None, registry: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._portal_ids = portals
        self._registry_path = registry
        self.portals: list[Portal] = []
        self.by_id: dict[str, Portal] = {}
        self.meta_by_portal: dict[str, dict[str, Any]] = {}  # per portal: the meta every request of it carries
        self.nav_pages: dict[str, int] = defaultdict(int)
        # limits, from the settings in from_crawler
        self.max_nav_pages = 5_000
        self.max_links_per_page = 10_000
        self.off_reactor_bytes = 1_000_000

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> PortalsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        path = spider._registry_path or crawler.settings.get("GX_REGISTRY") or None
        spider.portals = select_portals(load_registry(path), spider._portal_ids)
        spider.by_id = {p.id: p for p in spider.portals}
        spider.meta_by_portal = {p.id: portal_meta(p) for p in spider.portals}
        spider.max_nav_pages = crawler.settings.getint("GX_MAX_NAV_PAGES_PER_PORTAL", 5_000)
        spider.max_links_per_page = crawler.settings.getint("GX_MAX_LINKS_PER_PAGE", 10_000)
        spider.off_reactor_bytes = crawler.settings.getint("GX_OFF_REACTOR_PAGE_BYTES", 1_000_000)
        return spider

    # --- requests -----------------------------------------------------------------------------------------
    def _follow(self, follow: Follow, portal: Portal, page_url: str) -> scrapy.Request:
        return self._request(
            follow.url,
            portal,
            follow.role,
            depth=follow.depth,
            hints=follow.hints,
            referer=page_url,
            priority=follow.priority,
            bare=follow.bare,
        )

    def _request(
        self,
        url: str,
        portal: Portal,
        role: str,
        *,
        depth: int = 0,
        hints: dict | None = None,
        referer: str | None = None,
        expect: str = "html",
        page_request: PageRequest | None = None,
        priority: int = 0,
        dont_filter: bool = False,
        bare: bool = False,
    ) -> scrapy.Request:
        meta = {
            **self.meta_by_portal[portal.id],
            META_ROLE: role,
            META_DEPTH: depth,
            META_HINTS: hints or {},
            META_EXPECT: expect,
        }
        if bare:  # a 年报 column row whose text named nothing: the target's content decides
            meta[META_BARE] = True
        headers = {"Referer": referer} if referer else {}
        if page_request is not None:
            headers.update(dict(page_request.headers))
            meta[META_STATE] = (
                {**page_request.state, "strategy": page_request.strategy}
                if expect != "html"
                else dict(page_request.state)
            )
            if page_request.json_body is not None:  # the body is in the fingerprint: pageNo 1 and 2 stay apart
                return JsonRequest(
                    url,
                    data=page_request.json_body,
                    headers=headers,
                    meta=meta,
                    callback=self.parse,
                    errback=self.on_error,
                    priority=priority,
                    dont_filter=dont_filter,
                )
            if page_request.method == "POST":
                return scrapy.FormRequest(
                    url,
                    formdata=dict(page_request.formdata),
                    headers=headers,
                    meta=meta,
                    callback=self.parse,
                    errback=self.on_error,
                    priority=priority,
                    dont_filter=dont_filter,
                )
        return scrapy.Request(
            url,
            headers=headers,
            meta=meta,
            callback=self.parse,
            errback=self.on_error,
            priority=priority,
            dont_filter=dont_filter,
        )

    async def start(self) -> AsyncIterator[scrapy.Request]:
        # the portals' metadata goes into the index (extensions/portals.py) before any report is stored
        self.crawler.signals.send_catch_log(gx_signals.portals_selected, portals=self.portals)
        # the host policy of a request of no portal (robots.txt): any portal's of this crawl
        self.crawler.signals.send_catch_log(
            gx_signals.crawl_scope, allowed_hosts=tuple(p.allowed_hosts for p in self.portals)
        )
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
        self.crawler.stats.inc_value(f"gx/errors/{request.meta.get(META_ROLE, 'other')}")
        logger.info("fetch failed (%s): %s", failure.getErrorMessage(), request.url)

    def _other_spelling(self, request: scrapy.Request) -> Iterator[scrapy.Request]:
        """A page the server did not answer under one spelling (`…/nb/` without a default document) under the
        next spelling met for it (`…/nb/index.html`), which the duplicate filter held back as the same page."""
        others = getattr(self.crawler.request_fingerprinter, "other_spellings", None)
        tried = request.meta.get(META_SPELLINGS_TRIED, ())
        for url in others(request.url) if others else ():
            if url not in tried:
                meta = {k: v for k, v in request.meta.items() if k in REQUEST_KEYS}
                meta[META_SPELLINGS_TRIED] = (*tried, request.url)
                self.crawler.stats.inc_value("gx/discovery/other_spelling")
                yield request.replace(url=url, meta=meta, dont_filter=True)
                return

    # --- responses -----------------------------------------------------------------------------------------
    async def parse(self, response: Response) -> AsyncIterator[Any]:
        portal = self.by_id[response.meta[META_PORTAL]]
        role = response.meta.get(META_ROLE, "entry")
        expect = response.meta.get(META_EXPECT, "html")
        if role == "attachment_report":
            item = self._attachment_item(response, portal, response.meta.get(META_HINTS, {}), page_url=None)
            if item is not None:
                yield self._found(item, response.url)
            return
        if role == "attachment_candidate" and _is_document(response):
            # a 年报 column row named only by a file name or a year: the document's content decides
            # (a PDF with an ASCII body comes as a TextResponse: its bytes and headers say what it is)
            async for item in self._judged_documents(response, portal, [], response.meta.get(META_HINTS, {}), None):
                yield item
            return
        if role == "attachment_candidate":
            role = "candidate"  # the row linked a page after all
        if not isinstance(response, TextResponse):
            if role == "candidate":  # a list linked the document itself
                item = self._attachment_item(response, portal, response.meta.get(META_HINTS, {}), page_url=None)
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
        page = ListPage(response.url, text, None, expect, data, response.meta.get(META_STATE, {}))
        depth = response.meta.get(META_DEPTH, 0)
        out = self._page_requests(list_page_requests(page, portal.cms), portal, depth, response.url)
        out += [
            self._follow(f, portal, response.url)
            for f in follow_from_list(anchors, portal, "column", depth, response.url)
        ]
        return out

    def _page_requests(
        self, requests: Iterable[PageRequest], portal: Portal, depth: int, referer: str | None
    ) -> list[scrapy.Request]:
        """Scrapy requests for a list's other pages; only on the portal's hosts (a search form may point anywhere)."""
        out = []
        for request in requests:
            if not portal.allows(request.url):
                self.crawler.stats.inc_value("gx/pagination/offsite")
                continue
            self.crawler.stats.inc_value(f"gx/pagination/{request.strategy or 'other'}")
            out.append(
                self._request(
                    request.url,
                    portal,
                    "column",
                    depth=depth,
                    referer=referer,
                    expect=request.expect,
                    page_request=request,
                    priority=5,
                )
            )
        return out

    async def _html_page(self, response: TextResponse, portal: Portal, role: str) -> AsyncIterator[Any]:
        url = response.url

        def analyse() -> Any:
            return analyse_page(
                url,
                response.text,
                portal,
                role,
                self.max_links_per_page,
                state=response.meta.get(META_STATE),
                bare=bool(response.meta.get(META_BARE)),
            )

        # a big page is parsed and read in a worker thread: the reactor keeps serving the other downloads (and
        # signals) meanwhile
        page = await asyncio.to_thread(analyse) if len(response.body) > self.off_reactor_bytes else analyse()
        if page.capped:  # the page is still handled, on its first links
            self.crawler.stats.inc_value("gx/discovery/links_capped")
            logger.info("%s has more than %d links: only the first are followed", url, self.max_links_per_page)
        anchors, title, paging, attachments, verdict, is_list = (
            page.anchors,
            page.title,
            page.paging,
            page.attachments,
            page.verdict,
            page.is_list,
        )
        if verdict.label == DISTRACTOR and not is_list:
            self._distractor(url, portal, title, verdict.reasons)
            return
        if verdict.label == REPORT and not is_list:
            hints = {**response.meta.get(META_HINTS, {}), **page.hints}
            if verdict.year and "report_year" not in response.meta.get(META_HINTS, {}):
                hints["report_year"] = verdict.year
            async for item in self._report(response, portal, hints, attachments, verdict.reasons):
                yield item
            return
        if response.meta.get(META_BARE) and not is_list and attachments and verdict.label == UNKNOWN:
            # a 年报 column row that named nothing (a file name, a year, an agency and a year) led to a page whose
            # body is no report: its attachments' content decides
            fetched = [r for r in [await self._fetch_attachment(a, portal, url) for a in attachments] if r]
            hints = {**response.meta.get(META_HINTS, {}), **page.hints, "page_url": url}
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
        depth = response.meta.get(META_DEPTH, 0)
        for request in self._page_requests(paging, portal, depth, url):
            yield request
        for follow in follow_from_list(anchors, portal, role, depth, url):
            yield self._follow(follow, portal, url)

    # --- reports ----------------------------------------------------------------------------------------------
    async def _report(
        self, response: TextResponse, portal: Portal, hints: dict, attachments: list[Anchor], reasons: tuple[str, ...]
    ) -> AsyncIterator[ReportPage]:
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
            url=response.request.url,
            final_url=response.url,
            portal=portal.id,
            body=response.body,
            content_type=content_type.decode("latin-1") if content_type else None,
            capture_id=response.meta.get(META_CAPTURE_ID),
            fetched_at=_fetched_at(response),
            hints=hints,
            attachments=[info for info, _ in fetched],
            kind="page",
        )
        if "body" in reasons:
            yield self._found(page_item, response.url)
            return
        # a stub page (详见附件): the report is the attachment; the best document is parsed
        documents = sorted(fetched, key=lambda pair: preference(pair[0].get("kind")))
        if documents:
            info, att_response = documents[0]
            item = self._attachment_item(
                att_response, portal, {**hints, "page_url": response.url}, page_url=response.url, info=info
            )
            if item is not None:
                item.attachments = [i for i, _ in fetched]
                yield self._found(item, response.url)
                return
        # title says report, no document came: keep the page (the parser decides what it holds)
        yield self._found(page_item, response.url)

    async def _judged_documents(
        self,
        response: Response | None,
        portal: Portal,
        fetched: list[tuple[dict, Response]],
        hints: dict,
        page_url: str | None,
    ) -> AsyncIterator[ReportPage]:
        """Documents whose link said nothing (a file name, a year): each is read and classified by its content; the
        first (best kind first) that is a report is yielded, with its page's other attachments."""
        candidates = fetched if response is None else [({"url": response.url}, response)]
        ordered = sorted(candidates, key=lambda pair: preference(pair[0].get("kind")))
        for info, document in ordered:
            content_type = (document.headers.get(b"Content-Type") or b"").decode("latin-1") or None
            if document_kind(document.body, url=document.url, content_type=content_type) is None:
                continue
            verdict = await deferred_to_future(
                threads.deferToThread(document_verdict, document.body, document.url, content_type)
            )
            if verdict.label == DISTRACTOR:
                self._distractor(document.url, portal, None, verdict.reasons)
                continue
            if verdict.label != REPORT:
                continue
            item_hints = {**hints, "report_year": verdict.year} if verdict.year else dict(hints)
            item = self._attachment_item(
                document, portal, item_hints, page_url=page_url, info=info if response is None else None
            )
            if item is not None:
                item.attachments = [i for i, _ in fetched]
                self.crawler.stats.inc_value("gx/discovery/judged_by_content")
                yield self._found(item, page_url or document.url)
                return
        self.crawler.stats.inc_value("gx/discovery/rejected")

    async def _fetch_attachment(self, anchor: Anchor, portal: Portal, page_url: str) -> tuple[dict, Response] | None:
        request = scrapy.Request(
            anchor.url,
            headers={"Referer": page_url},
            dont_filter=True,
            meta={
                **self.meta_by_portal[portal.id],
                META_ROLE: "attachment",
                META_EXPECT: "binary",
                META_HINTS: {"page_url": page_url},
            },
        )
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
        kind = document_kind(response.body, url=response.url, content_type=content_type)
        if kind is None:  # an HTML error page instead of the file (e.g. VSB without Referer)
            self.crawler.stats.inc_value("gx/attachments/not_a_document")
            return None
        self.crawler.stats.inc_value("gx/attachments/fetched")
        info = {
            "url": anchor.url,
            "content_type": content_type,
            "sha256": hashlib.sha256(response.body).hexdigest(),
            "capture_id": request.meta.get(META_CAPTURE_ID, response.meta.get(META_CAPTURE_ID)),
            "kind": kind,
            "name": anchor.text,
        }
        return info, response

    def _attachment_item(
        self, response: Response, portal: Portal, hints: dict, *, page_url: str | None, info: dict | None = None
    ) -> ReportPage | None:
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1") or None
        if info is None and document_kind(response.body, url=response.url, content_type=content_type) is None:
            return None
        return ReportPage(
            url=response.request.url if hasattr(response, "request") and response.request else response.url,
            final_url=response.url,
            portal=portal.id,
            body=response.body,
            content_type=content_type,
            capture_id=(info or {}).get("capture_id", response.meta.get(META_CAPTURE_ID)),
            fetched_at=_fetched_at(response),
            hints={k: v for k, v in hints.items() if v is not None},
            attachments=[],
            kind="attachment",
        )

    def _found(self, item: ReportPage, page_url: str) -> ReportPage:
        self.crawler.stats.inc_value(f"gx/reports/found/{item.portal}")
        self.crawler.signals.send_catch_log(gx_signals.report_found, item=item, page_url=page_url)
        return item

    def _distractor(self, url: str, portal: Portal, title: str | None, reasons: Iterable[str]) -> None:
        self.crawler.stats.inc_value("gx/discovery/distractors")
        self.crawler.signals.send_catch_log(
            gx_signals.distractor_seen, url=url, portal=portal.id, title=title, reasons=tuple(reasons)
        )


def portal_meta(portal: Portal) -> dict[str, Any]:
    """What the middlewares need of a request's portal (docs/crawl-signals.md): its id and host policy, and
    whether its pages are rendered, with which page actions."""
    meta: dict[str, Any] = {META_PORTAL: portal.id, META_ALLOWED_HOSTS: portal.allowed_hosts}
    if portal.render:
        meta[META_RENDER] = True
    if portal.render_actions:
        meta[META_RENDER_ACTIONS] = portal.render_actions
    return meta


def _is_document(response: Response) -> bool:
    """The response is a document (its bytes say so), not the HTML page a link may have led to instead."""
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1") or None
    return document_kind(response.body, url=response.url, content_type=content_type) is not None


def _fetched_at(response: Response) -> str | None:
    return datetime.now(UTC).isoformat(timespec="seconds")
