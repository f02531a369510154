"""Anhui 政务公开 platform: `/content/column/<colId>?pageIndex=N` (GET), the total from the
`Ls.pagination` config or the pager."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from gxcrawl.discovery.pagination.pager import page_range
from gxcrawl.discovery.pagination.types import ListPage, PageRequest

TOTAL = re.compile(r"(?:pageCount|totalPage|pageTotal)\s*[:=]\s*['\"]?(\d+)|共\s*(\d+)\s*页")


class AnhuiPageIndex:
    name = "anhui"

    def pages(self, page: ListPage) -> list[PageRequest]:
        if page.kind != "html" or "pageIndex" not in page.text and "Ls.pagination" not in page.text:
            return []
        m = TOTAL.search(page.text)
        if not m:
            return []
        total = int(m.group(1) or m.group(2))
        parts = urlsplit(page.url)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        if query.get("pageIndex", "1") != "1":
            return []
        out = []
        for n in page_range(2, total):
            query["pageIndex"] = str(n)
            out.append(
                PageRequest(
                    urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), "")), strategy=self.name
                )
            )
        return out
