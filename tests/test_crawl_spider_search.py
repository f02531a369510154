"""The spider's side of the site-search strategies: JSON POST pages become JsonRequests that Scrapy's duplicate
filter keeps apart page by page, registry search hints are requested at start, and no page request leaves the
portal's hosts."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from scrapy.dupefilters import RFPDupeFilter
from scrapy.http import JsonRequest
from scrapy.utils.test import get_crawler

from gxcrawl.discovery.pagination import ListPage, PageRequest, hint_requests, list_page_requests
from spiders.portals import PortalsSpider

ENTRY = "https://www.xs.gov.cn/"
IGS = {"api": "igs", "code": "17d1d69fedf", "data_type_id": "259"}


@pytest.fixture
def spider(tmp_path: Path) -> PortalsSpider:
    registry = tmp_path / "registry.json"
    registry.write_text(
        json.dumps(
            {
                "portals": [
                    {
                        "id": "xs",
                        "entry_urls": [ENTRY],
                        "allowed_hosts": ["www.xs.gov.cn", "xs.gov.cn"],
                        "cms": "trs",
                        "search": [IGS, {"api": "trs_open", "site_id": "13"}],
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    crawler = get_crawler(PortalsSpider)
    return PortalsSpider.from_crawler(crawler, registry=str(registry))


def _igs_pages(spider: PortalsSpider) -> list[PageRequest]:
    first = next(r for r in hint_requests(spider.portals[0].search) if r.strategy == "igs")
    items = [
        {"data": {"title": f"某局{i}2023年政府信息公开工作年度报告", "url": f"{ENTRY}a/{i}.html"}} for i in range(20)
    ]
    data = {"success": True, "data": {"pager": {"total": 50, "pageSize": 20}, "middle": {"listAndBox": items}}}
    page = ListPage(first.url, json.dumps(data), None, "json", data, {**first.state, "strategy": first.strategy})
    return [first, *list_page_requests(page, "trs")]


def test_json_pages_are_json_requests_and_the_dupefilter_keeps_them_apart(spider: PortalsSpider) -> None:
    pages = _igs_pages(spider)
    requests = spider._page_requests(pages, spider.portals[0], 0, ENTRY)
    assert [json.loads(r.body)["pageNo"] for r in requests] == [1, 2, 3]
    assert all(isinstance(r, JsonRequest) and r.method == "POST" for r in requests)
    assert all(
        r.headers[b"Content-Type"] == b"application/json" and r.headers[b"Referer"] == ENTRY.encode() for r in requests
    )
    assert {r.url for r in requests} == {"https://www.xs.gov.cn/irs/front/search"}
    assert all(json.loads(r.body) == p.json_body for r, p in zip(requests, pages, strict=True))
    # the answer comes back with the series state and the strategy that asked, so only IGS continues it
    assert all(r.meta["gx_state"]["strategy"] == "igs" and r.meta["gx_expect"] == "json" for r in requests)
    dupefilter = RFPDupeFilter()
    assert [dupefilter.request_seen(r) for r in requests] == [False, False, False]
    again = spider._page_requests(pages[:1], spider.portals[0], 0, ENTRY)
    assert dupefilter.request_seen(again[0])  # the same page asked from another page is dropped


def test_start_requests_the_registry_search_hints(spider: PortalsSpider) -> None:
    async def collect() -> list:
        return [r async for r in spider.start()]

    requests = asyncio.run(collect())
    assert requests[0].url == ENTRY
    searches = requests[1:]
    assert {r.meta["gx_state"]["strategy"] for r in searches} == {"igs", "trs_open"}
    assert all(r.meta["gx_role"] == "column" and r.meta["gx_expect"] == "json" for r in searches)
    igs = [r for r in searches if r.meta["gx_state"]["strategy"] == "igs"]
    assert igs and all(isinstance(r, JsonRequest) for r in igs)
    assert {json.loads(r.body)["searchWord"] for r in igs} == {"年度报告", "信息公开年报"}
    assert all(r.url.startswith("https://www.xs.gov.cn/trs-search/") for r in searches if r not in igs)


def test_page_requests_stay_on_the_portal(spider: PortalsSpider) -> None:
    off = PageRequest(
        "https://search.example.com/irs/front/search",
        method="POST",
        json_body={"pageNo": 1},
        expect="json",
        strategy="igs",
    )
    on = PageRequest(f"{ENTRY}zwgk/index_1.html", strategy="trs")
    assert [r.url for r in spider._page_requests([off, on], spider.portals[0], 0, ENTRY)] == [on.url]
    assert spider.crawler.stats.get_value("gx/pagination/offsite") == 1
