"""Replay speed: a live crawl of the demo portal vs the offline replay of the archive it wrote.

    .venv/bin/python bench/replay.py [--sites N] [--reports-per-site N] [--slow-delay S] [--with-pipelines]

Both runs use `scrapy crawl portals` with gxcrawl's settings and politeness off for the live crawl
(DOWNLOAD_DELAY 0, no AutoThrottle, Crawl-delay 0 on the demo's robots.txt); the portal is stopped before
the replay (-s GX_REPLAY=1). Each crawl runs in its own process; the rate is pages (responses reaching the
spider) per second of engine time from the crawl's own stats. By default the item pipelines are off so the
figure measures fetching (network + WARC capture) against replay (index lookup + WARC read), not the
parser, whose cost is the same in both; --with-pipelines measures the whole crawl.
Target: replay at least 3x faster than the live crawl.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def crawl_child(config_path: str) -> None:
    """In a fresh process (one reactor per crawl): run the portals spider (or fetch a URL list), write its
    stats as JSON."""
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    class UrlListSpider(scrapy.Spider):
        """Fetches a fixed list of URLs and does nothing with them: measures the downloader path alone."""

        name = "bench_url_list"
        custom_settings = {"HTTPERROR_ALLOW_ALL": True, "ROBOTSTXT_OBEY": False, "REDIRECT_ENABLED": False}

        def __init__(self, urls: list[str], **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.urls = urls

        async def start(self):  # noqa: ANN201 - Scrapy's async start
            for url in self.urls:
                yield scrapy.Request(url, callback=self.parse, dont_filter=True)

        def parse(self, response: scrapy.http.Response) -> None:
            return None

    config = json.loads(Path(config_path).read_text())
    settings = Settings()
    settings.setmodule("gxcrawl.settings", priority="project")
    settings.setdict({"TELNETCONSOLE_ENABLED": False, "LOG_LEVEL": "WARNING", **config["settings"]}, priority="cmdline")
    process = CrawlerProcess(settings)
    if config.get("urls"):
        crawler = process.create_crawler(UrlListSpider)
        process.crawl(crawler, urls=config["urls"])
    else:
        crawler = process.create_crawler("portals")
        process.crawl(crawler, registry=config["registry"])
    process.start()
    stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
    Path(config["stats_out"]).write_text(json.dumps(stats, default=str))


def run(
    tmp: Path, name: str, registry: Path, settings: dict[str, Any], urls: list[str] | None = None
) -> dict[str, Any]:
    config = tmp / f"{name}.json"
    stats_out = tmp / f"{name}-stats.json"
    config.write_text(
        json.dumps({"registry": str(registry), "settings": settings, "stats_out": str(stats_out), "urls": urls})
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("GXCRAWL_DATABASE_URL", None)
    with open(tmp / f"{name}.log", "wb") as log:
        subprocess.run(
            [sys.executable, __file__, "--child", str(config)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
            timeout=3600,
        )
    return json.loads(stats_out.read_text())


def rate(stats: dict[str, Any]) -> tuple[int, float, float]:
    pages = int(stats.get("response_received_count", 0))
    seconds = float(stats.get("elapsed_time_seconds", 0.0))
    return pages, seconds, pages / seconds if seconds else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=None, help="demo sites (default: one per CMS family)")
    parser.add_argument("--reports-per-site", type=int, default=None)
    parser.add_argument(
        "--slow-delay",
        type=float,
        default=2.0,
        help="seconds the demo's slow host waits before answering (DemoPortal's default: 2.0)",
    )
    parser.add_argument("--with-pipelines", action="store_true", help="parse/dedupe/store items in both runs")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        crawl_child(args.child)
        return 0

    from gxcrawl.demo.portal import DemoPortal

    with tempfile.TemporaryDirectory(prefix="gx-bench-replay-") as tmp_name:
        tmp = Path(tmp_name)
        common: dict[str, Any] = {
            "GX_ARCHIVE_DIR": str(tmp / "archive"),
            "GX_RENDER_ENABLED": False,
            "CLOSESPIDER_TIMEOUT": 0,
        }
        if not args.with_pipelines:
            common["ITEM_PIPELINES"] = {}
        with DemoPortal(
            sites=args.sites,
            reports_per_site=args.reports_per_site,
            out_dir=tmp / "portal",
            slow_delay=args.slow_delay,
            crawl_delay=0,
        ) as portal:
            registry = portal.registry_path
            live = run(tmp, "live", registry, {**common, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False})
            # the downloader path alone: the same URLs fetched by a spider that does nothing with them
            urls = archived_urls(tmp / "archive")
            fetch = run(
                tmp,
                "fetch",
                registry,
                {**common, "GX_ARCHIVE_DIR": str(tmp / "archive2"), "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False},
                urls,
            )
        # the portal is down: everything below comes from the archive
        replay = run(tmp, "replay", registry, {**common, "GX_REPLAY": True})
        replay_fetch = run(tmp, "replay-fetch", registry, {**common, "GX_REPLAY": True}, urls)

    live_pages, live_s, live_rate = rate(live)
    replay_pages, replay_s, replay_rate = rate(replay)
    what = "whole crawl (pipelines on)" if args.with_pipelines else "fetching only (item pipelines off)"
    print(f"replay bench: demo portal, {what}, politeness off, slow host {args.slow_delay}s")
    print(
        f"  live   : {live_pages} pages in {live_s:.1f} s = {live_rate:.1f} pages/s "
        f"({live.get('gx/captures', 0)} captures written)"
    )
    print(
        f"  replay : {replay_pages} pages in {replay_s:.1f} s = {replay_rate:.1f} pages/s "
        f"(hits {replay.get('gx/replay/hit', 0)}, misses {replay.get('gx/replay/miss', 0)}, "
        f"network refused {replay.get('gx/replay/network_refused', 0)})"
    )
    if args.with_pipelines:
        print(
            f"  reports: live {live.get('gx/reports/new', 0)} new, replay parsed {live.get('item_scraped_count', 0)}"
            f" / {replay.get('item_scraped_count', 0)} items"
        )
    ratio = replay_rate / live_rate if live_rate else float("nan")
    print(f"  ratio  : replay is {ratio:.2f}x the live rate (target >= 3x)")
    fetch_pages, fetch_s, fetch_rate = rate(fetch)
    rfetch_pages, rfetch_s, rfetch_rate = rate(replay_fetch)
    print(f"downloader path alone ({len(urls)} archived URLs, a spider that only fetches):")
    print(f"  live   : {fetch_pages} pages in {fetch_s:.1f} s = {fetch_rate:.1f} pages/s (WARC capture on)")
    print(f"  replay : {rfetch_pages} pages in {rfetch_s:.1f} s = {rfetch_rate:.1f} pages/s")
    print(f"  ratio  : {rfetch_rate / fetch_rate if fetch_rate else float('nan'):.2f}x")
    return 0


def archived_urls(archive_dir: Path) -> list[str]:
    """Every URL with a capture, in capture order (robots.txt included)."""
    from sqlalchemy import select

    from gxcrawl.archive import Archive
    from gxcrawl.archive.models import Capture

    with Archive.open(archive_dir) as archive, archive.session() as session:
        return list(dict.fromkeys(session.scalars(select(Capture.url).order_by(Capture.id))))


if __name__ == "__main__":
    sys.exit(main())
