"""Rendering through scrapy-playwright and the system Chromium, only where it is needed.

A request is rendered when its meta says its portal needs a browser (`gx_render`: registry `render: true`, set
by the spider), and a page that came back as an empty shell may be re-fetched rendered once (blocked.py).
Document downloads are never rendered. Images, fonts and media are aborted (`abort_request`,
PLAYWRIGHT_ABORT_REQUEST). When no browser is installed (or GX_RENDER_ENABLED is off) the crawl still runs: such
pages are fetched plainly and listed as "not rendered" (stat `gx/render/unavailable`, signal `page_unrendered`).

A rendered request also gets the registry `render_actions` in its meta (`gx_render_actions`) that apply to its
URL (wait for the list,
click a tab, 下一页 / 加载更多, scroll; gxcrawl/crawl/pageactions.py) as scrapy-playwright page methods; what
they did is counted as `gx/render/actions/<action>/<outcome>` (+ `/steps`, and `gx/render/actions/rows_kept`).
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

from scrapy.exceptions import NotConfigured

from gxcrawl.archive.models import UNRENDERED
from gxcrawl.crawl import signals as gx_signals
from gxcrawl.crawl.meta import (
    META_ALLOWED_HOSTS,
    META_CAPTURE_ID,
    META_EXPECT,
    META_PORTAL,
    META_RENDER,
    META_RENDER_ACTIONS,
    META_RENDER_SHELL,
    META_ROLE,
    META_UNRENDERED,
)
from gxcrawl.crawl.middlewares.hostpolicy import route_offsite
from gxcrawl.crawl.pageactions import action_results, page_methods
from gxcrawl.discovery.hosts import host_policy

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from scrapy.settings import BaseSettings
    from scrapy.signalmanager import SignalManager
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

ABORTED_RESOURCE_TYPES = frozenset({"image", "font", "media"})
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
RENDER_ROLES = frozenset({"entry", "disclosure", "column", "notice", "candidate"})


def abort_request(request: Any) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: skip images, fonts and media (they never hold report text)."""
    return request.resource_type in ABORTED_RESOURCE_TYPES


def find_chromium(configured: str | None = None) -> str | None:
    """The browser executable: the setting/env var if it exists, else the first Chromium on PATH."""
    if configured:
        return configured if os.path.exists(configured) else None
    for name in CHROMIUM_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def is_playwright_handler(path: object) -> bool:
    """A DOWNLOAD_HANDLERS entry (import path or class) that is scrapy-playwright's."""
    return "scrapy_playwright" in str(path)


def playwright_launch_options(executable: str, *, timeout_ms: int = 30_000) -> dict[str, Any]:
    return {"executable_path": executable, "headless": True, "args": list(LAUNCH_ARGS), "timeout": timeout_ms}


class RenderAddon:
    """Installs scrapy-playwright's handlers and Chromium's launch options when the crawler starts, from
    GX_RENDER_ENABLED and GX_CHROMIUM_PATH as they stand then (so `-s` changes them). With rendering off, or no
    Chromium, Scrapy's own handlers stay: scrapy-playwright's starts the Playwright driver at engine start whether
    or not a page ever asks for it (about 0.7 s of CPU and 127 MiB on the demo bench, for nothing)."""

    PRIORITY = "spider"  # above settings.py, below -s on the command line (as ReplayAddon)
    PLAYWRIGHT_HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"

    def update_settings(self, settings: BaseSettings) -> None:
        handlers = settings.getdict("DOWNLOAD_HANDLERS")
        chromium = find_chromium(settings.get("GX_CHROMIUM_PATH") or None)
        if not settings.getbool("GX_RENDER_ENABLED", True) or settings.getbool("GX_REPLAY", False) or not chromium:
            kept = {scheme: path for scheme, path in handlers.items() if not is_playwright_handler(path)}
            if kept != handlers:
                settings.set("DOWNLOAD_HANDLERS", kept, priority=self.PRIORITY)
            return
        settings.set(
            "DOWNLOAD_HANDLERS",
            {**handlers, "http": self.PLAYWRIGHT_HANDLER, "https": self.PLAYWRIGHT_HANDLER},
            priority=self.PRIORITY,
        )
        for name, value in {
            "PLAYWRIGHT_BROWSER_TYPE": "chromium",
            "PLAYWRIGHT_LAUNCH_OPTIONS": playwright_launch_options(chromium),
            "PLAYWRIGHT_ABORT_REQUEST": f"{__name__}.abort_request",
            "PLAYWRIGHT_MAX_CONTEXTS": 1,
            "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 2,
            "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": 30_000,
        }.items():
            settings.set(name, value, priority=self.PRIORITY)  # a value given with -s (higher) stays


class RenderMiddleware:
    """Acts on what the request's meta asks for; says what it could not do with the `page_unrendered` signal."""

    def __init__(
        self,
        stats: StatsCollector,
        signals: SignalManager,
        *,
        available: bool,
        mark_unrendered: Callable[[int], None] | None = None,
    ) -> None:
        self.stats = stats
        self.signals = signals
        self.available = available
        # flags the capture of a page fetched plainly for want of a browser, so every later look at the archive
        # (the quality report's matrix) counts it, not only this crawl's coverage summary
        self.mark_unrendered = mark_unrendered

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if settings.getbool("GX_REPLAY"):
            raise NotConfigured("replay serves archived bytes; nothing to render")
        handlers = settings.getdict("DOWNLOAD_HANDLERS")
        has_handler = any(is_playwright_handler(v) for v in handlers.values())
        available = (
            settings.getbool("GX_RENDER_ENABLED")
            and has_handler
            and bool((settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS") or {}).get("executable_path"))
        )
        assert crawler.stats is not None
        mark = None
        if not available:
            logger.warning(
                "rendering unavailable (GX_RENDER_ENABLED off or no Chromium): JS-only pages will be "
                "fetched plainly and listed as not rendered"
            )
            if settings.getbool("GX_WARC_ENABLED") and settings.get("GX_ARCHIVE_DIR"):
                from gxcrawl.crawl.extensions.warc import archive_for

                def mark(capture_id: int) -> None:
                    archive_for(crawler).mark_blocked(capture_id, UNRENDERED)

        return cls(crawler.stats, crawler.signals, available=available, mark_unrendered=mark)

    def process_request(self, request: Request, spider: Any = None) -> None:
        if request.meta.get(META_ROLE) not in RENDER_ROLES or request.meta.get(META_EXPECT, "html") != "html":
            return None
        if request.meta.get("playwright"):
            if not self.available:  # a shell re-fetch asked for a browser we do not have
                request.meta["playwright"] = False
            else:
                self._guard(request)
                self._add_actions(request)
            return None
        if request.meta.get(META_RENDER):
            if self.available:
                request.meta["playwright"] = True
                request.meta.setdefault("playwright_page_goto_kwargs", {"wait_until": "load"})
                self.stats.inc_value("gx/render/requests")
                self._guard(request)
                self._add_actions(request)
            else:
                self.stats.inc_value("gx/render/unavailable")
                request.meta[META_UNRENDERED] = True
                self.signals.send_catch_log(
                    gx_signals.page_unrendered, url=request.url, portal=request.meta.get(META_PORTAL)
                )
        elif self.available:
            request.meta.setdefault(META_RENDER_SHELL, True)
        return None

    def _guard(self, request: Request) -> None:
        """The page's own requests (navigations, scripts, XHR) pass the portal's host policy in the browser."""
        allowed_hosts = request.meta.get(META_ALLOWED_HOSTS)
        if allowed_hosts is None:  # no portal's policy to apply
            return
        policy = host_policy(tuple(allowed_hosts))
        request.meta["playwright_page_init_callback"] = route_offsite(self.stats, policy.allows)

    def _add_actions(self, request: Request) -> None:
        methods = page_methods(request.meta.get(META_RENDER_ACTIONS, ()), request.url)
        if methods:
            # fresh PageMethods on every attempt (a retried request must not carry the last one's results)
            request.meta["playwright_page_methods"] = methods
            self.stats.inc_value("gx/render/actions/pages")

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        capture_id = request.meta.get(META_CAPTURE_ID)
        if request.meta.get(META_UNRENDERED) and capture_id is not None and self.mark_unrendered is not None:
            self.mark_unrendered(int(capture_id))
        for result in action_results(request.meta.get("playwright_page_methods")):
            action, outcome = result["action"], result["outcome"]
            self.stats.inc_value(f"gx/render/actions/{action}/{outcome}")
            if result.get("steps"):
                self.stats.inc_value(f"gx/render/actions/{action}/steps", result["steps"])
            if result.get("kept"):
                self.stats.inc_value("gx/render/actions/rows_kept", result["kept"])
            if outcome != "done":  # not an error: the page is kept, but a registry hint may be out of date
                logger.info(
                    "render action %s %r: %s on %s%s",
                    action,
                    result.get("target"),
                    outcome,
                    request.url,
                    f" ({result['detail']})" if result.get("detail") else "",
                )
        return response
