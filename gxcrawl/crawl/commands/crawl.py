"""`scrapy crawl`, with the crawl's settings and registry checked before anything starts, and an exit status that
says whether the crawl failed.

A bad GX_ setting, an unreachable index database, a registry that does not load or an unknown portal id
stops the command with one line naming what is wrong and exit status 2, instead of a traceback from inside
the engine (or a crawl that runs and silently does nothing). A crawl that stopped because it failed (the archive
could not be written: stat `gx/failed`), or whose feed (`-o`/`-O`) lost items or could not be stored, exits 1:
Scrapy's own command exits 0 whatever the close reason.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from gxcrawl.crawl.config import SettingsError, check_database, check_redis, validate_settings
from gxcrawl.crawl.extensions.feeds import feed_failures
from gxcrawl.crawl.extensions.warc import FAILED_STAT

if TYPE_CHECKING:
    import argparse

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


SPIDER_ARGUMENTS = {"portals": "-a portals=ID,ID (registry ids)", "registry": "-a registry=FILE (a registry file)"}


def check_spider_arguments(spargs: dict[str, str]) -> None:
    unknown = sorted(set(spargs) - set(SPIDER_ARGUMENTS))
    if unknown:
        raise SettingsError(
            f"unknown argument(s) {', '.join('-a ' + u for u in unknown)}; `scrapy crawl portals` "
            f"takes {' and '.join(SPIDER_ARGUMENTS.values())}"
        )


def check_registry(path: str | None, portal_ids: str | None) -> None:
    from gxcrawl.discovery.registry import load_registry, select_portals

    try:
        select_portals(load_registry(path or None), portal_ids)
    except (OSError, ValueError) as exc:
        raise SettingsError(f"registry: {exc}") from None


class Command(ScrapyCrawlCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.crawlers: list[Crawler] = []

    def _create_crawler(self, spidercls: Any) -> Crawler:
        crawler = super()._create_crawler(spidercls)
        self.crawlers.append(crawler)
        return crawler

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        try:
            validate_settings(self.settings)
            check_database(self.settings)
            check_redis(self.settings)
            if args and args[0] == "portals":
                check_spider_arguments(opts.spargs)
                check_registry(
                    opts.spargs.get("registry") or self.settings.get("GX_REGISTRY"), opts.spargs.get("portals")
                )
        except SettingsError as exc:
            print(f"scrapy crawl: error: {exc}", file=sys.stderr)
            self.exitcode = 2
            return
        super().run(args, opts)
        failures = [crawler.stats.get_value(FAILED_STAT) for crawler in self.crawlers if crawler.stats]
        failures += [f for crawler in self.crawlers if crawler.stats for f in feed_failures(crawler.stats.get_stats())]
        if any(failures) and not self.exitcode:
            logger.error("the crawl failed (%s): exit status 1", ", ".join(str(f) for f in failures if f))
            self.exitcode = 1
