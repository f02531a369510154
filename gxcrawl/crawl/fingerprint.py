"""Request fingerprints (Scrapy's `REQUEST_FINGERPRINTER_CLASS`): Scrapy's own, with a column page's directory URL
and its default document (`…/zfxxgknb/` and `…/zfxxgknb/index.html`) as one key, so the duplicate filter lets
only the first spelling through (`gxcrawl.discovery.pagekey`). The URL fetched is never changed.

Where a server does not answer one spelling (a directory without a default document gives 403 or 404), the spider
asks the fingerprinter for the other spellings it met (`other_spellings`) and fetches those.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.utils.request import fingerprint

from gxcrawl.discovery.pagekey import page_key_url

MAX_SPELLINGS = 4  # per page: the directory and a few default document names


class PageKeyFingerprinter:
    @classmethod
    def from_crawler(cls, crawler: Any) -> PageKeyFingerprinter:
        return cls()

    def __init__(self) -> None:
        self._spellings: dict[str, list[str]] = {}  # folded page key -> the directory and the spellings met

    def fingerprint(self, request: Request) -> bytes:
        # a redirect's target keeps its own key: `/zwgk/` answering 302 -> `/zwgk/index.html` must be followed
        if request.method == "GET" and not request.meta.get("redirect_urls"):
            key = page_key_url(request.url)
            if key != request.url:
                spellings = self._spellings.setdefault(key, [key])
                if request.url not in spellings and len(spellings) < MAX_SPELLINGS:
                    spellings.append(request.url)
                return fingerprint(request.replace(url=key))
        return fingerprint(request)

    def other_spellings(self, url: str) -> list[str]:
        """The other spellings of the page `url` is one spelling of (as met so far)."""
        return [u for u in self._spellings.get(page_key_url(url), ()) if u != url]
