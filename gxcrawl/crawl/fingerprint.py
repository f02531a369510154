"""Request fingerprints (Scrapy's `REQUEST_FINGERPRINTER_CLASS`): Scrapy's own, with a column page's directory URL
and its default document (`…/zfxxgknb/` and `…/zfxxgknb/index.html`) as one key, so the duplicate filter lets
only the first spelling through (`gxcrawl.discovery.pagekey`). The URL fetched is never changed.

Where a server does not answer one spelling (a directory without a default document gives 403 or 404), the spider
asks the fingerprinter for the other spellings it met (`other_spellings`) and fetches those. With a shared frontier
(GX_REDIS_URL) the spellings are kept in Redis: the process that meets the 404 may not be the one that met the
other spelling.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.utils.request import fingerprint

from gxcrawl.discovery.pagekey import page_key_url

MAX_SPELLINGS = 4  # per page: the directory and a few default document names


class _LocalSpellings:
    """Folded page key -> the directory and the spellings met, in this process."""

    def __init__(self) -> None:
        self._spellings: dict[str, list[str]] = {}

    def add_spelling(self, key: str, url: str, limit: int) -> None:
        spellings = self._spellings.setdefault(key, [key])
        if url not in spellings and len(spellings) < limit:
            spellings.append(url)

    def spellings(self, key: str) -> list[str]:
        return self._spellings.get(key, [])


class PageKeyFingerprinter:
    @classmethod
    def from_crawler(cls, crawler: Any) -> PageKeyFingerprinter:
        if crawler.settings.get("GX_REDIS_URL"):
            from gxcrawl.crawl.cluster.scheduler import frontier_for

            return cls(frontier_for(crawler))
        return cls()

    def __init__(self, spellings: Any = None) -> None:
        self._spellings = spellings if spellings is not None else _LocalSpellings()

    def fingerprint(self, request: Request) -> bytes:
        # a redirect's target keeps its own key: `/zwgk/` answering 302 -> `/zwgk/index.html` must be followed
        if request.method == "GET" and not request.meta.get("redirect_urls"):
            key = page_key_url(request.url)
            if key != request.url:
                self._spellings.add_spelling(key, key, MAX_SPELLINGS)
                self._spellings.add_spelling(key, request.url, MAX_SPELLINGS)
                return fingerprint(request.replace(url=key))
        return fingerprint(request)

    def other_spellings(self, url: str) -> list[str]:
        """The other spellings of the page `url` is one spelling of (as met so far)."""
        return [u for u in self._spellings.spellings(page_key_url(url)) if u != url]
