"""Offline replay (gxcrawl/crawl/middlewares/replay.py): a real crawl of a loopback site is archived, then
the same spider runs with -s GX_REPLAY=1 and must see the same pages and produce the same reports, with
no request reaching the network (the server stays up and logs every request; then it is stopped)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from corpus_support.crawl import CrawlResult, run_crawl
from corpus_support.site import Page, Site
from sqlalchemy import func, select

from gxcrawl.archive import Archive
from gxcrawl.archive.models import Capture
from gxcrawl.crawl.middlewares.replay import parse_replay_at

LIVE = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False}  # politeness off against our own server


def html(title: str, body: str) -> bytes:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>".encode()


def report_html(title: str, seed_text: str) -> bytes:
    paragraphs = "".join(f"<p>{line}</p>" for line in seed_text.splitlines() if line.strip())
    return html(title, f"<h1>{title}</h1><div class='article'>{paragraphs}</div>")


def build_site(site: Site, seeds_dir: Path) -> None:
    seeds = sorted(seeds_dir.glob("*.txt"))
    site.pages.update(
        {
            "/robots.txt": Page(b"User-agent: *\nDisallow: /private/\n", content_type="text/plain", validators=False),
            "/index.html": Page(
                html(
                    "索引",
                    "".join(
                        f'<a href="{p}">{p}</a>'
                        for p in (
                            "/report/a.html",
                            "/report/b.html",
                            "/old.html",
                            "/private/secret.html",
                            "/missing.html",
                        )
                    ),
                )
            ),
            "/report/a.html": Page(report_html("甲局年度报告", seeds[0].read_text(encoding="utf-8"))),
            "/report/b.html": Page(report_html("乙局年度报告", seeds[2].read_text(encoding="utf-8")), gzip=True),
            "/old.html": Page(b"", status=301, validators=False, headers=[("Location", "/report/c.html")]),
            "/report/c.html": Page(report_html("丙局年度报告", seeds[3].read_text(encoding="utf-8"))),
            "/private/secret.html": Page(html("secret", "robots.txt forbids this")),
        }
    )


def pages_seen(result: CrawlResult) -> dict[str, tuple]:
    return {s["url"]: (s["status"], s["sha256"], s["title"]) for s in result.seen}


def reports_by_url(result: CrawlResult) -> dict[str, dict]:
    return {r["url"]: r["record"] for r in result.reports}


def capture_count(archive_dir: Path, database_url: str | None) -> int:
    with Archive.open(archive_dir, database_url) as archive, archive.session() as session:
        return session.scalar(select(func.count(Capture.id)))


def test_replay_gives_the_live_pages_and_reports_without_network(
    tmp_path: Path, seeds_dir: Path, database_url: str | None
) -> None:
    archive = tmp_path / "archive"
    with Site() as site:
        build_site(site, seeds_dir)
        live = run_crawl(
            tmp_path / "live", archive, [site.url("/index.html")], database_url=database_url, settings=LIVE
        )
        assert site.hits_for("/report/c.html") and not site.hits_for("/private/secret.html")
        assert len(live.reports) == 3, live.log[-3000:]
        index_url = site.url("/index.html")
        captures_after_live = capture_count(archive, database_url)
        hits_after_live = len(site.hits)

        replay = run_crawl(
            tmp_path / "replay",
            archive,
            [site.url("/index.html")],
            database_url=database_url,
            settings={"GX_REPLAY": True},
        )
        # the server was up and answering: not one request reached it
        assert len(site.hits) == hits_after_live, [h.path for h in site.hits[hits_after_live:]]

    assert pages_seen(replay) == pages_seen(live)
    assert reports_by_url(replay) == reports_by_url(live)
    assert all("replay" in s["flags"] for s in replay.seen)
    stats = replay.stats
    # robots.txt, index, a, b, old (301), c, missing (an archived 404 is a hit, not a miss)
    assert stats["gx/replay/hit"] == 7, stats
    assert "gx/replay/miss" not in stats and "gx/replay/network_refused" not in stats
    assert stats.get("robotstxt/forbidden", 0) == live.stats.get("robotstxt/forbidden", 0) == 1
    # the one downloader exception is robots.txt's IgnoreRequest for /private/, as in the live crawl
    exceptions = {k: v for k, v in stats.items() if k.startswith("downloader/exception")}
    assert exceptions == {k: v for k, v in live.stats.items() if k.startswith("downloader/exception")}
    assert exceptions.get("downloader/exception_type_count/scrapy.exceptions.IgnoreRequest") == 1
    # replay switches politeness and archiving off by itself
    assert replay.settings["DOWNLOAD_DELAY"] in (0, "0")
    assert replay.settings["AUTOTHROTTLE_ENABLED"] in (False, "False")
    assert replay.settings["GX_WARC_ENABLED"] in (False, "False")
    assert replay.settings["GX_CRAWL_DELAY_ENABLED"] in (False, "False")
    assert capture_count(archive, database_url) == captures_after_live
    # replayed reports link to the archived captures the live crawl made
    assert {r["url"]: r["capture_id"] for r in replay.reports} == {r["url"]: r["capture_id"] for r in live.reports}

    # the portal is gone now: the replay still works, identically
    offline = run_crawl(
        tmp_path / "offline", archive, [index_url], database_url=database_url, settings={"GX_REPLAY": True}
    )
    assert pages_seen(offline) == pages_seen(live)
    assert reports_by_url(offline) == reports_by_url(live)


def test_replay_miss_is_a_flagged_404_never_fetched(tmp_path: Path, seeds_dir: Path) -> None:
    archive = tmp_path / "archive"
    with Site() as site:
        build_site(site, seeds_dir)
        run_crawl(tmp_path / "live", archive, [site.url("/index.html")], settings=LIVE)
        hits = len(site.hits)
        # before the first capture nothing is archived: robots.txt and the start page both miss
        early = run_crawl(
            tmp_path / "early",
            archive,
            [site.url("/index.html")],
            settings={"GX_REPLAY": True, "GX_REPLAY_AT": "2001-01-01T00:00:00"},
        )
        unknown = run_crawl(
            tmp_path / "unknown", archive, [site.url("/never-crawled.html")], settings={"GX_REPLAY": True}
        )
        assert len(site.hits) == hits

    assert early.stats["gx/replay/miss"] == 2, early.stats
    assert "gx/replay/hit" not in early.stats
    assert [(s["status"], s["flags"]) for s in early.seen] == [(404, ["replay", "replay-miss"])] * 2
    assert early.reports == []
    assert unknown.stats["gx/replay/miss"] == 1 and unknown.stats["gx/replay/hit"] == 1  # robots.txt was archived
    assert (site.url("/never-crawled.html"), 404) in [(s["url"], s["status"]) for s in unknown.seen]


def test_replay_at_serves_the_capture_of_that_time(tmp_path: Path, seeds_dir: Path) -> None:
    archive = tmp_path / "archive"
    seeds = sorted(seeds_dir.glob("*.txt"))
    with Site() as site:
        build_site(site, seeds_dir)
        first = run_crawl(tmp_path / "first", archive, [site.url("/index.html")], settings=LIVE)
        time.sleep(1.1)  # capture times are compared at second precision in some databases
        between = datetime.now(UTC).replace(microsecond=0)
        time.sleep(1.1)
        site.pages["/report/a.html"] = Page(report_html("甲局年度报告（更正）", seeds[1].read_text(encoding="utf-8")))
        second = run_crawl(tmp_path / "second", archive, [site.url("/index.html")], settings=LIVE)
        hits = len(site.hits)
        then = run_crawl(
            tmp_path / "then",
            archive,
            [site.url("/index.html")],
            settings={"GX_REPLAY": True, "GX_REPLAY_AT": between.isoformat()},
        )
        now = run_crawl(tmp_path / "now", archive, [site.url("/index.html")], settings={"GX_REPLAY": True})
        assert len(site.hits) == hits

    a = site.url("/report/a.html")
    assert pages_seen(first)[a] != pages_seen(second)[a]
    assert pages_seen(then) == pages_seen(first)
    assert pages_seen(now) == pages_seen(second)
    assert reports_by_url(then)[a] == reports_by_url(first)[a]
    assert reports_by_url(now)[a] == reports_by_url(second)[a]


def test_bad_replay_timestamp_stops_before_crawling(tmp_path: Path) -> None:
    with Site() as site:
        result = run_crawl(
            tmp_path / "bad",
            tmp_path / "archive",
            [site.url("/index.html")],
            settings={"GX_REPLAY": True, "GX_REPLAY_AT": "last tuesday"},
            check=False,
        )
        assert site.hits == []
    assert result.stats["_exit"] != 0
    assert "GX_REPLAY_AT='last tuesday' is not an ISO 8601 timestamp" in result.log


def test_parse_replay_at() -> None:
    assert parse_replay_at("") is None
    assert parse_replay_at("2026-11-22T10:00:00") == datetime(2026, 11, 22, 10, tzinfo=UTC)
    assert parse_replay_at("2026-11-22T18:00:00+08:00") == datetime(2026, 11, 22, 10, tzinfo=UTC)
    assert parse_replay_at("2026-11-22T10:00:00Z") == datetime(2026, 11, 22, 10, tzinfo=UTC)
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_replay_at("22/11/2026")
