"""Pagination strategies by CMS family; `list_page_requests` runs them all (family first).
Site-search APIs (docs/portals.md, "Site-search APIs") are strategies too; `search_requests` /
`hint_requests` start them.

`types` holds what the strategies share, each strategy lives in its own module, and `strategies` is the table of
them: imports run one way only (types <- strategy modules <- strategies)."""

from __future__ import annotations

from gxcrawl.discovery.pagination.search import hint_requests, search_requests
from gxcrawl.discovery.pagination.strategies import STRATEGIES, list_page_requests, strategies_for
from gxcrawl.discovery.pagination.types import ListPage, PageRequest, PaginationStrategy

__all__ = [
    "STRATEGIES",
    "ListPage",
    "PageRequest",
    "PaginationStrategy",
    "hint_requests",
    "list_page_requests",
    "search_requests",
    "strategies_for",
]
