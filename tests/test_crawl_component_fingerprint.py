"""The request fingerprinter, in process (scrapy.utils.test.get_crawler) under a spider that is not the portals
spider: a column page's directory URL and its default documents share one key, so Scrapy's duplicate filter lets
one spelling through; POSTs to one URL stay apart by their bodies; a redirect's target keeps its own key; the
spellings held back are remembered per page (locally, or in Redis with a shared frontier)."""

from __future__ import annotations

from typing import Any

import scrapy
from scrapy.dupefilters import RFPDupeFilter
from scrapy.http import Request
from scrapy.utils.request import fingerprint
from scrapy.utils.test import get_crawler

from gxcrawl.crawl.fingerprint import MAX_SPELLINGS, PageKeyFingerprinter

COLUMN = "http://www.xs.gov.cn/zfxxgk/zfxxgknb/"
SEARCH = "http://www.xs.gov.cn/api/search"


class OtherSpider(scrapy.Spider):
    name = "other"


def _crawler(**settings: Any) -> Any:
    return get_crawler(OtherSpider, settings_dict={"REQUEST_FINGERPRINTER_CLASS": PageKeyFingerprinter, **settings})


def test_the_crawler_uses_it_and_one_page_has_one_key() -> None:
    crawler = _crawler()
    fingerprinter = crawler.request_fingerprinter
    assert isinstance(fingerprinter, PageKeyFingerprinter)
    key = fingerprinter.fingerprint(Request(COLUMN))
    assert key == fingerprint(Request(COLUMN))  # the directory spelling is Scrapy's own fingerprint
    assert fingerprinter.fingerprint(Request(COLUMN + "index.html")) == key
    assert fingerprinter.fingerprint(Request(COLUMN + "index.htm")) == key
    assert fingerprinter.fingerprint(Request(COLUMN + "index_1.html")) != key  # the list's next page
    assert fingerprinter.fingerprint(Request("http://www.xs.gov.cn/zfxxgk/")) != key


def test_posts_to_one_url_stay_apart_by_their_bodies() -> None:
    crawler = _crawler()
    dupefilter = RFPDupeFilter.from_crawler(crawler)
    first = Request(SEARCH, method="POST", body=b'{"page": 1}')
    assert not dupefilter.request_seen(first)
    assert not dupefilter.request_seen(Request(SEARCH, method="POST", body=b'{"page": 2}'))
    assert dupefilter.request_seen(Request(SEARCH, method="POST", body=b'{"page": 1}'))
    # a POST of a directory's default document is not folded into the directory's GET
    fingerprinter = crawler.request_fingerprinter
    post = Request(COLUMN + "index.html", method="POST", body=b"page=1")
    assert fingerprinter.fingerprint(post) != fingerprinter.fingerprint(Request(COLUMN))
    assert fingerprinter.other_spellings(COLUMN) == []  # and a POST is no spelling of the page


def test_a_redirect_target_keeps_its_own_key() -> None:
    crawler = _crawler()
    dupefilter = RFPDupeFilter.from_crawler(crawler)
    assert not dupefilter.request_seen(Request(COLUMN))
    # `…/zfxxgknb/` answered 302 -> `…/zfxxgknb/index.html`: the redirect must be followed, not filtered
    assert not dupefilter.request_seen(Request(COLUMN + "index.html", meta={"redirect_urls": [COLUMN]}))
    assert dupefilter.request_seen(Request(COLUMN + "index.html"))


def test_the_spellings_met_are_remembered_and_bounded() -> None:
    fingerprinter = _crawler().request_fingerprinter
    spellings = [COLUMN + name for name in ("index.html", "index.htm", "index.shtml", "default.htm", "default.html")]
    for url in spellings:
        fingerprinter.fingerprint(Request(url))
    kept = fingerprinter.other_spellings(COLUMN)
    assert kept == spellings[: MAX_SPELLINGS - 1]  # the directory itself counts as one of the page's spellings
    assert fingerprinter.other_spellings(COLUMN + "index.html") == [COLUMN, *spellings[1 : MAX_SPELLINGS - 1]]
    assert fingerprinter.other_spellings("http://www.xs.gov.cn/other/") == []


def test_a_shared_frontier_shares_the_spellings(redis_url: str) -> None:
    one = _crawler(GX_REDIS_URL=redis_url, GX_FRONTIER_NAME="component-fingerprint").request_fingerprinter
    two = _crawler(GX_REDIS_URL=redis_url, GX_FRONTIER_NAME="component-fingerprint").request_fingerprinter
    one.fingerprint(Request(COLUMN + "index.html"))
    # another process of the crawl meets a 404 on the directory: it learns the spelling the first one met
    assert two.other_spellings(COLUMN) == [COLUMN + "index.html"]
