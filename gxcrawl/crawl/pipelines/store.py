"""Dedupe each parsed report by the hash of its normalised text and store it, in one archive transaction
(`Archive.record_parsed`): a known text at a new URL adds a source to its document, a new text at a known URL is
a new version, the same text at the same URL again only moves last_seen; the record is stored once per document
and parser version, and the text is archived as a WARC `conversion` record of the capture when the sighting is
new (no duplicate texts)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

from scrapy.exceptions import DropItem, NotConfigured

from gxcrawl.archive import Archive, ArchiveWriteError, EncodedJSON
from gxcrawl.crawl.extensions.warc import archive_for, stop_crawl
from gxcrawl.crawl.items import ReportPage

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


class StorePipeline:
    def __init__(
        self,
        open_archive: Callable[[], Archive],
        text_sha256: Callable[[str], str],
        stats: StatsCollector,
        on_failure: Callable[[BaseException], None],
    ) -> None:
        self.open_archive = open_archive
        self.text_sha256 = text_sha256
        self.stats = stats
        self.on_failure = on_failure

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("GX_PARSE_ENABLED", True):
            raise NotConfigured("GX_PARSE_ENABLED is off (nothing parsed to store)")
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
            raise DropItem(f"{item.url}: not parsed (is ParsePipeline enabled before StorePipeline?)")
        try:
            stored = self.open_archive().record_parsed(
                text_sha256=item.record.get("text_sha256") or self.text_sha256(item.text),
                url=item.url,
                portal=item.portal,
                capture_id=item.capture_id,
                parser_version=str(item.record.get("parser_version") or ""),
                record=EncodedJSON(item.record_json) if item.record_json is not None else item.record,
                text=item.text,
            )
        except (ArchiveWriteError, OSError) as exc:
            self.on_failure(exc)
            raise
        outcome = stored.document
        item.document_id = outcome.document_id
        item.outcome = outcome
        for stat, happened in (
            ("gx/documents/new", outcome.new_document),
            ("gx/documents/sources", outcome.new_source),
            ("gx/documents/versions", outcome.new_version),
            ("gx/documents/unchanged", not outcome.changed),
            ("gx/texts", stored.text_record_id is not None),
            ("gx/reports/new", stored.new_report),
        ):
            if happened:
                self.stats.inc_value(stat)
        self.stats.inc_value(f"gx/reports/{item.portal or 'unknown'}")
        return item
