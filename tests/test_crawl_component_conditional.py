"""The conditional-request middleware, in process (scrapy.utils.test.get_crawler) under a spider that is not the
portals spider, over a real archive written with gxcrawl.archive in tmp_path: a GET of a URL the index holds a 200
capture of carries that capture's validators (If-None-Match, If-Modified-Since) and the capture in its meta; a POST,
a rendered request, one that opts out or brings its own validators is left alone; a 304 is answered with the
archived body; a 200 is counted new, changed or unchanged (`gx/recrawl/<outcome>`)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler

from gxcrawl.archive import Archive, Exchange
from gxcrawl.crawl.meta import (
    META_CAPTURE_ID,
    META_NOT_MODIFIED_CAPTURE,
    META_NOT_MODIFIED_OF,
    META_PREVIOUS_CAPTURE,
    META_PREVIOUS_SHA256,
    META_SKIP_CONDITIONAL,
    META_VALIDATORS_ADDED,
)
from gxcrawl.crawl.middlewares.conditional import NOT_MODIFIED_FLAG, ConditionalRequestMiddleware

PAGE = "http://www.xs.gov.cn/nb/"
BODY = "<html><body><ul><li>2023年政府信息公开工作年度报告</li></ul></body></html>".encode()
ETAG = b'"nb-1"'
LAST_MODIFIED = b"Tue, 21 Nov 2023 08:00:00 GMT"


# the stock extensions that need a running engine stay out of the engine signals sent here
NO_ENGINE_EXTENSIONS = {"scrapy.extensions.logstats.LogStats": None, "scrapy.extensions.memusage.MemoryUsage": None}


class OtherSpider(scrapy.Spider):
    name = "other"


def _archive_one_page(root: Path) -> int:
    """An earlier crawl's 200 capture of PAGE, with both validators; returns its capture id."""
    archive = Archive.open(root)
    try:
        ref = archive.write_exchange(
            Exchange(
                url=PAGE,
                status=200,
                body=BODY,
                fetched_at=datetime(2026, 11, 1, tzinfo=UTC),
                response_headers=[
                    (b"Content-Type", b"text/html; charset=utf-8"),
                    (b"ETag", ETAG),
                    (b"Last-Modified", LAST_MODIFIED),
                ],
                portal="xs",
            )
        )
    finally:
        archive.close()
    return ref.id


@pytest.fixture
def crawler(tmp_path: Path) -> Iterator[Any]:
    crawler = get_crawler(
        OtherSpider, settings_dict={"GX_ARCHIVE_DIR": str(tmp_path / "archive"), "EXTENSIONS": NO_ENGINE_EXTENSIONS}
    )
    yield crawler
    crawler.signals.send_catch_log(signals.engine_stopped)  # closes the crawler's archive


def _opened(crawler: Any) -> ConditionalRequestMiddleware:
    middleware = ConditionalRequestMiddleware.from_crawler(crawler)
    crawler.signals.send_catch_log(signals.spider_opened, spider=None)
    return middleware


def _recrawl(crawler: Any) -> dict[str, int]:
    return {k: v for k, v in crawler.stats.get_stats().items() if k.startswith("gx/recrawl/")}


def test_a_get_of_an_archived_page_carries_its_validators(tmp_path: Path, crawler: Any) -> None:
    previous = _archive_one_page(tmp_path / "archive")
    middleware = _opened(crawler)
    request = Request(PAGE)
    assert middleware.process_request(request) is None
    assert request.headers[b"If-None-Match"] == ETAG and request.headers[b"If-Modified-Since"] == LAST_MODIFIED
    assert request.meta[META_PREVIOUS_CAPTURE] == previous and request.meta[META_VALIDATORS_ADDED] is True
    assert request.meta[META_PREVIOUS_SHA256] == hashlib.sha256(BODY).hexdigest()
    # a retried or redirected copy of the request: the validators are dropped and looked up again for its URL
    moved = request.replace(url="http://www.xs.gov.cn/nb/index.html")
    assert middleware.process_request(moved) is None
    assert b"If-None-Match" not in moved.headers and b"If-Modified-Since" not in moved.headers
    assert moved.meta[META_PREVIOUS_CAPTURE] is None and META_VALIDATORS_ADDED not in moved.meta
    assert _recrawl(crawler) == {"gx/recrawl/conditional": 1}


def test_posts_rendered_and_opted_out_requests_are_untouched(tmp_path: Path, crawler: Any) -> None:
    _archive_one_page(tmp_path / "archive")
    middleware = _opened(crawler)
    own = b'"mine"'
    for request in (
        Request(PAGE, method="POST", body=b"page=1"),
        Request(PAGE, meta={"playwright": True}),
        Request(PAGE, meta={META_SKIP_CONDITIONAL: False}),
        Request(PAGE, headers={"If-None-Match": own}),
    ):
        assert middleware.process_request(request) is None
        assert META_PREVIOUS_CAPTURE not in request.meta
        assert request.headers.get(b"If-None-Match") in (None, own) and b"If-Modified-Since" not in request.headers
        # what was not looked up is not counted either
        response = Response(PAGE, status=200, body=b"other", request=request)
        assert middleware.process_response(request, response) is response
    assert _recrawl(crawler) == {}


def test_a_304_is_answered_with_the_archived_page(tmp_path: Path, crawler: Any) -> None:
    previous = _archive_one_page(tmp_path / "archive")
    middleware = _opened(crawler)
    request = Request(PAGE)
    middleware.process_request(request)
    request.meta[META_CAPTURE_ID] = 999  # the capture hook's record of the 304 itself
    answered = middleware.process_response(request, Response(PAGE, status=304, request=request))
    assert isinstance(answered, HtmlResponse) and answered.status == 200 and answered.body == BODY
    assert NOT_MODIFIED_FLAG in answered.flags and answered.url == PAGE
    assert request.meta[META_CAPTURE_ID] == previous and request.meta[META_NOT_MODIFIED_OF] == previous
    assert request.meta[META_NOT_MODIFIED_CAPTURE] == 999
    assert _recrawl(crawler) == {"gx/recrawl/conditional": 1, "gx/recrawl/unchanged": 1, "gx/recrawl/not_modified": 1}


def test_a_304_whose_archived_capture_cannot_be_read_costs_that_page_only(tmp_path: Path, crawler: Any) -> None:
    """The archived body a 304 points at is damaged (bytes overwritten in its gzip member): that page is dropped
    with a clear reason and counted in gx/recrawl/unreadable; nothing else is claimed for it."""
    previous = _archive_one_page(tmp_path / "archive")
    with Archive.open(tmp_path / "archive") as archive:
        capture = archive.capture(previous)
    with open(tmp_path / "archive" / capture.warc_file, "r+b") as stream:
        stream.seek(capture.warc_offset + capture.warc_length // 2)
        stream.write(b"\0" * 32)
    middleware = _opened(crawler)
    request = Request(PAGE)
    middleware.process_request(request)
    with pytest.raises(IgnoreRequest, match=f"archived capture {previous} cannot be read: .*damaged"):
        middleware.process_response(request, Response(PAGE, status=304, request=request))
    assert _recrawl(crawler) == {
        "gx/recrawl/conditional": 1,
        "gx/recrawl/unchanged": 1,
        "gx/recrawl/not_modified": 1,
        "gx/recrawl/unreadable": 1,
    }


def test_a_200_is_counted_new_changed_or_unchanged(tmp_path: Path, crawler: Any) -> None:
    _archive_one_page(tmp_path / "archive")
    middleware = _opened(crawler)
    for url, body in ((PAGE, BODY), (PAGE, BODY + b"<!-- v2 -->"), ("http://www.xs.gov.cn/other/", BODY)):
        request = Request(url)
        middleware.process_request(request)
        response = Response(url, status=200, body=body, request=request)
        assert middleware.process_response(request, response) is response
    redirected = Request(PAGE)
    middleware.process_request(redirected)
    moved = Response(PAGE, status=302, headers={"Location": "/nb/index.html"}, request=redirected)
    assert middleware.process_response(redirected, moved) is moved  # counted where the page is finally fetched
    crawler.signals.send_catch_log(signals.spider_closed, spider=None, reason="finished")
    assert _recrawl(crawler) == {
        "gx/recrawl/conditional": 3,
        "gx/recrawl/unchanged": 1,
        "gx/recrawl/changed": 1,
        "gx/recrawl/new": 1,
    }


def test_a_first_crawl_makes_no_conditional_request(crawler: Any) -> None:
    middleware = _opened(crawler)  # an empty archive
    assert middleware.history is False
    request = Request(PAGE)
    middleware.process_request(request)
    assert request.meta[META_PREVIOUS_CAPTURE] is None and b"If-None-Match" not in request.headers
    middleware.process_response(request, Response(PAGE, status=200, body=BODY, request=request))
    crawler.signals.send_catch_log(signals.spider_closed, spider=None, reason="finished")
    assert _recrawl(crawler) == {"gx/recrawl/new": 1, "gx/recrawl/changed": 0, "gx/recrawl/unchanged": 0}


def test_switched_off_and_under_replay() -> None:
    for settings in ({"GX_CONDITIONAL_ENABLED": False}, {"GX_REPLAY": True}):
        with pytest.raises(NotConfigured):
            ConditionalRequestMiddleware.from_crawler(get_crawler(OtherSpider, settings_dict=settings))
