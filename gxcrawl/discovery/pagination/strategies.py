"""The strategy table: every pagination strategy by name, and the ones each CMS family tries first.

Several strategies may fire on one page (the registry's family hint is only a hint): their requests are merged
and the spider's duplicate filter drops repeats, and paging stops when a page yields no new items (deep TRS pages
are often stubs or 404s).
"""

from __future__ import annotations

from gxcrawl.discovery.pagination.anhui import AnhuiPageIndex
from gxcrawl.discovery.pagination.client_slice import ClientSlice
from gxcrawl.discovery.pagination.gkmlpt import GkmlptApi
from gxcrawl.discovery.pagination.hanweb import HanwebDataproxy
from gxcrawl.discovery.pagination.jpaas import JpaasUnit
from gxcrawl.discovery.pagination.nextlink import NextLink
from gxcrawl.discovery.pagination.search import SEARCH_STRATEGIES
from gxcrawl.discovery.pagination.shanghai import ShanghaiTotalPage
from gxcrawl.discovery.pagination.shtml import ShtmlListPages
from gxcrawl.discovery.pagination.trs import TrsCreatePageHtml
from gxcrawl.discovery.pagination.trsapi import TrsApiList
from gxcrawl.discovery.pagination.types import ListPage, PageRequest, PaginationStrategy, unique
from gxcrawl.discovery.pagination.vsb import VsbReversePages

_BY_NAME: dict[str, PaginationStrategy] = {
    s.name: s
    for s in (
        TrsCreatePageHtml(),
        ShanghaiTotalPage(),
        ShtmlListPages(),
        VsbReversePages(),
        HanwebDataproxy(),
        GkmlptApi(),
        JpaasUnit(),
        AnhuiPageIndex(),
        ClientSlice(),
        TrsApiList(),
        *SEARCH_STRATEGIES,
        NextLink(),
    )
}
# family -> its own mechanisms first; every other detector still runs after them (hints can be wrong)
STRATEGIES: dict[str | None, tuple[PaginationStrategy, ...]] = {
    "trs": (_BY_NAME["trs"],),
    "trs1": (_BY_NAME["trs"],),
    "shanghai": (_BY_NAME["shanghai"], _BY_NAME["trs"]),
    "shtml": (_BY_NAME["shtml"],),
    "vsb": (_BY_NAME["vsb"],),
    "hanweb": (_BY_NAME["hanweb"],),
    "gkmlpt": (_BY_NAME["gkmlpt"],),
    "jpaas": (_BY_NAME["jpaas"], _BY_NAME["hanweb"]),
    "anhui": (_BY_NAME["anhui"],),
    "client_slice": (_BY_NAME["client_slice"],),
    "ucap": (),
    "epoint": (),
    None: (),
}


def strategies_for(cms: str | None) -> tuple[PaginationStrategy, ...]:
    first = STRATEGIES.get(cms, ())
    return first + tuple(s for s in _BY_NAME.values() if s not in first)


def list_page_requests(page: ListPage, cms: str | None = None) -> list[PageRequest]:
    """Every strategy's requests for the other pages of this list, family strategies first, no repeats.

    A page answered for one strategy (an API page) is only continued by that strategy.
    """
    origin = page.state.get("strategy") if page.state else None
    chosen = [_BY_NAME[origin]] if origin in _BY_NAME else list(strategies_for(cms))
    return unique(request for strategy in chosen for request in strategy.pages(page))
