"""The shared frontier in Scrapy: scrapy-redis's scheduler and duplicate filter, with leases and an end.

scrapy-redis 0.9 fits Scrapy's scheduler interface but not the rest of our crawl, so only its `Scheduler`
(queue/duplicate filter plumbing, request serialisation) and `RFPDupeFilter` (a Redis set) are used:

- its spiders (`RedisSpider`) read plain URLs from a Redis list through `start_requests`, the API Scrapy 2.13
  replaced by `start()`; our spider builds its start requests from the registry (roles, hints, POST bodies), so
  it stays a plain spider and the first process pushes its `start()` output once (`FrontierSpiderMiddleware`);
- its duplicate filter hashes method + URL + body itself; ours asks the crawl's request fingerprinter, so a
  column's directory URL and its index.html stay one page and POST pages stay apart, as in one process;
- its scheduler marks a request seen and then queues it, two calls a crash can fall between (the page would be
  seen and queued nowhere); ours does both in one script;
- its queues pop a request and forget it: `FrontierQueue` leases it instead (state.Frontier), and
  `FrontierExtension` renews this process's leases, acks a request once Scrapy has fully handled it and puts
  the leases of dead processes back on the queue; a request sent again in place of a taken one (retry,
  redirect, cookie gate) stays in its process under the same lease (`FrontierScheduler`);
- its crawl ends when one process's queue looks empty; ours when the frontier is empty and no process holds a
  lease (`FrontierExtension.spider_idle`).

Scrapy sends no signal when a request is fully handled (its callback's requests scheduled, its items through
the pipelines); the scraper's `enqueue_scrape` returns a Deferred that fires exactly then, so the extension wraps
that one method to ack the lease. It is the only place gxcrawl hooks into Scrapy's engine, together with the
engine's idle heartbeat, shortened to GX_FRONTIER_POLL so an idle process picks up new work promptly.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import Base as RedisQueue
from scrapy_redis.scheduler import Scheduler as RedisScheduler
from twisted.internet import task

from gxcrawl.crawl.cluster.state import Frontier, connect

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request

logger = logging.getLogger(__name__)

META_LEASE = "gx_lease"  # request.meta: the frontier lease this request was popped under
_ATTR = "_gx_frontier"


def frontier_for(crawler: Crawler) -> Frontier:
    """The crawler's one Frontier (connected on first use)."""
    frontier = getattr(crawler, _ATTR, None)
    if frontier is None:
        settings = crawler.settings
        frontier = Frontier(
            connect(settings.get("GX_REDIS_URL")),
            settings.get("GX_FRONTIER_NAME"),
            lease_seconds=settings.getfloat("GX_FRONTIER_LEASE"),
        )
        setattr(crawler, _ATTR, frontier)
    return frontier


def upkeep_interval(frontier: Frontier) -> float:
    """Seconds between renewals of what this process holds: well within one lease."""
    return max(0.2, min(frontier.lease_seconds / 4, 10.0))


async def pause(seconds: float) -> None:
    """Wait without blocking the reactor."""
    from twisted.internet import reactor  # imported late: the crawl installs its reactor first

    await maybe_deferred_to_future(task.deferLater(reactor, seconds, lambda: None))


class FrontierQueue(RedisQueue):
    """scrapy-redis queue on the leased frontier (SCHEDULER_QUEUE_CLASS)."""

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        self.frontier = frontier_for(spider.crawler)
        self.leases = _leases(spider.crawler)

    def __len__(self) -> int:
        return self.frontier.queued()

    def push(self, request: Request, fingerprint: str = "") -> bool:
        """Queue `request`; with its `fingerprint`, only if no request with it was met before (False then)."""
        payload, portal = self._encode_request(request), request.meta.get("gx_portal")
        return bool(self.frontier.push(payload, -request.priority, portal, fingerprint=fingerprint))

    def pop(self, timeout: int = 0) -> Request | None:
        got = self.frontier.pop()
        if got is None:
            return None
        lease, data = got
        request = self._decode_request(data)
        request.meta[META_LEASE] = lease
        self.leases.hold(lease)
        return request

    def clear(self) -> None:
        """Never on one process's say: the frontier is the cluster's (`gxcrawl frontier clear`)."""


class FrontierDupeFilter(RFPDupeFilter):
    """scrapy-redis's Redis set of fingerprints, computed by the crawl's own request fingerprinter."""

    fingerprinter: Any = None

    @classmethod
    def from_spider(cls, spider: Any) -> Self:
        dupefilter = super().from_spider(spider)
        dupefilter.fingerprinter = spider.crawler.request_fingerprinter
        dupefilter.key = frontier_for(spider.crawler).key("seen")  # the set the frontier's push script checks
        return dupefilter

    def request_fingerprint(self, request: Request) -> str:
        return self.fingerprinter.fingerprint(request).hex()

    def close(self, reason: str = "") -> None:
        """The set is shared by every process and outlives each (RFPDupeFilter.close would delete it)."""


class FrontierScheduler(RedisScheduler):
    """scrapy-redis's scheduler, and a small local queue for successors.

    A request a downloader middleware sends again in place of one this process took (a retry, a redirect, the
    cookie gate's second try, a shell re-fetched through the browser) carries that request's lease. It stays in
    this process under the same lease: it may need this process's state (the cookie the gate just set), and if
    the process dies the lease expires and the original request is redone from the frontier. A successor met
    first by another request (a redirect to a page already seen) is dropped and finishes its lease; one met first
    under this same lease, by a process that died before fetching it, is fetched again (once: a redirect loop within
    this process is dropped as in one process). Fingerprints known to be in the shared set are remembered here, so
    a link met again costs no Redis call (the set only grows while the crawl runs). Stats are counted here:
    scrapy-redis passes a `spider` argument that Scrapy's stats collector deprecates."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        scheduler = cls.from_settings(crawler.settings)
        scheduler.crawl_stats = crawler.stats
        scheduler.successors = []
        scheduler.order = itertools.count()
        scheduler.known_seen = set()
        return scheduler

    def enqueue_request(self, request: Request) -> bool:
        lease = request.meta.get(META_LEASE)
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        if lease is None:
            # seen-check and push in one script (scrapy-redis makes them two calls a crash can fall between)
            queued = fingerprint not in self.known_seen and self.queue.push(request, fingerprint)
            if fingerprint:
                self.known_seen.add(fingerprint)
            if not queued:
                self.df.log(request, self.spider)
                return False
            self.crawl_stats.inc_value("scheduler/enqueued/redis")
            return True
        leases = _leases(self.spider.crawler)
        if fingerprint and (
            fingerprint in leases.claimed.get(lease, ()) or not self.queue.frontier.claim_successor(fingerprint, lease)
        ):
            request.meta.pop(META_LEASE, None)
            leases.finish(lease, done=True)
            return False
        if fingerprint:
            leases.claimed.setdefault(lease, set()).add(fingerprint)
        heapq.heappush(self.successors, (-request.priority, next(self.order), request))
        self.crawl_stats.inc_value("scheduler/enqueued/successor")
        return True

    def next_request(self) -> Request | None:
        if self.successors:
            return heapq.heappop(self.successors)[2]
        request = super().next_request()
        if request is not None:
            self.crawl_stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        return bool(self.successors) or super().has_pending_requests()


class _Leases:
    """This process's leases: renewed while held, acked when their request is finished."""

    def __init__(self, frontier: Frontier, stats: Any) -> None:
        self.frontier = frontier
        self.stats = stats
        self.held: set[int] = set()
        self.claimed: dict[int, set[str]] = {}  # lease -> the successors' fingerprints it claimed in this process

    def hold(self, lease: int) -> None:
        self.held.add(lease)

    def finish(self, lease: int, *, done: bool) -> None:
        self.held.discard(lease)
        self.claimed.pop(lease, None)
        if not self.frontier.ack(lease, done=done) and self.stats:
            # the lease expired and went back to the queue meanwhile (the process stalled for a lease's length)
            self.stats.inc_value("gx/frontier/lease_lost")


def _leases(crawler: Crawler) -> _Leases:
    leases = getattr(crawler, "_gx_leases", None)
    if leases is None:
        leases = _Leases(frontier_for(crawler), crawler.stats)
        crawler._gx_leases = leases
    return leases


class FrontierSpiderMiddleware:
    """The start requests go to the frontier once, from the first process that claims the seeding guard; the
    others wait until it is done (or take over when the seeder died and its guard expired)."""

    def __init__(self, crawler: Crawler) -> None:
        self.frontier = frontier_for(crawler)
        self.poll = crawler.settings.getfloat("GX_FRONTIER_POLL")
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.get("GX_REDIS_URL"):
            raise NotConfigured("no GX_REDIS_URL: one process, Scrapy's own scheduler")
        return cls(crawler)

    async def process_start(self, start: Any) -> Any:
        while (claim := self.frontier.claim_seeding()) < 0:
            await pause(self.poll)
        if claim == 0:
            logger.info("frontier %s is seeded already: taking requests from it", self.frontier.name)
            return
        seeded = 0
        async for request in start:
            yield request
            seeded += 1
            if seeded % 100 == 0:
                self.frontier.keep_seeding()
        # the engine asks for the next start request only after scheduling the previous one: all are queued
        self.frontier.seeding_done()
        if self.stats:
            self.stats.set_value("gx/frontier/seeded", seeded)
        logger.info("frontier %s seeded with %d start requests", self.frontier.name, seeded)


class FrontierExtension:
    """Renews this process's leases, acks finished requests, re-queues dead processes' leases, keeps the
    spider open until the whole cluster is done, and records the Redis time spent per request."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.frontier = frontier_for(crawler)
        self.leases = _leases(crawler)
        self.poll = crawler.settings.getfloat("GX_FRONTIER_POLL")
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.get("GX_REDIS_URL"):
            raise NotConfigured("no GX_REDIS_URL")
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        engine = self.crawler.engine
        scraper = engine.scraper
        handled = scraper.enqueue_scrape

        def enqueue_scrape(result: Any, request: Request) -> Any:
            return handled(result, request).addBoth(self._handled, request)

        scraper.enqueue_scrape = enqueue_scrape
        engine._SLOT_HEARTBEAT_INTERVAL = self.poll  # see the module docstring
        # renew well before a lease runs out; the same tick re-queues expired ones and says this process lives
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(upkeep_interval(self.frontier), now=True)

    def _handled(self, result: Any, request: Request) -> Any:
        lease = request.meta.pop(META_LEASE, None)
        if lease is not None:
            self.leases.finish(lease, done=True)
        return result

    def tick(self) -> None:
        try:
            self.frontier.renew(sorted(self.leases.held))
            if requeued := self.frontier.requeue_expired():
                logger.warning("%d leased requests of a stopped process are back on the frontier", requeued)
                self.crawler.stats.inc_value("gx/frontier/requeued", requeued)
            self.frontier.heartbeat(
                {"state": "busy" if self.leases.held else "idle", "in_flight": len(self.leases.held)}
            )
        except Exception as exc:  # noqa: BLE001 - Redis away for a moment: the next tick tries again
            logger.warning("frontier upkeep failed: %s", exc)

    def spider_idle(self, spider: Any) -> None:
        self.tick()
        if not self.frontier.finished():
            raise DontCloseSpider

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        stats = self.crawler.stats
        timer = self.frontier.timer
        stats.set_value("gx/frontier/redis_calls", timer.calls)
        stats.set_value("gx/frontier/redis_ms", round(timer.seconds * 1000, 1))
        with contextlib.suppress(Exception):  # Redis gone at the very end: the state line is only informative
            self.frontier.heartbeat({"state": f"closed ({reason})", "in_flight": len(self.leases.held)})
