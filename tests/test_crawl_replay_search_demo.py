"""Replay of a real crawl of the demo portal's search-driven site (demo-search) without its registry `search`
hint: its 年报 column and header search box are TRS IGS, a JSON POST API taking every page at one URL, and its
信息公开 page's 政务公开检索 box is Kaipuyun search5, a form POST (`pageNum` counting from 0) also taking every
page at one URL, so the pages of each differ only by their request body. The replay (-s GX_REPLAY=1, the portal
stopped) must answer each POST with the capture of its own body and find what the live crawl found; so must a
replay of the same archive whose index was made before request-body digests existed (revision 0001, upgraded when
replay opens it). Where an index cannot know a POST capture's body, replay falls back to the URL's newest capture
instead of failing."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from corpus_support.crawl import CrawlResult, run_crawl
from sqlalchemy import create_engine, update

from gxcrawl.archive import Archive
from gxcrawl.archive.database import alembic_config
from gxcrawl.archive.models import Capture
from gxcrawl.demo import DemoPortal
from gxcrawl.demo.families.search import IGS_PATH, SEARCH5_PAGE_SIZE, SEARCH5_PATH, WIDGET_PAGE_SIZE

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

COMMON = {"GX_RENDER_ENABLED": False, "GX_PARSE_WORKERS": 0}
LIVE = {**COMMON, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "GX_CRAWL_DELAY_ENABLED": False}
REPLAY = {**COMMON, "GX_REPLAY": True}


def requests_seen(result: CrawlResult) -> Counter:
    """Every response the spider got, by the request that asked for it (method, URL, body) and its own body."""
    return Counter((s["method"], s["url"], s["request_sha256"], s["status"], s["sha256"]) for s in result.seen)


def live_crawl(tmp: Path, database_url: str | None = None) -> dict[str, Any]:
    with DemoPortal(seed=1, out_dir=tmp / "demo") as portal:
        registry = json.loads(portal.registry_path.read_text(encoding="utf-8"))
        for entry in registry["portals"]:
            entry.pop("search", None)  # the colleague's scenario: only the pages' own APIs
        path = tmp / "registry-no-hints.json"
        path.write_text(json.dumps(registry, ensure_ascii=False), encoding="utf-8")
        args = {"registry": str(path), "portals": "demo-search"}
        live = run_crawl(
            tmp / "live",
            tmp / "archive",
            [],
            spider="portals",
            spider_args=args,
            settings=LIVE,
            database_url=database_url,
            timeout=600,
        )
        groups: dict[str, list[str]] = {}
        for r in portal.manifest["reports"]:
            if r["portal"] == "demo-search":
                groups.setdefault(r["group"], []).append(r["url"])
        log = list(portal.site("demo-search").search_log)
    return {"live": live, "args": args, "groups": groups, "log": log, "archive": tmp / "archive"}


def post_bodies(result: CrawlResult, path: str) -> set[str]:
    """The request-body digests of the POST pages the crawl asked of one endpoint."""
    return {s["request_sha256"] for s in result.seen if s["method"] == "POST" and s["url"].endswith(path)}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return live_crawl(tmp_path_factory.mktemp("search-replay"))


def replay_of(
    crawl: dict[str, Any], out: Path, archive: Path | None = None, database_url: str | None = None
) -> CrawlResult:
    return run_crawl(
        out,
        archive or crawl["archive"],
        [],
        spider="portals",
        spider_args=crawl["args"],
        settings=REPLAY,
        database_url=database_url,
        timeout=600,
    )


def assert_replays_the_live_crawl(crawl: dict[str, Any], replay: CrawlResult) -> None:
    live, groups = crawl["live"], crawl["groups"]
    live_reports = {r["url"]: r["record"] for r in live.reports}
    # the live crawl paged two POST APIs, each taking every page at one URL, its pages told apart by their bodies
    # only: IGS (JSON bodies) and search5 (form bodies)
    posts = {(s["url"], s["request_sha256"]) for s in live.seen if s["method"] == "POST"}
    assert {url.split("/", 3)[3] for url, _ in posts} == {IGS_PATH[1:], SEARCH5_PATH[1:]}, posts
    assert len(post_bodies(live, IGS_PATH)) > 2 and len(post_bodies(live, SEARCH5_PATH)) > 2
    assert len([page for api, word, page in crawl["log"] if api == "igs" and word == ""]) > 1
    assert {page for api, _, page in crawl["log"] if api == "search5"} >= {0, 1, 2}
    # ... and found every report the site's own pages lead to: the IGS-fed column, the search5-only and the policy
    # library-only reports (an item's URL is the PDF of an attachment-only report)
    assert len(groups["column"]) > WIDGET_PAGE_SIZE and len(groups["search5"]) > SEARCH5_PAGE_SIZE
    assert len(live_reports) == len(groups["column"]) + len(groups["search5"]) + len(groups["govcn"])

    assert {r["url"]: r["record"] for r in replay.reports} == live_reports
    # the search5-only reports (the newest on page 0, the others on pages 1…): replayed only if each form POST page
    # was answered with the capture of its own body
    assert len(set(groups["search5"]) & {r["url"] for r in replay.reports}) > SEARCH5_PAGE_SIZE
    assert {r["url"]: r["capture_id"] for r in replay.reports} == {r["url"]: r["capture_id"] for r in live.reports}
    # each request got the body its own request got live: each POST page its own answer
    assert requests_seen(replay) == requests_seen(live)
    stats = replay.stats
    assert "gx/replay/miss" not in stats and "gx/replay/network_refused" not in stats
    assert stats["gx/replay/hit"] == len(live.seen)
    assert all("replay" in s["flags"] for s in replay.seen)


def test_post_search_pages_replay_as_they_were_fetched(crawled: dict[str, Any], tmp_path: Path) -> None:
    assert_replays_the_live_crawl(crawled, replay_of(crawled, tmp_path / "replay"))


def test_post_search_pages_replay_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    crawl = live_crawl(tmp_path, postgres_url)
    assert_replays_the_live_crawl(crawl, replay_of(crawl, tmp_path / "replay", database_url=postgres_url))


def downgraded_copy(crawled: dict[str, Any], to: Path) -> Path:
    """The crawl's archive with its index taken back to revision 0001: no request_body_sha256 column."""
    from alembic import command

    shutil.copytree(crawled["archive"], to)
    # a plain engine: SQLite recreates the table to drop a column, which foreign key checks (on in the archive's
    # engine) refuse while documents point at captures
    engine = create_engine(f"sqlite:///{to / 'index.sqlite'}")
    try:
        with engine.begin() as connection:
            config = alembic_config(engine.url.render_as_string(hide_password=False))
            config.attributes["connection"] = connection
            command.downgrade(config, "0001")
        with engine.connect() as connection:
            columns = [row[1] for row in connection.exec_driver_sql("pragma table_info(capture)")]
            version = connection.exec_driver_sql("select version_num from alembic_version").scalar()
    finally:
        engine.dispose()
    assert "request_body_sha256" not in columns and "method" in columns and version == "0001"
    return to


def test_an_archive_indexed_before_request_digests_replays_its_post_pages(
    crawled: dict[str, Any], tmp_path: Path
) -> None:
    archive = downgraded_copy(crawled, tmp_path / "old-archive")
    replay = replay_of(crawled, tmp_path / "replay", archive=archive)
    # opening it upgraded the index and read each POST capture's body digest back from its request record
    assert "request-body digest of" in replay.log
    assert_replays_the_live_crawl(crawled, replay)


def test_post_captures_of_unknown_body_fall_back_to_their_url(crawled: dict[str, Any], tmp_path: Path) -> None:
    """No digest on any POST capture (as if their request records were unreadable): the GET pages replay as
    they were fetched, and every POST is still answered, by the newest capture of its URL."""
    archive = tmp_path / "archive"
    shutil.copytree(crawled["archive"], archive)
    with Archive.open(archive) as opened, opened.session() as session:
        unknown = session.execute(
            update(Capture).where(Capture.method == "POST").values(request_body_sha256=None)
        ).rowcount
    assert unknown > 2
    replay = replay_of(crawled, tmp_path / "replay", archive=archive)
    live = crawled["live"]
    assert "gx/replay/miss" not in replay.stats and "gx/replay/network_refused" not in replay.stats
    gets = Counter(key for key in requests_seen(live).elements() if key[0] == "GET")
    replayed_gets = Counter(key for key in requests_seen(replay).elements() if key[0] == "GET")
    assert replayed_gets <= gets and replayed_gets  # the pages it reached replayed exactly as fetched
    post_answers: dict[str, set[str]] = {}
    for s in replay.seen:
        if s["method"] == "POST":
            post_answers.setdefault(s["url"], set()).add(s["sha256"])
    # one URL per POST API (IGS, search5): each POST got its URL's newest capture, as replay did before digests
    assert len(post_answers) == 2 and all(len(answers) == 1 for answers in post_answers.values()), post_answers
    assert replay.reports and {r["url"] for r in replay.reports} <= {r["url"] for r in live.reports}
