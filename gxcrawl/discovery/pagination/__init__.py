"""Pagination strategies by CMS family; `list_page_requests` runs them all (family first)."""

from __future__ import annotations

from gxcrawl.discovery.pagination.base import (
    STRATEGIES,
    ListPage,
    PageRequest,
    PaginationStrategy,
    list_page_requests,
    strategies_for,
)

__all__ = ["STRATEGIES", "ListPage", "PageRequest", "PaginationStrategy", "list_page_requests", "strategies_for"]
