"""Shanghai portal year archives: `index.html`, `index_2.html` … (1-based), total from `totalPage: N`
or `.pagination("setPage", cur, total)`."""

from __future__ import annotations

import re

from gxcrawl.discovery.pagination.pager import page_range, sibling
from gxcrawl.discovery.pagination.types import ListPage, PageRequest

TOTAL = re.compile(r"""totalPage\s*[:=]\s*['"]?(\d+)|setPage['"]\s*,\s*\d+\s*,\s*(\d+)""")


class ShanghaiTotalPage:
    name = "shanghai"

    def pages(self, page: ListPage) -> list[PageRequest]:
        if page.kind != "html" or "createPageHTML" in page.text:
            return []
        m = TOTAL.search(page.text)
        if not m:
            return []
        total = int(m.group(1) or m.group(2))
        ext = "shtml" if ".shtml" in page.url else "html"
        return [PageRequest(sibling(page.url, f"index_{k}.{ext}"), strategy=self.name) for k in page_range(2, total)]
