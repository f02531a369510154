"""Per-portal summary at spider_closed: reports found (by year), blocked pages with reasons, pages that
needed a browser but were not rendered, distractors skipped, list pages paged by which strategy.

Logged, kept as stats (`gx/portal/<id>/reports`, …) and written as JSON to GX_COVERAGE_FILE
("" -> <GX_ARCHIVE_DIR>/coverage.json) so `gxcrawl demo` and tests can read what the crawl saw.
"""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


def summarise(spider: Any) -> dict[str, Any]:
    """Plain-data summary of what a PortalsSpider saw (no Scrapy types)."""
    portals: dict[str, dict[str, Any]] = defaultdict(lambda: {"reports": 0, "years": Counter(), "blocked": [],
                                                              "unrendered": [], "distractors": 0})
    for found in getattr(spider, "found", {}).values():
        entry = portals[found["portal"]]
        entry["reports"] += 1
        entry["years"][str(found.get("report_year"))] += 1
    for blocked in getattr(spider, "blocked", []):
        portals[blocked.get("portal") or "?"]["blocked"].append({"url": blocked["url"], "reason": blocked["reason"]})
    for page in getattr(spider, "unrendered", []):
        portals[page.get("portal") or "?"]["unrendered"].append(page["url"])
    for distractor in getattr(spider, "distractors", {}).values():
        portals[distractor["portal"]]["distractors"] += 1
    return {
        "portals": {pid: {**v, "years": dict(sorted(v["years"].items()))} for pid, v in sorted(portals.items())},
        "reports": sorted(getattr(spider, "found", {}).values(), key=lambda f: f["url"]),
        "blocked": list(getattr(spider, "blocked", [])),
        "unrendered": list(getattr(spider, "unrendered", [])),
        "distractors": sorted(getattr(spider, "distractors", {}).values(), key=lambda d: d["url"]),
    }


class CoverageExtension:
    def __init__(self, stats: StatsCollector, path: Path | None) -> None:
        self.stats = stats
        self.path = path

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("GX_COVERAGE_ENABLED", True):
            raise NotConfigured("GX_COVERAGE_ENABLED is off")
        target = settings.get("GX_COVERAGE_FILE") or ""
        if not target and settings.get("GX_ARCHIVE_DIR"):
            target = str(Path(settings.get("GX_ARCHIVE_DIR")) / "coverage.json")
        assert crawler.stats is not None
        ext = cls(crawler.stats, Path(target) if target else None)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider: Any, reason: str) -> None:
        if not hasattr(spider, "found"):
            return
        summary = summarise(spider)
        summary["close_reason"] = reason
        for pid, entry in summary["portals"].items():
            self.stats.set_value(f"gx/portal/{pid}/reports", entry["reports"])
            self.stats.set_value(f"gx/portal/{pid}/blocked", len(entry["blocked"]))
            logger.info("portal %s: %d reports %s, %d blocked, %d not rendered, %d distractors skipped", pid,
                        entry["reports"], entry["years"], len(entry["blocked"]), len(entry["unrendered"]),
                        entry["distractors"])
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
