"""Store the parsed report (one Report row per document and parser version) and archive its text as a
WARC `conversion` record referring to the capture (only when the sighting is new: no duplicate texts)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

from scrapy.exceptions import DropItem, NotConfigured

from gxcrawl.archive import Archive, ArchiveWriteError
from gxcrawl.crawl.extensions.warc import archive_for, stop_crawl
from gxcrawl.crawl.items import ReportPage

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


class StorePipeline:
    def __init__(self, open_archive: Callable[[], Archive], stats: StatsCollector,
                 on_failure: Callable[[BaseException], None]) -> None:
        self.open_archive = open_archive
        self.stats = stats
        self.on_failure = on_failure

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("GX_PARSE_ENABLED", True):
            raise NotConfigured("GX_PARSE_ENABLED is off (nothing parsed to store)")
        assert crawler.stats is not None
        return cls(lambda: archive_for(crawler), crawler.stats, lambda exc: stop_crawl(crawler, exc))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ReportPage):
            return item
        if item.document_id is None or item.record is None or item.text is None:
            raise DropItem(f"{item.url}: no document (is DedupePipeline enabled before StorePipeline?)")
        archive = self.open_archive()
        try:
            new_report = archive.store_report(document_id=item.document_id,
                                              parser_version=str(item.record.get("parser_version") or ""),
                                              record=item.record, capture_id=item.capture_id)
            if item.capture_id is not None and (item.outcome is None or item.outcome.changed):
                archive.write_text(item.capture_id, item.text, kind="conversion")
                self.stats.inc_value("gx/texts")
        except (ArchiveWriteError, OSError) as exc:
            self.on_failure(exc)
            raise
        if new_report:
            self.stats.inc_value("gx/reports/new")
        self.stats.inc_value(f"gx/reports/{item.portal or 'unknown'}")
        return item
