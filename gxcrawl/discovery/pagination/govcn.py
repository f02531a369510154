"""The gov.cn policy library (docs/portals.md, "Site-search APIs"): `GET https://sousuo.www.gov.cn/search-gov/data?t=zhengcelibrary_gw
&q=<word>&searchfield=title&sort=pubtime&sortType=1&p=<page>&n=<size>` answering `{code, searchVO: {listVO: [{title,
url, pcode, puborg, pubtime}], totalCount, totalpage}}` (titles with `<em>`; `code` 1001 = no result). The
library UI is an SPA, so the API is the way in; `t` names the library.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from gxcrawl.discovery.pagination.search_common import (
    SearchApi,
    dig,
    first_count,
    first_list,
    hint_words,
    quoted_endpoints,
    words_for,
)
from gxcrawl.discovery.pagination.types import ListPage, PageRequest
from gxcrawl.discovery.registry import SearchHint

MARKER = "search-gov/data"
DEFAULT_PAGE_SIZE = 50
KEPT = ("t", "searchfield", "sort", "sortType", "type")  # what a page's own library link fixes


class GovcnPolicyLibrary(SearchApi):
    name = "govcn"
    marker = MARKER

    def discover(self, page: ListPage) -> list[PageRequest]:
        out: list[PageRequest] = []
        for api, query in quoted_endpoints(page, MARKER):
            if not query.get("t"):
                continue  # the library is not named: no series to start
            fixed = {
                "searchfield": "title",
                "sort": "pubtime",
                "sortType": "1",
                **{k: query[k] for k in KEPT if query.get(k)},
            }
            out += self.start(api, fixed, words_for(query.get("q")), DEFAULT_PAGE_SIZE)
        return out

    def from_hint(self, hint: SearchHint) -> list[PageRequest]:
        fixed = {
            "t": hint.param("library"),
            "searchfield": hint.param("search_field", "title"),
            "sort": "pubtime",
            "sortType": "1",
        }
        return self.start(hint.url, fixed, hint_words(hint), hint.page_size or DEFAULT_PAGE_SIZE, hint.max_pages)

    def start(
        self, url: str, fixed: dict[str, Any], words: tuple[str, ...], size: int, max_pages: int | None = None
    ) -> list[PageRequest]:
        return self.series(words, max_pages, url=url, fixed=fixed, size=size)

    def build(self, search: dict[str, Any], n: int, sequential: bool) -> PageRequest:
        query = {**search["fixed"], "q": search["word"], "p": n, "n": search["size"]}
        return PageRequest(
            f"{search['url']}?{urlencode(query)}",
            expect="json",
            strategy=self.name,
            state=self.state(search, n, sequential),
        )

    @staticmethod
    def read(data: object) -> tuple[list[Any] | None, int | None, int | None, int | None]:
        if not isinstance(data, dict):
            return None, None, None, None
        if str(data.get("code", "")) == "1001":
            return [], 0, 0, None  # 抱歉，没有找到相关结果
        items = first_list(data, ("searchVO", "listVO"), ("listVO",))
        if items is None and isinstance(dig(data, "searchVO", "catMap"), dict):
            # the all-library variant groups hits per category, each with its own listVO
            items = [
                hit
                for cat in data["searchVO"]["catMap"].values()
                if isinstance(cat, dict)
                for hit in (cat.get("listVO") or [])
            ]
        total = first_count(data, ("searchVO", "totalCount"), ("totalCount",))
        pages = first_count(data, ("searchVO", "totalpage"), ("totalpage",))
        return items, pages, total, None
