"""Scrapy's cookie handling with bounds, and without the network.

- A server may send any number of Set-Cookie headers; every later request to it would carry them all (a flood
  of large cookies made a 9 MB Cookie header). The jar keeps at most GX_COOKIES_MAX_PER_DOMAIN cookies and
  GX_COOKIES_MAX_BYTES_PER_DOMAIN bytes (names + values) per cookie domain, and no cookie over GX_COOKIE_MAX_BYTES;
  cookies past a bound are refused (stat `gx/cookies/refused/<reason>`); a cookie that replaces one already held
  is always taken. A request is sent to a host and its parent domains' cookies, so its Cookie header is bounded
  by a few domains' worth.
- Scrapy's middleware asks tldextract whether a cookie's domain is a public suffix; its default extractor
  downloads the public suffix list on first use. Here the bundled snapshot is used, never the network.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Self

from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.utils.httpobj import urlparse_cached
from tldextract import TLDExtract

if TYPE_CHECKING:
    from http.cookiejar import Cookie

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http.cookies import CookieJar

# suffix_list_urls=(): the snapshot bundled with tldextract, no fetch at run time (and no cache to go stale)
split_domain = TLDExtract(suffix_list_urls=(), include_psl_private_domains=True, cache_dir=None)


def is_public_suffix(domain: str) -> bool:
    return not split_domain(domain).domain


def _size(cookie: Cookie) -> int:
    return len(cookie.name) + len(cookie.value or "")


class BoundedCookiesMiddleware(CookiesMiddleware):
    def __init__(
        self,
        debug: bool = False,
        *,
        max_per_domain: int = 50,
        max_bytes_per_domain: int = 16_384,
        max_cookie_bytes: int = 4096,
    ) -> None:
        super().__init__(debug)
        self.max_per_domain = max_per_domain
        self.max_bytes_per_domain = max_bytes_per_domain
        self.max_cookie_bytes = max_cookie_bytes

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = super().from_crawler(crawler)
        settings = crawler.settings
        middleware.max_per_domain = settings.getint("GX_COOKIES_MAX_PER_DOMAIN", 50)
        middleware.max_bytes_per_domain = settings.getint("GX_COOKIES_MAX_BYTES_PER_DOMAIN", 16_384)
        middleware.max_cookie_bytes = settings.getint("GX_COOKIE_MAX_BYTES", 4096)
        return middleware

    def _process_cookies(self, cookies: Iterable[Cookie], *, jar: CookieJar, request: Request) -> None:
        hostname = urlparse_cached(request).hostname
        if hostname is None:
            return
        request_domain = hostname.lower()
        for cookie in cookies:
            cookie_domain = cookie.domain.removeprefix(".")
            # a cookie for a public suffix (gov.cn) only for that very host (as Scrapy's own middleware does)
            if cookie_domain and is_public_suffix(cookie_domain):
                if cookie_domain != request_domain:
                    continue
                cookie.domain = request_domain
            reason = self._refusal(cookie, jar)
            if reason:
                self._refused(reason)
                continue
            jar.set_cookie_if_ok(cookie, request)

    def _refusal(self, cookie: Cookie, jar: CookieJar) -> str | None:
        size = _size(cookie)
        if size > self.max_cookie_bytes:
            return "too_large"
        # the jar's cookies of this domain (http.cookiejar keeps them as domain -> path -> name -> Cookie)
        held = [c for paths in jar.jar._cookies.get(cookie.domain, {}).values() for c in paths.values()]
        if any(c.name == cookie.name and c.path == cookie.path for c in held):
            replaced = next(c for c in held if c.name == cookie.name and c.path == cookie.path)
            held.remove(replaced)  # a replacement: only its new size counts
        elif len(held) >= self.max_per_domain:
            return "per_domain"
        if sum(map(_size, held)) + size > self.max_bytes_per_domain:
            return "domain_bytes"
        return None

    def _refused(self, reason: str) -> None:
        stats: Any = getattr(getattr(self, "crawler", None), "stats", None)
        if stats is not None:
            stats.inc_value(f"gx/cookies/refused/{reason}")
