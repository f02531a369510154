"""Politeness the stock Scrapy components leave out.

- `CrawlDelayMiddleware`: robots.txt `Crawl-delay` (Scrapy parses robots.txt but does not act on the
  delay, docs/topics/optimize.rst). The `robots_parsed` signal (Scrapy ≥ 2.18) hands us each host's parser;
  its delay becomes the host's download-slot delay, without jitter, and AutoThrottle is told not to lower it.
- `RetryAfterMiddleware`: RetryMiddleware that waits before retrying — the server's `Retry-After`
  (seconds or an HTTP date) on 429/503, otherwise exponential back-off — instead of retrying at once.

Settings: GX_CRAWL_DELAY_ENABLED, GX_CRAWL_DELAY_MAX (cap, seconds), GX_RETRY_BACKOFF_BASE (seconds; 0 = no
back-off), GX_RETRY_AFTER_MAX (cap on a server-requested wait).
"""

from __future__ import annotations

import asyncio
import logging
import time
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.utils.httpobj import urlparse_cached

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

logger = logging.getLogger(__name__)


def parse_retry_after(value: str | bytes | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None when absent/invalid."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class CrawlDelayMiddleware:
    def __init__(self, crawler: Crawler, *, max_delay: float) -> None:
        self.crawler = crawler
        self.max_delay = max_delay
        self.delays: dict[str, float] = {}  # download-slot key (host) -> robots.txt Crawl-delay

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("ROBOTSTXT_OBEY") or not settings.getbool("GX_CRAWL_DELAY_ENABLED", True):
            raise NotConfigured("robots.txt Crawl-delay is off (ROBOTSTXT_OBEY or GX_CRAWL_DELAY_ENABLED)")
        mw = cls(crawler, max_delay=settings.getfloat("GX_CRAWL_DELAY_MAX", 60.0))
        crawler.signals.connect(mw.robots_parsed, signal=signals.robots_parsed)
        return mw

    def _user_agent(self, request: Request) -> str:
        settings = self.crawler.settings
        ua = settings.get("ROBOTSTXT_USER_AGENT") or request.headers.get(b"User-Agent") or settings.get("USER_AGENT")
        return ua.decode("latin-1") if isinstance(ua, bytes) else str(ua)

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        try:
            delay = robotparser.crawl_delay(self._user_agent(request))
        except Exception:  # noqa: BLE001 - a parser without crawl_delay support means "no delay"
            delay = None
        if not delay or delay <= 0:
            return
        delay = min(float(delay), self.max_delay)
        key = urlparse_cached(request).hostname or ""
        self.delays[key] = delay
        stats = self.crawler.stats
        if stats:
            stats.set_value(f"gx/politeness/crawl_delay/{key}", delay)
        logger.info("robots.txt of %s asks for Crawl-delay %.1fs: honoured", key, delay)
        self._apply(key)

    def _apply(self, key: str) -> None:
        downloader = self.crawler.engine.downloader if self.crawler.engine else None
        if downloader is None:
            return
        delay = self.delays[key]
        # a slot created later reads DOWNLOAD_SLOTS-style per-slot settings; an existing slot is updated in place
        downloader.per_slot_settings.setdefault(key, {}).update({"delay": delay, "jitter": 0.0})
        slot = downloader.slots.get(key)
        if slot is not None:
            slot.delay = max(slot.delay, delay)
            slot.jitter = 0.0

    def process_request(self, request: Request) -> None:
        key = urlparse_cached(request).hostname or ""
        if key in self.delays:
            # AutoThrottle would otherwise pull the delay down towards the observed latency
            request.meta["autothrottle_dont_adjust_delay"] = True
            self._apply(key)
        return None


class RetryAfterMiddleware(RetryMiddleware):
    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("GX_RETRY_BACKOFF_BASE", 1.0)
        self.retry_after_max = settings.getfloat("GX_RETRY_AFTER_MAX", 120.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        mw = cls(crawler.settings)
        mw.crawler = crawler
        return mw

    def wait_for(self, request: Request, response: Response) -> float:
        """Seconds to wait before the retry: Retry-After wins; otherwise base·2^(attempt)."""
        retry_after = parse_retry_after(response.headers.get(b"Retry-After"))
        if retry_after is not None:
            return min(retry_after, self.retry_after_max)
        attempt = int(request.meta.get("retry_times", 0))
        return min(self.backoff_base * (2**attempt), self.retry_after_max) if self.backoff_base > 0 else 0.0

    async def process_response(self, request: Request, response: Response, spider: Any = None) -> Any:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, f"HTTP {response.status}")
        if retry is None:
            return response
        delay = self.wait_for(request, response)
        if delay > 0:
            stats = self.crawler.stats
            if stats:
                stats.inc_value("gx/politeness/retry_waits")
                stats.max_value("gx/politeness/retry_wait_max", delay)
            await asyncio.sleep(delay)
        return retry
