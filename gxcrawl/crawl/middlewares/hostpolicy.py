"""Every request of a portal crawl passes the portal's host policy (gxcrawl/discovery/hosts.py).

The policy travels with the request: the spider puts its portal's `allowed_hosts` in
`request.meta["gx_allowed_hosts"]`; for a request of no portal (robots.txt and its redirects) the portals of the
whole crawl apply, which the spider announces with the `crawl_scope` signal before its first request. A request
that carries neither (another spider's) is not the policy's business.

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
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Self

from scrapy.exceptions import IgnoreRequest

from gxcrawl.crawl import signals as gx_signals
from gxcrawl.crawl.meta import META_ALLOWED_HOSTS, META_PORTAL, META_ROLE
from gxcrawl.discovery.hosts import request_allowed

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


def refusal_kind(meta: dict[str, Any]) -> str:
    if meta.get("redirect_urls"):
        return "redirect"
    return str(meta.get(META_ROLE) or "other")


class HostPolicyMiddleware:
    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats
        self.crawl_allowed_hosts: tuple[tuple[str, ...], ...] = ()  # from the crawl_scope signal

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        middleware = cls(crawler.stats)
        crawler.signals.connect(middleware.crawl_scope, signal=gx_signals.crawl_scope)
        return middleware

    def crawl_scope(self, allowed_hosts: Sequence[Sequence[str]]) -> None:
        self.crawl_allowed_hosts = tuple(tuple(hosts) for hosts in allowed_hosts)

    def allows(self, meta: dict[str, Any], url: str) -> bool | None:
        return request_allowed(url, meta.get(META_ALLOWED_HOSTS), self.crawl_allowed_hosts)

    def process_request(self, request: Request, spider: Any = None) -> None:
        if self.allows(request.meta, request.url) is False:
            kind = refusal_kind(request.meta)
            self.stats.inc_value(f"gx/offsite/{kind}")
            logger.info(
                "refused %s request outside the portal's hosts: %s (portal %s)",
                kind,
                request.url,
                request.meta.get(META_PORTAL),
            )
            raise IgnoreRequest(f"outside the allowed hosts of portal {request.meta.get(META_PORTAL)}: {request.url}")
        return None

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        """A rendered page that Chromium's own redirects took off the portal is not read (its links would be the
        other site's). Scrapy's downloader never follows redirects itself, so only rendered pages can differ."""
        if response.url != request.url and self.allows(request.meta, response.url) is False:
            self.stats.inc_value("gx/offsite/rendered")
            logger.info(
                "dropped a page that ended outside the portal's hosts: %s (asked for %s)", response.url, request.url
            )
            raise IgnoreRequest(
                f"ended outside the allowed hosts of portal {request.meta.get(META_PORTAL)}: {response.url}"
            )
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
            logger.info(
                "refused a rendered page's request outside the portal's hosts: %s (page %s)",
                browser_request.url,
                request.url,
            )
            await route.abort("blockedbyclient")

        await page.route("**", guard)

    return init_page
