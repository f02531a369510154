"""The bounded cookies middleware, in process (scrapy.utils.test.get_crawler) under a spider that is not the portals
spider: Set-Cookie headers past a domain's bounds (count, bytes, one cookie's size) are refused and counted
(`gx/cookies/refused/<reason>`), a cookie that replaces one already held is always taken, so the Cookie header of
the next request stays bounded; a cookie for a public suffix is kept for its very host only."""

from __future__ import annotations

from typing import Any

import pytest
import scrapy
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler

from gxcrawl.crawl.middlewares.cookies import BoundedCookiesMiddleware, is_public_suffix

SITE = "http://www.xs.gov.cn/"


class OtherSpider(scrapy.Spider):
    name = "other"


def _middleware(**settings: Any) -> tuple[BoundedCookiesMiddleware, Any]:
    crawler = get_crawler(OtherSpider, settings_dict=settings)
    return BoundedCookiesMiddleware.from_crawler(crawler), crawler


def _receive(middleware: BoundedCookiesMiddleware, url: str, *set_cookies: str, **meta: Any) -> None:
    request = Request(url, meta=meta)
    response = Response(url, headers={"Set-Cookie": list(set_cookies)}, request=request)
    assert middleware.process_response(request, response) is response


def _sent(middleware: BoundedCookiesMiddleware, url: str, **meta: Any) -> dict[str, str]:
    """The cookies the next request to `url` carries, name -> value."""
    request = Request(url, meta=meta)
    assert middleware.process_request(request) is None
    header = request.headers.get(b"Cookie")
    if header is None:
        return {}
    return dict(pair.split("=", 1) for pair in header.decode().split("; "))


def _refused(crawler: Any) -> dict[str, int]:
    return {k: v for k, v in crawler.stats.get_stats().items() if k.startswith("gx/cookies/refused/")}


def test_the_bounds_come_from_settings() -> None:
    middleware, _ = _middleware(
        GX_COOKIES_MAX_PER_DOMAIN=7, GX_COOKIES_MAX_BYTES_PER_DOMAIN=900, GX_COOKIE_MAX_BYTES=99
    )
    assert (middleware.max_per_domain, middleware.max_bytes_per_domain, middleware.max_cookie_bytes) == (7, 900, 99)
    with pytest.raises(NotConfigured):
        BoundedCookiesMiddleware.from_crawler(get_crawler(OtherSpider, settings_dict={"COOKIES_ENABLED": False}))


def test_a_flood_of_cookies_is_capped_per_domain_and_replacements_are_taken() -> None:
    middleware, crawler = _middleware(GX_COOKIES_MAX_PER_DOMAIN=3)
    _receive(middleware, SITE, *(f"c{i}=v{i}; Path=/" for i in range(10)))
    assert _sent(middleware, SITE + "nb/") == {"c0": "v0", "c1": "v1", "c2": "v2"}
    assert _refused(crawler) == {"gx/cookies/refused/per_domain": 7}
    # the domain is full, yet a new value for a cookie it holds replaces the old one
    _receive(middleware, SITE, "c1=fresh; Path=/", "c9=v9; Path=/")
    assert _sent(middleware, SITE) == {"c0": "v0", "c1": "fresh", "c2": "v2"}
    assert _refused(crawler) == {"gx/cookies/refused/per_domain": 8}
    # another host has its own allowance
    assert _sent(middleware, "http://www.ys.gov.cn/") == {}
    _receive(middleware, "http://www.ys.gov.cn/", "y=1; Path=/")
    assert _sent(middleware, "http://www.ys.gov.cn/") == {"y": "1"}


def test_cookies_over_the_byte_bounds_are_refused() -> None:
    middleware, crawler = _middleware(GX_COOKIE_MAX_BYTES=100, GX_COOKIES_MAX_BYTES_PER_DOMAIN=260)
    _receive(middleware, SITE, "big=" + "x" * 200 + "; Path=/")
    assert _sent(middleware, SITE) == {}
    _receive(middleware, SITE, *(f"k{i}={'v' * 80}; Path=/" for i in range(4)))  # 83 bytes each, 3 fit in 260
    assert sorted(_sent(middleware, SITE)) == ["k0", "k1", "k2"]
    # a replacement counts at its new size only: a smaller k0 frees room, a larger one may not fit
    _receive(middleware, SITE, "k0=small; Path=/")
    _receive(middleware, SITE, "k3=" + "v" * 80 + "; Path=/")
    assert _sent(middleware, SITE)["k0"] == "small" and "k3" in _sent(middleware, SITE)
    _receive(middleware, SITE, "k0=" + "w" * 95 + "; Path=/")
    assert _sent(middleware, SITE)["k0"] == "small"
    assert _refused(crawler) == {"gx/cookies/refused/too_large": 1, "gx/cookies/refused/domain_bytes": 2}


def test_a_request_header_carries_only_its_host_and_parent_domains() -> None:
    middleware, _ = _middleware(GX_COOKIES_MAX_PER_DOMAIN=2)
    _receive(middleware, "http://www.xs.gov.cn/", "parent=1; Domain=xs.gov.cn; Path=/", "own=1; Path=/")
    _receive(middleware, "http://xxgk.xs.gov.cn/", "sibling=1; Path=/")
    assert _sent(middleware, "http://www.xs.gov.cn/") == {"own": "1", "parent": "1"}
    assert _sent(middleware, "http://xxgk.xs.gov.cn/") == {"sibling": "1", "parent": "1"}


def test_a_public_suffix_cookie_stays_with_its_own_host() -> None:
    assert is_public_suffix("gov.cn") and not is_public_suffix("xs.gov.cn")
    middleware, crawler = _middleware()
    _receive(middleware, SITE, "wide=1; Domain=gov.cn; Path=/")
    assert _sent(middleware, SITE) == {} and _sent(middleware, "http://www.ys.gov.cn/") == {}
    assert _refused(crawler) == {}  # not a bound: the cookie is simply not for this host
    # separate jars (meta cookiejar) are separate allowances
    _receive(middleware, SITE, "a=1; Path=/", cookiejar="session-2")
    assert _sent(middleware, SITE, cookiejar="session-2") == {"a": "1"} and _sent(middleware, SITE) == {}
