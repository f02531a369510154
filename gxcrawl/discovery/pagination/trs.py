"""TRS WCM pagers: `createPageHTML(...)` in its site-specific signatures and the inline `countPage` form.

0-based: `index.html`, `index_1.html` … `index_{N-1}.html`; 1-based (page.js 'paging' form,
Shanghai): `index.html`, `index_2.html` … `index_N.html`.
When the signature does not say, the static fallback pager decides; if that is missing too,
both conventions are requested (one extra 404 at most).
"""

from __future__ import annotations

import re

from gxcrawl.discovery.pagination.pager import page_range, sibling
from gxcrawl.discovery.pagination.types import ListPage, PageRequest

_Q = r"""\s*['"]([\w\-]+)['"]\s*"""
# createPageHTML(N, cur, "index", "html"[, ...]) — 0-based
CLASSIC = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,(?:" + _Q + r"),(?:" + _Q + r")")
# createPageHTML('paging', N, cur, 'index', 'html', count) — 1-based
PAGING = re.compile(r"createPageHTML\(" + _Q + r",\s*(\d+)\s*,\s*(\d+)\s*,(?:" + _Q + r"),(?:" + _Q + r")")
# Beijing: createPageHTML(totalRecords, totalPages, current, "index", "html") — 0-based
THREE = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,(?:" + _Q + r"),(?:" + _Q + r")")
COUNT_PAGE = re.compile(r"(?:var\s+)?countPage\s*=\s*(\d+)")
STATIC_PAGE = re.compile(r"""\b(index|list)_(\d+)\.(s?html?)\b""")


def _names(prefix: str, ext: str, pages: range) -> list[str]:
    return [f"{prefix}_{k}.{ext}" for k in pages]


class TrsCreatePageHtml:
    name = "trs"

    def pages(self, page: ListPage) -> list[PageRequest]:
        if page.kind != "html":
            return []
        text = page.text
        names: list[str] = []
        # the patterns only after a plain substring test: COUNT_PAGE has no literal prefix for the regex engine
        # to skip ahead on, and report pages are long
        pager = "createPageHTML" in text
        if pager and (m := PAGING.search(text)):
            total, prefix, ext = int(m.group(2)), m.group(4), m.group(5)
            names = _names(prefix, ext, page_range(2, total))
        elif pager and (m := THREE.search(text)):
            total, prefix, ext = int(m.group(2)), m.group(4), m.group(5)
            names = _names(prefix, ext, page_range(1, total - 1))
        elif pager and (m := CLASSIC.search(text)):
            total, prefix, ext = int(m.group(1)), m.group(3), m.group(4)
            names = _names(prefix, ext, page_range(1, total - 1))
        elif "countPage" in text and (m := COUNT_PAGE.search(text)):
            total = int(m.group(1))
            static = [(p, int(n), e) for p, n, e in STATIC_PAGE.findall(text)]
            prefix, ext = (static[0][0], static[0][2]) if static else ("index", _ext_of(page.url))
            highest = max((n for _, n, _ in static), default=None)
            if highest == total - 1:
                names = _names(prefix, ext, page_range(1, total - 1))
            elif highest == total:
                names = _names(prefix, ext, page_range(2, total))
            else:  # the pager does not say which convention: ask for both
                names = _names(prefix, ext, page_range(1, total))
        return [PageRequest(sibling(page.url, n), strategy=self.name) for n in names]


def _ext_of(url: str) -> str:
    m = re.search(r"\.(s?html?)(?:$|\?)", url)
    return m.group(1) if m else "html"
