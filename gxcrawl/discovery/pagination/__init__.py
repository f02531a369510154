"""Pagination strategies by CMS family; `list_page_requests` runs them all (family first).
Site-search APIs (docs/portals.md, "Site-search APIs") are strategies too; `search_requests` / `hint_requests` start them."""

from __future__ import annotations

from gxcrawl.discovery.pagination.base import (
    STRATEGIES,
    ListPage,
    PageRequest,
    PaginationStrategy,
    list_page_requests,
    strategies_for,
)
from gxcrawl.discovery.pagination.search import hint_requests, search_requests

__all__ = ["STRATEGIES", "ListPage", "PageRequest", "PaginationStrategy", "hint_requests", "list_page_requests",
           "search_requests", "strategies_for"]
