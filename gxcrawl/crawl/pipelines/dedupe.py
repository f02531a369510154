"""Deduplicate reports by the hash of their normalised text.

A known text at a new URL adds a DocumentSource to the existing Document; a new text at a known URL is a
new DocumentVersion; the same text at the same URL again only moves last_seen.
"""

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


class DedupePipeline:
    def __init__(self, open_archive: Callable[[], Archive], text_sha256: Callable[[str], str],
                 stats: StatsCollector, on_failure: Callable[[BaseException], None]) -> None:
        self.open_archive = open_archive
        self.text_sha256 = text_sha256
        self.stats = stats
        self.on_failure = on_failure

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("GX_PARSE_ENABLED", True):
            raise NotConfigured("GX_PARSE_ENABLED is off")
        try:
            from gxcrawl.report import text_sha256
        except ImportError as exc:
            raise NotConfigured(f"the report parser is not available: {exc}") from exc
        assert crawler.stats is not None
        return cls(lambda: archive_for(crawler), text_sha256, crawler.stats, lambda exc: stop_crawl(crawler, exc))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ReportPage):
            return item
        if item.text is None or item.record is None:
            raise DropItem(f"{item.url}: not parsed (is ParsePipeline enabled before DedupePipeline?)")
        digest = item.record.get("text_sha256") or self.text_sha256(item.text)
        try:
            outcome = self.open_archive().record_document(
                text_sha256=digest, url=item.url, portal=item.portal, capture_id=item.capture_id)
        except ArchiveWriteError as exc:
            self.on_failure(exc)
            raise
        item.document_id = outcome.document_id
        item.outcome = outcome
        if outcome.new_document:
            self.stats.inc_value("gx/documents/new")
        if outcome.new_source:
            self.stats.inc_value("gx/documents/sources")
        if outcome.new_version:
            self.stats.inc_value("gx/documents/versions")
        if not outcome.changed:
            self.stats.inc_value("gx/documents/unchanged")
        return item
