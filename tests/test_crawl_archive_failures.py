"""A real `scrapy crawl portals` over loopback: a response the index cannot hold (a status line of
9999999999999999999) costs that response only, and the crawl exits 0 with every other report archived; an
archive that cannot be written (its index gone mid-crawl) stops the crawl with a non-zero exit status."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from archive_support.index import indexed_captures
from crawl_process import ROOT, SCRAPY, SECTIONS
from sqlalchemy import create_engine, func, select

from gxcrawl.archive.models import Capture

HUGE_STATUS = "9999999999999999999"


def _report(n: int) -> bytes:
    title = f"某县{2000 + n}年政府信息公开工作年度报告"
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{SECTIONS}</body></html>".encode()


class RawSite:
    """An HTTP server on a raw socket: `answer(path)` gives the exact status line, headers and body sent."""

    def __init__(self, answer: Callable[[str], tuple[str, bytes]], delay: float = 0.0) -> None:
        self.answer = answer
        self.delay = delay
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.base = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(connection,), daemon=True).start()

    def _handle(self, connection: socket.socket) -> None:
        with connection:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = connection.recv(65536)
                if not chunk:
                    return
                data += chunk
            path = data.split(b" ", 2)[1].decode("latin-1")
            status_line, body = self.answer(path)
            if self.delay and path != "/robots.txt":
                time.sleep(self.delay)
            head = (
                f"{status_line}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {len(body)}\r\n"
                "Connection: close\r\n\r\n"
            )
            connection.sendall(head.encode("latin-1") + body)

    def __enter__(self) -> RawSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.listener.close()


def _listing(paths: list[str]) -> bytes:
    links = "".join(
        f'<li><a href="{p}">某县{2000 + n}年政府信息公开工作年度报告</a><span>2023-01-01</span></li>'
        for n, p in enumerate(paths)
    )
    return f"<html><head><title>政府信息公开年报</title></head><body><ul>{links}</ul></body></html>".encode()


def _crawl(tmp_path: Path, base: str, database_url: str | None, timeout: float = 240) -> subprocess.Popen[str]:
    registry = tmp_path / "registry.json"
    registry.write_text(
        json.dumps(
            {
                "portals": [
                    {
                        "id": "raw",
                        "name": "某县",
                        "entry_urls": [base + "/"],
                        "allowed_hosts": [base[len("http://") :]],
                    },
                ]
            },
            ensure_ascii=False,
        )
    )
    cmd = [
        SCRAPY,
        "crawl",
        "portals",
        "-a",
        f"registry={registry}",
        "-s",
        f"GX_ARCHIVE_DIR={tmp_path / 'archive'}",
        "-s",
        "DOWNLOAD_DELAY=0",
        "-s",
        "AUTOTHROTTLE_ENABLED=0",
        "-s",
        "GX_CRAWL_DELAY_ENABLED=0",
        "-s",
        "RETRY_ENABLED=0",
        "-s",
        "TELNETCONSOLE_ENABLED=0",
        "-s",
        "GX_RENDER_ENABLED=0",
        "-s",
        "GX_PARSE_WORKERS=0",
    ]
    return subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "GXCRAWL_DATABASE_URL": database_url or ""},
    )


@pytest.mark.timeout(300)
def test_a_status_line_out_of_range_costs_only_that_response(tmp_path: Path, database_url: str | None) -> None:
    good = [f"/nb/report{n}.html" for n in range(4)]
    bad = "/nb/report-bad.html"

    def answer(path: str) -> tuple[str, bytes]:
        if path == "/":
            return "HTTP/1.1 200 OK", _listing([good[0], good[1], bad, good[2], good[3]])
        if path == bad:
            return f"HTTP/1.1 {HUGE_STATUS}", _report(99)
        if path in good:
            return "HTTP/1.1 200 OK", _report(good.index(path))
        return "HTTP/1.1 404 Not Found", b"<html><body>not found</body></html>"

    with RawSite(answer) as site:
        process = _crawl(tmp_path, site.base, database_url)
        log, _ = process.communicate(timeout=240)
    assert process.returncode == 0, log[-4000:]
    assert "gx_archive_failed" not in log
    assert f"HTTP status {HUGE_STATUS} is outside 100-999" in log  # the reason, with the URL, in the log
    assert "'gx/archive/rejected': 1" in log
    url = database_url or f"sqlite:///{tmp_path / 'archive' / 'index.sqlite'}"
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            archived = set(connection.scalars(select(Capture.url).where(Capture.status == 200)))
    finally:
        engine.dispose()
    assert {site.base + p for p in good} <= archived
    assert site.base + bad not in archived
    coverage = json.loads((tmp_path / "archive" / "coverage.json").read_text(encoding="utf-8"))
    assert coverage["portals"]["raw"]["reports"] == len(good)


@pytest.mark.timeout(300)
def test_an_archive_that_fails_mid_crawl_exits_non_zero(tmp_path: Path, database_url: str | None) -> None:
    paths = [f"/nb/report{n}.html" for n in range(40)]

    def answer(path: str) -> tuple[str, bytes]:
        if path == "/":
            return "HTTP/1.1 200 OK", _listing(paths)
        if path in paths:
            return "HTTP/1.1 200 OK", _report(paths.index(path))
        return "HTTP/1.1 404 Not Found", b"<html><body>not found</body></html>"

    url = database_url or f"sqlite:///{tmp_path / 'archive' / 'index.sqlite'}"
    with RawSite(answer, delay=0.2) as site:
        process = _crawl(tmp_path, site.base, database_url)
        output: list[str] = []
        reader = threading.Thread(target=lambda: output.append(process.stdout.read()), daemon=True)
        reader.start()
        try:
            deadline = time.monotonic() + 120
            while indexed_captures(url) < 4:
                assert process.poll() is None and time.monotonic() < deadline, "".join(output)[-3000:]
                time.sleep(0.05)
            engine = create_engine(url)  # the index goes away under the crawler: the archive itself fails
            with engine.begin() as connection:
                connection.exec_driver_sql("ALTER TABLE capture RENAME TO capture_gone")
            engine.dispose()
            code = process.wait(timeout=120)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        reader.join(timeout=10)
    log = "".join(output)
    assert "archive write failed, stopping the crawl" in log, log[-3000:]
    assert "'finish_reason': 'gx_archive_failed'" in log
    assert code == 1, log[-3000:]


def test_header_values_the_index_cannot_hold_are_cleaned_not_fatal(tmp_path: Path, database_url: str | None) -> None:
    """A NUL in a header (PostgreSQL text refuses it), a 300-character Content-Type and ETag (VARCHAR(255)): the
    response is archived as sent and indexed with what the columns hold; a status out of range is refused alone."""
    from datetime import UTC, datetime

    from gxcrawl.archive import Archive, InvalidExchange
    from gxcrawl.archive.records import Exchange

    headers = [
        ("Content-Type", "text/html; charset=utf-8; x=" + "a" * 300),
        ("ETag", '"' + "e" * 300 + '"'),
        ("Last-Modified", "Mon,\x00 01 Jan 2024 00:00:00 GMT"),
    ]
    with Archive.open(tmp_path, database_url) as archive:
        with pytest.raises(InvalidExchange, match="outside 100-999"):
            archive.write_exchange(
                Exchange(url="http://127.0.0.1/bad", status=10**19, body=b"x", fetched_at=datetime.now(UTC))
            )
        ref = archive.write_exchange(
            Exchange(
                url="http://127.0.0.1/odd",
                status=200,
                body=b"<p>odd</p>",
                fetched_at=datetime.now(UTC),
                response_headers=headers,
                referer="http://127.0.0.1/\x00ref",
                depth=10**30,
                duration=float("nan"),
            )
        )
        info = archive.capture(ref.id)
        assert info.content_type == headers[0][1][:255] and info.etag is None
        assert info.last_modified == "Mon, 01 Jan 2024 00:00:00 GMT"
        stored = archive.read_response(ref.id)
        assert ("ETag", headers[1][1]) in stored.headers and stored.body == b"<p>odd</p>"
        with archive.session() as session:
            assert session.scalar(select(func.count()).select_from(Capture)) == 1
