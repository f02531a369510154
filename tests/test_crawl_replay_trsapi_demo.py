"""Replay of a real crawl of the demo portal's trsapi site (demo-trsapi): its list widgets take every page as a form
POST to one URL (`/fjdzapp/search`), the pages told apart by their bodies only (`page=1`, `page=2`, … and the
channel in `classsql`). With the portal stopped, the replay (-s GX_REPLAY=1) must answer each POST with the capture
of its own body and find the same reports, the older ones (only on the widget's API pages) included."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from corpus_support.crawl import CrawlResult, run_crawl

from gxcrawl.demo import DemoPortal
from gxcrawl.demo.families.trsapi import API_PATH, PREPAGE

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

COMMON = {"GX_RENDER_ENABLED": False, "GX_PARSE_WORKERS": 0}
LIVE = {**COMMON, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "GX_CRAWL_DELAY_ENABLED": False}
REPLAY = {**COMMON, "GX_REPLAY": True}


def requests_seen(result: CrawlResult) -> Counter:
    """Every response the spider got, by the request that asked for it (method, URL, body) and its own body."""
    return Counter((s["method"], s["url"], s["request_sha256"], s["status"], s["sha256"]) for s in result.seen)


def test_widget_post_pages_replay_as_they_were_fetched(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    with DemoPortal(seed=1, out_dir=tmp_path / "demo") as portal:
        args = {"registry": str(portal.registry_path), "portals": "demo-trsapi"}
        live = run_crawl(tmp_path / "live", archive, [], spider="portals", spider_args=args, settings=LIVE, timeout=600)
        site_reports = [r for r in portal.manifest["reports"] if r["portal"] == "demo-trsapi"]
        api_only = {r["url"] for r in site_reports if r["group"] == "trsapi"}
    replay = run_crawl(
        tmp_path / "replay", archive, [], spider="portals", spider_args=args, settings=REPLAY, timeout=600
    )

    live_reports = {r["url"]: r["record"] for r in live.reports}
    posts = {s["request_sha256"] for s in live.seen if s["method"] == "POST" and s["url"].endswith(API_PATH)}
    assert len(posts) > 3, "the widgets' pages are POSTs to one URL, told apart by their bodies"
    # the reports behind the API were reached (an attachment-only report's item is its PDF: compare fetched pages)
    assert len(api_only) > PREPAGE and api_only <= {s["url"] for s in live.seen}
    assert len(live_reports) == len(site_reports)

    assert {r["url"]: r["record"] for r in replay.reports} == live_reports
    assert {r["url"]: r["capture_id"] for r in replay.reports} == {r["url"]: r["capture_id"] for r in live.reports}
    assert requests_seen(replay) == requests_seen(live)
    stats = replay.stats
    assert "gx/replay/miss" not in stats and "gx/replay/network_refused" not in stats
    assert stats["gx/replay/hit"] == len(live.seen)
