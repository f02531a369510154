"""The coverage extension, in process (scrapy.utils.test.get_crawler): it keeps its own account from gxcrawl's
signals, whatever the spider, and writes it at spider_closed; the portals spider announces what it found and
skipped with those signals."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
import scrapy
from archive_support.crawl import run_crawl
from archive_support.server import LoopbackServer, Route
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from gxcrawl.crawl import signals as gx_signals
from gxcrawl.crawl.extensions.coverage import CoverageExtension
from gxcrawl.crawl.items import ReportPage
from spiders.portals import PortalsSpider


class OtherSpider(scrapy.Spider):
    """A spider that knows nothing of gxcrawl: no portals, no found/blocked attributes."""

    name = "other"


_KEEP: list[CoverageExtension] = []  # signal receivers are held weakly: the test keeps its extensions alive


def _coverage(tmp_path: Path, spidercls: type[scrapy.Spider] = OtherSpider, **settings: Any) -> tuple[Any, Path]:
    path = tmp_path / "cov" / "coverage.json"
    crawler = get_crawler(spidercls, settings_dict={"GX_COVERAGE_FILE": str(path), **settings})
    _KEEP.append(CoverageExtension.from_crawler(crawler))
    return crawler, path


def _close(crawler: Any, reason: str = "finished") -> None:
    crawler.signals.send_catch_log(signals.spider_closed, spider=None, reason=reason)


def _item(portal: str, url: str, year: str | None, kind: str = "page", attachments: tuple[str, ...] = ()) -> ReportPage:
    return ReportPage(
        url=url,
        final_url=url,
        portal=portal,
        body=b"",
        content_type=None,
        capture_id=None,
        fetched_at=None,
        hints={"report_year": year, "title": f"{year}年报"},
        attachments=[{"url": a} for a in attachments],
        kind=kind,
    )


def test_the_account_is_kept_from_signals_under_any_spider(tmp_path: Path) -> None:
    crawler, path = _coverage(tmp_path)
    send = crawler.signals.send_catch_log
    send(gx_signals.report_found, item=_item("a", "http://a/r1.html", "2023"), page_url="http://a/r1.html")
    send(
        gx_signals.report_found,
        item=_item("a", "http://a/r2.pdf", "2022", "attachment", ("http://a/r2.pdf",)),
        page_url="http://a/r2.html",
    )
    # the same page found again (another spelling, a second list) counts once
    send(gx_signals.report_found, item=_item("a", "http://a/r1.html", "2023"), page_url="http://a/r1.html")
    send(gx_signals.report_found, item=_item("b", "http://b/r.html", None), page_url="http://b/r.html")
    send(gx_signals.page_blocked, url="http://a/x.html", reason="challenge-412", portal="a")
    send(gx_signals.page_blocked, url="http://robots/", reason="soft-404", portal=None)
    send(gx_signals.page_unrendered, url="http://b/js.html", portal="b")
    send(gx_signals.distractor_seen, url="http://a/d.html", portal="a", title="关于报送年报的通知", reasons=("notice",))
    _close(crawler, "finished")

    summary = json.loads(path.read_text(encoding="utf-8"))
    assert summary["close_reason"] == "finished"
    assert summary["portals"] == {
        "?": {
            "reports": 0,
            "years": {},
            "blocked": [{"url": "http://robots/", "reason": "soft-404"}],
            "unrendered": [],
            "distractors": 0,
        },
        "a": {
            "reports": 2,
            "years": {"2022": 1, "2023": 1},
            "blocked": [{"url": "http://a/x.html", "reason": "challenge-412"}],
            "unrendered": [],
            "distractors": 1,
        },
        "b": {"reports": 1, "years": {"None": 1}, "blocked": [], "unrendered": ["http://b/js.html"], "distractors": 0},
    }
    assert [r["url"] for r in summary["reports"]] == ["http://a/r1.html", "http://a/r2.html", "http://b/r.html"]
    assert summary["reports"][1] == {
        "url": "http://a/r2.html",
        "portal": "a",
        "kind": "attachment",
        "item_url": "http://a/r2.pdf",
        "report_year": "2022",
        "title": "2022年报",
        "attachments": ["http://a/r2.pdf"],
    }
    assert summary["distractors"] == [
        {"url": "http://a/d.html", "portal": "a", "title": "关于报送年报的通知", "reasons": ["notice"]}
    ]
    assert summary["unrendered"] == [{"url": "http://b/js.html", "portal": "b"}]
    stats = crawler.stats.get_stats()
    assert stats["gx/portal/a/reports"] == 2 and stats["gx/portal/a/blocked"] == 1
    assert stats["gx/portal/b/reports"] == 1 and stats["gx/portal/b/blocked"] == 0


def test_a_crawl_that_saw_nothing_still_writes_its_account(tmp_path: Path) -> None:
    crawler, path = _coverage(tmp_path)
    _close(crawler, "shutdown")
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "portals": {},
        "reports": [],
        "blocked": [],
        "unrendered": [],
        "distractors": [],
        "close_reason": "shutdown",
    }


def test_the_file_defaults_to_the_archive_and_can_be_switched_off(tmp_path: Path) -> None:
    crawler = get_crawler(OtherSpider, settings_dict={"GX_ARCHIVE_DIR": str(tmp_path / "arch")})
    _KEEP.append(CoverageExtension.from_crawler(crawler))
    _close(crawler)
    assert json.loads((tmp_path / "arch" / "coverage.json").read_text(encoding="utf-8"))["close_reason"] == "finished"
    with pytest.raises(NotConfigured):
        CoverageExtension.from_crawler(get_crawler(OtherSpider, settings_dict={"GX_COVERAGE_ENABLED": False}))


def test_the_portals_spider_announces_what_it_found_and_skipped(tmp_path: Path) -> None:
    """Through the signals only: the extension reads nothing off the spider."""
    registry = tmp_path / "registry.json"
    registry.write_text(
        json.dumps(
            {
                "portals": [
                    {"id": "xs", "entry_urls": ["http://www.xs.gov.cn/"], "allowed_hosts": ["www.xs.gov.cn"]},
                    {"id": "ys", "entry_urls": ["http://www.ys.gov.cn:8080/"]},
                ]
            }
        )
    )
    crawler, path = _coverage(tmp_path, PortalsSpider)
    scopes: list[Any] = []
    crawler.signals.connect(
        lambda allowed_hosts: scopes.append(allowed_hosts), signal=gx_signals.crawl_scope, weak=False
    )
    spider = PortalsSpider.from_crawler(crawler, registry=str(registry))
    spider.crawler = crawler

    async def run() -> tuple[list[Request], list[Any]]:
        requests = [r async for r in spider.start()]
        notice = "http://www.xs.gov.cn/zwgk/tzgg/t20240110_1.html"
        body = (
            "<html><head><title>关于报送2023年政府信息公开工作年度报告的通知</title></head><body>"
            "<h1>关于报送2023年政府信息公开工作年度报告的通知</h1><p>各单位：请于1月31日前报送。</p></body></html>"
        )
        request = Request(notice, meta={**spider.meta_by_portal["xs"], "gx_role": "candidate"})
        response = HtmlResponse(notice, body=body.encode(), encoding="utf-8", request=request)
        out = [x async for x in spider.parse(response)]
        return requests, out

    requests, out = asyncio.run(run())
    assert scopes == [(("www.xs.gov.cn",), ("www.ys.gov.cn:8080",))]
    # every request carries what the middlewares need of its portal
    assert {(r.url, r.meta["gx_portal"], r.meta["gx_allowed_hosts"]) for r in requests} == {
        ("http://www.xs.gov.cn/", "xs", ("www.xs.gov.cn",)),
        ("http://www.ys.gov.cn:8080/", "ys", ("www.ys.gov.cn:8080",)),
    }
    assert out == []
    _close(crawler)
    summary = json.loads(path.read_text(encoding="utf-8"))
    assert [(d["url"], d["portal"]) for d in summary["distractors"]] == [
        ("http://www.xs.gov.cn/zwgk/tzgg/t20240110_1.html", "xs")
    ]
    assert crawler.stats.get_value("gx/discovery/distractors") == 1


def test_a_real_crawl_by_another_spider_is_accounted_for(tmp_path: Path) -> None:
    """A real crawl over loopback by a spider that is not the portals spider (tests/archive_support/crawl_runner.py):
    the request meta it sets is honoured and what the components saw reaches coverage.json through the signals."""
    archive = tmp_path / "archive"
    with LoopbackServer() as server:
        ok = server.route(
            "/ok.html", Route(b"<html><head><title>x</title></head><body>" + b"<p>text</p>" * 30 + b"</body></html>")
        )
        challenge = server.route("/challenge.html", Route(b"<html><body>$_ts=1</body></html>", status=412))
        shell = server.route(
            "/app.html", Route(b"<html><head><title>a</title></head><body><div id=app></div></body></html>")
        )
        off = server.route("/off.html", Route(b"<html></html>"))
        policy = {"gx_allowed_hosts": [f"{server.host}:{server.port}"]}
        stats = run_crawl(
            tmp_path,
            archive,
            [
                {"url": ok, "portal": "p", "meta": policy},
                {"url": challenge, "portal": "p", "meta": policy},
                {"url": shell, "portal": "q", "meta": {**policy, "gx_render": True, "gx_role": "column"}},
                {"url": off, "portal": "p", "meta": {"gx_allowed_hosts": ["www.p.gov.cn"], "gx_role": "column"}},
            ],
            database_url=None,
            settings={"GX_RENDER_ENABLED": False},
        )
        assert server.sent_for("/off.html") == []  # refused before a connection was opened
    assert stats["gx/offsite/column"] == 1
    assert stats["gx/blocked/challenge-412"] == 1 and stats["gx/blocked/empty-shell"] == 1
    assert stats["gx/render/unavailable"] == 1
    coverage = json.loads((archive / "coverage.json").read_text(encoding="utf-8"))
    assert sorted((b["url"], b["reason"], b["portal"]) for b in coverage["blocked"]) == [
        (shell, "empty-shell", "q"),
        (challenge, "challenge-412", "p"),
    ]
    assert coverage["unrendered"] == [{"url": shell, "portal": "q"}]
    assert coverage["portals"]["p"]["blocked"] == [{"url": challenge, "reason": "challenge-412"}]
    assert stats["gx/portal/p/blocked"] == 1 and stats["gx/portal/q/blocked"] == 1
