"""Politeness, proved on request timestamps recorded by the server (not on the crawl's wall-clock time):
robots.txt Crawl-delay spaces every request to its host; Retry-After holds a retry back."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from crawl_process import ROOT, SCRAPY, SECTIONS
from mock_server import Arrival, MockServer


class RecordingSite(MockServer):
    """A tiny 年报 column with three reports; every request's path and arrival time is logged."""

    def __init__(self, host: str, *, crawl_delay: float | None, busy_path: str | None, retry_after: int = 2) -> None:
        super().__init__(host, protocol="HTTP/1.0")
        self.log: list[tuple[float, str, int]] = []
        self.crawl_delay = crawl_delay
        self.busy_path = busy_path
        self.retry_after = retry_after
        self.busy_answered = False

    def answer(self, request: Arrival) -> tuple[int, list[tuple[str, str]], bytes]:
        status, headers, body = self.page(request.path)
        self.log.append((request.at, request.path, status))
        return status, headers, body

    def page(self, path: str) -> tuple[int, list[tuple[str, str]], bytes]:
        html = [("Content-Type", "text/html; charset=utf-8")]
        if path == "/robots.txt":
            rules = "User-agent: *\nDisallow:\n" + (f"Crawl-delay: {self.crawl_delay:g}\n" if self.crawl_delay else "")
            return 200, [("Content-Type", "text/plain")], rules.encode()
        if path in ("/", "/nb/index.html"):
            links = "".join(
                f'<li><a href="/nb/20230{i}/t2023010{i}_{i}.html">某县{2019 + i}年政府信息公开工作年度报告</a>'
                f"<span>2023-01-0{i}</span></li>"
                for i in (1, 2, 3)
            )
            return (
                200,
                html,
                f"<html><head><title>政府信息公开年报</title></head><body><ul>{links}</ul></body></html>".encode(),
            )
        if path == self.busy_path and not self.busy_answered:
            self.busy_answered = True
            return 429, [*html, ("Retry-After", str(self.retry_after))], b"<html><body>busy</body></html>"
        if path.startswith("/nb/2023"):
            year = 2019 + int(path.rsplit("_", 1)[1].split(".")[0])
            title = f"某县{year}年政府信息公开工作年度报告"
            return (
                200,
                html,
                f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{SECTIONS}</body></html>".encode(),
            )
        return 404, html, b"<html><body>not found</body></html>"

    def page_requests(self) -> list[tuple[float, str, int]]:
        return [entry for entry in self.log if entry[1] != "/robots.txt"]


@pytest.fixture
def sites() -> Iterator[tuple[RecordingSite, RecordingSite]]:
    with (
        RecordingSite("127.0.0.41", crawl_delay=1, busy_path=None) as delayed,
        RecordingSite("127.0.0.42", crawl_delay=None, busy_path="/nb/202302/t20230102_2.html") as busy,
    ):
        yield delayed, busy


@pytest.mark.timeout(240)
def test_crawl_delay_and_retry_after_are_honoured(sites: tuple[RecordingSite, RecordingSite], tmp_path: Path) -> None:
    delayed, busy = sites
    registry = tmp_path / "registry.json"
    registry.write_text(
        json.dumps(
            {
                "portals": [
                    {
                        "id": "delayed",
                        "name": "甲县",
                        "entry_urls": [delayed.base + "/"],
                        "allowed_hosts": [delayed.base[7:]],
                        "report_columns": [delayed.base + "/nb/index.html"],
                    },
                    {"id": "busy", "name": "乙县", "entry_urls": [busy.base + "/"], "allowed_hosts": [busy.base[7:]]},
                ]
            },
            ensure_ascii=False,
        )
    )
    # politeness stays on (Crawl-delay, Retry-After); only the default delay and AutoThrottle's start are off so
    # the spacing the server sees comes from robots.txt alone
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
        "AUTOTHROTTLE_START_DELAY=0",
        "-s",
        "GX_RETRY_BACKOFF_BASE=0",
        "-s",
        "TELNETCONSOLE_ENABLED=0",
    ]
    result = subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, timeout=200, env={**os.environ, "GXCRAWL_DATABASE_URL": ""}
    )
    assert result.returncode == 0, result.stderr[-3000:]
    coverage = json.loads((tmp_path / "archive" / "coverage.json").read_text(encoding="utf-8"))
    assert coverage["portals"]["delayed"]["reports"] == 3
    assert coverage["portals"]["busy"]["reports"] == 3  # the 429'd report was retried, not lost

    times = sorted(t for t, _, _ in delayed.page_requests())
    assert len(times) >= 4  # entry, column, three reports (the column is also the entry's target)
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.95, f"requests to a Crawl-delay: 1 host came {min(gaps):.2f}s apart"

    hits = [(t, status) for t, path, status in busy.page_requests() if path == busy.busy_path]
    assert [status for _, status in hits] == [429, 200]
    assert hits[1][0] - hits[0][0] >= busy.retry_after - 0.05, "the retry did not wait for Retry-After"
    # the other host's robots.txt slows down its own host only: the crawl's stats (dumped in its log) name the
    # Crawl-delay given to each host's download slot
    assert f"'gx/politeness/crawl_delay/{delayed.host}': 1.0" in result.stderr, result.stderr[-3000:]
    assert f"gx/politeness/crawl_delay/{busy.host}" not in result.stderr
