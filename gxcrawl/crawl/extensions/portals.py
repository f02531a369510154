"""Keep the name, level and region code of every portal a crawl starts on in the archive index (`portal` table),
so the export can say which government published a report (`portal_name`, `portal_level`,
`portal_region_code`) as the registry described it when the report was crawled.

A spider sends `gxcrawl.crawl.signals.portals_selected` with its portals; this extension upserts them through the
archive library. An index that cannot be written stops the crawl as any other archive failure does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Self

from scrapy.exceptions import NotConfigured

from gxcrawl.archive import Archive
from gxcrawl.crawl.extensions.warc import archive_for, stop_crawl
from gxcrawl.crawl.signals import portals_selected

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

PORTALS_STAT = "gx/portals/recorded"  # portal rows added or changed in the index by this crawl


class PortalMetadata:
    def __init__(
        self, open_archive: Callable[[], Archive], stats: StatsCollector, on_failure: Callable[[BaseException], None]
    ) -> None:
        self.open_archive = open_archive
        self.stats = stats
        self.on_failure = on_failure

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.get("GX_ARCHIVE_DIR"):
            raise NotConfigured("GX_ARCHIVE_DIR is empty")
        assert crawler.stats is not None
        ext = cls(lambda: archive_for(crawler), crawler.stats, lambda exc: stop_crawl(crawler, exc))
        crawler.signals.connect(ext.portals_selected, signal=portals_selected)
        return ext

    def portals_selected(self, portals: Iterable[Any]) -> None:
        rows = [{"id": p.id, "name": p.name, "level": p.level, "region_code": p.region_code} for p in portals]
        try:
            changed = self.open_archive().record_portals(rows)
        except Exception as exc:  # noqa: BLE001 - an index we cannot write: the crawl must not go on
            self.on_failure(exc)
            return
        self.stats.set_value(PORTALS_STAT, changed)
