"""A real `scrapy crawl portals` of a small site that links its 年报 column both as a directory and as its
`index.html`: the column is fetched once; where the server does not answer the directory (no default document:
404) the other spelling is fetched instead, so no report is lost."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from crawl_process import FAST, ROOT, SCRAPY, SECTIONS
from mock_server import Arrival, MockServer

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


class Site(MockServer):
    """An entry page linking the column twice; the column lists three reports."""

    def __init__(self, *, directory_answers: bool) -> None:
        super().__init__("127.0.0.1", protocol="HTTP/1.0")
        self.directory_answers = directory_answers

    @property
    def log(self) -> list[str]:
        return [request.path for request in self.requests]

    def answer(self, request: Arrival) -> tuple[int, list[tuple[str, str]], bytes]:
        status, body = self.page(request.path)
        return status, [("Content-Type", "text/html; charset=utf-8")], body

    def page(self, path: str) -> tuple[int, bytes]:
        if path == "/robots.txt":
            return 200, b"User-agent: *\nDisallow:\n"
        if path == "/":
            return 200, (
                '<html><head><title>某县人民政府</title></head><body><ul class="nav">'
                '<li><a href="/zwgk/zfxxgknb/">政府信息公开年报</a></li></ul><div class="crumb">'
                '<a href="/zwgk/zfxxgknb/index.html">政府信息公开年报</a></div></body></html>'
            ).encode()
        if path == "/zwgk/zfxxgknb/index.html" or (path == "/zwgk/zfxxgknb/" and self.directory_answers):
            links = "".join(
                f'<li><a href="./20230{i}/t2023010{i}_{i}.html">某县{2019 + i}年政府信息公开工作年度报告</a>'
                f"<span>2023-01-0{i}</span></li>"
                for i in (1, 2, 3)
            )
            return (
                200,
                f"<html><head><title>政府信息公开年报</title></head><body><ul>{links}</ul></body></html>".encode(),
            )
        if path.startswith("/zwgk/zfxxgknb/2023"):
            year = 2019 + int(path.rsplit("_", 1)[1].split(".")[0])
            title = f"某县{year}年政府信息公开工作年度报告"
            return (
                200,
                f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{SECTIONS}</body></html>".encode(),
            )
        return 404, b"<html><body>not found</body></html>"


def crawl(site: Site, tmp: Path) -> dict:
    registry = tmp / "registry.json"
    registry.write_text(
        json.dumps(
            {
                "portals": [
                    {
                        "id": "county",
                        "entry_urls": [site.base + "/"],
                        "allowed_hosts": [urlsplit(site.base).netloc],
                        "cms": "trs",
                    }
                ]
            }
        ),
        encoding="utf-8",
    )  # host:port: the host policy allows a bare host on 80/443 only
    cmd = [SCRAPY, "crawl", "portals", "-a", f"registry={registry}", "-s", f"GX_ARCHIVE_DIR={tmp / 'archive'}", *FAST]
    result = subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, timeout=240, env={**os.environ, "GXCRAWL_DATABASE_URL": ""}
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[result.stderr.index("Traceback") - 200 :][:4000]
    return json.loads((tmp / "archive" / "coverage.json").read_text(encoding="utf-8"))


@pytest.fixture(params=[True, False], ids=["directory-answers", "directory-404"])
def site(request: pytest.FixtureRequest) -> Iterator[Site]:
    with Site(directory_answers=request.param) as s:
        yield s


def test_the_column_is_fetched_once_under_one_of_its_spellings(site: Site, tmp_path: Path) -> None:
    coverage = crawl(site, tmp_path)
    column = [p for p in site.log if p.startswith("/zwgk/zfxxgknb/") and "/2023" not in p]
    if site.directory_answers:
        assert column == ["/zwgk/zfxxgknb/"]  # index.html is the same page: not fetched again
    else:
        assert column == ["/zwgk/zfxxgknb/", "/zwgk/zfxxgknb/index.html"]  # 404, then the other spelling
    assert len({r["url"] for r in coverage["reports"]}) == 3
