"""Scale-out: pages/s with 1, 2 and 4 crawl processes on one Redis frontier and one PostgreSQL index over the demo
portal, politeness off; then, politeness on, each host's request rate against its limits, and with AutoThrottle on,
each host's one delay for the cluster and the gaps the server saw; and the coordination's own cost per request
(Redis round trips of the frontier and host turns, PostgreSQL index writes).

    .venv/bin/python bench/scale.py [--sites 11] [--reports-per-site 20] [--processes 1,2,4] [--polite-processes 3]
                                    [--redis redis://127.0.0.1:6379/15] [--database postgresql+psycopg://…/test]

Each run gets a fresh frontier and a fresh PostgreSQL schema. "portal CPU" is this process's CPU while the run
lasts: the demo portal serves from threads of this process, so it is the hosts' share of the machine; "crawl CPU"
is the crawl processes' (user + system). On a small machine the crawl processes and the portal share the cores:
throughput stops growing when the cores are busy (compare the CPU columns), not because of the frontier — the
Redis and PostgreSQL milliseconds per request show what coordination costs.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import resource
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa

from gxcrawl.archive import Archive
from gxcrawl.archive.records import Exchange
from gxcrawl.crawl.cluster.launch import check_services, start_crawlers
from gxcrawl.crawl.cluster.state import Frontier, connect
from gxcrawl.demo import DemoPortal

FAST = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": 0,
    "GX_CRAWL_DELAY_ENABLED": 0,
    "GX_RETRY_BACKOFF_BASE": 0,
    "GX_RENDER_ENABLED": 0,
    "LOG_LEVEL": "INFO",
    "TELNETCONSOLE_ENABLED": 0,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "GX_PARSE_WORKERS": 0,
}
POLITE = {
    "DOWNLOAD_DELAY": 0.1,
    "AUTOTHROTTLE_ENABLED": 0,
    "GX_RENDER_ENABLED": 0,
    "LOG_LEVEL": "INFO",
    "TELNETCONSOLE_ENABLED": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
    "GX_PARSE_WORKERS": 0,
}
STAT = re.compile(r"'(gx/frontier/redis_ms|gx/frontier/redis_calls|downloader/request_count)': ([\d.]+)")


class Schema:
    """A throwaway PostgreSQL schema (the index of one run)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.name = f"bench_{uuid.uuid4().hex[:8]}"
        self.engine = sa.create_engine(base_url)

    def __enter__(self) -> str:
        with self.engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{self.name}"'))
        return f"{self.base_url}?options=-csearch_path%3D{self.name}"

    def __exit__(self, *exc: object) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{self.name}" CASCADE'))
        self.engine.dispose()


def run(processes: int, args: argparse.Namespace, settings: dict[str, Any], *, slow_delay: float) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory(prefix="gx-scale-") as tmp,
        Schema(args.database) as database_url,
        DemoPortal(
            sites=args.sites,
            seed=args.seed,
            reports_per_site=args.reports_per_site,
            out_dir=Path(tmp) / "portal",
            slow_delay=slow_delay,
        ) as portal,
    ):
        archive_dir = Path(tmp) / "archive"
        Archive.open(archive_dir, database_url).close()
        frontier = Frontier(connect(args.redis), f"bench-{uuid.uuid4().hex[:8]}")
        all_settings = {"GX_REDIS_URL": args.redis, **settings, "GX_FRONTIER_NAME": frontier.name}
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu, started = time.process_time(), time.perf_counter()
        crawlers = start_crawlers(processes, portal.registry_path, archive_dir, all_settings, database_url=database_url)
        codes = [c.wait() for c in crawlers]
        wall = time.perf_counter() - started
        portal_cpu = time.process_time() - cpu
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        crawl_cpu = (children.ru_utime - children_before.ru_utime) + (children.ru_stime - children_before.ru_stime)
        if any(codes):
            raise SystemExit(f"a crawl process failed ({codes}); see {archive_dir}/crawl-*.log")
        stats: dict[str, float] = collections.defaultdict(float)
        for log in archive_dir.glob("crawl-*.log"):
            for name, value in STAT.findall(log.read_text(encoding="utf-8", errors="replace")):
                stats[name] += float(value)
        entries = list(portal.log.entries)
        crawl_delays = {s["id"]: s for s in portal.manifest["sites"] if "Crawl-delay" in (s.get("robots_txt") or "")}
        host_of = {r["portal"]: urlsplit(r["url"]).hostname for r in portal.manifest["reports"]}
        throttle = {site: frontier.host_throttle(host) for site, host in host_of.items() if host}
        frontier.clear()
    return {
        "processes": processes,
        "wall": wall,
        "requests": len(entries),
        "portal_cpu": portal_cpu,
        "crawl_cpu": crawl_cpu,
        "redis_ms": stats["gx/frontier/redis_ms"],
        "redis_calls": stats["gx/frontier/redis_calls"],
        "downloads": stats["downloader/request_count"],
        "entries": entries,
        "crawl_delay_sites": crawl_delays,
        "throttle": throttle,
    }


def index_write_ms(database_url: str, count: int = 300) -> float:
    """Milliseconds per capture written to the index (and its WARC records) on this database."""
    with tempfile.TemporaryDirectory(prefix="gx-scale-db-") as tmp:
        archive = Archive.open(Path(tmp), database_url)
        try:
            started = time.perf_counter()
            for i in range(count):
                body = f"<html><body>page {i} {uuid.uuid4().hex}</body></html>".encode() * 20
                archive.write_exchange(
                    Exchange(
                        url=f"http://127.0.0.1/bench/{i}.html",
                        status=200,
                        body=body,
                        fetched_at=datetime.now(UTC),
                        request_headers=[("User-Agent", "bench")],
                        response_headers=[("Content-Type", "text/html")],
                        duration=0.01,
                        portal="bench",
                    )
                )
            return (time.perf_counter() - started) * 1000 / count
        finally:
            archive.close()


def frontier_round_trip_ms(redis_url: str, count: int = 500) -> float:
    """Milliseconds of one request's frontier and host-turn scripts (push, pop, acquire, release, ack) alone."""
    frontier = Frontier(connect(redis_url), f"bench-{uuid.uuid4().hex[:8]}")
    try:
        started = time.perf_counter()
        for i in range(count):
            frontier.push(b"x" * 600, 0, "bench")
            lease, _ = frontier.pop()
            frontier.acquire_host("bench.example", str(i), limit=16, interval=0, hold=30)
            frontier.release_host("bench.example", str(i))
            frontier.ack(lease)
        return (time.perf_counter() - started) * 1000 / count
    finally:
        frontier.clear()


def peak(entries: list[Any]) -> int:
    events = sorted([(e.started, 1) for e in entries] + [(e.started + e.seconds, -1) for e in entries])
    level = top = 0
    for _, step in events:
        level += step
        top = max(top, level)
    return top


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=11)
    parser.add_argument("--reports-per-site", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--processes", default="1,2,4")
    parser.add_argument("--polite-processes", type=int, default=3)
    parser.add_argument("--redis", default=os.environ.get("GXCRAWL_REDIS_URL") or "redis://127.0.0.1:6379/15")
    parser.add_argument(
        "--database",
        default=os.environ.get("GXCRAWL_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    )
    args = parser.parse_args()
    check_services(args.redis, args.database)

    print(
        f"demo portal: {args.sites} sites, {args.reports_per_site} reports each; politeness off "
        f"(no delays, {FAST['CONCURRENT_REQUESTS_PER_DOMAIN']} per host); {os.cpu_count()} cores\n"
    )
    print(
        f"{'processes':>9} {'requests':>9} {'wall s':>7} {'pages/s':>8} {'vs 1':>6} {'crawl CPU s':>12} "
        f"{'portal CPU s':>13} {'Redis ms/req':>13} {'Redis calls/req':>16}"
    )
    base = None
    for n in [0] + [int(p) for p in args.processes.split(",")]:
        # 0: one process on Scrapy's own scheduler, no Redis (the embedded default): the baseline
        r = run(max(n, 1), args, {**FAST, "GX_REDIS_URL": ""} if n == 0 else FAST, slow_delay=0.0)
        rate = r["requests"] / r["wall"]
        base = base or rate
        downloads = max(1.0, r["downloads"])
        print(
            f"{n or '1, local':>9} {r['requests']:>9} {r['wall']:>7.1f} {rate:>8.1f} {rate / base:>5.2f}x "
            f"{r['crawl_cpu']:>12.1f} "
            f"{r['portal_cpu']:>13.1f} {r['redis_ms'] / downloads:>13.2f} {r['redis_calls'] / downloads:>16.1f}",
            flush=True,
        )

    print(f"\nfrontier + host turn per request, Redis scripts alone: {frontier_round_trip_ms(args.redis):.2f} ms")
    with tempfile.TemporaryDirectory(prefix="gx-scale-sqlite-") as tmp:
        sqlite_ms = index_write_ms(f"sqlite:///{tmp}/index.sqlite")
    with Schema(args.database) as database_url:
        postgres_ms = index_write_ms(database_url)
    print(
        f"\nindex writes (WARC records + index row, one process): PostgreSQL {postgres_ms:.2f} ms "
        f"per capture, SQLite {sqlite_ms:.2f} ms (the embedded default, for comparison)"
    )

    n = args.polite_processes
    print(
        f"\npoliteness on, {n} processes: DOWNLOAD_DELAY {POLITE['DOWNLOAD_DELAY']} s, "
        f"{POLITE['CONCURRENT_REQUESTS_PER_DOMAIN']} per host, robots.txt Crawl-delay honoured"
    )
    r = run(n, args, POLITE, slow_delay=0.2)
    by_site: dict[str, list[Any]] = collections.defaultdict(list)
    for entry in r["entries"]:
        by_site[entry.site].append(entry)
    print(
        f"{'host':<20} {'requests':>9} {'req/s':>7} {'most in 1 s':>12} {'limit /s':>9} {'peak at once':>13} "
        f"{'min gap s':>10}"
    )
    for site, entries in sorted(by_site.items()):
        starts = sorted(e.started for e in entries)
        span = max(e.started + e.seconds for e in entries) - starts[0]
        delay = 1.0 if site in r["crawl_delay_sites"] else POLITE["DOWNLOAD_DELAY"]
        gap = min((b - a for a, b in zip(starts, starts[1:], strict=False)), default=float("nan"))
        # the busiest second: DOWNLOAD_DELAY spaces the sends, the network may bunch two arrivals, not more
        busiest = max(sum(1 for t in starts if s <= t < s + 1.0) for s in starts)
        delayed = site in r["crawl_delay_sites"]
        print(
            f"{site:<20} {len(entries):>9} {len(entries) / span if span else 0:>7.2f} {busiest:>12} "
            f"{1 / delay:>9.1f} {peak(entries):>10}/{POLITE['CONCURRENT_REQUESTS_PER_DOMAIN']} "
            f"{gap if delayed else float('nan'):>10.3f}"
            f"{'  (Crawl-delay 1 s: gap counted from the end)' if delayed else ''}"
        )
    print(f"wall {r['wall']:.1f} s for {r['requests']} requests")

    print(
        f"\nAutoThrottle on, {n} processes: one delay per host for the cluster (start 0.5 s, target concurrency 1); "
        "the slow host answers in 0.5 s"
    )
    r = run(n, args, {**POLITE, "AUTOTHROTTLE_ENABLED": 1, "AUTOTHROTTLE_START_DELAY": 0.5}, slow_delay=0.5)
    by_site = collections.defaultdict(list)
    for entry in r["entries"]:
        by_site[entry.site].append(entry)
    print(f"{'host':<20} {'requests':>9} {'answer s':>9} {'delay s':>8} {'min gap s':>10} {'peak at once':>13}")
    for site, entries in sorted(by_site.items()):
        pages = [e for e in entries if e.path != "/robots.txt"]
        starts = sorted(e.started for e in pages)
        gap = min((b - a for a, b in zip(starts, starts[1:], strict=False)), default=float("nan"))
        answer = sum(e.seconds for e in pages) / max(1, len(pages))
        delay = r["throttle"].get(site)
        print(
            f"{site:<20} {len(entries):>9} {answer:>9.3f} {delay if delay is not None else float('nan'):>8.3f} "
            f"{gap:>10.3f} {peak(entries):>10}/{POLITE['CONCURRENT_REQUESTS_PER_DOMAIN']}"
            f"{'  (Crawl-delay 1 s rules)' if site in r['crawl_delay_sites'] else ''}"
        )
    print(f"wall {r['wall']:.1f} s for {r['requests']} requests")
    return 0


if __name__ == "__main__":
    sys.exit(main())
