"""TRS IGS site search (docs/portals.md, "Site-search APIs"): `POST /irs/front/search` with a JSON body
`{code, dataTypeId, searchWord, orderBy, searchBy, pageNo, pageSize, granularity, …}` answering
`{success, data: {pager: {pageNo, pageSize, total, pageCount}, middle: {listAndBox: [{data: {title, titleO, url,
docDate}}]}}}` (older variants: `data.middle.list[]`, top-level `resultDocs[]` with `totalHits`).

Pages reveal it two ways: a list widget's JS config (`{code: "…", dataTypeId: "…", customFilter: {…}, …}`,
often a JS-only 年报 column) and the header search box (`<form action="/irs-c-web/search.shtml">` with hidden
`code` / `dataTypeId` inputs). `orderBy` and `searchBy` are mandatory: without them IGS answers
`{"success": false, "msg": "排序方式不能为空！"}` with HTTP 200.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from gxcrawl.discovery.pagination.search_common import (
    SearchApi,
    as_count,
    first_count,
    first_list,
    form_fields,
    hint_words,
    query_of,
    script_objects,
    words_for,
)
from gxcrawl.discovery.pagination.types import ListPage, PageRequest
from gxcrawl.discovery.registry import SEARCH_APIS, SearchHint

API_PATH = SEARCH_APIS["igs"][1]  # the registry's default endpoint for this api
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 50  # 10/20/30/50 are what IGS front-ends send
# body fields a page's config may set (IGS spells them in camelCase); anything else (callbacks, element ids) stays out
BODY_KEYS = {
    k.lower(): k
    for k in (
        "code",
        "dataTypeId",
        "tenantId",
        "configCode",
        "codes",
        "searchBy",
        "orderBy",
        "granularity",
        "customFilter",
        "filters",
        "appendixType",
        "beginDateTime",
        "endDateTime",
        "isSearchForced",
        "sign",
    )
}
DEFAULTS: dict[str, Any] = {
    "orderBy": "time",
    "searchBy": "title",
    "granularity": "ALL",
    "beginDateTime": "",
    "endDateTime": "",
    "isSearchForced": 0,
    "filters": [],
}


def _page_size(value: object) -> int:
    size = as_count(value)
    return min(size, MAX_PAGE_SIZE) if size else DEFAULT_PAGE_SIZE


class TrsIgsSearch(SearchApi):
    name = "igs"

    def mentions(self, text: str) -> bool:
        return "dataTypeId" in text or API_PATH in text

    def discover(self, page: ListPage) -> list[PageRequest]:
        out: list[PageRequest] = []
        for config in script_objects(page.text, "dataTypeId"):
            out += self._from_config(page.url, config)
        if page.tree is not None:
            out += self._from_forms(page)
        return out

    def from_hint(self, hint: SearchHint) -> list[PageRequest]:
        body = {**DEFAULTS, "code": hint.param("code"), "dataTypeId": hint.param("data_type_id")}
        body["searchBy"] = hint.param("search_by", body["searchBy"])
        body["orderBy"] = hint.param("order_by", body["orderBy"])
        return self.start(hint.url, body, hint_words(hint), _page_size(hint.page_size), hint.max_pages)

    def start(
        self, url: str, body: dict[str, Any], words: tuple[str, ...], size: int, max_pages: int | None = None
    ) -> list[PageRequest]:
        return self.series(words, max_pages, url=url, body=body, size=size)

    def build(self, search: dict[str, Any], n: int, sequential: bool) -> PageRequest:
        body = {**search["body"], "searchWord": search["word"], "pageNo": n, "pageSize": search["size"]}
        return PageRequest(
            search["url"],
            method="POST",
            json_body=body,
            expect="json",
            strategy=self.name,
            state=self.state(search, n, sequential),
        )

    @staticmethod
    def read(data: object) -> tuple[list[Any] | None, int | None, int | None, int | None]:
        """(items, page count, total, page size) of an answer; items None when it is no IGS answer."""
        if not isinstance(data, dict) or data.get("success") is False or data.get("ok") is False:
            return None, None, None, None
        items = first_list(
            data,
            ("data", "middle", "listAndBox"),
            ("data", "middle", "list"),
            ("resultDocs",),
            ("data", "list"),
            ("data", "resultDocs"),
        )
        pages = first_count(data, ("data", "pager", "pageCount"), ("data", "pager", "totalPage"), ("pageCount",))
        total = first_count(data, ("data", "pager", "total"), ("data", "total"), ("totalHits",), ("total",))
        size = first_count(data, ("data", "pager", "pageSize"), ("pageSize",))
        return items, pages, total, size or None

    def _from_config(self, page_url: str, config: dict[str, Any]) -> list[PageRequest]:
        keys = {str(k).lower(): v for k, v in config.items()}
        if not str(keys.get("code") or "").strip():
            return []
        api = next(
            (
                str(keys[k])
                for k in ("url", "api", "apiurl", "searchurl", "action")
                if isinstance(keys.get(k), str) and "irs" in str(keys[k])
            ),
            API_PATH,
        )
        body = dict(DEFAULTS)
        body.update({BODY_KEYS[k]: v for k, v in keys.items() if k in BODY_KEYS and v is not None})
        filtered = bool(body.get("customFilter")) or bool(body.get("filters"))
        words = words_for(keys.get("searchword"), filtered=filtered)
        return self.start(urljoin(page_url, api), body, words, _page_size(keys.get("pagesize")))

    def _from_forms(self, page: ListPage) -> list[PageRequest]:
        """The search box: a form (or a link to the search page) carrying `code` and `dataTypeId`."""
        out: list[PageRequest] = []
        found: list[tuple[str, dict[str, str]]] = []
        for form in page.tree.iter("form"):  # type: ignore[union-attr]
            found.append((urljoin(page.url, form.get("action") or page.url), form_fields(form)))
        for node in page.tree.iter("a", "iframe"):  # type: ignore[union-attr]
            target = node.get("href") or node.get("src") or ""
            if "dataTypeId" in target:
                found.append((urljoin(page.url, target), query_of(urljoin(page.url, target))))
        for action, fields in found:
            if not fields.get("code") or "dataTypeId" not in fields:
                continue
            body = {**DEFAULTS, "code": fields["code"], "dataTypeId": fields["dataTypeId"]}
            out += self.start(urljoin(action, API_PATH), body, words_for("", filtered=False), DEFAULT_PAGE_SIZE)
        return out
