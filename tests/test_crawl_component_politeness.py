"""The politeness middlewares, in process (scrapy.utils.test.get_crawler) under a spider that is not the portals
spider: a robots.txt Crawl-delay handed over by Scrapy's `robots_parsed` signal becomes its host's download-slot
delay (for a slot that exists and for one created later) and stops AutoThrottle lowering it; a 429/503 is retried
after the server's Retry-After (capped), otherwise after an exponential back-off. The waits are asserted on the
delays and stats the middlewares set, never by timing a crawl (that is tests/test_crawl_spider_politeness.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
import scrapy
from scrapy import signals
from scrapy.core.engine import ExecutionEngine
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.utils.test import get_crawler

from gxcrawl.crawl.middlewares.politeness import CrawlDelayMiddleware, RetryAfterMiddleware, parse_retry_after

SITE = "http://www.xs.gov.cn"
ROBOTS = b"User-agent: *\nDisallow: /private/\nCrawl-delay: 7\n\nUser-agent: slowbot\nCrawl-delay: 500\n"


class OtherSpider(scrapy.Spider):
    name = "other"


def _crawler(**settings: Any) -> Any:
    crawler = get_crawler(OtherSpider, settings_dict={"ROBOTSTXT_OBEY": True, "DOWNLOAD_DELAY": 0.5, **settings})
    crawler.spider = OtherSpider.from_crawler(crawler)
    return crawler


def in_engine(check: Callable[[Any], None], **settings: Any) -> None:
    """Run `check(crawler)` with a real engine and downloader (never started: nothing is fetched), inside an
    asyncio loop as the downloader's slots need; the slots the middleware tunes are the downloader's own."""

    async def run() -> None:
        crawler = _crawler(DOWNLOAD_HANDLERS={"http": None, "https": None}, **settings)
        crawler.engine = ExecutionEngine(crawler, lambda _: None)
        try:
            check(crawler)
        finally:
            crawler.engine.downloader.close()

    asyncio.run(run())


def _robots_parsed(crawler: Any, host: str, body: bytes = ROBOTS) -> None:
    parser = ProtegoRobotParser.from_crawler(crawler, body)
    crawler.signals.send_catch_log(signals.robots_parsed, robotparser=parser, request=Request(f"{host}/robots.txt"))


def test_a_crawl_delay_becomes_the_host_slot_delay() -> None:
    in_engine(_a_crawl_delay_becomes_the_host_slot_delay)


def _a_crawl_delay_becomes_the_host_slot_delay(crawler: Any) -> None:
    middleware = CrawlDelayMiddleware.from_crawler(crawler)
    downloader = crawler.engine.downloader
    _, existing = downloader._get_slot(Request(f"{SITE}/nb/"))  # a slot opened before robots.txt came back
    assert existing.delay == 0.5
    _robots_parsed(crawler, SITE)
    assert (existing.delay, existing.jitter) == (7.0, 0.0)
    assert crawler.stats.get_value("gx/politeness/crawl_delay/www.xs.gov.cn") == 7.0
    # a request to the host is marked so that AutoThrottle leaves the delay alone
    request = Request(f"{SITE}/nb/a.html")
    assert middleware.process_request(request) is None and request.meta["autothrottle_dont_adjust_delay"] is True
    # another host without a robots.txt delay: untouched
    other = Request("http://www.ys.gov.cn/")
    assert middleware.process_request(other) is None and "autothrottle_dont_adjust_delay" not in other.meta
    assert downloader._get_slot(other)[1].delay == 0.5


def test_a_slot_created_later_starts_with_the_delay_and_the_cap_holds() -> None:
    in_engine(_a_slot_created_later_starts_with_the_delay, USER_AGENT="slowbot", GX_CRAWL_DELAY_MAX=30)


def _a_slot_created_later_starts_with_the_delay(crawler: Any) -> None:
    middleware = CrawlDelayMiddleware.from_crawler(crawler)  # held: signals keep only a weak reference
    _robots_parsed(crawler, "http://www.ys.gov.cn:8080")
    downloader = crawler.engine.downloader
    assert downloader.per_slot_settings["www.ys.gov.cn"] == {"delay": 30.0, "jitter": 0.0}  # 500 capped at 30
    _, slot = downloader._get_slot(Request("http://www.ys.gov.cn:8080/nb/"))
    assert slot.delay == 30.0
    # a robots.txt without a delay changes nothing
    _robots_parsed(crawler, "http://www.zs.gov.cn", b"User-agent: *\nDisallow:\n")
    assert "www.zs.gov.cn" not in downloader.per_slot_settings
    assert middleware.delays == {"www.ys.gov.cn": 30.0}
    assert [k for k in crawler.stats.get_stats() if k.startswith("gx/politeness/crawl_delay/")] == [
        "gx/politeness/crawl_delay/www.ys.gov.cn"
    ]


def test_the_crawl_delay_needs_robots_txt() -> None:
    for settings in ({"ROBOTSTXT_OBEY": False}, {"GX_CRAWL_DELAY_ENABLED": False}):
        with pytest.raises(NotConfigured):
            CrawlDelayMiddleware.from_crawler(
                get_crawler(OtherSpider, settings_dict={"ROBOTSTXT_OBEY": True, **settings})
            )


def test_retry_after_is_read_as_seconds_or_a_date() -> None:
    assert parse_retry_after(b"120") == 120.0
    now = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert parse_retry_after(later, now=now.timestamp()) == 90.0
    assert parse_retry_after(format_datetime(now - timedelta(hours=1), usegmt=True), now=now.timestamp()) == 0.0
    assert parse_retry_after(None) is None and parse_retry_after(b"  ") is None and parse_retry_after("soon") is None


def test_the_wait_is_the_server_s_retry_after_capped_or_a_back_off() -> None:
    middleware = RetryAfterMiddleware.from_crawler(_crawler(GX_RETRY_AFTER_MAX=60, GX_RETRY_BACKOFF_BASE=1.5))
    request = Request(f"{SITE}/nb/")
    assert middleware.wait_for(request, Response(request.url, status=503, headers={"Retry-After": "30"})) == 30.0
    assert middleware.wait_for(request, Response(request.url, status=429, headers={"Retry-After": "3600"})) == 60.0
    # no Retry-After (or a bad one): base * 2^attempt, capped the same way
    plain = Response(request.url, status=503)
    assert middleware.wait_for(request, plain) == 1.5
    assert middleware.wait_for(request.replace(meta={"retry_times": 2}), plain) == 6.0
    assert middleware.wait_for(request.replace(meta={"retry_times": 9}), plain) == 60.0
    no_back_off = RetryAfterMiddleware.from_crawler(_crawler(GX_RETRY_BACKOFF_BASE=0))
    assert no_back_off.wait_for(request, Response(request.url, status=503, headers={"Retry-After": "bad"})) == 0.0


def test_a_429_with_retry_after_is_retried_after_the_wait() -> None:
    # the cap keeps the real wait to a hundredth of a second; what is asserted is the bookkeeping, not the clock
    crawler = _crawler(GX_RETRY_AFTER_MAX=0.01, RETRY_TIMES=1)
    middleware = RetryAfterMiddleware.from_crawler(crawler)
    request = Request(f"{SITE}/nb/", meta={"gx_portal": "xs"})
    busy = Response(request.url, status=429, headers={"Retry-After": "5"}, request=request)
    retry = asyncio.run(middleware.process_response(request, busy))
    assert isinstance(retry, Request) and retry.url == request.url and retry.dont_filter
    assert retry.meta["retry_times"] == 1 and retry.meta["gx_portal"] == "xs"
    assert crawler.stats.get_value("gx/politeness/retry_waits") == 1
    assert crawler.stats.get_value("gx/politeness/retry_wait_max") == 0.01
    assert crawler.stats.get_value("retry/reason_count/HTTP 429") == 1
    # the retry budget spent: the 429 is passed on, without another wait
    again = Response(request.url, status=429, headers={"Retry-After": "5"}, request=retry)
    assert asyncio.run(middleware.process_response(retry, again)) is again
    assert crawler.stats.get_value("gx/politeness/retry_waits") == 1
    assert crawler.stats.get_value("retry/max_reached") == 1


def test_what_is_not_retried_passes_without_a_wait() -> None:
    crawler = _crawler()
    middleware = RetryAfterMiddleware.from_crawler(crawler)
    request = Request(f"{SITE}/nb/")
    ok = Response(request.url, status=200, headers={"Retry-After": "5"}, request=request)
    assert asyncio.run(middleware.process_response(request, ok)) is ok
    kept = Request(f"{SITE}/nb/", meta={"dont_retry": True})
    busy = Response(kept.url, status=503, headers={"Retry-After": "5"}, request=kept)
    assert asyncio.run(middleware.process_response(kept, busy)) is busy
    assert crawler.stats.get_value("gx/politeness/retry_waits") is None
