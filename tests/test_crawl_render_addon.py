"""With rendering off, scrapy-playwright's handlers (which start the Playwright driver at engine start) are not
installed; with it on, they stay."""

from __future__ import annotations

from pathlib import Path

import pytest
from archive_support.crawl import run_crawl
from archive_support.server import LoopbackServer, Route
from scrapy.addons import AddonManager
from scrapy.crawler import Crawler
from scrapy.settings import Settings
from scrapy.spiders import Spider

from gxcrawl.crawl.middlewares.render import find_chromium

PLAYWRIGHT = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"


def _handlers(**overrides: object) -> dict[str, str]:
    settings = Settings()
    settings.setmodule("gxcrawl.settings", priority="project")
    settings.setdict(overrides, priority="cmdline")
    # the project's add-ons, applied by Scrapy's own AddonManager as the crawler does before freezing its settings
    AddonManager(Crawler(Spider, settings)).load_settings(settings)
    return dict(settings.getdict("DOWNLOAD_HANDLERS"))


@pytest.fixture()
def chromium() -> str:
    path = find_chromium()
    if path is None:
        pytest.skip("no Chromium installed: the project settings never install scrapy-playwright's handlers")
    return path


def test_rendering_on_keeps_the_playwright_handlers(chromium: str) -> None:
    handlers = _handlers()
    assert handlers["http"] == handlers["https"] == PLAYWRIGHT


def test_rendering_off_leaves_scrapy_s_own_handlers(chromium: str) -> None:
    handlers = _handlers(GX_RENDER_ENABLED=False)
    assert PLAYWRIGHT not in handlers.values()
    assert "http" not in handlers and "https" not in handlers  # DOWNLOAD_HANDLERS_BASE applies


def test_replay_still_refuses_the_network_with_rendering_off(chromium: str) -> None:
    handlers = _handlers(GX_RENDER_ENABLED=False, GX_REPLAY=True)
    assert handlers["http"].endswith("NoNetworkDownloadHandler")


def test_a_crawl_with_rendering_off_starts_no_playwright(tmp_path: Path, chromium: str) -> None:
    with LoopbackServer() as server:
        url = server.route("/a.html", Route(b"<html><body><p>page</p></body></html>"))
        off = run_crawl(
            tmp_path,
            tmp_path / "off",
            [{"url": url, "portal": "demo"}],
            database_url=None,
            settings={"GX_RENDER_ENABLED": False, "LOG_LEVEL": "INFO"},
            name="off",
        )
        on = run_crawl(
            tmp_path,
            tmp_path / "on",
            [{"url": url, "portal": "demo"}],
            database_url=None,
            settings={"LOG_LEVEL": "INFO"},
            name="on",
        )
    assert off["downloader/response_count"] == on["downloader/response_count"] == 1
    assert "scrapy-playwright==" in on["_log"]  # the handler announces itself when it starts the driver
    assert "scrapy-playwright==" not in off["_log"]
