"""Hanweb/大汉 JCMS lists: records in `<script type="text/xml">` datastore CDATA on the column page,
further pages from `/module/web/jpage/dataproxy.jsp`.

POST form: `?startrecord=S&endrecord=E&perpage=P` with the `ajaxParam` fields of the page's
`jpage({...})` call; one call returns `groupSize` UI pages. Without a `jpage` config the
`<nextgroup>` GET link (`dataproxy.jsp?page=N&…`) is followed and the XML's `<totalpage>` decides
the rest. The records themselves are read by `discovery.links.text_anchors`.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from gxcrawl.discovery.links import loads_js_object
from gxcrawl.discovery.pagination.pager import page_range
from gxcrawl.discovery.pagination.types import ListPage, PageRequest

JPAGE = re.compile(r"\.jpage\(\s*(\{.*?\})\s*\)\s*;?", re.S)
NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[.*?href=['\"]([^'\"]+)['\"]", re.S | re.I)
TOTAL_RECORD = re.compile(r"totalRecord\s*[:=]\s*['\"]?(\d+)", re.I)
XML_TOTAL_PAGE = re.compile(r"<totalpage>\s*(\d+)\s*</totalpage>", re.I)
DEFAULT_PROXY = "/module/web/jpage/dataproxy.jsp"


class HanwebDataproxy:
    name = "hanweb"

    def pages(self, page: ListPage) -> list[PageRequest]:
        if page.kind == "xml":
            return self._from_xml(page)
        if page.kind != "html":
            return []
        m = JPAGE.search(page.text)
        if m:
            config = loads_js_object(m.group(1)) or {}
            return self._from_config(page, config)
        m = NEXTGROUP.search(page.text)
        if m:
            return [
                PageRequest(
                    urljoin(page.url, m.group(1).replace("&amp;", "&")),
                    expect="xml",
                    strategy=self.name,
                    state={"variant": "get"},
                )
            ]
        return []

    def _from_config(self, page: ListPage, config: dict[str, Any]) -> list[PageRequest]:
        total = _int(config.get("totalRecord"))
        if total is None:
            m = TOTAL_RECORD.search(page.text)
            total = int(m.group(1)) if m else None
        per_page = _int(config.get("perPage")) or 15
        group = _int(config.get("groupSize")) or 3
        if not total:
            return []
        proxy = urljoin(page.url, str(config.get("proxyUrl") or DEFAULT_PROXY))
        params = config.get("ajaxParam") or {}
        form = (
            tuple((str(k), "" if v is None else str(v)) for k, v in params.items()) if isinstance(params, dict) else ()
        )
        headers = (("X-Requested-With", "XMLHttpRequest"), ("Referer", page.url))
        step = per_page * group
        out = []
        for start in range(1, min(total, 200_000) + 1, step):
            end = min(start + step - 1, total)
            query = urlencode({"startrecord": start, "endrecord": end, "perpage": per_page})
            out.append(
                PageRequest(
                    f"{proxy}?{query}",
                    method="POST",
                    formdata=form,
                    headers=headers,
                    expect="xml",
                    strategy=self.name,
                    state={"variant": "post"},
                )
            )
        return out

    def _from_xml(self, page: ListPage) -> list[PageRequest]:
        if page.state.get("variant") != "get":
            return []  # POST groups were all requested from the column page
        m = XML_TOTAL_PAGE.search(page.text)
        if not m:
            return []
        parts = urlsplit(page.url)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        if "page" not in query:
            return []
        out = []
        current = query["page"]
        for n in page_range(1, int(m.group(1))):
            if str(n) == current:
                continue
            query["page"] = str(n)
            url = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
            if url:
                out.append(PageRequest(url, expect="xml", strategy=self.name, state={"variant": "get"}))
        return out


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None
