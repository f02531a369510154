"""VSB/博达 reverse-numbered lists.

With T pages, the newest page is `<column>.htm` and UI page k ≥ 2 is `<column>/<T−k+1>.htm`, so
`1.htm` is the oldest page. The total comes from `<span class="p_t">1/T</span>`; the pager's own
links are followed too, because the numbering shifts whenever T grows.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from gxcrawl.discovery.pagination.pager import page_range
from gxcrawl.discovery.pagination.types import ListPage, PageRequest

P_T = re.compile(r"""class=["']?p_t["']?[^>]*>\s*(\d+)\s*/\s*(\d+)\s*<""")
COLUMN_PAGE = re.compile(r"^(?P<dir>.*/)(?P<col>[^/]+)\.htm$")


class VsbReversePages:
    name = "vsb"

    def pages(self, page: ListPage) -> list[PageRequest]:
        if page.kind != "html" or "p_pages" not in page.text and "p_t" not in page.text:
            return []
        out: list[str] = []
        if page.tree is not None:
            for a in page.tree.xpath("//*[contains(@class,'p_pages') or contains(@class,'pb_sys')]//a[@href]"):
                out.append(urljoin(page.url, a.get("href")))
        m = P_T.search(page.text)
        parts = urlsplit(page.url)
        col = COLUMN_PAGE.match(parts.path)
        if m and col and int(m.group(1)) == 1 and not col.group("col").isdigit():
            total = int(m.group(2))
            base = f"{col.group('dir')}{col.group('col')}/"
            out += [
                urlunsplit((parts.scheme, parts.netloc, f"{base}{k}.htm", "", "")) for k in page_range(1, total - 1)
            ]
        return [PageRequest(u, strategy=self.name) for u in dict.fromkeys(out) if u != page.url]
