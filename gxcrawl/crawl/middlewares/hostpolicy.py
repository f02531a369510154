"""Every request of a portal crawl passes the portal's host policy (gxcrawl/discovery/hosts.py).

First in the downloader chain (before robots.txt, which would otherwise connect to the host to ask), so a
refused request never opens a connection: start URLs, list pages, candidates, attachments, and the targets of
redirects (RedirectMiddleware's new request carries the portal in its meta and comes back through here). A
request without a portal (robots.txt and its redirects) must be admitted by one of the crawl's portals. A
rendered page's own requests (navigations, scripts, XHR) are checked in the browser: `route_offsite` is the page
init callback that render.py sets, aborting what the policy refuses; a rendered page that the browser's own
redirects took off the portal is dropped before the spider reads it.

Refusals are counted as `gx/offsite/<kind>` (entry, column, candidate, attachment, redirect, rendered, other).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

from scrapy.exceptions import IgnoreRequest

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

# (portal id or None, url) -> allowed; None when the spider keeps no portals (the policy does not apply)
Allows = Callable[[str | None, str], bool | None]


def spider_allows(crawler: Crawler) -> Allows:
    """The crawl's host policy as the spider holds it (its portals): None while there is no such spider."""
    def allows(portal_id: str | None, url: str) -> bool | None:
        spider = crawler.spider
        if spider is None or not hasattr(spider, "url_allowed"):
            return None
        return spider.url_allowed(portal_id, url)
    return allows


def refusal_kind(meta: dict[str, Any]) -> str:
    if meta.get("redirect_urls"):
        return "redirect"
    return str(meta.get("gx_role") or "other")


class HostPolicyMiddleware:
    def __init__(self, stats: StatsCollector, allows: Allows) -> None:
        self.stats = stats
        self.allows = allows

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        return cls(crawler.stats, spider_allows(crawler))

    def process_request(self, request: Request, spider: Any = None) -> None:
        if self.allows(request.meta.get("gx_portal"), request.url) is False:
            kind = refusal_kind(request.meta)
            self.stats.inc_value(f"gx/offsite/{kind}")
            logger.info("refused %s request outside the portal's hosts: %s (portal %s)", kind, request.url,
                        request.meta.get("gx_portal"))
            raise IgnoreRequest(f"outside the allowed hosts of portal {request.meta.get('gx_portal')}: {request.url}")
        return None

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        """A rendered page that Chromium's own redirects took off the portal is not read (its links would be the
        other site's). Scrapy's downloader never follows redirects itself, so only rendered pages can differ."""
        if response.url != request.url and self.allows(request.meta.get("gx_portal"), response.url) is False:
            self.stats.inc_value("gx/offsite/rendered")
            logger.info("dropped a page that ended outside the portal's hosts: %s (asked for %s)", response.url,
                        request.url)
            raise IgnoreRequest(f"ended outside the allowed hosts of portal {request.meta.get('gx_portal')}: "
                                f"{response.url}")
        return response


def route_offsite(stats: StatsCollector, allows: Callable[[str], bool]) -> Callable[[Any, Any], Any]:
    """A scrapy-playwright page init callback: the page's requests that `allows` refuses are aborted in the
    browser (registered after scrapy-playwright's own route, so it runs first; the rest fall back to it)."""

    async def init_page(page: Any, request: Any) -> None:
        async def guard(route: Any, browser_request: Any) -> None:
            if allows(browser_request.url):
                await route.fallback()
                return
            stats.inc_value("gx/offsite/rendered")
            logger.info("refused a rendered page's request outside the portal's hosts: %s (page %s)",
                        browser_request.url, request.url)
            await route.abort("blockedbyclient")

        await page.route("**", guard)

    return init_page
