"""One request key per column page: a directory URL and its default document are one page.

A list column is linked both as `…/zfxxgknb/` (menus, the 信息公开 page) and as `…/zfxxgknb/index.html` (its own
pager's 首页, breadcrumbs); web servers answer the directory with that same file. `page_key_url` spells both as the
directory, so a crawler that keys its requests on it fetches the column once, by whichever spelling it met first.
Only where the answer is the same document: a default document name (`index.html`, `index.htm`, `index.shtml`,
`default.htm`, `default.html`) directly under a directory, without a query. The host root is left alone (`/` is
often a splash or a redirect to `/index.html`, another page), and so is any other name (`index_1.html` is page 2;
`list.html` need not be the directory's document).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

DEFAULT_DOCUMENTS = frozenset(("index.html", "index.htm", "index.shtml", "default.htm", "default.html"))


def page_key_url(url: str) -> str:
    """The URL's spelling as a request key: `…/dir/index.html` -> `…/dir/`; every other URL unchanged."""
    parts = urlsplit(url)
    if parts.query:
        return url
    head, _, name = parts.path.rpartition("/")
    if not head or name.lower() not in DEFAULT_DOCUMENTS:
        return url
    return urlunsplit((parts.scheme, parts.netloc, head + "/", "", ""))
