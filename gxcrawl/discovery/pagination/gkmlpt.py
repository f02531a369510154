"""Guangdong gkmlpt (政府信息公开目录管理平台): a Vue page whose `window._CONFIG` holds the site id
and the category tree; lists come from `GET /gkmlpt/api/all/<category>?page=<n>&sid=<SID>`
(JSON `{classify: {post_count}, articles: [{url, title, …}]}`, ~100 per page)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from gxcrawl.discovery.links import json_config
from gxcrawl.discovery.pagination.pager import page_range
from gxcrawl.discovery.pagination.types import ListPage, PageRequest

REPORT_NODE = re.compile(r"年报|年度报告")
API_PATH = re.compile(r"/gkmlpt/api/all/(\d+)")


def _walk(nodes: object) -> Iterator[dict[str, Any]]:
    if isinstance(nodes, list):
        for node in nodes:
            if isinstance(node, dict):
                yield node
                yield from _walk(node.get("children"))


class GkmlptApi:
    name = "gkmlpt"

    def pages(self, page: ListPage) -> list[PageRequest]:
        if page.kind == "json":
            return self._more(page)
        if page.kind != "html" or "_CONFIG" not in page.text:
            return []
        config = json_config(page.text, "window._CONFIG") or json_config(page.text, "_CONFIG")
        if not config:
            return []
        sid = str(config.get("SID") or config.get("sid") or "")
        wanted = [n for n in _walk(config.get("TREE")) if REPORT_NODE.search(str(n.get("name", "")))]
        out = []
        for node in wanted:
            if node.get("id") is None:
                continue
            base = _api_base(page.url)
            url = urljoin(base, f"api/all/{node['id']}?{urlencode({'page': 1, 'sid': sid})}")
            out.append(PageRequest(url, expect="json", strategy=self.name))
        return out

    def _more(self, page: ListPage) -> list[PageRequest]:
        data = page.data if isinstance(page.data, dict) else {}
        classify = data.get("classify")
        if not isinstance(classify, dict):
            classify = {}
        count = classify.get("post_count") or data.get("total")
        articles = data.get("articles") or []
        parts = urlsplit(page.url)
        query = dict(parse_qsl(parts.query))
        if not API_PATH.search(parts.path) or query.get("page", "1") != "1" or not count or not articles:
            return []
        per_page = max(len(articles), 1)
        out = []
        for n in page_range(2, math.ceil(int(count) / per_page)):
            query["page"] = str(n)
            out.append(
                PageRequest(
                    urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), "")),
                    expect="json",
                    strategy=self.name,
                )
            )
        return out


def _api_base(url: str) -> str:
    """`…/gkmlpt/index` -> `…/gkmlpt/` (the API sits beside the SPA page)."""
    parts = urlsplit(url)
    path = parts.path
    i = path.find("/gkmlpt/")
    path = path[: i + len("/gkmlpt/")] if i >= 0 else "/gkmlpt/"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))
