"""Per-portal summary at spider_closed: reports found (by year), blocked pages with reasons, pages that
needed a browser but were not rendered, distractors skipped. The extension keeps its own account from the
signals of gxcrawl/crawl/signals.py (report_found, page_blocked, page_unrendered, distractor_seen), so it
reports on any spider's crawl.

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

from gxcrawl.crawl import signals as gx_signals

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from gxcrawl.crawl.items import ReportPage

logger = logging.getLogger(__name__)


class CrawlAccount:
    """What the crawl saw, as the signals told it: reports found (by the page they were found from), blocked
    pages, pages not rendered, distractors skipped. Plain data, no Scrapy types."""

    def __init__(self) -> None:
        self.found: dict[str, dict[str, Any]] = {}
        self.blocked: list[dict[str, Any]] = []
        self.unrendered: list[dict[str, Any]] = []
        self.distractors: dict[str, dict[str, Any]] = {}

    def report_found(self, item: ReportPage, page_url: str) -> None:
        self.found[page_url] = {
            "url": page_url,
            "portal": item.portal,
            "kind": item.kind,
            "item_url": item.url,
            "report_year": item.hints.get("report_year"),
            "title": item.hints.get("title"),
            "attachments": [a["url"] for a in item.attachments],
        }

    def page_blocked(self, url: str, reason: str, portal: str | None) -> None:
        self.blocked.append({"url": url, "reason": reason, "portal": portal})

    def page_unrendered(self, url: str, portal: str | None) -> None:
        self.unrendered.append({"url": url, "portal": portal})

    def distractor_seen(self, url: str, portal: str | None, title: str | None, reasons: Any) -> None:
        self.distractors[url] = {"url": url, "portal": portal, "title": title, "reasons": list(reasons)}

    def summary(self) -> dict[str, Any]:
        portals: dict[str, dict[str, Any]] = defaultdict(
            lambda: {"reports": 0, "years": Counter(), "blocked": [], "unrendered": [], "distractors": 0}
        )
        for found in self.found.values():
            entry = portals[found["portal"]]
            entry["reports"] += 1
            entry["years"][str(found.get("report_year"))] += 1
        for blocked in self.blocked:
            portals[blocked.get("portal") or "?"]["blocked"].append(
                {"url": blocked["url"], "reason": blocked["reason"]}
            )
        for page in self.unrendered:
            portals[page.get("portal") or "?"]["unrendered"].append(page["url"])
        for distractor in self.distractors.values():
            portals[distractor["portal"] or "?"]["distractors"] += 1
        return {
            "portals": {pid: {**v, "years": dict(sorted(v["years"].items()))} for pid, v in sorted(portals.items())},
            "reports": sorted(self.found.values(), key=lambda f: f["url"]),
            "blocked": list(self.blocked),
            "unrendered": list(self.unrendered),
            "distractors": sorted(self.distractors.values(), key=lambda d: d["url"]),
        }


class CoverageExtension:
    def __init__(self, stats: StatsCollector, path: Path | None) -> None:
        self.stats = stats
        self.path = path
        self.account = CrawlAccount()

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
        account = ext.account
        for handler, signal in (
            (account.report_found, gx_signals.report_found),
            (account.page_blocked, gx_signals.page_blocked),
            (account.page_unrendered, gx_signals.page_unrendered),
            (account.distractor_seen, gx_signals.distractor_seen),
            (ext.spider_closed, signals.spider_closed),
        ):
            crawler.signals.connect(handler, signal=signal)
        return ext

    def spider_closed(self, reason: str) -> None:
        summary = self.account.summary()
        summary["close_reason"] = reason
        for pid, entry in summary["portals"].items():
            self.stats.set_value(f"gx/portal/{pid}/reports", entry["reports"])
            self.stats.set_value(f"gx/portal/{pid}/blocked", len(entry["blocked"]))
            logger.info(
                "portal %s: %d reports %s, %d blocked, %d not rendered, %d distractors skipped",
                pid,
                entry["reports"],
                entry["years"],
                len(entry["blocked"]),
                len(entry["unrendered"]),
                entry["distractors"],
            )
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
