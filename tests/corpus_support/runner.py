"""One real Scrapy crawl with gxcrawl's settings (capture hook, pipelines, replay/conditional middlewares),
in its own process (a fresh reactor per crawl).

    python -m tests.corpus_support.runner CONFIG.json

CONFIG: {"archive", "database_url", "start_urls", "settings", "out"} and optionally "spider" (a spider name
such as "portals", with "spider_args"). The built-in test spider follows every link on the start host;
pages under /report/ are yielded as ReportPage items, as the portals spider does. `out` receives
seen.jsonl (one line per response the engine got: url, status, flags, body sha256, title, and the request's
method and body sha256),
reports.jsonl (url, capture id, record of every stored ReportPage), stats.json and settings.json
(the settings the crawler really ran with).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from gxcrawl.crawl.items import ReportPage

REPORTED_SETTINGS = (
    "DOWNLOAD_DELAY",
    "AUTOTHROTTLE_ENABLED",
    "GX_CRAWL_DELAY_ENABLED",
    "GX_WARC_ENABLED",
    "GX_CONDITIONAL_ENABLED",
    "GX_REPLAY",
    "CONCURRENT_REQUESTS_PER_DOMAIN",
    "ROBOTSTXT_OBEY",
)


class SiteSpider(scrapy.Spider):
    name = "corpus_test_site"
    custom_settings = {"HTTPERROR_ALLOW_ALL": True}

    def __init__(self, start_urls: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = start_urls

    async def start(self):  # noqa: ANN201 - Scrapy's async start
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse, meta={"gx_portal": "test"})

    def parse(self, response: scrapy.http.Response):  # noqa: ANN201
        if response.status != 200 or not isinstance(response, scrapy.http.TextResponse):
            return
        host = urlsplit(response.url).netloc
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            if urlsplit(url).netloc == host:
                yield scrapy.Request(url, callback=self.parse, meta={"gx_portal": "test"})
        if "/report/" in urlsplit(response.url).path:
            content_type = response.headers.get(b"Content-Type")
            yield ReportPage(
                url=response.request.url,
                final_url=response.url,
                portal="test",
                body=response.body,
                content_type=content_type.decode("latin-1") if content_type else None,
                capture_id=response.meta.get("gx_capture_id"),
                fetched_at=None,
                hints={},
                attachments=[],
            )


def main(config_path: str) -> int:
    config = json.loads(Path(config_path).read_text())
    out = Path(config["out"])
    out.mkdir(parents=True, exist_ok=True)
    settings = Settings()
    settings.setmodule("gxcrawl.settings", priority="project")
    settings.setdict(
        {
            "GX_ARCHIVE_DIR": config["archive"],
            "GX_DATABASE_URL": config.get("database_url") or "",
            "TELNETCONSOLE_ENABLED": False,
            "LOG_LEVEL": "INFO",
            "RETRY_ENABLED": False,
            "CLOSESPIDER_TIMEOUT": 600,
            **config.get("settings", {}),
        },
        priority="cmdline",
    )
    process = CrawlerProcess(settings, install_root_handler=True)
    spider = config.get("spider")
    crawler = process.create_crawler(spider or SiteSpider)
    reports = open(out / "reports.jsonl", "w", encoding="utf-8")  # noqa: SIM115 - closed below
    seen = open(out / "seen.jsonl", "w", encoding="utf-8")  # noqa: SIM115 - closed below

    def response_received(response: scrapy.http.Response, request: scrapy.Request, **_: Any) -> None:
        title = response.css("title::text").get() if isinstance(response, scrapy.http.HtmlResponse) else None
        seen.write(
            json.dumps(
                {
                    "url": response.url,
                    "status": response.status,
                    "flags": sorted(response.flags),
                    "sha256": hashlib.sha256(response.body).hexdigest(),
                    "title": title,
                    "method": request.method,
                    "request_sha256": hashlib.sha256(request.body).hexdigest(),
                },
                ensure_ascii=False,
            )
            + "\n"
        )

    def item_scraped(item: Any, **_: Any) -> None:
        if isinstance(item, ReportPage):
            reports.write(
                json.dumps({"url": item.url, "capture_id": item.capture_id, "record": item.record}, ensure_ascii=False)
                + "\n"
            )

    crawler.signals.connect(item_scraped, signal=scrapy.signals.item_scraped)
    crawler.signals.connect(response_received, signal=scrapy.signals.response_received)
    if spider:
        process.crawl(crawler, **config.get("spider_args", {}))
    else:
        process.crawl(crawler, start_urls=config["start_urls"])
    process.start()
    reports.close()
    seen.close()
    stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
    (out / "stats.json").write_text(json.dumps(stats, default=str, indent=1))
    (out / "settings.json").write_text(json.dumps({k: crawler.settings.get(k) for k in REPORTED_SETTINGS}, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
