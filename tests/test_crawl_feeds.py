"""Scrapy's own feeds on a real crawl of the demo portal over loopback: `scrapy crawl portals -O reports.jsonl`
writes every stored report (no bytes or archive objects in the items it serialises), a feed that loses items or
cannot be stored makes the crawl exit 1, and the crawl keeps its portals' registry metadata in the index."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from crawl_process import FAST, ROOT, SCRAPY
from sqlalchemy import select

from gxcrawl.archive import Archive
from gxcrawl.archive.models import DocumentSource
from gxcrawl.demo import DemoPortal

SITES = ("demo-trs", "demo-vsb")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def crawl(registry: Path, archive: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    cmd = [
        SCRAPY,
        "crawl",
        "portals",
        "-a",
        f"registry={registry}",
        "-a",
        f"portals={','.join(SITES)}",
        "-s",
        f"GX_ARCHIVE_DIR={archive}",
        *FAST,
        *extra,
    ]
    return subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, env={**os.environ, "GXCRAWL_DATABASE_URL": ""}
    )


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("feeds")
    (tmp / "not-a-dir").write_text("a file where the feed wants a directory")
    with DemoPortal(seed=2, reports_per_site=3, out_dir=tmp / "demo") as portal:
        registry = json.loads(portal.registry_path.read_text(encoding="utf-8"))
        runs = {
            "ok": crawl(portal.registry_path, tmp / "a1", "-O", str(tmp / "reports.jsonl")),
            # a field a feed cannot serialise (the downloaded bytes): every item is lost
            "unserialisable": crawl(
                portal.registry_path, tmp / "a2", "-O", str(tmp / "bytes.jsonl"), "-s", "FEED_EXPORT_FIELDS=url,body"
            ),
            # a feed that cannot be stored at all
            "unstorable": crawl(portal.registry_path, tmp / "a3", "-O", str(tmp / "not-a-dir" / "reports.jsonl")),
        }
        manifest = [r for r in portal.manifest["reports"] if r["portal"] in SITES]
    with Archive.open(tmp / "a1") as archive, archive.session() as session:
        stored = {(url, portal) for url, portal in session.execute(select(DocumentSource.url, DocumentSource.portal))}
        portals = archive.portals()
    return {
        "tmp": tmp,
        "runs": runs,
        "manifest": manifest,
        "stored": stored,
        "portals": portals,
        "registry": {e["id"]: e for e in registry["portals"]},
    }


def test_the_feed_holds_every_stored_report(crawled: dict[str, Any]) -> None:
    run = crawled["runs"]["ok"]
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Traceback" not in run.stderr and "Error caught on signal handler" not in run.stderr
    lines = (crawled["tmp"] / "reports.jsonl").read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines]
    assert len(items) >= len(crawled["manifest"]) >= 6
    assert {(i["record"]["text_sha256"], i["portal"]) for i in items} and all(i["document_id"] for i in items)
    # one line per item the pipelines stored: every source URL of the index is in the feed, with its portal
    assert {(i["url"], i["portal"]) for i in items} == crawled["stored"]
    # what a feed holds: the record and where it came from, never the bytes or the archive's objects
    assert set(items[0]) == {
        "url",
        "final_url",
        "portal",
        "kind",
        "content_type",
        "fetched_at",
        "capture_id",
        "document_id",
        "hints",
        "attachments",
        "record",
    }
    assert any("人民政府" in line or "政府信息公开" in line for line in lines)  # plain UTF-8


def test_a_feed_that_loses_items_or_cannot_be_stored_fails_the_crawl(crawled: dict[str, Any]) -> None:
    for name in ("unserialisable", "unstorable"):
        run = crawled["runs"][name]
        assert run.returncode == 1, (name, run.stderr[-3000:])
        assert "the crawl failed (" in run.stderr and "exit status 1" in run.stderr, name
    lost = crawled["runs"]["unserialisable"].stderr
    assert "item(s) could not be written to a feed" in lost and "bytes is not JSON serializable" in lost
    # the file storage opens the feed at the first item: each item is lost, the reason logged once
    unstorable = crawled["runs"]["unstorable"].stderr
    assert "item(s) could not be written to a feed" in unstorable and "Not a directory" in unstorable
    assert unstorable.count("could not be written to the feed (") == 1


def test_the_crawl_keeps_its_portals_registry_metadata(crawled: dict[str, Any]) -> None:
    registry = crawled["registry"]
    assert crawled["portals"] == {
        site: {
            "name": registry[site]["name"],
            "level": registry[site]["level"],
            "region_code": registry[site]["region_code"],
        }
        for site in SITES
    }


def test_feed_failures_read_from_the_stats() -> None:
    from gxcrawl.crawl.extensions.feeds import feed_failures

    assert feed_failures({"item_scraped_count": 3, "feedexport/success_count/FileFeedStorage": 1}) == []
    assert feed_failures({"gx/feed/failed_items": 2, "feedexport/failed_count/S3FeedStorage": 1}) == [
        "2 item(s) could not be written to a feed",
        "1 S3FeedStorage feed(s) could not be stored",
    ]
