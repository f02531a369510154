"""Incremental recrawl: conditional requests from the archive index, and what changed since last time.

For a GET of a URL the index already holds a 200 capture of, `ConditionalRequestMiddleware` sends that
capture's validators (If-None-Match from its ETag, If-Modified-Since from its Last-Modified). A 304 is
archived by the capture hook as a server-not-modified revisit of that capture (`revisit_of` set in the index);
here it is replaced by the stored original response, and `gx_capture_id` is pointed at that original, so
the spider and the pipelines carry on with the archived body, linked to the record that holds it, and the
unchanged text adds no document. A 200 is compared with the stored payload digest:
identical -> unchanged (the archive writes a revisit), different -> changed (the pipelines record a new
version when the report text differs), no earlier capture -> new. Stats: `gx/recrawl/new`,
`gx/recrawl/changed`, `gx/recrawl/unchanged` (of which `gx/recrawl/not_modified` were 304s) and
`gx/recrawl/conditional` (requests sent with validators); the counts are logged when the spider closes.

Sits next to the downloader (order above HttpCompressionMiddleware's 590): it sees bodies as they came
off the wire, as the index digests them, and the stored response it substitutes is decoded downstream.
"""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured

from gxcrawl.archive.captures import has_revalidation_captures, revalidation_capture
from gxcrawl.archive.reader import RecordNotFound
from gxcrawl.crawl.adapters import response_from_stored
from gxcrawl.crawl.extensions.warc import archive_for
from gxcrawl.crawl.meta import (
    META_CAPTURE_ID,
    META_NOT_MODIFIED_CAPTURE,
    META_NOT_MODIFIED_OF,
    META_PREVIOUS_CAPTURE,
    META_PREVIOUS_SHA256,
    META_SKIP_CONDITIONAL,
    META_VALIDATORS_ADDED,
)
from gxcrawl.crawl.middlewares.replay import as_downloaded

if TYPE_CHECKING:
    from collections.abc import Callable

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

    from gxcrawl.archive import Archive

logger = logging.getLogger(__name__)

NOT_MODIFIED_FLAG = "not-modified"

VALIDATOR_HEADERS = (b"If-None-Match", b"If-Modified-Since")
OUTCOMES = ("new", "changed", "unchanged")


class ConditionalRequestMiddleware:
    def __init__(self, archive: Callable[[], Archive], stats: StatsCollector) -> None:
        self.archive = archive
        self.stats = stats
        self.history = True  # until spider_opened has looked

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("GX_CONDITIONAL_ENABLED", True):
            raise NotConfigured("GX_CONDITIONAL_ENABLED is off")
        if settings.getbool("GX_REPLAY"):
            raise NotConfigured("replay is on: there is no server to revalidate against")
        assert crawler.stats is not None
        middleware = cls(lambda: archive_for(crawler), crawler.stats)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider: Any) -> None:
        # an index with no page fetched before this crawl has nothing to revalidate: no look-up per request
        with self.archive().engine.connect() as connection:
            self.history = has_revalidation_captures(connection)
        if not self.history:
            logger.info("conditional requests: the archive holds no earlier fetch, none will be made")

    def process_request(self, request: Request, spider: Any = None) -> None:
        if request.meta.pop(META_VALIDATORS_ADDED, False):
            # a retried or redirected copy: drop the validators meant for the original URL and look again
            for name in VALIDATOR_HEADERS:
                request.headers.pop(name, None)
        request.meta.pop(META_PREVIOUS_CAPTURE, None)
        request.meta.pop(META_PREVIOUS_SHA256, None)
        if (
            request.method != "GET"
            or request.meta.get(META_SKIP_CONDITIONAL) is False
            or request.meta.get("playwright")
        ):
            return None
        if any(name in request.headers for name in VALIDATOR_HEADERS):
            return None  # the spider revalidates on its own terms
        if not self.history:
            request.meta[META_PREVIOUS_CAPTURE] = None
            return None
        with self.archive().engine.connect() as connection:
            previous = revalidation_capture(connection, request.url)
        if previous is None:
            request.meta[META_PREVIOUS_CAPTURE] = None
            return None
        request.meta[META_PREVIOUS_CAPTURE] = previous.capture_id
        request.meta[META_PREVIOUS_SHA256] = previous.payload_sha256
        etag, last_modified = previous.etag, previous.last_modified
        if etag:
            request.headers[b"If-None-Match"] = etag
        if last_modified:
            request.headers[b"If-Modified-Since"] = last_modified
        if etag or last_modified:
            request.meta[META_VALIDATORS_ADDED] = True
            self.stats.inc_value("gx/recrawl/conditional")
        return None

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        if META_PREVIOUS_CAPTURE not in request.meta:
            return response  # not looked up (not a plain GET, or the spider's own conditional request)
        previous = request.meta[META_PREVIOUS_CAPTURE]
        if response.status == 304 and previous is not None and request.meta.get(META_VALIDATORS_ADDED):
            self.count("unchanged")
            self.stats.inc_value("gx/recrawl/not_modified")
            request.meta[META_NOT_MODIFIED_OF] = previous
            # the pipelines must link what they parse to the capture that holds this body: the 304 record
            # the capture hook just wrote has none (its id stays available for provenance)
            if META_CAPTURE_ID in request.meta:
                request.meta[META_NOT_MODIFIED_CAPTURE] = request.meta[META_CAPTURE_ID]
            request.meta[META_CAPTURE_ID] = previous
            try:
                stored = self.archive().read_response(previous)
            except RecordNotFound as exc:  # damaged, or over the read limit: this page only
                self.stats.inc_value("gx/recrawl/unreadable")
                logger.error("304 for %s: its archived capture %s cannot be read: %s", request.url, previous, exc)
                raise IgnoreRequest(
                    f"304 for {request.url}: archived capture {previous} cannot be read: {exc}"
                ) from None
            return as_downloaded(
                response_from_stored(stored, request, flags=[*response.flags, NOT_MODIFIED_FLAG]), request
            )
        if not 200 <= response.status < 300:
            return response  # redirects, errors: the page itself is counted where it is finally fetched
        if previous is None:
            self.count("new")
        elif hashlib.sha256(response.body).hexdigest() == request.meta.get(META_PREVIOUS_SHA256):
            self.count("unchanged")
        else:
            self.count("changed")
        return response

    def count(self, outcome: str) -> None:
        self.stats.inc_value(f"gx/recrawl/{outcome}")

    def spider_closed(self, spider: Any, reason: str) -> None:
        counts = {outcome: self.stats.get_value(f"gx/recrawl/{outcome}", 0) for outcome in OUTCOMES}
        for outcome, value in counts.items():
            self.stats.set_value(f"gx/recrawl/{outcome}", value)  # present even when 0, for the summary
        logger.info(
            "recrawl: %(new)d new, %(changed)d changed, %(unchanged)d unchanged pages "
            "(%(not_modified)d answered 304 Not Modified)",
            {**counts, "not_modified": self.stats.get_value("gx/recrawl/not_modified", 0)},
        )
