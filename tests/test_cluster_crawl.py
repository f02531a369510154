"""Three `scrapy crawl portals` processes on one Redis frontier and one PostgreSQL index crawl the demo portal as
one polite crawler: every report found, no distractor, no URL fetched more often than one process fetches it,
never more than two requests at once to a host nor two closer than its Crawl-delay. A process killed with
kill -9 mid-crawl loses nothing: its leased requests come back and the others finish."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from gxcrawl.archive import Archive, target_uri
from gxcrawl.archive.models import Document, DocumentSource, Report
from gxcrawl.cli import main
from gxcrawl.crawl.cluster.launch import crawl_command, merge_coverage, start_crawlers
from gxcrawl.crawl.cluster.state import Frontier, connect
from gxcrawl.crawl.demo import _records_by_url, check_against_manifest
from gxcrawl.demo import DemoPortal
from gxcrawl.demo.server import Access

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.timeout(900)]

CRAWL_DELAY = 1.0
PER_HOST = 2
WORLD = {"seed": 3, "reports_per_site": 2, "slow_delay": 0.2, "crawl_delay": CRAWL_DELAY}
SETTINGS = {
    "DOWNLOAD_DELAY": 0.05,
    "AUTOTHROTTLE_ENABLED": 0,
    "GX_RENDER_ENABLED": 0,
    "GX_PARSE_WORKERS": 0,
    "GX_RETRY_BACKOFF_BASE": 0,
    "LOG_LEVEL": "INFO",
    "TELNETCONSOLE_ENABLED": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": PER_HOST,
}


def _fetches(log: list[Access]) -> collections.Counter:
    """Requests per (site, method, path, body), the 503s the demo serves first aside (those are retried)."""
    return collections.Counter((e.site, e.method, e.path, e.body_sha1) for e in log if e.status != 503)


@pytest.fixture(scope="module")
def one_process(tmp_path_factory: pytest.TempPathFactory) -> collections.Counter:
    """What a single process fetches from the same demo world: the yardstick for 'fetched once'."""
    tmp = tmp_path_factory.mktemp("one")
    with DemoPortal(out_dir=tmp / "portal", **WORLD) as portal:
        cmd = crawl_command(
            portal.registry_path, tmp / "archive", {**SETTINGS, "GX_REDIS_URL": "", "LOG_FILE": tmp / "crawl.log"}
        )
        env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "gxcrawl.settings", "GXCRAWL_DATABASE_URL": ""}
        assert subprocess.run(cmd, env=env, timeout=600).returncode == 0
        return _fetches(portal.log.entries)


def _cluster(
    tmp: Path, redis_url: str, database_url: str, portal: DemoPortal, **extra: Any
) -> tuple[Frontier, list[subprocess.Popen]]:
    frontier = Frontier(connect(redis_url), f"test-{uuid.uuid4().hex[:8]}")
    Archive.open(tmp / "archive", database_url).close()
    settings = {**SETTINGS, "GX_REDIS_URL": redis_url, "GX_FRONTIER_NAME": frontier.name, **extra}
    return frontier, start_crawlers(3, portal.registry_path, tmp / "archive", settings, database_url=database_url)


def _peak_concurrency(entries: list[Access]) -> int:
    events = sorted(
        [(e.started, 1) for e in entries] + [(e.started + e.seconds, -1) for e in entries], key=lambda x: (x[0], x[1])
    )
    level = peak = 0
    for _, step in events:
        level += step
        peak = max(peak, level)
    return peak


def _check_index(archive_dir: Path, database_url: str, manifest: dict[str, Any]) -> None:
    """Every report the demo publishes (without a browser) is one document in the index; no distractor is."""
    expected = [
        r
        for r in manifest["reports"]
        if not r.get("needs_browser")
        and not next((s for s in manifest["sites"] if s["id"] == r["portal"] and s.get("render")), None)
    ]
    with Archive.open(archive_dir, database_url) as archive, archive.session() as session:
        sources = {url: doc for url, doc in session.execute(select(DocumentSource.url, DocumentSource.document_id))}
        documents = session.scalar(select(func.count()).select_from(Document))
        reports = session.scalar(select(func.count()).select_from(Report))
        texts = session.scalar(select(func.count(func.distinct(Document.text_sha256))))
    missing = [
        r["url"]
        for r in expected
        if not any(target_uri(u) in sources for u in [r["url"], *(r.get("attachments") or [])])
    ]
    assert missing == []
    assert {target_uri(d["url"]) for d in manifest["distractors"]} & set(sources) == set()
    assert documents == texts == reports  # one document per text, one report per document


def test_three_processes_crawl_the_demo_portal_as_one(
    tmp_path: Path, redis_url: str, postgres_url: str, one_process: collections.Counter
) -> None:
    with DemoPortal(out_dir=tmp_path / "portal", **WORLD) as portal:
        frontier, crawlers = _cluster(tmp_path, redis_url, postgres_url, portal)
        codes = [c.wait(timeout=600) for c in crawlers]
        entries = list(portal.log.entries)
        manifest = portal.manifest
    logs = [(tmp_path / "archive" / f"crawl-{i}.log").read_text() for i in range(3)]
    assert codes == [0, 0, 0], [log[-3000:] for log in logs]
    assert all("Traceback" not in log for log in logs)
    # the work was shared (a process that starts last may find the frontier already drained, so not all three)
    assert sum("'scheduler/dequeued/redis'" in log for log in logs) >= 2

    coverage = merge_coverage((tmp_path / "archive").glob("coverage-*.json"))
    with Archive.open(tmp_path / "archive", postgres_url) as archive:
        records = _records_by_url(archive)
    checks = check_against_manifest(manifest, coverage, records, browser=False)
    assert all(passed for _, passed, _ in checks), checks

    fetched = _fetches(entries)
    more = {key: (n, one_process[key]) for key, n in fetched.items() if n > max(1, one_process[key])}
    assert more == {}, "fetched more often by 3 processes than by one"
    robots = [k for k in fetched if k[2] == "/robots.txt"]
    assert robots and all(fetched[k] == 1 for k in robots)  # once for the whole cluster
    by_site = collections.defaultdict(list)
    for entry in entries:
        by_site[entry.site].append(entry)
    assert max(_peak_concurrency(e) for e in by_site.values()) <= PER_HOST
    delayed = [s["id"] for s in manifest["sites"] if "Crawl-delay" in (s.get("robots_txt") or "")]
    assert delayed
    for site in delayed:
        starts = sorted(e.started for e in by_site[site])
        gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
        assert len(gaps) > 5 and min(gaps) >= CRAWL_DELAY, (site, min(gaps))
    _check_index(tmp_path / "archive", postgres_url, manifest)
    assert frontier.finished()
    status = frontier.status()
    assert sum(p["inflight"] for p in status["portals"].values()) == 0
    assert sum(p["done"] for p in status["portals"].values()) > 100


def test_autothrottle_spaces_a_slow_host_for_the_whole_cluster(
    tmp_path: Path, redis_url: str, postgres_url: str
) -> None:
    slow_delay = 0.5  # long beside the time between a process's turn and its request reaching the server
    with DemoPortal(out_dir=tmp_path / "portal", **{**WORLD, "slow_delay": slow_delay}) as portal:
        frontier, crawlers = _cluster(
            tmp_path,
            redis_url,
            postgres_url,
            portal,
            AUTOTHROTTLE_ENABLED=1,
            AUTOTHROTTLE_START_DELAY=slow_delay,
            AUTOTHROTTLE_TARGET_CONCURRENCY=1.0,
        )
        codes = [c.wait(timeout=600) for c in crawlers]
        entries = list(portal.log.entries)
        manifest = portal.manifest
    assert codes == [0, 0, 0]
    slow = next(s for s in manifest["sites"] if s.get("slow"))
    starts = sorted(e.started for e in entries if e.site == slow["id"] and e.path != "/robots.txt")
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    # each answer takes slow_delay, so the host's one delay stays at about that for every process; processes
    # throttling alone (or not at all) send two requests DOWNLOAD_DELAY apart
    host = urlsplit(next(r["url"] for r in manifest["reports"] if r["portal"] == slow["id"])).hostname
    assert frontier.host_throttle(host) >= slow_delay
    assert len(gaps) > 5 and min(gaps) >= 0.6 * slow_delay, sorted(gaps)[:5]
    _check_index(tmp_path / "archive", postgres_url, manifest)


def test_a_process_killed_mid_crawl_loses_nothing(
    tmp_path: Path, redis_url: str, postgres_url: str, one_process: collections.Counter
) -> None:
    with DemoPortal(out_dir=tmp_path / "portal", **WORLD) as portal:
        frontier, crawlers = _cluster(tmp_path, redis_url, postgres_url, portal, GX_FRONTIER_LEASE=4)
        deadline = time.monotonic() + 300
        # once the crawl is well under way, freeze every process and kill outright one that holds leases then (a
        # frozen process cannot finish them between the look and the kill); if none does, let them go on
        victim = None
        while victim is None and time.monotonic() < deadline:
            assert any(c.poll() is None for c in crawlers), "the crawl ended before a process could be killed"
            if sum(p["done"] for p in frontier.status()["portals"].values()) >= 40:
                for crawler in crawlers:
                    crawler.send_signal(signal.SIGSTOP)
                holders = {owner.split(":")[1] for owner, n in frontier.leases_by_process().items() if n}
                victim = next((c for c in crawlers if str(c.pid) in holders), None)
                if victim is not None:
                    victim.send_signal(signal.SIGKILL)
                for crawler in crawlers:
                    crawler.send_signal(signal.SIGCONT)
            time.sleep(0.2)
        assert victim is not None, "no process held a lease"
        victim.wait()
        survivors = [c for c in crawlers if c is not victim]
        codes = [c.wait(timeout=600) for c in survivors]
        entries = list(portal.log.entries)
        manifest = portal.manifest
    logs = [tmp_path / "archive" / f"crawl-{crawlers.index(c)}.log" for c in survivors]
    assert codes == [0, 0], [log.read_text()[-3000:] for log in logs]
    assert frontier.finished()
    requeued = sum(p["requeued"] for p in frontier.status()["portals"].values())
    assert requeued >= 1  # the victim's leases came back
    # nothing fetched twice beyond what the victim had in flight
    extra = sum(max(0, n - max(1, one_process[key])) for key, n in _fetches(entries).items())
    assert extra <= requeued
    _check_index(tmp_path / "archive", postgres_url, manifest)
    assert main(["archive", "check", "--archive", str(tmp_path / "archive"), "--database", postgres_url]) == 0
