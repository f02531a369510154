"""pywb replays our WARCs: a page, a gzip-encoded page, a Chinese path, and a revisit resolved to its original.

pywb runs from its own venv (tests/archive_support/pywb.py).
"""

from __future__ import annotations

import gzip
import time
from email.utils import parsedate_to_datetime
from pathlib import Path

from archive_support.crawl import run_crawl
from archive_support.pywb import fetch, pywb_bin_fixture, wayback, wb_manager  # noqa: F401 - the fixture
from archive_support.server import LoopbackServer, Route

from gxcrawl.archive import Archive


def test_pywb_replays_our_warcs(tmp_path: Path, pywb_bin: Path) -> None:
    page = "<html><body><p>政府信息公开工作年度报告 replay</p></body></html>".encode()
    zipped_original = ("<html><body>" + "压缩 " * 400 + "</body></html>").encode()
    archive_dir = tmp_path / "archive"
    with LoopbackServer() as server:
        urls = {
            "page": server.route("/page.html", Route(page)),
            "gzip": server.route(
                "/zipped.html",
                Route(
                    gzip.compress(zipped_original, mtime=0),
                    headers=[("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")],
                ),
            ),
            "chinese": server.route("/公开/年报.html", Route(page.replace(b"replay", b"chinese"))),
        }
        pages = [{"url": url, "portal": "demo"} for url in urls.values()]
        run_crawl(tmp_path, archive_dir, pages, database_url=None, name="first")
        time.sleep(1.1)  # pywb timestamps have one-second resolution
        run_crawl(tmp_path, archive_dir, pages[:1], database_url=None, name="second")

    archive = Archive.open(archive_dir)
    try:
        first = archive.latest_capture(urls["page"], at=None)
        assert first is not None and first.record_type == "revisit"
        original = archive.capture(first.revisit_of_id)
        # extracted text is archived too; it must not shadow the page on replay
        archive.write_text(original.id, "政府信息公开工作年度报告 replay")
        captures = {name: archive.latest_capture(url) for name, url in urls.items()}
    finally:
        archive.close()

    home = tmp_path / "pywb"
    home.mkdir()
    wb_manager(pywb_bin, home, "init", "gx")
    wb_manager(pywb_bin, home, "add", "gx", *sorted(str(p) for p in (archive_dir / "warcs").glob("*.warc.gz")))

    with wayback(pywb_bin, home, tmp_path / "wayback.log") as port:

        def replay(capture_name: str, *, at: object = None) -> tuple[int, dict[str, str], bytes]:
            capture = captures[capture_name] if at is None else at
            stamp = capture.fetched_at.strftime("%Y%m%d%H%M%S")
            return fetch(f"http://127.0.0.1:{port}/gx/{stamp}id_/{capture.url}")

        status, _, body = replay("gzip")
        assert status == 200 and body == zipped_original
        status, _, body = replay("chinese")
        assert status == 200 and body == page.replace(b"replay", b"chinese")
        # the original response
        status, headers, body = replay("page", at=original)
        assert status == 200 and body == page
        # the revisit, resolved through WARC-Refers-To-Target-URI / -Date to the original payload
        status, headers, body = replay("page")
        assert status == 200 and body == page
        served_at = parsedate_to_datetime(headers["Memento-Datetime"])
        assert served_at.replace(microsecond=0) == captures["page"].fetched_at.replace(microsecond=0)
        assert served_at.replace(microsecond=0) != original.fetched_at.replace(microsecond=0)
