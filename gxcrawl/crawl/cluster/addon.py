"""`-s GX_REDIS_URL=redis://…` (or GXCRAWL_REDIS_URL) turns a crawl process into one of many on a shared
frontier: the addon installs the scrapy-redis scheduler with our queue and duplicate filter, the seeding guard,
the lease upkeep and the cluster-wide politeness. Without the setting nothing changes."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from scrapy.settings import BaseSettings

PRIORITY = "spider"  # above settings.py, below -s on the command line


class ClusterAddon:
    def update_settings(self, settings: BaseSettings) -> None:
        url = settings.get("GX_REDIS_URL")
        if not url:
            return
        name = settings.get("GX_FRONTIER_NAME")
        settings.set("REDIS_URL", url, priority=PRIORITY)
        settings.set("SCHEDULER", "gxcrawl.crawl.cluster.scheduler.FrontierScheduler", priority=PRIORITY)
        settings.set("SCHEDULER_QUEUE_CLASS", "gxcrawl.crawl.cluster.scheduler.FrontierQueue", priority=PRIORITY)
        settings.set("DUPEFILTER_CLASS", "gxcrawl.crawl.cluster.scheduler.FrontierDupeFilter", priority=PRIORITY)
        settings.set("SCHEDULER_QUEUE_KEY", f"gx:{name}:queue", priority=PRIORITY)
        settings.set("SCHEDULER_DUPEFILTER_KEY", f"gx:{name}:seen", priority=PRIORITY)
        # the frontier is the cluster's: no process flushes it when it closes (`gxcrawl frontier clear` does)
        settings.set("SCHEDULER_PERSIST", True, priority=PRIORITY)
        settings.set("SCHEDULER_FLUSH_ON_START", False, priority=PRIORITY)
        settings.set("SCHEDULER_IDLE_BEFORE_CLOSE", 0, priority=PRIORITY)
        _merge(
            settings,
            "DOWNLOADER_MIDDLEWARES",
            # last before the downloader: the host's turn is taken as late as possible, after every middleware
            # that may drop or answer the request itself
            {"gxcrawl.crawl.cluster.politeness.ClusterPolitenessMiddleware": 990},
        )
        _merge(settings, "SPIDER_MIDDLEWARES", {"gxcrawl.crawl.cluster.scheduler.FrontierSpiderMiddleware": 1000})
        _merge(settings, "EXTENSIONS", {"gxcrawl.crawl.cluster.scheduler.FrontierExtension": 50})
        if not settings.get("GX_COVERAGE_FILE") and settings.get("GX_ARCHIVE_DIR"):
            # one summary per process in the shared archive directory (`gxcrawl demo --processes` merges them)
            own = f"coverage-{socket.gethostname()}-{os.getpid()}.json"
            settings.set("GX_COVERAGE_FILE", str(Path(settings.get("GX_ARCHIVE_DIR")) / own), priority=PRIORITY)


def _merge(settings: BaseSettings, name: str, entries: dict[str, int]) -> None:
    """Add components to a component-priority setting, keeping what is there (a user's -s entry wins)."""
    components = settings[name]
    for path, order in entries.items():
        if path not in components:
            components[path] = order
