"""Crawl throughput: the full `portals` spider (discovery + WARC capture + parse/dedupe/store pipelines) against a
bare Scrapy spider that only follows links, both over the same demo portal at scale, politeness delays off.

    .venv/bin/python bench/crawl.py [--sites 9] [--reports-per-site 150] [--seed 1] [--rounds 3] [--breakdown]
                                    [--set NAME=VALUE ...]

Prints pages/s for each run and the ratio of the median rates (target: full >= 0.7 x bare; the runs of a round go
back to back and rounds repeat, because the shared machine's speed drifts), each run's CPU seconds (user + system, all
threads; compare these when the machine is busy and wall times are noisy), the CPU of its parse worker processes
and of the demo portal serving it (the three share the machine's cores), and peak memory: the crawling process's
peak RSS (VmHWM) and, beside it, the largest parse worker's (sampled from /proc while the crawl runs). Not
getrusage's ru_maxrss: on Linux it survives fork and execve, so every child would report at least this parent's
peak from building the demo portal. Each run is its own process, so none
warms another's caches. Rendering is off in every run (the browser would dominate and the bare spider cannot use it).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from memory import peak_rss  # bench/memory.py: this script's folder is on sys.path

ROOT = Path(__file__).resolve().parent.parent
FAST = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "GX_CRAWL_DELAY_ENABLED": False,
    "GX_RETRY_BACKOFF_BASE": 0,
    "GX_RENDER_ENABLED": False,
    "LOG_LEVEL": "WARNING",
    "TELNETCONSOLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
}


def child(kind: str, registry: str, archive: str) -> None:
    """Run one crawl in this process and print its stats as one JSON line."""
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.linkextractors import LinkExtractor
    from scrapy.settings import Settings

    from gxcrawl.discovery import load_registry

    settings = Settings()
    settings.setmodule("gxcrawl.settings", priority="project")
    settings.setdict({**FAST, "GX_ARCHIVE_DIR": archive}, priority="cmdline")
    settings.setdict(json.loads(os.environ.get("GX_BENCH_SETTINGS") or "{}"), priority="cmdline")  # --set
    portals = load_registry(registry)
    if kind == "bare":
        # no gxcrawl component at all: Scrapy's own downloader stack, robots.txt, no archive, no items
        settings.setdict(
            {
                "EXTENSIONS": {},
                "ITEM_PIPELINES": {},
                "DOWNLOADER_MIDDLEWARES": {},
                "DOWNLOAD_HANDLERS": {},
                "ADDONS": {},
            },
            priority="cmdline",
        )

        class BareSpider(scrapy.Spider):
            name = "bare"
            allowed_domains = sorted({h.split(":")[0] for p in portals for h in p.allowed_hosts})
            start_urls = [u for p in portals for u in p.entry_urls]
            extractor = LinkExtractor(deny_extensions=[])

            def parse(self, response: Any) -> Any:
                if not hasattr(response, "text"):
                    return
                for link in self.extractor.extract_links(response):
                    yield scrapy.Request(link.url, callback=self.parse)

        spider_cls: Any = BareSpider
        kwargs: dict[str, Any] = {}
    else:
        if kind == "spider":  # the portals spider alone: no WARC capture, no item pipelines
            settings.setdict({"GX_WARC_ENABLED": False, "ITEM_PIPELINES": {}}, priority="cmdline")
        elif kind == "archive":  # spider + WARC capture, no parse/dedupe/store
            settings.setdict({"ITEM_PIPELINES": {}}, priority="cmdline")
        sys.path.insert(0, str(ROOT))
        from spiders.portals import PortalsSpider

        spider_cls, kwargs = PortalsSpider, {"registry": registry}
    process = CrawlerProcess(settings, install_root_handler=False)
    crawler = process.create_crawler(spider_cls)
    process.crawl(crawler, **kwargs)
    sampler = ChildPeaks()
    sampler.start()
    process.start()
    sampler.stop()
    stats = crawler.stats.get_stats()
    usage = resource.getrusage(resource.RUSAGE_SELF)  # CPU of this crawl (all threads): wall time alone
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)  # the parse worker processes (joined by now)
    print(
        json.dumps(
            {
                "cpu": usage.ru_utime + usage.ru_stime,
                "workers_cpu": workers.ru_utime + workers.ru_stime,
                "workers_maxrss": sampler.peak,
                "maxrss": peak_rss(),
                "others_maxrss": sampler.others_peak,
                "responses": stats.get("downloader/response_count", 0),
                "items": stats.get("item_scraped_count", 0),
                "elapsed": stats.get("elapsed_time_seconds"),
                "reports_found": sum(v for k, v in stats.items() if k.startswith("gx/reports/found/")),
            }
        )
    )


class ChildPeaks(threading.Thread):
    """Samples the peak RSS of this process's children until stopped: the parse workers (multiprocessing spawn
    children) apart from the rest (the Playwright driver, when scrapy-playwright is installed as the handler)."""

    def __init__(self) -> None:
        super().__init__(name="bench-child-peaks", daemon=True)
        self.peak = 0
        self.others_peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        me = os.getpid()
        while not self.done.wait(0.25):
            for path in Path(f"/proc/{me}/task").glob("*/children"):
                try:
                    children = path.read_text().split()
                except OSError:
                    continue
                for pid in children:
                    try:
                        worker = b"multiprocessing" in Path(f"/proc/{pid}/cmdline").read_bytes()
                    except OSError:
                        continue
                    if worker:
                        self.peak = max(self.peak, peak_rss(int(pid)))
                    else:
                        self.others_peak = max(self.others_peak, peak_rss(int(pid)))

    def stop(self) -> None:
        self.done.set()
        self.join()


def run(kind: str, registry: Path, archive: Path) -> dict[str, Any]:
    started = time.monotonic()
    served = resource.getrusage(resource.RUSAGE_SELF)  # this process only serves the demo portal meanwhile
    result = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(registry), str(archive)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "GXCRAWL_DATABASE_URL": ""},
    )
    if result.returncode != 0:
        sys.exit(f"{kind} crawl failed:\n{result.stderr[-3000:]}")
    stats = json.loads(result.stdout.strip().splitlines()[-1])
    stats["wall"] = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    stats["server_cpu"] = after.ru_utime + after.ru_stime - served.ru_utime - served.ru_stime
    return stats


def warm_attachments(manifest: dict[str, Any]) -> None:
    """Fetch every attachment once before measuring: the demo portal builds a PDF/DOCX/OFD on its first request
    and then serves it as a stored file, as a real server does; unwarmed, whichever run came first would pay."""
    from urllib.error import URLError
    from urllib.request import Request, urlopen

    for report in manifest["reports"]:
        for url in report.get("attachments") or []:
            try:
                with urlopen(Request(url, headers={"Referer": report["url"]}), timeout=30) as answer:
                    answer.read()
            except (URLError, OSError):
                pass  # a gated or failing download: the crawls meet it the same way


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=9)
    parser.add_argument("--reports-per-site", type=int, default=150)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of runs; medians are reported (default 3)")
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="also run the portals spider without archive, and with WARC capture but no pipelines",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a Scrapy setting for every run, e.g. --set GX_PARSE_WORKERS=2 (repeatable)",
    )
    parser.add_argument("--child", nargs=3, metavar=("KIND", "REGISTRY", "ARCHIVE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    os.environ["GX_BENCH_SETTINGS"] = json.dumps(dict(item.split("=", 1) for item in args.set))
    sys.path.insert(0, str(ROOT))
    from gxcrawl.demo import DemoPortal

    kinds = [("bare", "bare spider (links only)")]
    if args.breakdown:  # where the full pipeline's time goes
        kinds += [("spider", "portals spider, no archive"), ("archive", "spider + WARC capture")]
    kinds.append(("full", "full pipeline"))
    runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind, _ in kinds}
    with (
        tempfile.TemporaryDirectory(prefix="gx-bench-crawl-") as tmp,
        DemoPortal(
            sites=args.sites,
            seed=args.seed,
            reports_per_site=args.reports_per_site,
            out_dir=Path(tmp) / "demo",
            slow_delay=0.0,
        ) as portal,
    ):
        print(
            f"demo portal: {len(portal.manifest['sites'])} sites, {len(portal.manifest['reports'])} reports "
            f"(seed {args.seed}); {args.rounds} rounds, the runs of a round back to back",
            flush=True,
        )
        warm_attachments(portal.manifest)
        for round_no in range(1, args.rounds + 1):
            for kind, name in kinds:
                s = run(kind, portal.registry_path, Path(tmp) / f"{kind}-{round_no}")
                s["rate"] = s["responses"] / s["elapsed"] if s["elapsed"] else 0.0
                runs[kind].append(s)
                bare_rate = runs["bare"][-1]["rate"]
                mem = f"{s['maxrss'] / 2**20:.0f} MiB"
                if s.get("workers_maxrss"):
                    mem += f" (+ parse worker {s['workers_maxrss'] / 2**20:.0f} MiB)"
                if s.get("others_maxrss"):
                    mem += f" (+ other children {s['others_maxrss'] / 2**20:.0f} MiB)"
                print(
                    f"round {round_no} {name:<26} {s['responses']:>6} pages in {s['elapsed']:6.1f} s = "
                    f"{s['rate']:6.1f} pages/s {s['rate'] / bare_rate:5.2f}x bare   items {s['items']:>5}   "
                    f"cpu {s['cpu']:5.1f} s + child processes {s['workers_cpu']:4.1f} s "
                    f"(demo server {s['server_cpu']:4.1f} s)   peak memory {mem}",
                    flush=True,
                )
        reports = len(portal.manifest["reports"])
    median_rate = {kind: statistics.median(s["rate"] for s in runs[kind]) for kind in runs}
    print("medians:")
    for kind, name in kinds:
        cpu = statistics.median(s["cpu"] for s in runs[kind])
        pages = runs[kind][0]["responses"]
        print(
            f"  {name:<26} {median_rate[kind]:6.1f} pages/s {median_rate[kind] / median_rate['bare']:5.2f}x bare   "
            f"crawler CPU {cpu / pages * 1000:5.2f} ms/page"
        )
    per_round = [f["rate"] / b["rate"] for f, b in zip(runs["full"], runs["bare"], strict=True)]
    ratio = median_rate["full"] / median_rate["bare"]
    print(
        f"ratio full/bare (medians): {ratio:.2f}; per round: {', '.join(f'{r:.2f}' for r in per_round)} "
        f"(target >= 0.70){'' if ratio >= 0.7 else '  BELOW TARGET'}"
    )
    print(f"reports found by the full pipeline: {runs['full'][-1]['reports_found']} of {reports}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
