"""Pagination strategies: one small class per list mechanism of docs/portals.md, chosen by CMS family.

A strategy looks at one list page (HTML, dataproxy XML or API JSON) and returns the requests
for the other pages of the same list. Strategies never fetch anything; the spider turns each
`PageRequest` into a Scrapy request and feeds the answer back as a `ListPage`. Several
strategies may fire on one page (the registry's family hint is only a hint): their requests
are merged and the spider's duplicate filter drops repeats, and paging stops when a page
yields no new items (deep TRS pages are often stubs or 404s).
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import etree


@dataclass(frozen=True, slots=True)
class ListPage:
    url: str
    text: str                          # decoded body
    tree: etree._Element | None = None  # HTML pages only
    kind: str = "html"                 # "html" | "xml" | "json"
    data: object = None                # decoded JSON for kind "json"
    state: dict = field(default_factory=dict)  # what the strategy that asked for this page passed along


@dataclass(frozen=True, slots=True)
class PageRequest:
    url: str
    method: str = "GET"
    formdata: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    expect: str = "html"               # how to read the answer: "html" | "xml" | "json"
    strategy: str = ""
    state: dict = field(default_factory=dict)
    json_body: dict | None = None      # a JSON POST body (TRS IGS search); the spider sends a JsonRequest

    def key(self) -> tuple[str, str, tuple, str]:
        """What makes two requests the same page: an API often takes every page at one URL, so the body counts."""
        body = json.dumps(self.json_body, sort_keys=True, ensure_ascii=False) if self.json_body is not None else ""
        return (self.method, self.url, self.formdata, body)


class PaginationStrategy(Protocol):
    name: str

    def pages(self, page: ListPage) -> list[PageRequest]:
        """Requests for the list's other pages ([] when this mechanism is not on the page)."""
        ...


def directory_of(url: str) -> str:
    """`…/zfxxgknb/index.html` and `…/zfxxgknb/` both give `…/zfxxgknb/`."""
    parts = urlsplit(url)
    path = parts.path if parts.path.endswith("/") else posixpath.dirname(parts.path) + "/"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def sibling(url: str, name: str) -> str:
    return urljoin(directory_of(url), name)


def page_range(first: int, last: int, *, limit: int = 2000) -> range:
    """Pages first..last inclusive, capped: a pager announcing 10^6 pages is a bug, not a plan."""
    return range(first, min(last, first + limit - 1) + 1)


def unique(requests: Iterable[PageRequest]) -> list[PageRequest]:
    """The requests without repeats (same method, URL and body), first seen first."""
    out: dict[tuple, PageRequest] = {}
    for request in requests:
        out.setdefault(request.key(), request)
    return list(out.values())


def _all_strategies() -> dict[str, PaginationStrategy]:
    from gxcrawl.discovery.pagination.anhui import AnhuiPageIndex
    from gxcrawl.discovery.pagination.client_slice import ClientSlice
    from gxcrawl.discovery.pagination.gkmlpt import GkmlptApi
    from gxcrawl.discovery.pagination.hanweb import HanwebDataproxy
    from gxcrawl.discovery.pagination.jpaas import JpaasUnit
    from gxcrawl.discovery.pagination.nextlink import NextLink
    from gxcrawl.discovery.pagination.search import SEARCH_STRATEGIES
    from gxcrawl.discovery.pagination.shanghai import ShanghaiTotalPage
    from gxcrawl.discovery.pagination.shtml import ShtmlListPages
    from gxcrawl.discovery.pagination.trs import TrsCreatePageHtml
    from gxcrawl.discovery.pagination.trsapi import TrsApiList
    from gxcrawl.discovery.pagination.vsb import VsbReversePages

    strategies: list[PaginationStrategy] = [TrsCreatePageHtml(), ShanghaiTotalPage(), ShtmlListPages(),
                                            VsbReversePages(), HanwebDataproxy(), GkmlptApi(), JpaasUnit(),
                                            AnhuiPageIndex(), ClientSlice(), TrsApiList(), *SEARCH_STRATEGIES, NextLink()]
    return {s.name: s for s in strategies}


_BY_NAME = _all_strategies()
# family -> its own mechanisms first; every other detector still runs after them (hints can be wrong)
STRATEGIES: dict[str | None, tuple[PaginationStrategy, ...]] = {
    "trs": (_BY_NAME["trs"],),
    "trs1": (_BY_NAME["trs"],),
    "shanghai": (_BY_NAME["shanghai"], _BY_NAME["trs"]),
    "shtml": (_BY_NAME["shtml"],),
    "vsb": (_BY_NAME["vsb"],),
    "hanweb": (_BY_NAME["hanweb"],),
    "gkmlpt": (_BY_NAME["gkmlpt"],),
    "jpaas": (_BY_NAME["jpaas"], _BY_NAME["hanweb"]),
    "anhui": (_BY_NAME["anhui"],),
    "client_slice": (_BY_NAME["client_slice"],),
    "ucap": (),
    "epoint": (),
    None: (),
}


def strategies_for(cms: str | None) -> tuple[PaginationStrategy, ...]:
    first = STRATEGIES.get(cms, ())
    return first + tuple(s for s in _BY_NAME.values() if s not in first)


def list_page_requests(page: ListPage, cms: str | None = None) -> list[PageRequest]:
    """Every strategy's requests for the other pages of this list, family strategies first, no repeats.

    A page answered for one strategy (an API page) is only continued by that strategy.
    """
    origin = page.state.get("strategy") if page.state else None
    chosen = [_BY_NAME[origin]] if origin in _BY_NAME else list(strategies_for(cms))
    return unique(request for strategy in chosen for request in strategy.pages(page))

