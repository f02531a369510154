"""Parse each ReportPage with the report library (contract C2): the record and the normalised text."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from gxcrawl.crawl.items import ReportPage

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class ParsePipeline:
    def __init__(self, parse_document: Callable[..., tuple[dict[str, Any], str]], parser_version: str,
                 stats: StatsCollector) -> None:
        self.parse_document = parse_document
        self.parser_version = parser_version
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("GX_PARSE_ENABLED", True):
            raise NotConfigured("GX_PARSE_ENABLED is off")
        try:  # imported here: the crawl glue depends only on the report package's public API
            from gxcrawl.report import PARSER_VERSION, parse_report_and_text
        except ImportError as exc:
            raise NotConfigured(f"the report parser is not available: {exc}") from exc

        assert crawler.stats is not None
        return cls(parse_report_and_text, PARSER_VERSION, crawler.stats)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ReportPage):
            return item
        where = item.final_url or item.url
        try:
            # in a worker thread: a long PDF must not stall the reactor (downloads, timeouts)
            record, text = await maybe_deferred_to_future(deferToThread(
                self.parse_document, item.body, url=where, content_type=item.content_type))
        except ValueError as exc:  # UnreadableDocument and friends: the capture stays archived
            self.stats.inc_value(f"gx/parse/failed/{type(exc).__name__}")
            raise DropItem(f"cannot parse {where} (capture {item.capture_id}): {exc}") from exc
        record.setdefault("parser_version", self.parser_version)
        item.record = record
        item.text = text
        overall = (record.get("format") or {}).get("overall") or "unknown"
        self.stats.inc_value(f"gx/parse/{overall}")
        return item
