"""Client-side sliced lists (Beijing `.default_news li`, Shandong `totalCount/perSize`): every item is
already in the HTML and JavaScript only shows one slice at a time, so there is nothing to request —
the link extractor reads all items, hidden ones included."""

from __future__ import annotations

from gxcrawl.discovery.pagination.types import ListPage, PageRequest


class ClientSlice:
    name = "client_slice"

    def pages(self, page: ListPage) -> list[PageRequest]:
        return []
