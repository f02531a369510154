"""Parse each ReportPage with the report library (docs/interfaces.md, "The parser"): the record and the normalised text.

The parse runs in worker processes (`GX_PARSE_WORKERS`, default one per core but one): it is CPU work that in
this process would slow down every download and archive write. `GX_PARSE_WORKERS=0` parses in a thread of this
process instead (for debugging, or with a non-asyncio reactor). `GX_PARSE_TIMEOUT` bounds one parse, and
`GX_PARSE_MEMORY_MB` the address space of each worker process (0: no limit; not applied to the thread).

A parse that fails (an unreadable document, a worker out of memory, crashed or timed out, a parser bug) costs that
report only: it is counted in `gx/parse/failed/<error type>` and dropped; its capture stays archived for reparse.
A record the parser's own last-resort guard made (issue `parser: internal error ...`) is kept and counted in
`gx/parse/internal_error`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.reactor import is_asyncio_reactor_installed
from twisted.internet.threads import deferToThread

from gxcrawl.archive.database import encode_json
from gxcrawl.crawl.items import ReportPage
from gxcrawl.crawl.workers import WorkerPool, default_workers, parse_for_archive

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

#: a parse worker's address space (MB) unless GX_PARSE_MEMORY_MB says otherwise: reports need < 300 MB, a
#: 20 MB page about 800 MB
DEFAULT_PARSE_MEMORY_MB = 2048


class ParsePipeline:
    def __init__(
        self,
        parse_document: Callable[..., tuple[dict[str, Any], str, str]],
        parser_version: str,
        stats: StatsCollector,
        *,
        workers: WorkerPool | None = None,
    ) -> None:
        self.parse_document = parse_document
        self.parser_version = parser_version
        self.stats = stats
        self.workers = workers

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("GX_PARSE_ENABLED", True):
            raise NotConfigured("GX_PARSE_ENABLED is off")
        try:  # imported here: the crawl glue depends only on the report package's public API
            from gxcrawl.report import PARSER_VERSION
        except ImportError as exc:
            raise NotConfigured(f"the report parser is not available: {exc}") from exc

        assert crawler.stats is not None
        count = settings.getint("GX_PARSE_WORKERS", -1)
        if count < 0:
            count = default_workers()
        workers = None
        if count > 0:
            if is_asyncio_reactor_installed():
                memory_mb = settings.getint("GX_PARSE_MEMORY_MB", DEFAULT_PARSE_MEMORY_MB)  # checked by crawl.config
                workers = WorkerPool(
                    count,
                    timeout=settings.getfloat("GX_PARSE_TIMEOUT", 600.0),
                    preload="gxcrawl.report.page",
                    memory_mb=memory_mb,
                )
            else:
                logger.warning("GX_PARSE_WORKERS needs the asyncio reactor: parsing in a thread instead")
        return cls(parse_for_archive, PARSER_VERSION, crawler.stats, workers=workers)

    def open_spider(self) -> None:
        self.stats.set_value("gx/parse/workers", self.workers.workers if self.workers is not None else 0)
        if self.workers is not None:
            self.workers.start()

    def close_spider(self) -> None:
        if self.workers is not None:
            self.workers.close()
            if self.workers.replaced:
                self.stats.set_value("gx/parse/workers_replaced", self.workers.replaced)
            if self.workers.retried_alone:
                self.stats.set_value("gx/parse/retried_alone", self.workers.retried_alone)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ReportPage):
            return item
        where = item.final_url or item.url
        try:
            if self.workers is not None:
                record, text, encoded = await self.workers.run(
                    self.parse_document, item.body, url=where, content_type=item.content_type
                )
            else:  # a thread, so that a long PDF at least does not stall the reactor's timeouts
                record, text, encoded = await maybe_deferred_to_future(
                    deferToThread(self.parse_document, item.body, url=where, content_type=item.content_type)
                )
        except Exception as exc:
            # UnreadableDocument, MemoryError, a worker's crash or hang, a bug: the capture stays archived (reparse
            # can try again with a better parser), and the crawl goes on
            self.stats.inc_value(f"gx/parse/failed/{type(exc).__name__}")
            raise DropItem(f"cannot parse {where} (capture {item.capture_id}): {type(exc).__name__}: {exc}") from exc
        if any(str(issue).startswith("parser: internal error") for issue in record.get("issues") or ()):
            self.stats.inc_value("gx/parse/internal_error")
        if "parser_version" not in record:
            record["parser_version"] = self.parser_version
            encoded = encode_json(record)
        item.record = record
        item.record_json = encoded
        item.text = text
        overall = (record.get("format") or {}).get("overall") or "unknown"
        self.stats.inc_value(f"gx/parse/{overall}")
        return item
