"""The fallback for every family: follow the pager's 下一页 / 下页 / > anchors."""

from __future__ import annotations

from urllib.parse import urljoin

from gxcrawl.discovery.links import element_text
from gxcrawl.discovery.pagination.types import ListPage, PageRequest

NEXT_TEXTS = frozenset({"下一页", "下页", "后页", "下一頁", ">", "›", "»", ">>", "next", "Next", "下一页>", "下一页 >"})


class NextLink:
    name = "next"

    def pages(self, page: ListPage) -> list[PageRequest]:
        if page.kind != "html" or page.tree is None:
            return []
        out = []
        for a in page.tree.iter("a"):
            href = (a.get("href") or "").strip()
            text = " ".join(element_text(a).split())
            if (
                href
                and not href.lower().startswith(("javascript:", "#"))
                and (text in NEXT_TEXTS or a.get("rel") == "next")
            ):
                url = urljoin(page.url, href)
                if url != page.url:
                    out.append(PageRequest(url, strategy=self.name))
        return out
