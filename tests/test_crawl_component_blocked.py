"""The blocked-page middleware, in process (scrapy.utils.test.get_crawler) under a spider that is not the portals
spider: a challenge page is counted, marked in the archive and announced with the `page_blocked` signal; a shell
that a browser may fill is re-fetched rendered once; what is not an HTML page of a crawl passes untouched."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import scrapy
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler

from gxcrawl.archive import Exchange
from gxcrawl.crawl import signals as gx_signals
from gxcrawl.crawl.extensions.warc import archive_for
from gxcrawl.crawl.middlewares.blocked import BlockedPageMiddleware

CHALLENGE = b"<html><head><script>$_ts=window['$_ts'];</script></head><body></body></html>"
SHELL = b"<html><head><title>app</title></head><body><div id='app'></div></body></html>"
PAGE = ("<html><head><title>2023年度报告</title></head><body>" + "<p>正文内容" * 50 + "</p></body></html>").encode()


class OtherSpider(scrapy.Spider):
    name = "other"


def _middleware(**settings: Any) -> tuple[BlockedPageMiddleware, Any, list[dict[str, Any]]]:
    crawler = get_crawler(OtherSpider, settings_dict=settings)
    seen: list[dict[str, Any]] = []

    def page_blocked(url: str, reason: str, portal: str | None) -> None:
        seen.append({"url": url, "reason": reason, "portal": portal})

    crawler.signals.connect(page_blocked, signal=gx_signals.page_blocked, weak=False)
    return BlockedPageMiddleware.from_crawler(crawler), crawler, seen


def _html(url: str, body: bytes, status: int = 200, **meta: Any) -> tuple[Request, Response]:
    request = Request(url, meta=meta)
    return request, HtmlResponse(url, status=status, body=body, encoding="utf-8", request=request)


def test_a_challenge_is_counted_announced_and_not_passed_on() -> None:
    middleware, crawler, seen = _middleware(GX_WARC_ENABLED=False)
    request, response = _html("http://www.xs.gov.cn/nb/", CHALLENGE, status=412, gx_portal="xs")
    with pytest.raises(IgnoreRequest, match="challenge-412"):
        middleware.process_response(request, response)
    request, response = _html("http://www.xs.gov.cn/a.html", CHALLENGE)  # no portal: announced all the same
    with pytest.raises(IgnoreRequest, match="challenge-js"):
        middleware.process_response(request, response)
    assert seen == [
        {"url": "http://www.xs.gov.cn/nb/", "reason": "challenge-412", "portal": "xs"},
        {"url": "http://www.xs.gov.cn/a.html", "reason": "challenge-js", "portal": None},
    ]
    assert crawler.stats.get_value("gx/blocked/challenge-412") == 1
    assert crawler.stats.get_value("gx/blocked/challenge-js") == 1


def test_an_ordinary_page_a_document_and_robots_txt_pass() -> None:
    middleware, crawler, seen = _middleware(GX_WARC_ENABLED=False)
    request, response = _html("http://www.xs.gov.cn/r.html", PAGE, gx_portal="xs")
    assert middleware.process_response(request, response) is response
    for meta in ({"gx_role": "attachment"}, {"gx_expect": "binary"}, {"dont_obey_robotstxt": True}):
        request, response = _html("http://www.xs.gov.cn/x", CHALLENGE, status=412, **meta)
        assert middleware.process_response(request, response) is response
    request, response = _html("http://www.xs.gov.cn/robots.txt", CHALLENGE, status=412)
    assert middleware.process_response(request, response) is response
    assert seen == [] and not any(k.startswith("gx/blocked/") for k in crawler.stats.get_stats())


def test_a_shell_is_re_fetched_rendered_once_when_the_render_middleware_allowed_it() -> None:
    middleware, crawler, seen = _middleware(GX_WARC_ENABLED=False)
    request, response = _html("http://www.xs.gov.cn/nb/", SHELL, gx_portal="xs", gx_render_shell=True)
    again = middleware.process_response(request, response)
    assert isinstance(again, Request) and again.url == request.url and again.dont_filter
    assert again.meta["playwright"] is True and again.meta["gx_render_shell"] is False
    assert again.meta["gx_portal"] == "xs" and seen == []
    assert crawler.stats.get_value("gx/render/shell_retry") == 1
    # the rendered answer is still a shell: now it is blocked
    rendered = HtmlResponse(again.url, body=SHELL, encoding="utf-8", request=again, flags=["playwright"])
    with pytest.raises(IgnoreRequest, match="empty-shell"):
        middleware.process_response(again, rendered)
    # without the render middleware's mark (no browser, or a portal never rendered) a shell is blocked at once
    request, response = _html("http://www.xs.gov.cn/nb2/", SHELL, gx_portal="xs")
    with pytest.raises(IgnoreRequest):
        middleware.process_response(request, response)
    assert [s["url"] for s in seen] == ["http://www.xs.gov.cn/nb/", "http://www.xs.gov.cn/nb2/"]


def test_a_blocked_capture_is_marked_in_the_archive(tmp_path: Path) -> None:
    middleware, crawler, _ = _middleware(GX_WARC_ENABLED=True, GX_ARCHIVE_DIR=str(tmp_path / "archive"))
    archive = archive_for(crawler)
    url = "http://www.xs.gov.cn/nb/"
    ref = archive.write_exchange(
        Exchange(
            url=url,
            status=412,
            body=CHALLENGE,
            fetched_at=datetime.now(UTC),
            response_headers=[(b"Content-Type", b"text/html")],
            portal="xs",
        )
    )
    request, response = _html(url, CHALLENGE, status=412, gx_portal="xs", gx_capture_id=ref.id)
    with pytest.raises(IgnoreRequest):
        middleware.process_response(request, response)
    assert archive.capture(ref.id).blocked_reason == "challenge-412"
    archive.close()


def test_switched_off() -> None:
    with pytest.raises(NotConfigured):
        BlockedPageMiddleware.from_crawler(get_crawler(OtherSpider, settings_dict={"GX_BLOCKED_ENABLED": False}))
