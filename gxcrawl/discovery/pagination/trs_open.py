"""TRS openSearch, the 政务公开 (信息公开目录) search of some TRS sites (docs/portals.md, "Site-search APIs"):
`GET /trs-search/trssearch/openSearch/getZwgkList?keywords=&position=0&siteId=13&pageNum=1` answering
`{msg, state: 200, data: {total, data: [{gk_doctitle, docpuburl, docpubtime}], pageSize, pageNum}}`; titles
carry `<em>` highlights. `position=0` searches the full text. The server picks the page size and reports it.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from gxcrawl.discovery.pagination.search_common import (
    SearchApi,
    first_count,
    first_list,
    hint_words,
    quoted_endpoints,
    words_for,
)
from gxcrawl.discovery.pagination.types import ListPage, PageRequest
from gxcrawl.discovery.registry import SearchHint

MARKER = "openSearch/getZwgkList"
SITE_ID = re.compile(r"""\bsiteId\b['"]?\s*[:=]\s*['"]?([\w-]+)""")
PAGING_KEYS = ("keywords", "pageNum")


class TrsOpenSearch(SearchApi):
    name = "trs_open"
    marker = MARKER

    def discover(self, page: ListPage) -> list[PageRequest]:
        out: list[PageRequest] = []
        for api, found in quoted_endpoints(page, MARKER):
            query = {k: v for k, v in found.items() if k not in PAGING_KEYS}
            if not query.get("siteId"):
                m = SITE_ID.search(page.text)
                if not m:
                    continue  # without the site id the API answers nothing useful; never guess one
                query["siteId"] = m.group(1)
            query.setdefault("position", "0")
            out += self.start(api, query, words_for(found.get("keywords")), None)
        return out

    def from_hint(self, hint: SearchHint) -> list[PageRequest]:
        query = {"position": hint.param("position", "0"), "siteId": hint.param("site_id")}
        return self.start(hint.url, query, hint_words(hint), hint.page_size, hint.max_pages)

    def start(
        self, url: str, query: dict[str, Any], words: tuple[str, ...], size: int | None, max_pages: int | None = None
    ) -> list[PageRequest]:
        return self.series(words, max_pages, url=url, query=query, size=size)

    def build(self, search: dict[str, Any], n: int, sequential: bool) -> PageRequest:
        query = {"keywords": search["word"], **search["query"], "pageNum": n}
        if search.get("size"):
            query["pageSize"] = search["size"]
        return PageRequest(
            f"{search['url']}?{urlencode(query)}",
            expect="json",
            strategy=self.name,
            state=self.state(search, n, sequential),
        )

    @staticmethod
    def read(data: object) -> tuple[list[Any] | None, int | None, int | None, int | None]:
        if not isinstance(data, dict) or str(data.get("state", 200)) != "200":
            return None, None, None, None
        items = first_list(data, ("data", "data"), ("data", "list"))
        total = first_count(data, ("data", "total"), ("total",))
        pages = first_count(data, ("data", "totalPage"), ("data", "pages"))
        size = first_count(data, ("data", "pageSize"))
        return items, pages, total, size or None
