"""Rendering through scrapy-playwright and the system Chromium, only where it is needed.

A request is rendered when its portal is flagged `render: true` in the registry, and a page that came
back as an empty shell may be re-fetched rendered once (blocked.py). Document downloads are never
rendered. Images, fonts and media are aborted (`abort_request`, PLAYWRIGHT_ABORT_REQUEST). When no
browser is installed (or GX_RENDER_ENABLED is off) the crawl still runs: such pages are fetched plainly
and listed as "not rendered" (stat `gx/render/unavailable`, spider.record_unrendered).
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

ABORTED_RESOURCE_TYPES = frozenset({"image", "font", "media"})
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--no-first-run", "--disable-sync", "--disable-dev-shm-usage"]
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


def playwright_launch_options(executable: str, *, timeout_ms: int = 30_000) -> dict[str, Any]:
    return {"executable_path": executable, "headless": True, "args": list(LAUNCH_ARGS), "timeout": timeout_ms}


class RenderMiddleware:
    def __init__(self, stats: StatsCollector, *, available: bool, wants_render: Callable[[str | None], bool],
                 on_unrendered: Callable[[str, str | None], None] | None = None) -> None:
        self.stats = stats
        self.available = available
        self.wants_render = wants_render
        self.on_unrendered = on_unrendered

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if settings.getbool("GX_REPLAY"):
            raise NotConfigured("replay serves archived bytes; nothing to render")
        handlers = settings.getdict("DOWNLOAD_HANDLERS")
        has_handler = any("playwright" in str(v) for v in handlers.values())
        available = settings.getbool("GX_RENDER_ENABLED") and has_handler and bool(
            (settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS") or {}).get("executable_path"))

        def wants_render(portal_id: str | None) -> bool:
            spider = crawler.spider
            return bool(spider is not None and hasattr(spider, "portal_renders") and spider.portal_renders(portal_id))

        def on_unrendered(url: str, portal_id: str | None) -> None:
            spider = crawler.spider
            if spider is not None and hasattr(spider, "record_unrendered"):
                spider.record_unrendered(url, portal_id)

        assert crawler.stats is not None
        if not available:
            logger.warning("rendering unavailable (GX_RENDER_ENABLED off or no Chromium): JS-only pages will be "
                           "fetched plainly and listed as not rendered")
        return cls(crawler.stats, available=available, wants_render=wants_render, on_unrendered=on_unrendered)

    def process_request(self, request: Request, spider: Any = None) -> None:
        if request.meta.get("gx_role") not in RENDER_ROLES or request.meta.get("gx_expect", "html") != "html":
            return None
        if request.meta.get("playwright"):
            if not self.available:  # a shell re-fetch asked for a browser we do not have
                request.meta["playwright"] = False
            return None
        if self.wants_render(request.meta.get("gx_portal")):
            if self.available:
                request.meta["playwright"] = True
                request.meta.setdefault("playwright_page_goto_kwargs", {"wait_until": "load"})
                self.stats.inc_value("gx/render/requests")
            else:
                self.stats.inc_value("gx/render/unavailable")
                if self.on_unrendered is not None:
                    self.on_unrendered(request.url, request.meta.get("gx_portal"))
        elif self.available:
            request.meta.setdefault("gx_render_shell", True)
        return None
