"""Run one real Scrapy crawl with gxcrawl's settings, capture hook and pipelines, in its own process.

    python -m tests.archive_support.crawl_runner CONFIG.json

CONFIG: {"archive": dir, "database_url": url|null, "pages": [{"url", "portal", "report": bool,
"dont_filter": bool, "meta": {...}}], "settings": {...}, "stats_out": path}.
Report pages are yielded as ReportPage items,
exactly as the portals spider does; the stats of the crawl are written to `stats_out` as JSON.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from gxcrawl.crawl.items import ReportPage


class PagesSpider(scrapy.Spider):
    name = "archive_test_pages"

    def __init__(self, pages: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pages = pages

    async def start(self):  # noqa: ANN201 - Scrapy's async start
        for page in self.pages:
            meta = {"gx_portal": page.get("portal"), "report": page.get("report", False)}
            if page.get("playwright"):
                meta["playwright"] = True
            meta.update(page.get("meta", {}))  # more request meta (a host policy, rendering), as a spider sets it
            yield scrapy.Request(
                page["url"], callback=self.parse_page, dont_filter=page.get("dont_filter", False), meta=meta
            )

    def parse_page(self, response: scrapy.http.Response):  # noqa: ANN201
        if not response.meta.get("report"):
            return
        content_type = response.headers.get(b"Content-Type")
        yield ReportPage(
            url=response.request.url,
            final_url=response.url,
            portal=response.meta.get("gx_portal"),
            body=response.body,
            content_type=content_type.decode("latin-1") if content_type else None,
            capture_id=response.meta.get("gx_capture_id"),
            fetched_at=None,
            hints={},
            attachments=[],
        )


def main(config_path: str) -> int:
    config = json.loads(Path(config_path).read_text())
    settings = Settings()
    settings.setmodule("gxcrawl.settings", priority="project")
    settings.setdict(
        {
            "GX_ARCHIVE_DIR": config["archive"],
            "GX_DATABASE_URL": config.get("database_url") or "",
            "ROBOTSTXT_OBEY": False,
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "TELNETCONSOLE_ENABLED": False,
            "LOG_LEVEL": "INFO",
            "RETRY_ENABLED": False,
            **config.get("settings", {}),
        },
        priority="cmdline",
    )
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(PagesSpider)
    process.crawl(crawler, pages=config["pages"])
    process.start()
    stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
    Path(config["stats_out"]).write_text(json.dumps(stats, default=str, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
