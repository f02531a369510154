"""Cookie gates: a 302 back to the same URL that only sets a cookie (openresty CT6T).

The cookie jar already holds the cookie (CookiesMiddleware runs before us on the way back); Scrapy's
RedirectMiddleware would hand the duplicate filter the very URL it just fetched, which drops it. We
re-issue the request once, past the filter. A second gate in a row is left to the redirect middleware.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urljoin

from w3lib.url import canonicalize_url

from gxcrawl.crawl.meta import META_COOKIE_GATE

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from scrapy.statscollectors import StatsCollector


class CookieGateMiddleware:
    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Any:
        location = response.headers.get(b"Location")
        if response.status not in (301, 302, 303, 307, 308) or not location or request.meta.get(META_COOKIE_GATE):
            return response
        target = urljoin(request.url, location.decode("latin-1"))
        if canonicalize_url(target) != canonicalize_url(request.url):
            return response
        self.stats.inc_value("gx/cookie_gate")
        return request.replace(dont_filter=True, meta={**request.meta, META_COOKIE_GATE: True})
