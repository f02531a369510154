"""The replay middleware, in process (scrapy.utils.test.get_crawler) under a spider that is not the portals spider,
answering from a real small archive written with gxcrawl.archive in tmp_path: a request gets the newest capture of
the same method, URL (and POST body) at or before GX_REPLAY_AT, with its stored wire body and headers and the
capture in its meta; what is not archived is a 404 (`gx/replay/miss`), never fetched; an archive without an index
fails the crawl (`gx/failed`) instead of answering everything 404."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request
from scrapy.utils.test import get_crawler

from gxcrawl.archive import Archive, Exchange
from gxcrawl.crawl.meta import META_CAPTURE_ID, META_REPLAYED_AT
from gxcrawl.crawl.middlewares.replay import MISS_FLAG, REPLAY_FAILED, REPLAY_FLAG, ReplayAddon, ReplayMiddleware

PAGE = "http://www.xs.gov.cn/nb/"
SEARCH = "http://www.xs.gov.cn/api/search"
HTML = [(b"Content-Type", b"text/html; charset=utf-8")]
OLD = datetime(2026, 10, 1, tzinfo=UTC)
NEW = datetime(2026, 11, 1, tzinfo=UTC)


# the stock extensions that need a running engine stay out of the engine signals sent here
NO_ENGINE_EXTENSIONS = {"scrapy.extensions.logstats.LogStats": None, "scrapy.extensions.memusage.MemoryUsage": None}


class OtherSpider(scrapy.Spider):
    name = "other"


def _build_archive(root: Path) -> dict[str, int]:
    """Two crawls of PAGE (the second gzip-encoded on the wire), two pages of a POST search API; capture ids."""
    archive = Archive.open(root)
    try:

        def keep(name: str, **fields: Any) -> tuple[str, int]:
            return name, archive.write_exchange(Exchange(portal="xs", **fields)).id

        return dict(
            (
                keep(
                    "page_old", url=PAGE, status=200, body=b"<html>2022</html>", fetched_at=OLD, response_headers=HTML
                ),
                keep(
                    "page_new",
                    url=PAGE,
                    status=200,
                    body=gzip.compress(b"<html>2023</html>"),
                    fetched_at=NEW,
                    response_headers=[*HTML, (b"Content-Encoding", b"gzip")],
                ),
                *(
                    keep(
                        f"search_{n}",
                        url=SEARCH,
                        method="POST",
                        request_body=f"page={n}".encode(),
                        status=200,
                        body=f'{{"page": {n}}}'.encode(),
                        fetched_at=NEW,
                        response_headers=[(b"Content-Type", b"application/json")],
                    )
                    for n in (1, 2)
                ),
            )
        )
    finally:
        archive.close()


@pytest.fixture
def archive_dir(tmp_path: Path) -> Path:
    return tmp_path / "archive"


def _replay(archive_dir: Path, **settings: Any) -> tuple[ReplayMiddleware, Any]:
    crawler = get_crawler(
        OtherSpider,
        settings_dict={
            "GX_REPLAY": True,
            "GX_ARCHIVE_DIR": str(archive_dir),
            "EXTENSIONS": NO_ENGINE_EXTENSIONS,
            **settings,
        },
    )
    middleware = ReplayMiddleware.from_crawler(crawler)
    crawler.signals.send_catch_log(signals.spider_opened, spider=None)
    return middleware, crawler


@pytest.fixture
def stopped() -> Iterator[list[Any]]:
    """Crawlers to stop after the test (their archive is closed on engine_stopped)."""
    crawlers: list[Any] = []
    yield crawlers
    for crawler in crawlers:
        crawler.signals.send_catch_log(signals.engine_stopped)


def test_a_request_gets_the_newest_archived_capture(archive_dir: Path, stopped: list[Any]) -> None:
    ids = _build_archive(archive_dir)
    middleware, crawler = _replay(archive_dir)
    stopped.append(crawler)
    request = Request(PAGE)
    response = middleware.process_request(request)
    assert response.status == 200 and response.url == PAGE and REPLAY_FLAG in response.flags
    # the wire body and headers, as the downloader would have handed them over: decompression runs downstream
    assert response.headers[b"Content-Encoding"] == b"gzip" and gzip.decompress(response.body) == b"<html>2023</html>"
    assert request.meta[META_CAPTURE_ID] == ids["page_new"]
    assert datetime.fromisoformat(request.meta[META_REPLAYED_AT]) == NEW
    assert crawler.stats.get_value("gx/replay/hit") == 1


def test_replay_at_a_moment_answers_as_the_archive_stood_then(archive_dir: Path, stopped: list[Any]) -> None:
    ids = _build_archive(archive_dir)
    middleware, crawler = _replay(archive_dir, GX_REPLAY_AT="2026-10-15T00:00:00")
    stopped.append(crawler)
    request = Request(PAGE)
    assert middleware.process_request(request).body == b"<html>2022</html>"
    assert request.meta[META_CAPTURE_ID] == ids["page_old"]
    early, early_crawler = _replay(archive_dir, GX_REPLAY_AT="2026-09-01T00:00:00Z")
    stopped.append(early_crawler)
    assert early.process_request(Request(PAGE)).status == 404  # nothing archived yet at that moment


def test_a_post_is_answered_by_the_capture_of_its_own_body(archive_dir: Path, stopped: list[Any]) -> None:
    ids = _build_archive(archive_dir)
    middleware, crawler = _replay(archive_dir)
    stopped.append(crawler)
    for n in (2, 1):
        request = Request(SEARCH, method="POST", body=f"page={n}".encode())
        assert middleware.process_request(request).body == f'{{"page": {n}}}'.encode()
        assert request.meta[META_CAPTURE_ID] == ids[f"search_{n}"]
    unknown = middleware.process_request(Request(SEARCH, method="POST", body=b"page=3"))
    assert unknown.status == 404  # another body's answer would be a wrong page
    assert crawler.stats.get_value("gx/replay/hit") == 2


def test_what_is_not_archived_is_a_404_never_fetched(archive_dir: Path, stopped: list[Any]) -> None:
    _build_archive(archive_dir)
    middleware, crawler = _replay(archive_dir)
    stopped.append(crawler)
    for request in (Request("http://www.xs.gov.cn/robots.txt"), Request(SEARCH), Request(PAGE, method="HEAD")):
        response = middleware.process_request(request)
        assert response.status == 404 and response.body == b"" and MISS_FLAG in response.flags
        assert META_CAPTURE_ID not in request.meta
    assert crawler.stats.get_value("gx/replay/miss") == 3 and crawler.stats.get_value("gx/replay/hit") is None


def test_a_capture_that_cannot_be_read_costs_that_request_only(archive_dir: Path, stopped: list[Any]) -> None:
    """The newest capture of PAGE is damaged (bytes overwritten in its gzip member): that request is dropped with
    a clear reason, counted in gx/replay/unreadable, never answered with an older capture or a 404; the other
    captures still replay."""
    ids = _build_archive(archive_dir)
    with Archive.open(archive_dir) as archive:
        capture = archive.capture(ids["page_new"])
    with open(archive_dir / capture.warc_file, "r+b") as stream:
        stream.seek(capture.warc_offset + capture.warc_length // 2)
        stream.write(b"\0" * 32)
    middleware, crawler = _replay(archive_dir)
    stopped.append(crawler)
    with pytest.raises(IgnoreRequest, match=f"capture {ids['page_new']} of {PAGE} cannot be read: .*damaged"):
        middleware.process_request(Request(PAGE))
    request = Request(SEARCH, method="POST", body=b"page=1")
    assert middleware.process_request(request).body == b'{"page": 1}'
    assert crawler.stats.get_value("gx/replay/unreadable") == 1 and crawler.stats.get_value("gx/replay/hit") == 1
    assert crawler.stats.get_value("gx/replay/miss") is None


def test_an_archive_whose_index_is_gone_fails_the_crawl(archive_dir: Path) -> None:
    _build_archive(archive_dir)
    (archive_dir / "index.sqlite").unlink()  # the WARC files are there, the index that finds them is not
    middleware, crawler = _replay(archive_dir)
    assert crawler.stats.get_value("gx/failed") == REPLAY_FAILED
    with pytest.raises(IgnoreRequest, match="replay"):
        middleware.process_request(Request(PAGE))
    assert crawler.stats.get_value("gx/replay/miss") is None
    assert not (archive_dir / "index.sqlite").exists()  # no new empty index was made in its place


def test_replay_is_a_single_switch() -> None:
    with pytest.raises(NotConfigured):
        ReplayMiddleware.from_crawler(get_crawler(OtherSpider))
    with pytest.raises(ValueError, match="GX_REPLAY_AT"):
        ReplayMiddleware.from_crawler(get_crawler(OtherSpider, settings_dict={"GX_REPLAY": True, "GX_REPLAY_AT": "x"}))
    # the addon turns what has no server to talk to off, and the network download handlers into refusals
    crawler = get_crawler(OtherSpider, settings_dict={"GX_REPLAY": True, "ADDONS": {ReplayAddon: 0}})
    settings = crawler.settings
    assert settings.getbool("GX_WARC_ENABLED") is False and settings.getbool("GX_CONDITIONAL_ENABLED") is False
    assert settings.getfloat("DOWNLOAD_DELAY") == 0 and settings.getbool("AUTOTHROTTLE_ENABLED") is False
    assert settings.getdict("DOWNLOAD_HANDLERS")["https"].endswith("replay.NoNetworkDownloadHandler")
