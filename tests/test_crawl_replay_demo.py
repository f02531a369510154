"""Replay of a real crawl of the demo portal: `scrapy crawl portals` archives the portal, the portal is stopped,
and the same spider replayed from the archive (-s GX_REPLAY=1) must yield the same reports with the same
values, answering every request from the archive."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_support.crawl import run_crawl

from gxcrawl.demo.portal import DemoPortal

pytestmark = pytest.mark.slow


def test_replayed_demo_crawl_yields_the_same_reports(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    common = {"GX_RENDER_ENABLED": False}  # rendering is exercised elsewhere; keep this crawl browser-free
    with DemoPortal(seed=3, reports_per_site=2, out_dir=tmp_path / "portal", slow_delay=0.2) as portal:
        registry = str(portal.registry_path)
        entry_hosts = {url.split("/")[2] for url in portal.entry_urls}
        live = run_crawl(
            tmp_path / "live",
            archive,
            [],
            spider="portals",
            spider_args={"registry": registry},
            settings={**common, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False},
            timeout=900,
        )
    # the portal is gone: nothing can be fetched any more
    replay = run_crawl(
        tmp_path / "replay",
        archive,
        [],
        spider="portals",
        spider_args={"registry": registry},
        settings={**common, "GX_REPLAY": True},
        timeout=900,
    )

    live_reports = {r["url"]: r["record"] for r in live.reports}
    replay_reports = {r["url"]: r["record"] for r in replay.reports}
    assert len(live_reports) >= 10, live.log[-3000:]
    assert {u.split("/")[2] for u in live_reports} <= entry_hosts
    assert replay_reports.keys() == live_reports.keys()
    for url, record in live_reports.items():
        assert replay_reports[url] == record, url
    # the replay linked every report to the capture the live crawl archived
    assert {r["url"]: r["capture_id"] for r in replay.reports} == {r["url"]: r["capture_id"] for r in live.reports}

    stats = replay.stats
    assert stats.get("gx/replay/hit", 0) > len(live_reports)
    assert "gx/replay/miss" not in stats, "every page the replay asked for was archived by the live crawl"
    assert "gx/replay/network_refused" not in stats
    assert "gx/captures" not in stats  # nothing new archived
    assert all("replay" in s["flags"] for s in replay.seen)
    live_pages = {(s["url"], s["status"], s["sha256"]) for s in live.seen}
    assert {(s["url"], s["status"], s["sha256"]) for s in replay.seen} <= live_pages
