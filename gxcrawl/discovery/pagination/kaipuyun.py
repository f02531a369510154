"""Kaipuyun (开普云) search5 (docs/portals.md, "Site-search APIs"): `POST /search5/search/s` with a form
`siteCode, searchWord, pageSize, pageNum, …` answering `{searchResultAll: {total, searchTotal: [{title, url,
pubDate}]}}`; titles carry highlight markup. The site code sits in the search box's hidden input
(`<input name="siteCode" value="4690050001">`) or the search page's `var param = {siteCode: …}`.

Sites disagree on whether `pageNum` starts at 0 or 1, so a series starts at 1 and also asks for page 0 and
one page past the reported end (one or two extra requests, no missed page).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from gxcrawl.discovery.pagination.search_common import (
    SearchApi,
    as_count,
    first_count,
    first_list,
    form_fields,
    hint_words,
    script_objects,
    words_for,
)
from gxcrawl.discovery.pagination.types import ListPage, PageRequest
from gxcrawl.discovery.registry import SEARCH_APIS, SearchHint

MARKER = "search5"
API_PATH = SEARCH_APIS["search5"][1]  # the registry's default endpoint for this api
DEFAULT_PAGE_SIZE = 20
# the 政府网站找错 script's sitecode is the 网站标识码, which Kaipuyun sites also use as their search siteCode
JIUCUO_CODE = re.compile(r"""\bsitecode\s*=\s*["']([\w-]+)["']""", re.I)
FORM_KEYS = ("column", "uc", "left_right_index", "orderBy", "wordPlace", "searchSiteName", "indexCode")


def _api(action: str) -> str:
    """`…/search5/html/searchResult_x.html` -> `…/search5/search/s`; any other action -> its host's /search5/."""
    parts = urlsplit(action)
    i = parts.path.find("/search5/")
    path = parts.path[:i] + API_PATH if i >= 0 else API_PATH
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


class KaipuyunSearch5(SearchApi):
    name = "search5"
    marker = MARKER

    def discover(self, page: ListPage) -> list[PageRequest]:
        found: dict[tuple[str, str], dict[str, str]] = {}
        if page.tree is not None:
            for form in page.tree.iter("form"):
                fields = form_fields(form)
                if fields.get("siteCode"):
                    action = urljoin(page.url, form.get("action") or page.url)
                    found.setdefault((_api(action), fields["siteCode"]), fields)
        for config in script_objects(page.text, "siteCode"):
            if str(config.get("siteCode") or "").strip():
                fields = {str(k): str(v) for k, v in config.items() if isinstance(v, (str, int))}
                found.setdefault((_api(page.url), fields["siteCode"]), fields)
        if not found and (m := JIUCUO_CODE.search(page.text)):
            found[(_api(page.url), m.group(1))] = {"siteCode": m.group(1)}
        out: list[PageRequest] = []
        for (api, code), fields in found.items():
            extra = {k: fields[k] for k in FORM_KEYS if k in fields}
            size = as_count(fields.get("pageSize")) or DEFAULT_PAGE_SIZE
            out += self.start(api, code, extra, words_for(fields.get("searchWord")), size)
        return out

    def from_hint(self, hint: SearchHint) -> list[PageRequest]:
        extra = {"column": hint.param("column")} if hint.param("column") else {}
        return self.start(
            hint.url,
            hint.param("site_code"),
            extra,
            hint_words(hint),
            hint.page_size or DEFAULT_PAGE_SIZE,
            hint.max_pages,
        )

    def start(
        self,
        url: str,
        site_code: str,
        extra: dict[str, Any],
        words: tuple[str, ...],
        size: int,
        max_pages: int | None = None,
    ) -> list[PageRequest]:
        # sites number search5 pages from 0 or from 1: next_pages asks for page 0 and one past the end too
        return self.series(words, max_pages, url=url, siteCode=site_code, extra=extra, size=size, base_known=False)

    def build(self, search: dict[str, Any], n: int, sequential: bool) -> PageRequest:
        form = {
            **search["extra"],
            "siteCode": search["siteCode"],
            "searchWord": search["word"],
            "pageSize": str(search["size"]),
            "pageNum": str(n),
        }
        return PageRequest(
            search["url"],
            method="POST",
            formdata=tuple(form.items()),
            expect="json",
            strategy=self.name,
            state=self.state(search, n, sequential),
        )

    @staticmethod
    def read(data: object) -> tuple[list[Any] | None, int | None, int | None, int | None]:
        if not isinstance(data, dict):
            return None, None, None, None
        items = first_list(data, ("searchResultAll", "searchTotal"), ("searchResult", "searchTotal"))
        total = first_count(data, ("searchResultAll", "total"), ("total",))
        pages = first_count(data, ("searchResultAll", "totalPage"), ("totalPage",))
        return items, pages, total, None
