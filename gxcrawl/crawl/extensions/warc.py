"""Archive every response as it came off the wire (the `response_downloaded` signal fires before the
downloader middlewares, so HttpCompressionMiddleware has not decoded the body yet).

Writes a response (or revisit) + request + metadata record per download (a 304 answering a conditional
request becomes a server-not-modified revisit of the capture it revalidated) and stores the capture id in
`request.meta["gx_capture_id"]` (the response sees it as `response.meta`). A scrapy-playwright response is a
rendered DOM and becomes a `resource` record. A response the index cannot hold (a status line out of range...)
is not archived: stat `gx/archive/rejected`, the reason logged and in `request.meta["gx_archive_rejected"]`; the
crawl goes on. If the archive itself cannot be written (disk, database), the crawl stops with the close reason
"gx_archive_failed" rather than keep fetching pages it cannot keep, and `scrapy crawl` exits non-zero.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro

from gxcrawl.archive import Archive, ArchiveWriteError, InvalidExchange
from gxcrawl.crawl.adapters import exchange_from_scrapy
from gxcrawl.crawl.meta import (
    META_ARCHIVE_ERROR,
    META_ARCHIVE_REJECTED,
    META_CAPTURE_ID,
    META_PREVIOUS_CAPTURE,
)

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

ARCHIVE_FAILED = "gx_archive_failed"
# set when the crawl stopped because the archive failed: `scrapy crawl` then exits non-zero (crawl/commands)
FAILED_STAT = "gx/failed"
REJECTED_STAT = "gx/archive/rejected"  # responses the index cannot hold (bad status line...), each logged
_ATTR = "_gx_archive"


def archive_for(crawler: Crawler) -> Archive:
    """The crawler's one Archive (shared by the capture hook and the pipelines), opened from settings on
    first use and closed when the engine stops."""
    archive = getattr(crawler, _ATTR, None)
    if archive is None:
        settings = crawler.settings
        root = settings.get("GX_ARCHIVE_DIR") or "archive"
        archive = Archive.open(
            root,
            settings.get("GX_DATABASE_URL") or None,
            warc_max_size=settings.getint("GX_WARC_MAX_SIZE", 1_000_000_000),
            warc_prefix=settings.get("GX_WARC_PREFIX") or "gxcrawl",
            fsync=settings.getbool("GX_WARC_FSYNC"),
            # what is read back (replay, a 304's original) is capped as the download is
            max_payload=settings.getint("DOWNLOAD_MAXSIZE"),
            # replay reads only: an archive whose index is gone is an error, not an empty one
            require_index=settings.getbool("GX_REPLAY"),
        )
        setattr(crawler, _ATTR, archive)

        def close_archive() -> None:
            setattr(crawler, _ATTR, None)
            archive.close()

        crawler.signals.connect(close_archive, signal=signals.engine_stopped, weak=False)
    return archive


def stop_crawl(crawler: Crawler, error: BaseException) -> None:
    """Stop loudly: an archive that cannot be written must not silently drop pages."""
    logger.error("archive write failed, stopping the crawl: %s", error)
    fail_crawl(crawler, ARCHIVE_FAILED, error)


def fail_crawl(crawler: Crawler, reason: str, error: BaseException) -> None:
    """Close the spider with `reason` and mark the crawl failed (`scrapy crawl` exits non-zero)."""
    if crawler.stats:
        crawler.stats.set_value("gx/archive/error", str(error))
        crawler.stats.set_value(FAILED_STAT, reason)
    engine = crawler.engine
    if engine is not None and engine.spider is not None:
        deferred_from_coro(engine.close_spider_async(reason=reason))


class WarcCapture:
    def __init__(
        self, open_archive: Callable[[], Archive], stats: StatsCollector, on_failure: Callable[[BaseException], None]
    ) -> None:
        self.open_archive = open_archive
        self.stats = stats
        self.on_failure = on_failure
        self.archive: Archive | None = None
        self.run_id: int | None = None
        self.failed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("GX_WARC_ENABLED"):
            raise NotConfigured("GX_WARC_ENABLED is off")
        if not settings.get("GX_ARCHIVE_DIR"):
            raise NotConfigured("GX_ARCHIVE_DIR is empty")
        assert crawler.stats is not None
        ext = cls(lambda: archive_for(crawler), crawler.stats, lambda exc: stop_crawl(crawler, exc))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.response_downloaded, signal=signals.response_downloaded)
        return ext

    def spider_opened(self, spider: Any) -> None:
        try:
            self.archive = self.open_archive()
            self.run_id = self.archive.start_run(spider.name)
        except Exception as exc:  # noqa: BLE001 - any failure here means nothing could be kept
            self.archive = None
            self.failed = True
            self.on_failure(exc)
            return
        for repaired in self.archive.repaired:
            self.stats.inc_value("gx/warc/repaired_files")
            self.stats.inc_value("gx/warc/repaired_bytes_cut", repaired.cut_bytes)
        self.stats.set_value("gx/crawl_run", self.run_id)

    def response_downloaded(self, response: Response, request: Request, spider: Any) -> None:
        if self.archive is None or self.failed:
            return
        try:
            exchange = exchange_from_scrapy(request, response, crawl_run_id=self.run_id)
            if response.status == 304 and request.meta.get(META_PREVIOUS_CAPTURE) is not None:
                # the answer to a conditional request: archived as a revisit of the capture it revalidated
                exchange.not_modified_of = request.meta[META_PREVIOUS_CAPTURE]
            ref = self.archive.write_exchange(exchange)
        except InvalidExchange as exc:  # this response only (a bad status line...): recorded, the crawl goes on
            request.meta[META_ARCHIVE_REJECTED] = str(exc)
            self.stats.inc_value(REJECTED_STAT)
            logger.warning("not archived: %s %s: %s", request.method, request.url, exc)
            return
        except Exception as exc:  # noqa: BLE001 - whatever the cause, a fetch we cannot keep stops the crawl
            self.failed = True
            request.meta[META_ARCHIVE_ERROR] = str(exc)
            self.on_failure(exc)
            return
        request.meta[META_CAPTURE_ID] = ref.id
        self.stats.inc_value("gx/captures")
        if ref.record_type == "revisit":
            self.stats.inc_value("gx/revisits")
        elif ref.record_type == "resource":
            self.stats.inc_value("gx/rendered")

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.archive is None or self.run_id is None:
            return
        stats = {k: v for k, v in self.stats.get_stats().items() if k.startswith("gx/")}
        try:
            self.archive.finish_run(self.run_id, reason=reason, stats=stats)
        except ArchiveWriteError as exc:
            logger.error("could not record the end of crawl run %s: %s", self.run_id, exc)
