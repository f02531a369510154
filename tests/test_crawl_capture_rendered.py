"""A page rendered by scrapy-playwright (real Chromium) is a DOM snapshot, not what the server sent: it is
archived as a `resource` record at the page URL, never as a `response` record."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from archive_support.crawl import run_crawl
from archive_support.server import LoopbackServer, Route
from conftest import unavailable
from warcio.archiveiterator import ArchiveIterator

from gxcrawl.archive import Archive

JS_PAGE = (
    "<html><head><meta charset='utf-8'></head><body><div id='list'></div>"
    "<script>document.getElementById('list').textContent = '脚本生成的' + '年度报告列表';</script>"
    "</body></html>"
).encode()


@pytest.mark.browser
def test_rendered_dom_is_a_resource_record(tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        unavailable("Chromium not installed")
    archive_dir = tmp_path / "archive"
    settings = {
        "DOWNLOAD_HANDLERS": {"http": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {
            "executable_path": chromium,
            "headless": True,
            "timeout": 60_000,
            "args": ["--no-sandbox", "--disable-dev-shm-usage"],
        },
    }
    with LoopbackServer() as server:
        rendered_url = server.route("/js-list.html", Route(JS_PAGE))
        plain_url = server.route("/plain.html", Route(b"<html><body>plain</body></html>"))
        stats = run_crawl(
            tmp_path,
            archive_dir,
            [{"url": rendered_url, "playwright": True}, {"url": plain_url}],
            database_url=None,
            settings=settings,
            timeout=240,
        )
    assert stats.get("gx/rendered") == 1 and stats.get("gx/captures") == 2, stats["_log"][-3000:]

    kinds: dict[str, list[str]] = {}
    payloads = {}
    for path in (archive_dir / "warcs").glob("*.warc.gz"):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                uri = record.rec_headers.get_header("WARC-Target-URI")
                kinds.setdefault(uri, []).append(record.rec_type)
                if record.rec_type in ("resource", "response"):
                    payloads[uri] = (record.rec_headers.get_header("Content-Type"), record.raw_stream.read())
    assert "response" not in kinds[rendered_url] and "resource" in kinds[rendered_url]
    assert "response" in kinds[plain_url]  # the plain handler still archives what the server sent
    content_type, dom = payloads[rendered_url]
    assert content_type.startswith("text/html")
    assert "脚本生成的年度报告列表" in dom.decode("utf-8")  # the DOM after the script ran
    assert "脚本生成的年度报告列表" not in JS_PAGE.decode()  # ... which the server never sent

    archive = Archive.open(archive_dir)
    try:
        capture = archive.latest_capture(rendered_url)
        assert capture is not None and capture.record_type == "resource"
        assert "脚本生成的年度报告列表" in archive.read_payload(capture.id).decode("utf-8")
    finally:
        archive.close()
