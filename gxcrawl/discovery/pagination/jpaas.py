"""Hanweb JPaaS "page-build units" (Zhejiang): the column page is an empty shell with a
`<script … unitbuild.js url="…" queryData="…">` tag; the list is `GET …/front/page/build/unit?…&paramJson=
{"pageNo":N,"pageSize":15}` -> `{"success":true,"data":{"html":"<ul>…</ul>"}}`, paged until the first
empty `data.html`."""

from __future__ import annotations

import html
import json
from typing import Any
from urllib.parse import urlencode, urljoin

from gxcrawl.discovery.links import loads_js_object, text_anchors
from gxcrawl.discovery.pagination.types import ListPage, PageRequest

DEFAULT_UNIT_URL = "/api-gateway/jpaas-publish-server/front/page/build/unit"


def unit_request(base_url: str, api: str, params: dict[str, Any], page_no: int, page_size: int) -> PageRequest:
    query = dict(params)
    query["paramJson"] = json.dumps({"pageNo": page_no, "pageSize": page_size}, separators=(",", ":"))
    url = f"{urljoin(base_url, api)}?{urlencode(query)}"
    return PageRequest(
        url,
        expect="json",
        strategy="jpaas",
        state={"api": api, "params": params, "pageNo": page_no, "pageSize": page_size, "base": base_url},
    )


class JpaasUnit:
    name = "jpaas"

    def pages(self, page: ListPage) -> list[PageRequest]:
        if page.kind == "json":
            return self._next(page)
        if page.kind != "html" or page.tree is None or "unitbuild" not in page.text:
            return []
        out = []
        for script in page.tree.xpath("//script[contains(@src,'unitbuild')]"):
            attrs = {k.lower(): v for k, v in script.attrib.items()}
            api = attrs.get("url") or DEFAULT_UNIT_URL
            raw = html.unescape(attrs.get("querydata") or "{}")
            params = loads_js_object(raw) or {}
            params = {str(k): str(v) for k, v in params.items() if k != "paramJson"}
            params.setdefault("parseType", "bulidstatic")
            page_size = int(attrs.get("pagesize") or 15)
            out.append(unit_request(page.url, api, params, 1, page_size))
        return out

    def _next(self, page: ListPage) -> list[PageRequest]:
        state = page.state
        if state.get("api") is None or not isinstance(page.data, dict):
            return []
        data = page.data.get("data")
        fragment = data.get("html") if isinstance(data, dict) else None
        if not fragment or not any(True for _ in text_anchors(f"<![CDATA[{fragment}]]>", page.url)):
            return []  # first empty page: the list has ended
        return [
            unit_request(state["base"], state["api"], state["params"], int(state["pageNo"]) + 1, int(state["pageSize"]))
        ]
