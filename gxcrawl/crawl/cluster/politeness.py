"""Politeness for the whole cluster: each request waits for its host's turn in Redis before it is sent.

One process is polite through Scrapy's download slots (CONCURRENT_REQUESTS_PER_DOMAIN, DOWNLOAD_DELAY) and
politeness.py (robots.txt Crawl-delay, Retry-After); many processes would each be polite alone and together
hammer the host. `ClusterPolitenessMiddleware`, last before the downloader, takes a per-host lease in Redis
(state.Frontier.acquire_host, one Lua script) and gives it back when the answer or the error comes:

- at most CONCURRENT_REQUESTS_PER_DOMAIN requests to a host at once, cluster-wide;
- DOWNLOAD_DELAY between the starts of two requests to a host, cluster-wide;
- a robots.txt Crawl-delay (GX_CRAWL_DELAY_ENABLED, capped by GX_CRAWL_DELAY_MAX) makes the host one request at
  a time, each starting at least the delay after the previous one ended;
- AutoThrottle (AUTOTHROTTLE_ENABLED) runs on one delay per host for the whole cluster, kept in Redis and moved by
  every process's answers with Scrapy's own rule: Scrapy's AutoThrottle adjusts download slots, and these
  requests each have a slot of their own, so per process it would adjust nothing;
- a 429/503 with Retry-After (capped by GX_RETRY_AFTER_MAX) holds the host for every process;
- a challenge status (412/521/418) is counted on the host, for `gxcrawl frontier status`.

robots.txt is fetched once for the cluster: the first process's answer is kept in Redis and the others are
answered from it (their robots.txt parser and the robots_parsed signal see it as usual).

Scrapy's own per-host download slots stand aside for these requests (each gets a slot of its own once granted):
the cluster's turn is the only gate, taken right before the request is sent.

The wait is a Deferred on the reactor (never a sleep), re-asked every fraction of a second while the host is at
its limit. A turn carries a deadline a few lease renewals away (30 s with the default GX_FRONTIER_LEASE of 120 s),
pushed back while its request is in flight, so a process killed mid-request gives the host back soon.
"""

from __future__ import annotations

import gzip
import itertools
import logging
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler, load_object
from twisted.internet import task

from gxcrawl.crawl.cluster.scheduler import frontier_for, pause, upkeep_interval
from gxcrawl.crawl.cluster.state import Throttle
from gxcrawl.crawl.middlewares.blocked import CHALLENGE_STATUSES
from gxcrawl.crawl.middlewares.politeness import parse_retry_after

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

logger = logging.getLogger(__name__)

META_HOST_LEASE = "gx_host_lease"
FULL_HOST_POLL = 0.05  # seconds between asks while the host is at its concurrency limit
MAX_PAUSE = 5.0  # a long wait is re-checked now and then (another process may have shortened it)


def _is_robots(request: Request) -> bool:
    return bool(request.meta.get("dont_obey_robotstxt")) and urlparse_cached(request).path == "/robots.txt"


class ClusterPolitenessMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.frontier = frontier_for(crawler)
        self.limit = max(1, settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
        self.interval = max(0.0, settings.getfloat("DOWNLOAD_DELAY"))
        # renewed every upkeep interval while the request is out: a few intervals outlive a busy moment
        self.hold = min(self.frontier.lease_seconds, 3 * upkeep_interval(self.frontier))
        self.crawl_delay = settings.getbool("ROBOTSTXT_OBEY") and settings.getbool("GX_CRAWL_DELAY_ENABLED")
        self.crawl_delay_max = settings.getfloat("GX_CRAWL_DELAY_MAX")
        self.retry_after_max = settings.getfloat("GX_RETRY_AFTER_MAX")
        target = settings.getfloat("AUTOTHROTTLE_TARGET_CONCURRENCY")
        self.throttle = (
            Throttle(
                start=max(self.interval, settings.getfloat("AUTOTHROTTLE_START_DELAY")),
                min_delay=self.interval,
                max_delay=settings.getfloat("AUTOTHROTTLE_MAX_DELAY"),
                target_concurrency=target,
            )
            if settings.getbool("AUTOTHROTTLE_ENABLED") and target > 0
            else None
        )
        self.holders = itertools.count(1)
        self.in_flight: dict[str, str] = {}  # holder -> host, while its request is out
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.get("GX_REDIS_URL"):
            raise NotConfigured("no GX_REDIS_URL: Scrapy's download slots are polite for one process")
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider: Any) -> None:
        self.loop = task.LoopingCall(self.renew)
        self.loop.start(upkeep_interval(self.frontier), now=False)

    def spider_closed(self, spider: Any) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()

    def renew(self) -> None:
        try:
            self.frontier.renew_hosts([(host, holder) for holder, host in self.in_flight.items()], self.hold)
        except Exception as exc:  # noqa: BLE001 - Redis away for a moment: the next tick tries again
            logger.warning("host turn upkeep failed: %s", exc)

    async def process_request(self, request: Request, spider: Any = None) -> Response | None:
        robots = _is_robots(request)
        if robots and (cached := self._cached_robots(request)) is not None:
            return cached
        host = urlparse_cached(request).hostname or ""
        holder = f"{self.frontier.owner}:{next(self.holders)}"
        stats = self.crawler.stats
        while (
            wait := self.frontier.acquire_host(
                host,
                holder,
                limit=self.limit,
                interval=self.interval,
                hold=self.hold,
                serial=robots,
                throttle=None if robots else self.throttle,
            )
        ) != 0:
            stats.inc_value("gx/politeness/cluster_waits")
            await pause(FULL_HOST_POLL if wait < 0 else min(wait, MAX_PAUSE))
        if robots and (cached := self._cached_robots(request)) is not None:  # fetched while we waited
            self.frontier.release_host(host, holder)
            return cached
        request.meta[META_HOST_LEASE] = (host, holder)
        self.in_flight[holder] = host
        # sent at once: a download slot of its own, so this process's per-host slot cannot hold it back after the
        # cluster granted its turn (it would then arrive bunched with another process's next request)
        request.meta["download_slot"] = f"{host}#{holder}"
        return None

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        held = request.meta.pop(META_HOST_LEASE, None)
        if held is None:
            return response
        self.in_flight.pop(held[1], None)
        crawl_delay = None
        robots = _is_robots(request)
        if robots:
            self.frontier.cache_robots(request.url, response.status, _headers(response), response.body)
            crawl_delay = self._crawl_delay(request, _decoded(response)) if response.status == 200 else None
        backoff = 0.0
        if response.status in (429, 503):
            retry_after = parse_retry_after(response.headers.get(b"Retry-After"))
            backoff = min(retry_after, self.retry_after_max) if retry_after else 0.0
        # as Scrapy's AutoThrottle: no adjustment for a host whose Crawl-delay rules, nor for robots.txt
        adjust = not robots and not request.meta.get("autothrottle_dont_adjust_delay")
        self.frontier.release_host(
            *held,
            crawl_delay=crawl_delay,
            backoff=backoff,
            blocked=CHALLENGE_STATUSES.get(response.status, ""),
            latency=request.meta.get("download_latency") if adjust else None,
            ok=response.status == 200,
            throttle=self.throttle,
        )
        return response

    def process_exception(self, request: Request, exception: Exception, spider: Any = None) -> None:
        held = request.meta.pop(META_HOST_LEASE, None)
        if held is not None:
            self.in_flight.pop(held[1], None)
            self.frontier.release_host(*held)
        return None

    def _cached_robots(self, request: Request) -> Response | None:
        cached = self.frontier.cached_robots(request.url)
        if cached is None:
            return None
        headers = Headers(cached["headers"])
        body = cached["body"].encode("latin-1")
        cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
        self.crawler.stats.inc_value("gx/politeness/robots_shared")
        return cls(
            url=request.url,
            status=cached["status"],
            headers=headers,
            body=body,
            request=request,
            flags=["cluster-cached"],
        )

    def _crawl_delay(self, request: Request, body: bytes) -> float:
        """The robots.txt Crawl-delay for our User-Agent (0: none, or not honoured by settings)."""
        if not self.crawl_delay:
            return 0.0
        settings = self.crawler.settings
        parser = build_from_crawler(load_object(settings.get("ROBOTSTXT_PARSER")), self.crawler, body)
        agent = settings.get("ROBOTSTXT_USER_AGENT") or request.headers.get(b"User-Agent") or settings.get("USER_AGENT")
        try:
            delay = parser.crawl_delay(agent.decode("latin-1") if isinstance(agent, bytes) else str(agent))
        except Exception:  # noqa: BLE001 - a parser without Crawl-delay support means no delay
            delay = None
        return min(float(delay), self.crawl_delay_max) if delay and delay > 0 else 0.0


def _decoded(response: Response) -> bytes:
    """The body as served: this middleware sits before HttpCompressionMiddleware, so it may still be gzipped."""
    if b"gzip" in (response.headers.get(b"Content-Encoding") or b"").lower():
        try:
            return gzip.decompress(response.body)
        except (OSError, EOFError):
            return b""
    return response.body


def _headers(response: Response) -> dict[str, str]:
    return {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}
