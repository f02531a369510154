"""The cluster scheduler in process (scrapy.utils.test.get_crawler) on a real Redis: what it queues, what it drops
as a duplicate, and which redirects it follows under a request's lease."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import scrapy
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from gxcrawl.crawl.cluster.addon import ClusterAddon
from gxcrawl.crawl.cluster.scheduler import META_LEASE, FrontierScheduler, _leases, frontier_for
from gxcrawl.crawl.fingerprint import PageKeyFingerprinter

pytestmark = pytest.mark.services


class OtherSpider(scrapy.Spider):
    name = "other"


def _scheduler(redis_url: str, name: str) -> FrontierScheduler:
    """One process's scheduler on the frontier `name`, set up as the cluster addon sets up a crawl."""
    settings = Settings(
        {
            "GX_REDIS_URL": redis_url,
            "GX_FRONTIER_NAME": name,
            "GX_FRONTIER_LEASE": 30,
            "REQUEST_FINGERPRINTER_CLASS": PageKeyFingerprinter,
        }
    )
    ClusterAddon().update_settings(settings)
    chosen = {k: v for k, v in settings.items() if (settings.getpriority(k) or 0) > 0}  # not Scrapy's defaults
    crawler = get_crawler(OtherSpider, settings_dict=chosen)
    crawler.spider = OtherSpider.from_crawler(crawler)
    scheduler = FrontierScheduler.from_crawler(crawler)
    scheduler.open(crawler.spider)
    return scheduler


def _redirect(request: scrapy.Request, url: str) -> scrapy.Request:
    """What Scrapy's RedirectMiddleware sends in place of `request`: same meta (the lease), the chain of URLs."""
    meta: dict[str, Any] = {**request.meta, "redirect_urls": [*request.meta.get("redirect_urls", []), request.url]}
    return request.replace(url=url, meta=meta)


def test_a_link_is_queued_once_for_the_whole_cluster(redis_url: str) -> None:
    name = f"t{uuid.uuid4().hex[:8]}"
    one, other = _scheduler(redis_url, name), _scheduler(redis_url, name)
    assert one.enqueue_request(scrapy.Request("http://a.example/nb/"))
    assert not one.enqueue_request(scrapy.Request("http://a.example/nb/index.html"))  # one page, two spellings
    assert not other.enqueue_request(scrapy.Request("http://a.example/nb/"))  # met by another process
    assert other.enqueue_request(scrapy.Request("http://a.example/nb/", dont_filter=True))
    frontier = frontier_for(one.spider.crawler)
    assert frontier.queued() == 2
    calls = frontier.timer.calls
    assert not one.enqueue_request(scrapy.Request("http://a.example/nb/"))  # known here: no Redis call at all
    assert frontier.timer.calls == calls


def test_redirects_under_a_lease(redis_url: str) -> None:
    name = f"t{uuid.uuid4().hex[:8]}"
    dead, live = _scheduler(redis_url, name), _scheduler(redis_url, name)
    assert dead.enqueue_request(scrapy.Request("http://a.example/old"))
    assert dead.enqueue_request(scrapy.Request("http://a.example/linked"))
    taken = dead.next_request()
    assert taken is not None and taken.url == "http://a.example/old"
    lease = taken.meta[META_LEASE]
    # the process meets a redirect and keeps its target under the request's lease, then dies before fetching it
    assert dead.enqueue_request(_redirect(taken, "http://a.example/new"))
    # its lease comes back and another process redoes the request: it meets the same redirect and follows it
    again = _redirect(scrapy.Request("http://a.example/old", meta={META_LEASE: lease}), "http://a.example/new")
    assert live.enqueue_request(again)
    assert live.next_request() is again
    # a loop back to that target within one process is dropped, as the duplicate filter drops it in one process
    assert not live.enqueue_request(_redirect(_redirect(again, "http://a.example/other"), "http://a.example/new"))
    # another request's redirect to a page met before is a duplicate, and finishes that request's lease
    other = live.next_request()
    assert other is not None and other.url == "http://a.example/linked"
    held = _leases(live.spider.crawler).held
    assert other.meta[META_LEASE] in held
    assert not live.enqueue_request(_redirect(other, "http://a.example/new"))
    assert other.meta[META_LEASE] not in held
    # done: the looping chain's lease and this one
    assert frontier_for(live.spider.crawler).status()["portals"]["-"]["done"] == 2
