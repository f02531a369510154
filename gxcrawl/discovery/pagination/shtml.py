"""The ".shtml cNNNNNN" platform (Hunan, Jiangxi, Heilongjiang, Shanxi, Jiangsu, Xinjiang…):
`list.shtml`, `list_2.shtml` … `list_N.shtml`; the total is in the pager text 共N页."""

from __future__ import annotations

import re

from gxcrawl.discovery.pagination.pager import page_range, sibling
from gxcrawl.discovery.pagination.types import ListPage, PageRequest

TOTAL = re.compile(r"共\s*(\d+)\s*页|(?:pageCount|totalPages?)\s*[:=]\s*['\"]?(\d+)")
LIST_URL = re.compile(r"/list(?:_\d+)?\.shtml(?:$|\?)")


class ShtmlListPages:
    name = "shtml"

    def pages(self, page: ListPage) -> list[PageRequest]:
        if page.kind != "html" or not LIST_URL.search(page.url):
            return []
        m = TOTAL.search(page.text)
        if not m:
            return []
        total = int(m.group(1) or m.group(2))
        return [PageRequest(sibling(page.url, f"list_{k}.shtml"), strategy=self.name) for k in page_range(2, total)]
