"""The host-policy middleware, in process (scrapy.utils.test.get_crawler) under a spider that is not the portals
spider: a request's own policy travels in its meta (`gx_allowed_hosts`), a request of no portal (robots.txt)
passes the crawl's portals announced by the `crawl_scope` signal, and a request that carries neither is not the
policy's business. The decision itself is discovery.hosts.request_allowed, a pure function."""

from __future__ import annotations

from typing import Any

import pytest
import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from gxcrawl.crawl import signals as gx_signals
from gxcrawl.crawl.middlewares.hostpolicy import HostPolicyMiddleware
from gxcrawl.discovery.hosts import request_allowed

XS = ("www.xs.gov.cn",)
YS = ("www.ys.gov.cn:8080",)


class OtherSpider(scrapy.Spider):
    name = "other"


def _middleware() -> tuple[HostPolicyMiddleware, Any]:
    crawler = get_crawler(OtherSpider)
    return HostPolicyMiddleware.from_crawler(crawler), crawler


def _refused(middleware: HostPolicyMiddleware, url: str, **meta: Any) -> bool:
    try:
        middleware.process_request(Request(url, meta=meta))
    except IgnoreRequest:
        return True
    return False


def test_request_allowed_decides_by_the_request_policy_then_the_crawl() -> None:
    assert request_allowed("http://www.xs.gov.cn/a", XS) is True
    assert request_allowed("http://xxgk.xs.gov.cn/a", XS) is True  # a subdomain, on a web port
    assert request_allowed("http://www.xs.gov.cn:6379/", XS) is False  # another service of the host
    assert request_allowed("http://www.ys.gov.cn:8080/", XS, [YS]) is False  # the request's own policy wins
    assert request_allowed("http://www.ys.gov.cn:8080/robots.txt", None, [XS, YS]) is True
    assert request_allowed("http://evil.example/robots.txt", None, [XS, YS]) is False
    assert request_allowed("http://anything/", None, []) is None  # no policy known: not decided here
    assert request_allowed("http://anything/", (), [XS]) is False  # a portal that admits no host


def test_a_request_passes_its_own_portal_policy_under_any_spider() -> None:
    middleware, crawler = _middleware()
    assert not _refused(middleware, "https://www.xs.gov.cn/nb/", gx_allowed_hosts=XS, gx_role="column")
    assert _refused(middleware, "http://127.0.0.1:5432/", gx_allowed_hosts=XS, gx_role="candidate")
    assert _refused(middleware, "http://evil.example/x.pdf", gx_allowed_hosts=XS, gx_role="attachment")
    assert _refused(
        middleware,
        "http://evil.example/",
        gx_allowed_hosts=XS,
        gx_role="column",
        redirect_urls=["https://www.xs.gov.cn/nb/"],
    )
    # another spider's requests, with no policy in their meta, are not the middleware's business
    assert not _refused(middleware, "http://127.0.0.1:5432/")
    assert not _refused(middleware, "http://127.0.0.1:5432/", gx_portal="xs")
    stats = crawler.stats.get_stats()
    assert {k: v for k, v in stats.items() if k.startswith("gx/offsite/")} == {
        "gx/offsite/candidate": 1,
        "gx/offsite/attachment": 1,
        "gx/offsite/redirect": 1,
    }


def test_a_request_of_no_portal_passes_the_crawl_scope() -> None:
    middleware, crawler = _middleware()
    assert not _refused(middleware, "http://evil.example/robots.txt")  # before any scope: no policy
    crawler.signals.send_catch_log(gx_signals.crawl_scope, allowed_hosts=(XS, YS))
    assert not _refused(middleware, "http://www.xs.gov.cn/robots.txt")
    assert not _refused(middleware, "http://www.ys.gov.cn:8080/robots.txt")
    assert _refused(middleware, "http://evil.example/robots.txt", redirect_urls=["http://www.xs.gov.cn/robots.txt"])
    assert _refused(middleware, "http://www.ys.gov.cn/robots.txt")  # port 80 is not the portal's 8080
    # a request with its own policy is still judged by it, not by the crawl's
    assert _refused(middleware, "http://www.ys.gov.cn:8080/nb/", gx_allowed_hosts=XS)
    assert crawler.stats.get_value("gx/offsite/redirect") == 1 and crawler.stats.get_value("gx/offsite/other") == 2


def test_a_rendered_page_that_ended_off_its_portal_is_dropped() -> None:
    middleware, crawler = _middleware()
    request = Request("https://www.xs.gov.cn/nb/", meta={"gx_allowed_hosts": XS, "playwright": True})
    same = HtmlResponse("https://www.xs.gov.cn/nb/index.html", body=b"<html></html>", request=request)
    assert middleware.process_response(request, same) is same
    away = HtmlResponse("http://127.0.0.1:6379/", body=b"<html></html>", request=request)
    with pytest.raises(IgnoreRequest):
        middleware.process_response(request, away)
    unmarked = Request("https://www.xs.gov.cn/nb/", meta={"playwright": True})
    elsewhere = HtmlResponse("http://127.0.0.1:6379/", body=b"<html></html>", request=unmarked)
    assert middleware.process_response(unmarked, elsewhere) is elsewhere
    assert crawler.stats.get_value("gx/offsite/rendered") == 1
