"""What the site-search strategies share (docs/portals.md, "Site-search APIs"): query words,
lenient reading of the totals an
answer reports, and paging from them.

A search strategy starts a query series (one per query word) from a page that reveals the API or from a
registry hint; the first answer's total decides the other pages. Every request carries the series in
`state["search"]` (a plain dict the strategy reads back) and its page number in `state["page"]`. When an
answer reports no usable total, the series goes on one page at a time until a short or empty page.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from lxml import etree

from gxcrawl.discovery.links import loads_js_object
from gxcrawl.discovery.pagination.pager import page_range
from gxcrawl.discovery.pagination.types import ListPage, PageRequest
from gxcrawl.discovery.registry import SearchHint

# report titles: "…政府信息公开工作年度报告" and "…政府信息公开年度报告" contain 年度报告, "…政府信息公开年报" does not
DEFAULT_WORDS: tuple[str, ...] = ("年度报告", "信息公开年报")
REPORT_WORD = re.compile(r"年报|年度报告")
DEFAULT_MAX_PAGES = 100

# a strategy's request for page n of a series (search dict, n, sequential)
Build = Callable[[dict[str, Any], int, bool], PageRequest]


def as_count(value: object) -> int | None:
    """A non-negative count from an API field: 12, 12.0, "12" -> 12; negatives, bools, "n/a", 1.5 -> None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def dig(data: object, *keys: str) -> object:
    """data[k1][k2]… or None when any step is missing or not an object."""
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def first_list(data: object, *paths: tuple[str, ...]) -> list[Any] | None:
    for path in paths:
        value = dig(data, *path)
        if isinstance(value, list):
            return value
    return None


def first_count(data: object, *paths: tuple[str, ...]) -> int | None:
    for path in paths:
        value = as_count(dig(data, *path))
        if value is not None:
            return value
    return None


def words_for(word: object, *, filtered: bool = False) -> tuple[str, ...]:
    """The query words for a search a page configures: its own word when it is report wording, "" for a
    column listing (a channel filter, no word), else the report-title phrases."""
    word = str(word or "").strip()
    if word and REPORT_WORD.search(word):
        return (word,)
    if not word and filtered:
        return ("",)
    return DEFAULT_WORDS


def hint_words(hint: SearchHint) -> tuple[str, ...]:
    return hint.words or DEFAULT_WORDS


_WORD = re.compile(r"\w")


def script_objects(text: str, key: str) -> Iterator[dict[str, Any]]:
    """Each JS object literal in `text` that has `key` (e.g. `var opts = {code: "…", dataTypeId: 7, …}`)."""
    # the key first (a literal the regex engine can skip ahead to: this runs on every page of a site whose header
    # search box names the API), its left word boundary checked by hand
    for m in re.finditer(re.escape(key) + r"""\b['"]?\s*:""", text):
        if m.start() and _WORD.match(text, m.start() - 1):
            continue
        start = _open_brace(text, m.start())
        if start < 0:
            continue
        end = _close_brace(text, start)
        if end < 0:
            continue
        value = loads_js_object(text[start : end + 1])
        if value:
            yield value


def _open_brace(text: str, pos: int) -> int:
    depth = 0
    for i in range(pos - 1, max(-1, pos - 4000), -1):
        ch = text[i]
        if ch == "}":
            depth += 1
        elif ch == "{":
            if depth == 0:
                return i
            depth -= 1
    return -1


def _close_brace(text: str, start: int) -> int:
    depth, quote, i, end = 0, "", start, min(len(text), start + 8000)
    while i < end:
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1  # an escaped character never ends the string
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def form_fields(form: etree._Element) -> dict[str, str]:
    """name -> value of a form's inputs (hidden ones carry the site code)."""
    return {str(i.get("name")): str(i.get("value") or "") for i in form.iter("input") if i.get("name")}


def quoted_urls(text: str, marker: str) -> Iterator[str]:
    """URLs in quotes or attributes that contain `marker` (entities and JS escapes undone)."""
    pattern = r"""["']([^"'\s<>]*""" + re.escape(marker) + r"""[^"'\s<>]*)["']"""
    for m in re.finditer(pattern, text):
        yield html.unescape(m.group(1)).replace("\\/", "/")


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def quoted_endpoints(page: ListPage, marker: str) -> Iterator[tuple[str, dict[str, str]]]:
    """Each distinct URL on the page that names an API (`marker`): its endpoint (no query) and its query."""
    for found in dict.fromkeys(quoted_urls(page.text, marker)):
        url = urljoin(page.url, found)
        parts = urlsplit(url)
        yield urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")), query_of(url)


def next_pages(
    page: ListPage, *, items: list[Any] | None, pages: int | None, total: int | None, size: int | None, build: Build
) -> list[PageRequest]:
    """The requests that follow one answer of a search series.

    From the first page: every other page the reported total needs (pageCount, or total / page size; the
    larger when both are given and disagree), capped at the series' max_pages. A series whose API numbering
    base is unknown (`base_known` False) also asks for page first-1 and one page past the end, so both
    0- and 1-based servers are covered. Without a usable total, the next page while pages come back full.
    """
    search, n = page.state.get("search"), page.state.get("page")
    if not isinstance(search, dict) or not isinstance(n, int) or isinstance(n, bool) or items is None:
        return []
    first = int(search.get("first", 1))
    max_pages = int(search.get("max_pages") or DEFAULT_MAX_PAGES)
    asked = search.get("size")
    if page.state.get("sequential"):
        return _sequential(search, n, first, max_pages, items, asked, build)
    if n != first:
        return []  # the first page already asked for this one
    per_page = size or asked or len(items) or None
    if not size and per_page and items and total and len(items) < per_page and total > len(items):
        per_page = len(items)  # the server capped the page size without saying so
    candidates = [
        c for c in (pages, math.ceil(total / per_page) if total is not None and per_page else None) if c is not None
    ]
    count = max(candidates) if candidates else None
    if count == 0 and items:
        count = None  # a total of 0 next to hits: the total is wrong, not the hits
    if count is None:
        return _sequential(search, n, first, max_pages, items, asked, build)
    base_known = bool(search.get("base_known", True))
    last = first + count - 1 + (0 if base_known else 1)
    numbers = list(page_range(first + 1, last, limit=max(max_pages - 1, 0))) if last > first else []
    if not base_known and first > 0 and count:
        numbers.insert(0, first - 1)
    return [build(search, k, False) for k in numbers]


def _sequential(
    search: dict[str, Any], n: int, first: int, max_pages: int, items: list[Any], asked: object, build: Build
) -> list[PageRequest]:
    full = bool(items) and (not isinstance(asked, int) or len(items) >= asked)
    if not full or n - first + 1 >= max_pages:
        return []
    return [build(search, n + 1, True)]


class SearchApi:
    """The shape the site-search strategies share: an answer continues its own series (`read` it, `build` the
    pages after it); an HTML page that mentions the API (`mentions`) may start new series (`discover`)."""

    name: str
    marker: str = ""  # a string every page that reveals the API contains (the default `mentions` test)

    def pages(self, page: ListPage) -> list[PageRequest]:
        if page.kind == "json":
            items, pages, total, size = self.read(page.data)
            return next_pages(page, items=items, pages=pages, total=total, size=size, build=self.build)
        if page.kind != "html" or not self.mentions(page.text):
            return []
        return self.discover(page)

    def mentions(self, text: str) -> bool:
        """A cheap test: does the page's HTML name this API at all?"""
        return bool(self.marker) and self.marker in text

    def discover(self, page: ListPage) -> list[PageRequest]:
        """The first pages of the series an HTML page reveals (its search box, a list widget's config)."""
        raise NotImplementedError

    def series(self, words: tuple[str, ...], max_pages: int | None, **search: object) -> list[PageRequest]:
        """The first page of one series per query word; `search` holds what this strategy's `build` reads."""
        search = {**search, "first": 1, "max_pages": max_pages or DEFAULT_MAX_PAGES}
        return [self.build({**search, "word": word}, 1, False) for word in words]

    @staticmethod
    def state(search: dict[str, Any], n: int, sequential: bool) -> dict[str, Any]:
        """A page request's state: its series and page number (what `next_pages` continues from)."""
        return {"search": search, "page": n, "sequential": sequential}

    def build(self, search: dict[str, Any], n: int, sequential: bool) -> PageRequest:
        raise NotImplementedError

    @staticmethod
    def read(data: object) -> tuple[list[Any] | None, int | None, int | None, int | None]:
        """(items, page count, total, page size) of an answer; items None when it is not this API's answer."""
        raise NotImplementedError
