"""`gxcrawl archive wacz`: the archive as one WACZ file that passes py-wacz's own validation (datapackage hashes,
CDXJ index, pages list) and that pywb and ReplayWeb.page (in the system Chromium), given the file alone, replay
report pages from."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import os
import shutil
import stat
import zipfile
from pathlib import Path

import pytest
from archive_support.pywb import fetch, pywb_bin_fixture, wayback, wb_manager  # noqa: F401 - the fixture
from archive_support.replaywebpage import replay_site, replaywebpage_dir_fixture  # noqa: F401 - the fixture
from corpus_support.corpus import HOST1, HOST2, Corpus, build_corpus, seed_page

from gxcrawl.archive import Archive, target_uri
from gxcrawl.cli import main

pytest.importorskip("wacz", reason="py-wacz is the `wacz` extra")


@pytest.fixture
def packaged(tmp_path: Path, seeds_dir: Path) -> tuple[Corpus, Path]:
    corpus = build_corpus(tmp_path / "archive", seeds_dir, None)
    out = tmp_path / "corpus.wacz"
    previous = os.umask(0o022)
    try:
        assert main(corpus.args("archive", "wacz", "--out", str(out), "--title", "年报 test")) == 0
    finally:
        os.umask(previous)
    return corpus, out


def test_the_wacz_holds_the_warcs_an_index_and_the_report_pages(
    packaged: tuple[Corpus, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    corpus, out = packaged
    from wacz.main import main as wacz_main

    assert wacz_main(["validate", "-f", str(out)]) == 0  # required files, datapackage schema and every sha256
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    with zipfile.ZipFile(out) as wacz:
        names = set(wacz.namelist())
        warcs = sorted(p.name for p in (corpus.archive_dir / "warcs").glob("*.warc.gz"))
        assert {f"archive/{name}" for name in warcs} <= names
        for name in warcs:
            assert wacz.read(f"archive/{name}") == (corpus.archive_dir / "warcs" / name).read_bytes()
        package = json.loads(wacz.read("datapackage.json"))
        assert package["title"] == "年报 test" and package["wacz_version"] == "1.1.1"
        cdxj = gzip.decompress(wacz.read("indexes/index.cdx.gz")).decode().splitlines()
        pages = [json.loads(line) for line in wacz.read("pages/pages.jsonl").decode().splitlines()]
    # the index names every archived page of the corpus
    indexed = {json.loads(line.split(" ", 2)[2])["url"] for line in cdxj}
    assert {target_uri(url) for url in corpus.records} <= indexed
    # one page per distinct report: the URL the export names, when it was fetched, the report's title
    assert pages[0]["format"] == "json-pages-1.0"
    by_url = {p["url"]: p for p in pages[1:]}
    assert set(by_url) == {
        target_uri(u) for u in (f"{HOST1}/a/000.html", f"{HOST1}/b.html", f"{HOST2}/c.html", f"{HOST1}/d.html")
    }
    assert by_url[target_uri(f"{HOST1}/d.html")]["title"] == corpus.records[f"{HOST1}/d.html"]["title"]
    assert by_url[target_uri(f"{HOST1}/a/000.html")]["ts"].startswith("2026-01-10T08:00:00")

    capsys.readouterr()
    assert main(corpus.args("archive", "wacz", "--out", str(out))) == 2
    assert capsys.readouterr().err == f"gxcrawl: error: {out} exists already; add --force to replace it\n"
    assert main(corpus.args("archive", "wacz", "--out", str(out), "--force")) == 0


def test_pywb_replays_a_report_page_from_the_wacz(
    packaged: tuple[Corpus, Path], tmp_path: Path, seeds_dir: Path, pywb_bin: Path
) -> None:
    corpus, out = packaged
    home = tmp_path / "pywb"
    home.mkdir()
    wb_manager(pywb_bin, home, "init", "reports")
    # pywb takes the WARC files and the CDXJ index from the WACZ as they are (no reindexing)
    wb_manager(pywb_bin, home, "add", "--unpack-wacz", "reports", str(out))
    with Archive.open(corpus.archive_dir) as archive:
        changed = archive.latest_capture(f"{HOST1}/b.html")
        mirror = archive.latest_capture(f"{HOST2}/mirror/000.html")
    assert changed is not None and mirror is not None
    with wayback(pywb_bin, home, tmp_path / "wayback.log") as port:
        for capture, prefix in ((changed, "004"), (mirror, "000")):
            stamp = capture.fetched_at.strftime("%Y%m%d%H%M%S")
            status, headers, body = fetch(f"http://127.0.0.1:{port}/reports/{stamp}id_/{capture.url}")
            assert status == 200, (tmp_path / "wayback.log").read_text()[-2000:]
            assert hashlib.sha256(body).digest() == hashlib.sha256(seed_page(seeds_dir, prefix)).digest()
        # and the replay page a person opens (pywb's rewriting frame), with the report's text in it
        stamp = changed.fetched_at.strftime("%Y%m%d%H%M%S")
        status, _, body = fetch(f"http://127.0.0.1:{port}/reports/{stamp}mp_/{changed.url}")
        assert status == 200 and corpus.records[f"{HOST1}/b.html"]["agency"] in body.decode("utf-8")


async def _replayed(address: str, url: str, chromium: str) -> tuple[str, str]:
    """The title and text of `url` as ReplayWeb.page shows it in the page at `address`."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            page = await browser.new_page()
            await page.goto(address)
            # the first visit installs the service worker; the replay frame only works once the worker controls it
            await page.wait_for_function(
                "navigator.serviceWorker.getRegistration('replay/').then(r => !!(r && r.active))", timeout=60_000
            )
            await page.reload()
            for _ in range(300):
                for frame in page.frames:
                    if frame.url.endswith(f"mp_/{url}"):
                        shown = await frame.evaluate("[document.title, document.body ? document.body.innerText : '']")
                        if shown[1]:
                            return shown[0], shown[1]
                await asyncio.sleep(0.2)
            raise AssertionError(f"ReplayWeb.page never showed {url}: frames {[f.url for f in page.frames]}")
        finally:
            await browser.close()


@pytest.mark.browser
def test_replaywebpage_replays_a_report_page_from_the_wacz(
    packaged: tuple[Corpus, Path], tmp_path: Path, replaywebpage_dir: Path
) -> None:
    chromium = os.environ.get("GXCRAWL_CHROMIUM") or shutil.which("chromium")
    if chromium is None:
        pytest.skip("Chromium not installed (apt-get install chromium): ReplayWeb.page runs in a real browser")
    corpus, out = packaged
    url = target_uri(f"{HOST1}/d.html")
    record = corpus.records[f"{HOST1}/d.html"]
    with replay_site(replaywebpage_dir, out, tmp_path / "site", url) as address:
        title, text = asyncio.run(_replayed(address, url, chromium))
    # the archived page itself, from the WACZ alone: its own title and the report's text
    assert record["title"] in title
    assert record["agency"] in text and "本年新收政府信息公开申请数量" in text
