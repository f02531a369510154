"""Scrapy's feed exports (`scrapy crawl portals -O reports.jsonl`), made to fail loudly.

Scrapy's FeedExporter runs in signal handlers, whose exceptions Scrapy logs and forgets: an item the exporter could
not serialise went missing from the feed and the crawl still exited 0. This subclass counts such items
(`gx/feed/failed_items`, the first error logged with the item's URL) and `scrapy crawl` (crawl/commands/crawl.py)
exits 1 when a feed lost items or could not be stored (Scrapy's own `feedexport/failed_count/<storage>`).

What a ReportPage puts in a feed is FEED_EXPORT_FIELDS (settings.py): the record and where it came from, not the
downloaded bytes or the archive's bookkeeping objects.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.extensions.feedexport import FeedExporter

logger = logging.getLogger(__name__)

FAILED_ITEMS_STAT = "gx/feed/failed_items"
STORAGE_FAILED_PREFIX = "feedexport/failed_count/"  # Scrapy's stat for a feed that could not be stored


def feed_failures(stats: dict[str, Any]) -> list[str]:
    """What went wrong with the feeds of a finished crawl, from its stats (empty: nothing)."""
    failures = (
        [f"{stats[FAILED_ITEMS_STAT]} item(s) could not be written to a feed"] if stats.get(FAILED_ITEMS_STAT) else []
    )
    failures += [
        f"{count} {key[len(STORAGE_FAILED_PREFIX) :]} feed(s) could not be stored"
        for key, count in stats.items()
        if key.startswith(STORAGE_FAILED_PREFIX) and count
    ]
    return failures


class CheckedFeedExporter(FeedExporter):
    def item_scraped(self, item: Any, spider: Any) -> None:
        try:
            super().item_scraped(item, spider)
        except Exception as exc:
            stats = self.crawler.stats
            assert stats is not None
            if not stats.get_value(FAILED_ITEMS_STAT):
                logger.error(
                    "an item could not be written to the feed (%s): %s: %s",
                    getattr(item, "url", None) or type(item).__name__,
                    type(exc).__name__,
                    exc,
                )
            stats.inc_value(FAILED_ITEMS_STAT)
