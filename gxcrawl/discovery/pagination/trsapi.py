"""TRS "trsapi" list widgets (the `list2.trsapi` module of TRS WCM sites, e.g. a provincial site family and its
bureaus): a column's first page is static HTML, every further page only comes from the widget, which POSTs a form
to the site's document search (`/fjdzapp/search` by default) and draws the rows it gets back.

The page configures the widget in script: `require(["list2.trsapi"], function (listModel) { listModel({channelid:
"229105", classsql: "chnlid=1813", prepage: 10, pagebar: {recordCount: "213"}, …}); })`. Sites write it as an
object literal, a JSON blob, `data-*` attributes on the list element or hidden inputs of a form; all are read.
The form the widget sends: `channelid` (the search index), `classsql` (the column filter, `chnlid=N`), `sortfield`,
`classcol`/`classnum`/`classsort`/`cache`/`templet` when configured, `page` (1-based) and `prepage` (page size).
The answer: `{data: [{doctitle, docpuburl, chnldocurl, docreltime}], pageCount, recordCount}` (older was5-style
answers: `{count, docs: [{title, url}]}`); hits go through the title classifier like any list row.

Paging: the total the page announces (`recordCount`) gives every page at once; the first answer's own total may
add pages (a page cached before new documents); without any total the pages are asked one at a time until a
short or empty page. Capped at the series' `max_pages`.
"""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import urljoin

from gxcrawl.discovery.links import loads_js_object
from gxcrawl.discovery.pagination.pager import page_range
from gxcrawl.discovery.pagination.search_common import (
    DEFAULT_MAX_PAGES,
    SearchApi,
    _close_brace,
    _open_brace,
    as_count,
    first_count,
    first_list,
    form_fields,
    next_pages,
)
from gxcrawl.discovery.pagination.types import ListPage, PageRequest

API_PATH = "/fjdzapp/search"


def _key(name: str) -> str:
    """A config key as compared: `recordCount`, `record-count` (a data-* attribute), `record_count` are one."""
    return name.lower().replace("-", "").replace("_", "")


MARKERS = ("trsapi", "classsql", "fjdzapp")
DEFAULT_PAGE_SIZE = 15
MAX_PAGE_SIZE = 100
# form fields the widget sends as configured (lower-cased key -> the field name); anything else stays out
FORM_KEYS = {
    _key(k): k
    for k in (
        "channelid",
        "classsql",
        "sortfield",
        "classcol",
        "classnum",
        "classsort",
        "cache",
        "templet",
        "searchword",
        "searchscope",
        "sortby",
    )
}
SIZE_KEYS = ("prepage", "pagesize", "perpage", "rows")
TOTAL_KEYS = ("recordcount", "totalrecord", "totalcount", "total", "count")
URL_KEYS = ("url", "api", "apiurl", "searchurl", "action", "requesturl")
HEADERS = (("X-Requested-With", "XMLHttpRequest"),)

_CONFIG_KEY = re.compile(r"""\b(classsql|channelid)\b['"]?\s*:""", re.I)


class TrsApiList(SearchApi):
    name = "trsapi"

    def mentions(self, text: str) -> bool:
        return any(marker in text for marker in MARKERS)

    def discover(self, page: ListPage) -> list[PageRequest]:
        out: list[PageRequest] = []
        for config in configs(page):
            out += self.requests_for(page.url, config)
        return out

    def requests_for(self, page_url: str, config: dict[str, object]) -> list[PageRequest]:
        """The first requests of one widget's series: every page when the config gives the total, else page 1."""
        form = {FORM_KEYS[k]: _scalar(v) for k, v in config.items() if k in FORM_KEYS and _scalar(v)}
        if not form.get("classsql") and _scalar(config.get("chnlid")):
            form["classsql"] = f"chnlid={_scalar(config['chnlid'])}"
        if not form.get("channelid") or not form.get("classsql"):
            return []  # no index or no column filter: not a list widget we can ask
        api = next(
            (str(config[k]) for k in URL_KEYS if isinstance(config.get(k), str) and "search" in str(config[k])),
            API_PATH,
        )
        size = next((as_count(config[k]) for k in SIZE_KEYS if as_count(config.get(k))), None)
        size = min(size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
        total = next((as_count(config[k]) for k in TOTAL_KEYS if as_count(config.get(k)) is not None), None)
        search = {
            "url": urljoin(page_url, api),
            "form": form,
            "size": size,
            "first": 1,
            "max_pages": DEFAULT_MAX_PAGES,
            "word": "",
        }
        if total is None:
            return [self.build(search, 1, False)]
        pages = math.ceil(total / size)
        if pages == 0:
            return []
        # the answer to page 1 may report a larger total (the page was cached): it continues from there
        return [self.build(search, n, False) for n in page_range(1, pages, limit=DEFAULT_MAX_PAGES)]

    def build(self, search: dict[str, Any], n: int, sequential: bool) -> PageRequest:
        form = {**search["form"], "page": str(n), "prepage": str(search["size"])}
        return PageRequest(
            search["url"],
            method="POST",
            formdata=tuple(sorted(form.items())),
            headers=HEADERS,
            expect="json",
            strategy=self.name,
            state=self.state(search, n, sequential),
        )

    def pages(self, page: ListPage) -> list[PageRequest]:
        if page.kind == "json":
            items, pages, total, size = self.read(page.data)
            return next_pages(page, items=items, pages=pages, total=total, size=size, build=self.build)
        return super().pages(page)

    @staticmethod
    def read(data: object) -> tuple[list[Any] | None, int | None, int | None, int | None]:
        """(items, page count, total, page size) of an answer; items None when it is no trsapi answer."""
        if not isinstance(data, dict):
            return None, None, None, None
        items = first_list(data, ("data",), ("docs",), ("datas",), ("data", "list"), ("data", "docs"), ("list",))
        pages = first_count(data, ("pageCount",), ("pagecount",), ("totalPage",), ("data", "pageCount"))
        total = first_count(
            data, ("recordCount",), ("recordcount",), ("total",), ("totalCount",), ("count",), ("data", "total")
        )
        size = first_count(data, ("prepage",), ("pageSize",), ("pagesize",))
        return items, pages, total, size or None


def configs(page: ListPage) -> list[dict[str, object]]:
    """Every widget config on the page, flattened to `_key` spellings (nested `pagebar: {…}` included)."""
    found: list[dict[str, object]] = []
    text = page.text
    for m in _CONFIG_KEY.finditer(text):
        literal = _outermost_object(text, m.start())
        if literal is not None and (value := _lenient_object(literal)):
            found.append(value)
    if page.tree is not None:
        for node in page.tree.iter():
            if not isinstance(node.tag, str):
                continue
            data: dict[str, object] = {_key(k[5:]): v for k, v in node.attrib.items() if k.lower().startswith("data-")}
            if "classsql" in data or ("channelid" in data and "chnlid" in data):
                found.append(data)
        for form in page.tree.iter("form"):
            fields = {_key(k): v for k, v in form_fields(form).items()}
            if "classsql" in fields:
                found.append({**fields, "action": form.get("action") or API_PATH})
    unique: dict[tuple[tuple[str, str], ...], dict[str, object]] = {}
    for config in found:
        unique.setdefault(tuple(sorted((k, str(v)) for k, v in config.items())), config)
    return list(unique.values())


def _scalar(value: object) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def _flatten(value: dict[str, Any]) -> dict[str, object]:
    """The keys (`_key` spelling) of an object and of the objects inside it (the outer one wins on a clash)."""
    out: dict[str, object] = {}
    nested: list[dict[str, Any]] = []
    for key, item in value.items():
        if isinstance(item, dict):
            nested.append(item)
        else:
            out.setdefault(_key(str(key)), item)
    for item in nested:
        for key, inner in _flatten(item).items():
            out.setdefault(key, inner)
    return out


def _outermost_object(text: str, pos: int) -> str | None:
    """The outermost object literal around `pos` (a config nests `pagebar: {…}`); a function body's brace (after
    `)` or `=>`) or a script block ends the walk outwards."""
    best: str | None = None
    start = pos
    for _ in range(4):
        start = _open_brace(text, start)
        if start < 0:
            break
        before = text[max(0, start - 20) : start].rstrip()
        if best is not None and not before.endswith(("(", ":", ",", "=", "[")) or before.endswith("=>"):
            break
        end = _close_brace(text, start)
        if end < 0:
            break
        best = text[start : end + 1]
    return best


_PAIR = re.compile(
    r"""["']?([A-Za-z_$][\w$-]*)["']?\s*:\s*(?:"((?:\\.|[^"\\])*)"|'((?:\\.|[^'\\])*)'|(-?\d+(?:\.\d+)?)\b)"""
)


def _lenient_object(literal: str) -> dict[str, object]:
    """The config: JSON or a JS object literal; one with callbacks in it read as its `key: value` pairs of plain
    strings and numbers (the first spelling of a key wins, so the outer object's own keys come first)."""
    value = loads_js_object(literal)
    if value is not None:
        return _flatten(value)
    out: dict[str, object] = {}
    for m in _PAIR.finditer(literal):
        key, double, single, number = m.groups()
        out.setdefault(_key(key), double if double is not None else single if single is not None else number)
    return out
