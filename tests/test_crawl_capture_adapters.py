"""Scrapy Request/Response <-> archive values, both ways, through a real Archive."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

from scrapy.http import HtmlResponse, Request
from scrapy.http.headers import Headers

from gxcrawl.archive import Archive
from gxcrawl.crawl.adapters import exchange_from_scrapy, response_from_stored


def test_round_trip_through_the_archive(tmp_path: Path) -> None:
    request = Request(
        "http://127.0.0.1:8080/公开/年报.html?page=2",
        headers={"Referer": "http://127.0.0.1:8080/list", "Accept-Encoding": "gzip, deflate"},
        meta={"gx_portal": "gd", "depth": 3, "download_latency": 0.5},
    )
    headers = Headers()
    headers.appendlist("Content-Type", "text/html; charset=utf-8")
    headers.appendlist("Content-Encoding", "gzip")
    headers.appendlist("Set-Cookie", "a=1")
    headers.appendlist("Set-Cookie", "b=2")
    body = gzip.compress("<p>年度报告</p>".encode(), mtime=0)
    response = HtmlResponse(request.url, status=200, headers=headers, body=body, request=request, protocol="HTTP/1.1")
    exchange = exchange_from_scrapy(request, response, fetched_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert exchange.portal == "gd" and exchange.depth == 3 and exchange.duration == 0.5
    assert exchange.referer == "http://127.0.0.1:8080/list" and not exchange.rendered
    assert [v for k, v in exchange.response_headers if k == b"Set-Cookie"] == [b"a=1", b"b=2"]

    with Archive.open(tmp_path) as archive:
        ref = archive.write_exchange(exchange)
        stored = archive.read_response(ref.id)
    assert stored.body == "<p>年度报告</p>".encode() and stored.wire_body == body
    rebuilt = response_from_stored(stored, request)
    assert rebuilt.status == 200 and rebuilt.body == body and rebuilt.url == request.url
    assert rebuilt.headers.getlist("Set-Cookie") == [b"a=1", b"b=2"]
    assert rebuilt.headers.get("Content-Encoding") == b"gzip"  # HttpCompressionMiddleware decodes it, as live


def test_playwright_response_is_marked_rendered() -> None:
    request = Request("http://127.0.0.1/js.html", meta={"playwright": True})
    response = HtmlResponse(
        request.url,
        body=b"<html>dom</html>",
        request=request,
        flags=["playwright"],
        headers={"Content-Type": "text/html"},
    )
    exchange = exchange_from_scrapy(request, response)
    assert exchange.rendered and exchange.request_headers == []
    assert exchange.extra_metadata["scrapyFlags"] == "playwright"
