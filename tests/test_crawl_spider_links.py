"""Per-page work is bounded: a page with more links than GX_MAX_LINKS_PER_PAGE is still handled, on its first
links, and says so in a stat; a big page is read off the reactor thread with the same outcome. (Linearity itself
is measured by bench/links.py, not asserted here.)"""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

import spiders.portals as portals_module
from gxcrawl.discovery.links import capped_text, html_anchors
from spiders.portals import PortalsSpider

ENTRY = "http://www.xs.gov.cn/"
COLUMN = "http://www.xs.gov.cn/zwgk/nb/index.html"


def _spider(tmp_path: Path, **settings: Any) -> PortalsSpider:
    registry = tmp_path / "registry.json"
    registry.write_text(
        json.dumps({"portals": [{"id": "xs", "entry_urls": [ENTRY], "allowed_hosts": ["www.xs.gov.cn"]}]})
    )
    crawler = get_crawler(PortalsSpider, settings_dict=settings)
    return PortalsSpider.from_crawler(crawler, registry=str(registry))


def _column(n: int) -> bytes:
    # every link in one paragraph: each link's list row is the whole paragraph
    links = "".join(
        f'<a href="/zwgk/nb/2023/t2023_{i}.html">某局{i}2023年政府信息公开工作年度报告</a> 2024-01-15 '
        for i in range(n)
    )
    return f"<html><head><title>年报</title></head><body><p>{links}</p></body></html>".encode()


def _run(spider: PortalsSpider, body: bytes) -> list[str]:
    async def collect() -> list[str]:
        request = Request(COLUMN, meta={"gx_portal": "xs", "gx_role": "column", "gx_depth": 0})
        response = HtmlResponse(COLUMN, body=body, encoding="utf-8", request=request)
        return [r.url async for r in spider._html_page(response, spider.by_id["xs"], "column")]

    return asyncio.run(collect())


def test_a_page_over_the_link_cap_is_still_handled_on_its_first_links(tmp_path: Path) -> None:
    spider = _spider(tmp_path, GX_MAX_LINKS_PER_PAGE=50)
    urls = _run(spider, _column(200))
    assert urls == [f"http://www.xs.gov.cn/zwgk/nb/2023/t2023_{i}.html" for i in range(50)]
    assert spider.crawler.stats.get_value("gx/discovery/links_capped") == 1
    spider = _spider(tmp_path, GX_MAX_LINKS_PER_PAGE=200)
    assert len(_run(spider, _column(200))) == 200
    assert spider.crawler.stats.get_value("gx/discovery/links_capped") is None


def test_a_big_page_is_read_off_the_reactor_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[int] = []
    analyse = portals_module.analyse_page

    def recording(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.get_ident())
        return analyse(*args, **kwargs)

    monkeypatch.setattr(portals_module, "analyse_page", recording)
    body = _column(300)
    small = _run(_spider(tmp_path), body)
    big = _run(_spider(tmp_path, GX_OFF_REACTOR_PAGE_BYTES=len(body) - 1), body)
    assert big == small and len(small) == 300
    assert threads[0] == threading.get_ident() and threads[1] != threading.get_ident()


def test_a_row_holding_every_link_is_read_once_and_only_its_start() -> None:
    tree = lxml.html.fromstring(_column(2000).decode())
    anchors = list(html_anchors(tree, COLUMN))
    assert len(anchors) == 2000
    assert all(len(a.context) == 300 for a in anchors)
    assert anchors[0].context == " ".join(tree.find(".//p").text_content().split())[:300]
    assert capped_text(lxml.html.fromstring("<p>a<b>b</b> c <i> d</i>e\u3000f</p>"), 300) == "ab c de f"
