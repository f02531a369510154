"""Offline replay: serve every request from the archive, never from the network.

    scrapy crawl portals -s GX_REPLAY=1 [-s GX_REPLAY_AT=2026-11-22T10:00:00]

`ReplayMiddleware` (downloader middleware, next to the downloader) answers each request with the newest
archived capture of the same request (method and URL, and for a POST the same body: a search API's pages
share one URL) at or before GX_REPLAY_AT (naive times are UTC); the response carries the
stored wire body and headers, so decompression, redirects and cookies run as they did live. A request that
is not archived is answered 404 (flag "replay-miss", stat `gx/replay/miss`) and never fetched;
robots.txt goes the same way. `ReplayAddon` makes replay a single switch: politeness delays, robots.txt
Crawl-delay, retry back-off and AutoThrottle off (there is no server to be polite to), WARC capture off
(nothing new to archive), and
every network download handler replaced by one that refuses, so no request can leak out even if a
component bypasses the middleware.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urldefrag

from scrapy import signals
from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

from gxcrawl.archive import IndexMissing
from gxcrawl.archive.captures import replayable_capture
from gxcrawl.archive.reader import RecordNotFound
from gxcrawl.crawl.adapters import response_from_stored
from gxcrawl.crawl.extensions.warc import archive_for, fail_crawl
from gxcrawl.crawl.meta import META_CAPTURE_ID, META_REPLAYED_AT

if TYPE_CHECKING:
    from collections.abc import Callable

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from scrapy.statscollectors import StatsCollector

    from gxcrawl.archive import Archive

logger = logging.getLogger(__name__)

REPLAY_FLAG = "replay"
REPLAY_FAILED = "gx_replay_failed"  # close reason: the archive cannot be replayed (its index is missing)
MISS_FLAG = "replay-miss"
NETWORK_SCHEMES = ("http", "https")


def parse_replay_at(value: str | datetime | None) -> datetime | None:
    """GX_REPLAY_AT as an aware UTC datetime ("" -> None: the newest capture)."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(
                f"GX_REPLAY_AT={value!r} is not an ISO 8601 timestamp; use e.g. -s GX_REPLAY_AT=2026-11-22T10:00:00"
            ) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def wire_url(request: Request) -> str:
    """The URL a download handler answers with: the request's, without its #fragment (never sent)."""
    return urldefrag(request.url)[0]


def as_downloaded(response: Response, request: Request) -> Response:
    """A response rebuilt from the archive, with the URL the live download would have given it."""
    url = wire_url(request)
    return response if response.url == url else response.replace(url=url)


class ReplayAddon:
    """Turns the settings for replay when GX_REPLAY is on (runs before the crawler freezes its settings)."""

    # above the project's settings.py (20), below -s on the command line (40): users can still override
    PRIORITY = "spider"

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.getbool("GX_REPLAY"):
            return
        parse_replay_at(settings.get("GX_REPLAY_AT"))  # a bad timestamp fails here, before anything starts
        for name, value in {
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "GX_CRAWL_DELAY_ENABLED": False,  # an archived robots.txt's Crawl-delay
            "GX_RETRY_BACKOFF_BASE": 0,  # a replayed 503 is retried at once: the archive will not recover
            "CONCURRENT_REQUESTS_PER_DOMAIN": settings.getint("CONCURRENT_REQUESTS", 16),
            "GX_WARC_ENABLED": False,
            "GX_CONDITIONAL_ENABLED": False,
        }.items():
            settings.set(name, value, priority=self.PRIORITY)
        handlers = dict(settings.getdict("DOWNLOAD_HANDLERS"))
        handlers.update({scheme: f"{__name__}.NoNetworkDownloadHandler" for scheme in NETWORK_SCHEMES})
        settings.set("DOWNLOAD_HANDLERS", handlers, priority=self.PRIORITY)


class NoNetworkDownloadHandler(BaseDownloadHandler):
    """Installed for http/https during replay: a request that reaches the downloader is refused, not sent."""

    async def download_request(self, request: Request) -> Response:
        if self.crawler.stats:
            self.crawler.stats.inc_value("gx/replay/network_refused")
        raise IgnoreRequest(f"replay: network disabled, not fetching {request.url}")


class ReplayMiddleware:
    def __init__(
        self,
        archive: Callable[[], Archive],
        stats: StatsCollector,
        at: datetime | None,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> None:
        self.archive = archive
        self.stats = stats
        self.at = at
        self.on_failure = on_failure
        self.unusable: str | None = None  # why the archive cannot be replayed (no index...): nothing is answered

    def spider_opened(self, spider: Any = None) -> None:
        try:
            self.archive()
        except IndexMissing as exc:
            self.unusable = str(exc)
            logger.error("replay: %s", exc)
            if self.on_failure is not None:
                self.on_failure(exc)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("GX_REPLAY"):
            raise NotConfigured("GX_REPLAY is off")
        assert crawler.stats is not None
        at = parse_replay_at(settings.get("GX_REPLAY_AT"))
        logger.info(
            "replaying from the archive in %s%s, no network",
            settings.get("GX_ARCHIVE_DIR"),
            f" as of {at.isoformat()}" if at else "",
        )
        middleware = cls(
            lambda: archive_for(crawler), crawler.stats, at, lambda exc: fail_crawl(crawler, REPLAY_FAILED, exc)
        )
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def process_request(self, request: Request, spider: Any = None) -> Response:
        if self.unusable is not None:
            raise IgnoreRequest(f"replay: {self.unusable}")
        archive = self.archive()
        with archive.session() as session:
            capture = replayable_capture(
                session,
                request.url,
                self.at,
                rendered=bool(request.meta.get("playwright")),
                method=request.method,
                body=request.body,
            )
            capture_id = capture.id if capture is not None else None
        if capture_id is None:
            self.stats.inc_value("gx/replay/miss")
            logger.debug("replay miss: %s %s is not archived", request.method, request.url)
            return Response(wire_url(request), status=404, body=b"", request=request, flags=[REPLAY_FLAG, MISS_FLAG])
        try:
            stored = archive.read_response(capture_id)
        except RecordNotFound as exc:  # damaged, or over the read limit: this request only
            self.stats.inc_value("gx/replay/unreadable")
            logger.error("replay: capture %s of %s cannot be read: %s", capture_id, request.url, exc)
            raise IgnoreRequest(f"replay: capture {capture_id} of {request.url} cannot be read: {exc}") from None
        # the pipelines link what they derive to the archived capture, as in the live crawl
        request.meta[META_CAPTURE_ID] = capture_id
        request.meta[META_REPLAYED_AT] = stored.fetched_at.isoformat()
        self.stats.inc_value("gx/replay/hit")
        return as_downloaded(response_from_stored(stored, request, flags=[REPLAY_FLAG]), request)
