"""`gxcrawl frontier status|seed|clear`: look at and manage a shared frontier in Redis."""

from __future__ import annotations

import asyncio
import json
import os
import time
from typing import Any

from gxcrawl.crawl.cluster.state import Frontier, connect


def _redis_url(args: Any) -> str:
    url = args.redis or os.environ.get("GXCRAWL_REDIS_URL") or ""
    if not url:
        raise ValueError("no Redis frontier: pass --redis redis://host:6379/0 or set GXCRAWL_REDIS_URL")
    return url


def _frontier(args: Any) -> Frontier:
    return Frontier(connect(_redis_url(args)), args.name or os.environ.get("GXCRAWL_FRONTIER") or "gxcrawl")


SLOWEST_SHOWN = 10


def run_status(args: Any) -> int:
    status = _frontier(args).status()
    if args.json:
        print(json.dumps(status, ensure_ascii=False, indent=1))
        return 0
    state = "seeded" if status["seeded"] else "being seeded" if status["seeding"] else "not seeded"
    print(f"frontier {status['name']}: {state}, {status['queued']} queued, {status['in_flight']} in flight")
    print(f"\n{'portal':<28} {'queued':>8} {'in flight':>10} {'done':>8} {'requeued':>9}")
    for portal, n in status["portals"].items():
        print(f"{portal:<28} {n['queued']:>8} {n['inflight']:>10} {n['done']:>8} {n['requeued']:>9}")
    if status["processes"]:
        print("\nprocesses:")
        now = time.time()
        for owner, info in sorted(status["processes"].items()):
            print(
                f"  {owner:<40} {info.get('state', '?'):<18} {info.get('leased', 0):>4} leased, "
                f"seen {now - info.get('at', now):.0f} s ago"
            )
    waiting = {h: f for h, f in status["hosts"].items() if any(k.startswith(("blocked", "crawl_delay")) for k in f)}
    if waiting:
        print("\nhosts with a Crawl-delay, a Retry-After back-off or challenge pages:")
        for host, fields in waiting.items():
            shown = ", ".join(f"{k}={v}" for k, v in sorted(fields.items()) if k != "next_at")
            print(f"  {host:<40} {shown}")
    # every host answering gets an AutoThrottle delay: only the slowest are worth a look
    throttled = sorted(((float(f["throttle"]), h) for h, f in status["hosts"].items() if "throttle" in f), reverse=True)
    if throttled:
        print(f"\nslowest hosts by AutoThrottle delay ({len(throttled)} hosts have one):")
        for delay, host in throttled[:SLOWEST_SHOWN]:
            print(f"  {host:<40} {delay:.2f} s")
    return 0


def run_clear(args: Any) -> int:
    frontier = _frontier(args)
    print(f"frontier {frontier.name}: {frontier.clear()} keys deleted")
    return 0


def run_seed(args: Any) -> int:
    """Push the registry's start requests once, as the first crawl process would (the guard makes it once)."""
    frontier = _frontier(args)
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "gxcrawl.settings")
    from scrapy.crawler import Crawler
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    from gxcrawl.crawl.cluster.scheduler import FrontierScheduler
    from gxcrawl.crawl.commands.crawl import check_registry
    from gxcrawl.crawl.config import SettingsError

    try:
        check_registry(args.registry, args.portals)
    except SettingsError as exc:
        raise ValueError(str(exc)) from None
    while (claim := frontier.claim_seeding()) < 0:
        time.sleep(1.0)  # another process is seeding: wait for it (or for its guard to expire)
    if claim == 0:
        print(f"frontier {frontier.name} is seeded already")
        return 0
    settings = get_project_settings()
    settings.set("GX_REDIS_URL", _redis_url(args), priority="cmdline")
    settings.set("GX_FRONTIER_NAME", frontier.name, priority="cmdline")
    settings.set("LOG_ENABLED", False, priority="cmdline")
    # a Crawler only to build the spider (its start requests) and the scheduler (serialisation, fingerprints)
    # the spider by name, as `scrapy crawl portals` finds it (SPIDER_MODULES): the glue never imports spiders/
    spider_class = SpiderLoader.from_settings(settings).load("portals")
    crawler = Crawler(spider_class, settings, init_reactor=True)
    crawler._apply_settings()
    spider = crawler._create_spider(**{k: v for k, v in (("registry", args.registry), ("portals", args.portals)) if v})
    crawler.spider = spider
    scheduler = FrontierScheduler.from_crawler(crawler)
    scheduler.open(spider)

    async def push() -> tuple[int, int]:
        pushed = seen = 0
        async for request in spider.start():
            if scheduler.enqueue_request(request):
                pushed += 1
            else:
                seen += 1
            if (pushed + seen) % 100 == 0:
                frontier.keep_seeding()
        return pushed, seen

    pushed, seen = asyncio.run(push())
    frontier.seeding_done()
    print(f"frontier {frontier.name}: {pushed} start requests queued ({seen} already seen)")
    return 0
