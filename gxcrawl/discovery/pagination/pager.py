"""How static list pagers name and number their pages: sibling files of the first page, page ranges with a cap."""

from __future__ import annotations

import posixpath
from urllib.parse import urljoin, urlsplit, urlunsplit


def directory_of(url: str) -> str:
    """`…/zfxxgknb/index.html` and `…/zfxxgknb/` both give `…/zfxxgknb/`."""
    parts = urlsplit(url)
    path = parts.path if parts.path.endswith("/") else posixpath.dirname(parts.path) + "/"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def sibling(url: str, name: str) -> str:
    return urljoin(directory_of(url), name)


def page_range(first: int, last: int, *, limit: int = 2000) -> range:
    """Pages first..last inclusive, capped: a pager announcing 10^6 pages is a bug, not a plan."""
    return range(first, min(last, first + limit - 1) + 1)
