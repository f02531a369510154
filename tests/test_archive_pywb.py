"""pywb replays our WARCs: a page, a gzip-encoded page, a Chinese path, and a revisit resolved to its original.

pywb pins redis==2.10.6, so it cannot live in .venv: it is installed into .venv/pywb-env on first use
(or set GXCRAWL_PYWB_BIN to a directory holding `wb-manager` and `wayback`).
"""

from __future__ import annotations

import gzip
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from archive_support.crawl import run_crawl
from archive_support.server import LoopbackServer, Route
from conftest import ROOT, unavailable

from gxcrawl.archive import Archive

PYWB_ENV = ROOT / ".venv" / "pywb-env"


@pytest.fixture(scope="session")
def pywb_bin() -> Path:
    if os.environ.get("GXCRAWL_PYWB_BIN"):
        return Path(os.environ["GXCRAWL_PYWB_BIN"])
    bin_dir = PYWB_ENV / "bin"
    if not (bin_dir / "wayback").exists():
        try:
            subprocess.run([sys.executable, "-m", "venv", str(PYWB_ENV)], check=True, timeout=120)
            subprocess.run([str(bin_dir / "pip"), "install", "-q", "pywb>=2.8"], check=True, timeout=600)
        except (subprocess.SubprocessError, OSError) as exc:
            unavailable(f"cannot install pywb into {PYWB_ENV}: {exc}")
    return bin_dir


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback only
            status, headers, body = response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, dict(error.headers.items()), error.read()
    if headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return status, headers, body


def test_pywb_replays_our_warcs(tmp_path: Path, pywb_bin: Path) -> None:
    page = "<html><body><p>政府信息公开工作年度报告 replay</p></body></html>".encode()
    zipped_original = ("<html><body>" + "压缩 " * 400 + "</body></html>").encode()
    archive_dir = tmp_path / "archive"
    with LoopbackServer() as server:
        urls = {
            "page": server.route("/page.html", Route(page)),
            "gzip": server.route("/zipped.html", Route(gzip.compress(zipped_original, mtime=0), headers=[
                ("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")])),
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
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")}
    subprocess.run([str(pywb_bin / "wb-manager"), "init", "gx"], cwd=home, check=True, timeout=120, env=env)
    warcs = sorted(str(p) for p in (archive_dir / "warcs").glob("*.warc.gz"))
    subprocess.run([str(pywb_bin / "wb-manager"), "add", "gx", *warcs], cwd=home, check=True, timeout=300, env=env)

    port = _free_port()
    log = open(tmp_path / "wayback.log", "wb")  # noqa: SIM115
    wayback = subprocess.Popen([str(pywb_bin / "wayback"), "-p", str(port), "-b", "127.0.0.1"], cwd=home,
                               stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert wayback.poll() is None, (tmp_path / "wayback.log").read_text()
                assert time.monotonic() < deadline, "wayback did not start"
                time.sleep(0.2)

        def replay(capture_name: str, *, at: object = None) -> tuple[int, dict[str, str], bytes]:
            capture = captures[capture_name] if at is None else at
            stamp = capture.fetched_at.strftime("%Y%m%d%H%M%S")
            return _fetch(f"http://127.0.0.1:{port}/gx/{stamp}id_/{capture.url}")

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
    finally:
        wayback.kill()
        wayback.wait(timeout=30)
        log.close()
