"""Garbage-collector tuning for the crawl: freeze what start-up built, collect the young generation less often.

A crawl allocates a great many short-lived containers (asyncio tasks, requests, Deferreds, parse trees) on top
of a large long-lived heap (Scrapy, Twisted, SQLAlchemy, lxml, playwright and our modules). With CPython's
default thresholds (700, 10, 10) the collector ran ~2,000 young and ~17 full collections in a 2,000-page demo
crawl, each full one walking the whole start-up heap: 2.6 s of 15.4 s CPU (bench/crawl.py). At engine start this
extension moves everything alive into the permanent generation (`gc.freeze()`, which later collections skip) and
raises the thresholds (`GX_GC_THRESHOLDS`, default 10000, 20, 20: 0.3 s of collection in the same crawl). Cyclic
garbage is still collected, only in larger batches. At engine stop the previous thresholds come back and the
frozen objects return to the oldest generation. Off with `GX_GC_TUNING = False`.
"""

from __future__ import annotations

import gc
import logging
from typing import TYPE_CHECKING, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

DEFAULT_THRESHOLDS = (10000, 20, 20)

# one process may run several crawlers at once (CrawlerProcess): the first to start tunes, the last to stop restores
_active = 0
_saved: tuple[int, int, int] | None = None


def parse_thresholds(value: object) -> tuple[int, int, int]:
    """`GX_GC_THRESHOLDS` as three positive integers ("10000,20,20" or a list); anything else is an error."""
    items = value.split(",") if isinstance(value, str) else value
    try:
        numbers = tuple(int(str(v).strip()) for v in items)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        numbers = ()
    if len(numbers) != 3 or min(numbers) < 1:
        raise ValueError(f"GX_GC_THRESHOLDS must be three positive integers (gen0, gen1, gen2), got {value!r}")
    return numbers  # type: ignore[return-value]


class GcTuning:
    def __init__(self, thresholds: tuple[int, int, int], stats: StatsCollector) -> None:
        self.thresholds = thresholds
        self.stats = stats
        self.tuned = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("GX_GC_TUNING", True):
            raise NotConfigured("GX_GC_TUNING is off")
        assert crawler.stats is not None
        extension = cls(parse_thresholds(crawler.settings.get("GX_GC_THRESHOLDS", DEFAULT_THRESHOLDS)), crawler.stats)
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_started(self) -> None:
        global _active, _saved
        if self.tuned:
            return
        self.tuned = True
        _active += 1
        if _active == 1:
            _saved = gc.get_threshold()
            gc.collect()  # what start-up left as garbage is freed now, not frozen for the whole crawl
            gc.freeze()
        gc.set_threshold(*self.thresholds)
        self.stats.set_value("gx/gc/frozen", gc.get_freeze_count())
        self.stats.set_value("gx/gc/thresholds", list(gc.get_threshold()))  # what the collector now runs with
        logger.debug("gc: %d start-up objects frozen, thresholds %s", gc.get_freeze_count(), self.thresholds)

    def engine_stopped(self) -> None:
        global _active, _saved
        if not self.tuned:
            return
        self.tuned = False
        _active -= 1
        if _active == 0 and _saved is not None:
            gc.set_threshold(*_saved)
            gc.unfreeze()
            _saved = None
