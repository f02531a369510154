"""What every pagination strategy shares: the list page it reads, the page requests it returns and the strategy
protocol. Strategies import this module; it imports none of them (the strategy table is `strategies.py`).

A strategy looks at one list page (HTML, dataproxy XML or API JSON) and returns the requests for the other pages
of the same list. Strategies never fetch anything; the spider turns each `PageRequest` into a Scrapy request and
feeds the answer back as a `ListPage`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from lxml import etree


@dataclass(frozen=True, slots=True)
class ListPage:
    url: str
    text: str  # decoded body
    tree: etree._Element | None = None  # HTML pages only
    kind: str = "html"  # "html" | "xml" | "json"
    data: object = None  # decoded JSON for kind "json"
    state: dict[str, Any] = field(default_factory=dict)  # what the strategy that asked for this page passed along


@dataclass(frozen=True, slots=True)
class PageRequest:
    url: str
    method: str = "GET"
    formdata: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    expect: str = "html"  # how to read the answer: "html" | "xml" | "json"
    strategy: str = ""
    state: dict[str, Any] = field(default_factory=dict)
    json_body: dict[str, Any] | None = None  # a JSON POST body (TRS IGS search); the spider sends a JsonRequest

    def key(self) -> tuple[str, str, tuple[tuple[str, str], ...], str]:
        """What makes two requests the same page: an API often takes every page at one URL, so the body counts."""
        body = json.dumps(self.json_body, sort_keys=True, ensure_ascii=False) if self.json_body is not None else ""
        return (self.method, self.url, self.formdata, body)


class PaginationStrategy(Protocol):
    name: str

    def pages(self, page: ListPage) -> list[PageRequest]:
        """Requests for the list's other pages ([] when this mechanism is not on the page)."""
        ...


def unique(requests: Iterable[PageRequest]) -> list[PageRequest]:
    """The requests without repeats (same method, URL and body), first seen first."""
    out: dict[tuple[str, str, tuple[tuple[str, str], ...], str], PageRequest] = {}
    for request in requests:
        out.setdefault(request.key(), request)
    return list(out.values())
