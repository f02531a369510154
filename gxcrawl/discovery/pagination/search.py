"""Site-search APIs as list sources (docs/portals.md, "Site-search APIs"): many portals draw their 信息公开 lists,
often a JS-only
年报 column, from the site search, and a search for report-title words reaches reports no page links.

Four strategies, one per API: TRS IGS (`igs`), TRS openSearch (`trs_open`), Kaipuyun search5 (`search5`) and the
gov.cn policy library (`govcn`). Each fires when a page reveals its API (a list widget's JS config, the header
search box) and from a registry entry's `search` hint (`hint_requests`); the hits go through the spider's title
classifier like any list's links. The spider also asks entry and 信息公开 pages (`search_requests`), where the
search box usually is.
"""

from __future__ import annotations

from collections.abc import Iterable

from gxcrawl.discovery.pagination.govcn import GovcnPolicyLibrary
from gxcrawl.discovery.pagination.igs import TrsIgsSearch
from gxcrawl.discovery.pagination.kaipuyun import KaipuyunSearch5
from gxcrawl.discovery.pagination.trs_open import TrsOpenSearch
from gxcrawl.discovery.pagination.types import ListPage, PageRequest, unique
from gxcrawl.discovery.registry import SearchHint

SEARCH_STRATEGIES = (TrsIgsSearch(), TrsOpenSearch(), KaipuyunSearch5(), GovcnPolicyLibrary())
_BY_API = {s.name: s for s in SEARCH_STRATEGIES}


def search_requests(page: ListPage) -> list[PageRequest]:
    """The searches an HTML page reveals (its search box, a list widget's config), no repeats."""
    return unique(request for strategy in SEARCH_STRATEGIES for request in strategy.pages(page))


def hint_requests(hints: Iterable[SearchHint]) -> list[PageRequest]:
    """First pages of the searches a registry entry names (its `search` field)."""
    return unique(request for hint in hints for request in _BY_API[hint.api].from_hint(hint))
