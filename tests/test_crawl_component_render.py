"""The render middleware, in process (scrapy.utils.test.get_crawler) under a spider that is not the portals
spider: built from settings by from_crawler, it renders what the request's meta asks for (`gx_render`), with the
page actions its meta carries (`gx_render_actions`) and its portal's host policy (`gx_allowed_hosts`) in the
browser; without a browser it says so with the `page_unrendered` signal, which the coverage extension records.
(The browser itself runs in tests/test_crawl_render_actions.py and tests/test_crawl_capture_rendered.py.)"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import scrapy
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from gxcrawl.archive import Exchange
from gxcrawl.archive.models import UNRENDERED
from gxcrawl.crawl.extensions.coverage import CoverageExtension
from gxcrawl.crawl.extensions.warc import archive_for
from gxcrawl.crawl.middlewares.render import RenderAddon, RenderMiddleware, playwright_launch_options
from gxcrawl.discovery.registry import RenderAction
from gxcrawl.quality import gather

ACTIONS = (RenderAction("wait_for", "#list li", match="/nb/"), RenderAction("wait_ms", timeout_ms=50))
BROWSER = {
    "GX_RENDER_ENABLED": True,
    "DOWNLOAD_HANDLERS": {"http": RenderAddon.PLAYWRIGHT_HANDLER},
    "PLAYWRIGHT_LAUNCH_OPTIONS": playwright_launch_options("/usr/bin/chromium"),
}


class OtherSpider(scrapy.Spider):
    name = "other"


def _crawler(tmp_path: Path, **settings: Any) -> tuple[RenderMiddleware, CoverageExtension, Any]:
    crawler = get_crawler(OtherSpider, settings_dict={"GX_COVERAGE_FILE": str(tmp_path / "coverage.json"), **settings})
    return RenderMiddleware.from_crawler(crawler), CoverageExtension.from_crawler(crawler), crawler


def _request(url: str, **meta: Any) -> Request:
    return Request(url, meta={"gx_role": "column", **meta})


def test_rendering_follows_the_request_meta(tmp_path: Path) -> None:
    middleware, _, crawler = _crawler(tmp_path, **BROWSER)
    assert middleware.available
    rendered = _request(
        "http://www.js.gov.cn/nb/",
        gx_portal="js",
        gx_render=True,
        gx_render_actions=ACTIONS,
        gx_allowed_hosts=("www.js.gov.cn",),
    )
    middleware.process_request(rendered)
    assert rendered.meta["playwright"] is True
    assert rendered.meta["playwright_page_goto_kwargs"] == {"wait_until": "load"}
    assert [m.args[0] for m in rendered.meta["playwright_page_methods"]] == list(ACTIONS)
    assert callable(rendered.meta["playwright_page_init_callback"])  # the host policy, in the browser
    # an action applies only where its `match` fits the URL
    entry = _request("http://www.js.gov.cn/", gx_render=True, gx_render_actions=ACTIONS)
    middleware.process_request(entry)
    assert [m.args[0].kind for m in entry.meta["playwright_page_methods"]] == ["wait_ms"]
    assert "playwright_page_init_callback" not in entry.meta  # no policy in the meta: none to apply
    # a page of a portal that is not rendered is fetched plainly, marked so a shell may be re-fetched rendered
    plain = _request("http://www.xs.gov.cn/nb/", gx_portal="xs")
    middleware.process_request(plain)
    assert "playwright" not in plain.meta and plain.meta["gx_render_shell"] is True
    # documents and API pages are never rendered
    for meta in ({"gx_role": "attachment"}, {"gx_expect": "json"}, {"gx_role": None}):
        other = Request("http://www.js.gov.cn/a.pdf", meta={"gx_render": True, "gx_role": "column", **meta})
        middleware.process_request(other)
        assert "playwright" not in other.meta and "gx_render_shell" not in other.meta
    assert crawler.stats.get_value("gx/render/requests") == 2
    assert crawler.stats.get_value("gx/render/actions/pages") == 2


def test_without_a_browser_the_page_is_fetched_plainly_and_announced(tmp_path: Path) -> None:
    middleware, _coverage, crawler = _crawler(tmp_path, GX_RENDER_ENABLED=False)
    assert not middleware.available
    request = _request("http://www.js.gov.cn/nb/", gx_portal="js", gx_render=True, gx_render_actions=ACTIONS)
    middleware.process_request(request)
    assert not request.meta.get("playwright") and "playwright_page_methods" not in request.meta
    shell = _request("http://www.js.gov.cn/nb2/", gx_portal="js", playwright=True)  # a shell re-fetch
    middleware.process_request(shell)
    assert shell.meta["playwright"] is False
    assert crawler.stats.get_value("gx/render/unavailable") == 1
    crawler.signals.send_catch_log(signals.spider_closed, spider=None, reason="finished")
    coverage = json.loads((tmp_path / "coverage.json").read_text(encoding="utf-8"))
    assert coverage["unrendered"] == [{"url": "http://www.js.gov.cn/nb/", "portal": "js"}]
    assert coverage["portals"]["js"]["unrendered"] == ["http://www.js.gov.cn/nb/"]


def test_replay_renders_nothing() -> None:
    with pytest.raises(NotConfigured):
        RenderMiddleware.from_crawler(get_crawler(OtherSpider, settings_dict={"GX_REPLAY": True}))


def test_without_a_browser_the_capture_is_flagged_and_every_later_report_counts_it(tmp_path: Path) -> None:
    """The plain fetch of a page that needed a browser is flagged in the index (blocked_reason `unrendered`), so
    the quality report's matrix counts it from the archive, across runs, and not as a blocked page."""
    archive_dir = tmp_path / "archive"
    middleware, _coverage, crawler = _crawler(
        tmp_path, GX_RENDER_ENABLED=False, GX_WARC_ENABLED=True, GX_ARCHIVE_DIR=str(archive_dir)
    )
    archive = archive_for(crawler)
    try:
        ids = {}
        for url, portal in (("http://www.js.gov.cn/nb/", "js"), ("http://www.xs.gov.cn/nb/", "xs")):
            request = _request(url, gx_portal=portal, gx_render=portal == "js")
            middleware.process_request(request)
            assert request.meta.get("gx_unrendered", False) is (portal == "js")
            ids[url] = archive.write_exchange(
                Exchange(url=url, status=200, body=b"<div id=app></div>", fetched_at=datetime.now(UTC), portal=portal)
            ).id
            request.meta["gx_capture_id"] = ids[url]
            middleware.process_response(request, HtmlResponse(url, body=b"<div id=app></div>", request=request))
        assert archive.capture(ids["http://www.js.gov.cn/nb/"]).blocked_reason == UNRENDERED
        assert archive.capture(ids["http://www.xs.gov.cn/nb/"]).blocked_reason is None
        archive.mark_blocked(ids["http://www.xs.gov.cn/nb/"], "challenge-412")
        with archive.session() as session:
            # no coverage.json in this archive: the index alone says it
            assert gather.unrendered_by_portal(session, archive_dir) == {"js": 1}
            assert gather.blocked_by_portal(session) == {"xs": {"challenge-412": 1}}
    finally:
        crawler.signals.send_catch_log(signals.engine_stopped)
