"""The quality report of a real demo crawl (`gxcrawl demo`, which ends by writing it), opened in the system Chromium:
every page loads without console errors, the coverage matrix and the report pages show the index's numbers, and
screenshots land in tests/artifacts/quality/ (git-ignored)."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from gxcrawl.archive import Archive
from gxcrawl.cli import main as gxcrawl_main
from gxcrawl.corpus.query import iter_export_records
from gxcrawl.corpus.records import validation_errors
from gxcrawl.quality.gather import report_slug
from gxcrawl.quality.portals import unknown_portal

CHROMIUM = os.environ.get("GXCRAWL_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "quality"

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    archive = tmp_path_factory.mktemp("quality") / "archive"
    rc = gxcrawl_main(["demo", "--sites", "4", "--reports-per-site", "5", "--no-browser", "--archive", str(archive)])
    assert rc == 0
    with Archive.open(archive) as opened, opened.session() as session:
        records = list(iter_export_records(session))
    return {"archive": archive, "site": archive / "quality", "records": records}


def test_the_demo_writes_the_site_and_the_export_carries_cross_year_checks(demo: dict[str, Any]) -> None:
    site = demo["site"]
    assert (site / "index.html").is_file() and (site / "checks.html").is_file()
    for record in demo["records"]:
        assert (site / "reports" / f"{report_slug(record['text_sha256'])}.html").is_file()
        assert validation_errors(record) == []
    cross = [c for r in demo["records"] for c in r["checks"] if c["scope"] == "cross_year"]
    assert cross and {c["id"] for c in cross} <= {"X1", "X2"}
    # nothing of the site loads from the network: no http(s) URL in a src or href of its own pages
    for page in [site / "index.html", *(site / "reports").glob("*.html")]:
        text = page.read_text(encoding="utf-8")
        assert 'src="http' not in text and '<link rel="stylesheet" href="http' not in text
    for original in (site / "originals").glob("*.html"):
        assert "<script" not in original.read_text(encoding="utf-8").lower()


def _expected_matrix(records: list[dict[str, Any]]) -> tuple[Counter, Counter]:
    reports: Counter = Counter()
    failed: Counter = Counter()
    for record in records:
        key = (record["portal"], str(record["report_year"]))
        reports[key] += 1
        failed[key] += any(
            c["status"] == "fail" and c["id"].startswith("H") and c["scope"] != "cross_year" for c in record["checks"]
        )
    return reports, failed


@pytest.mark.browser
def test_the_site_in_chromium_shows_the_index_numbers(demo: dict[str, Any]) -> None:
    if not CHROMIUM:
        pytest.skip("Chromium not installed (apt-get install chromium): the quality site is tested in a real browser")
    from playwright.async_api import async_playwright

    site, records = demo["site"], demo["records"]
    reports, failed = _expected_matrix(records)
    # a report with a failing hard check shows its highlighted cells; else any report
    chosen = next(
        (r for r in records if any(c["status"] == "fail" and c["id"] in ("H1", "H2", "H3") for c in r["checks"])),
        records[0],
    )
    portal = next(iter(reports))[0]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    async def run() -> dict[str, Any]:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-dev-shm-usage"]
            )
            try:
                page = await browser.new_page(viewport={"width": 1300, "height": 900})
                problems: list[str] = []
                page.on("console", lambda m: problems.append(f"{page.url}: {m.text}") if m.type == "error" else None)
                page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))
                page.on("requestfailed", lambda r: problems.append(f"{page.url}: failed {r.url}"))
                out: dict[str, Any] = {}
                await page.goto((site / "index.html").as_uri(), wait_until="load")
                out["cells"] = await page.eval_on_selector_all(
                    "#matrix tbody tr td.cell",
                    "cells => cells.map(c => [c.parentElement.dataset.portal, c.dataset.year, +c.dataset.reports,"
                    " +c.dataset.failed])",
                )
                out["total"] = await page.text_content("#total-reports")
                out["images"] = await page.eval_on_selector_all("figure img", "imgs => imgs.map(i => i.naturalWidth)")
                await page.screenshot(path=str(ARTIFACTS / "index.png"), full_page=True)
                await page.goto((site / "checks.html").as_uri(), wait_until="load")
                out["explained"] = await page.eval_on_selector_all(
                    "#explanations tr[id]", "rows => rows.map(r => r.id)"
                )
                await page.screenshot(path=str(ARTIFACTS / "checks.png"), full_page=True)
                await page.goto((site / "portals" / f"{portal}.html").as_uri(), wait_until="load")
                out["portal_reports"] = await page.text_content(".portal-reports")
                for record in records:  # every report page loads cleanly
                    await page.goto(
                        (site / "reports" / f"{report_slug(record['text_sha256'])}.html").as_uri(), wait_until="load"
                    )
                await page.goto(
                    (site / "reports" / f"{report_slug(chosen['text_sha256'])}.html").as_uri(), wait_until="load"
                )
                out["hard_failed"] = await page.text_content("#hard-failed")
                out["check_rows"] = await page.eval_on_selector_all(
                    "#checks tr.check", "rows => rows.map(r => [r.dataset.key, r.dataset.status])"
                )
                out["values"] = await page.eval_on_selector_all(
                    "#table-applications td[data-cell]", "cells => cells.map(c => [c.dataset.cell, c.textContent])"
                )
                out["failed_cells"] = await page.eval_on_selector_all("td.failed", "cells => cells.length")
                first = page.locator("#checks tr.check").first
                await first.click()
                out["highlighted"] = await page.eval_on_selector_all("td.hl", "cells => cells.length")
                out["iframe"] = await page.eval_on_selector_all("iframe#original", "f => f.length")
                if out["iframe"]:
                    frame = page.frame_locator("iframe#original")
                    out["original_text"] = await frame.locator("body").inner_text()
                await page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
                out["problems"] = problems
                return out
            finally:
                await browser.close()

    seen = asyncio.run(run())
    print(f"screenshots: {ARTIFACTS}")
    assert seen["problems"] == []
    assert int(seen["total"]) == len(records)
    shown = {(p, y): n for p, y, n, _ in seen["cells"] if n}
    assert shown == dict(reports)
    assert {(p, y): f for p, y, _, f in seen["cells"] if f} == {k: v for k, v in failed.items() if v}
    assert all(width > 0 for width in seen["images"]) and len(seen["images"]) == 3
    assert {"H1", "H2", "H3", "H5", "H6", "S3", "S5", "X1", "X2"} <= set(seen["explained"])
    assert int(seen["portal_reports"]) == sum(n for (p, _), n in reports.items() if p == portal)

    hard = [c for c in chosen["checks"] if c["id"].startswith("H") and c["scope"] != "cross_year"]
    assert int(seen["hard_failed"]) == sum(c["status"] == "fail" for c in hard)
    expected_rows = [[f"{c['id']}:{c['scope']}", c["status"]] for c in chosen["checks"] if c["scope"] != "cross_year"]
    assert seen["check_rows"] == expected_rows
    for cell, text in seen["values"]:
        _, row, col = cell.split(".")
        value = (chosen["applications"].get(row) or {}).get(col)
        assert text == ("" if value is None else f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"), cell
    if any(c["status"] == "fail" and c["id"] in ("H1", "H2", "H3") for c in chosen["checks"]):
        assert seen["failed_cells"] > 0
    assert seen["highlighted"] > 0
    if seen["iframe"]:
        assert (chosen["agency"] or "")[:2] in seen["original_text"] or chosen["title"][:4] in seen["original_text"]


def _site_files(site: Path) -> dict[str, tuple[int, bytes]]:
    return {
        str(p.relative_to(site)): (p.stat().st_mtime_ns, p.read_bytes())
        for sub in ("reports", "originals")
        for p in (site / sub).iterdir()
    }


def test_worker_processes_write_the_same_pages_and_a_rerun_rewrites_only_what_changed(
    demo: dict[str, Any], tmp_path: Path
) -> None:
    from gxcrawl.quality import build_site
    from gxcrawl.quality.portals import portal_directory

    archive_root, records = demo["archive"], demo["records"]
    inline, pooled = tmp_path / "inline", tmp_path / "pooled"
    with Archive.open(archive_root) as archive, archive.session() as session:
        directory = portal_directory(session)
        first = build_site(session, archive_root, inline, directory=directory, jobs=1)
        assert build_site(session, archive_root, pooled, directory=directory, jobs=2) == first
    assert first["reports"] == len(records)
    written = _site_files(inline)
    assert {name: data for name, (_, data) in written.items()} == {
        name: data for name, (_, data) in _site_files(pooled).items()
    }

    # a re-run over the same index writes no report page again; a page deleted by hand is written again
    gone = inline / "reports" / f"{report_slug(records[0]['text_sha256'])}.html"
    gone.unlink()
    with Archive.open(archive_root) as archive, archive.session() as session:
        assert build_site(session, archive_root, inline, directory=directory, jobs=1) == first
    again = _site_files(inline)
    assert again.keys() == written.keys()
    rewritten = {name for name in again if again[name][0] != written[name][0]}
    assert rewritten <= {str(gone.relative_to(inline)), f"originals/{report_slug(records[0]['text_sha256'])}.html"}
    assert str(gone.relative_to(inline)) in rewritten and again == {**written, **{n: again[n] for n in rewritten}}

    # a portal named differently rewrites that portal's report pages only, with the new name
    portal = records[0]["portal"]
    renamed = {**directory, portal: replace(directory.get(portal) or unknown_portal(portal), name="改名的门户")}
    with Archive.open(archive_root) as archive, archive.session() as session:
        build_site(session, archive_root, inline, directory=renamed, jobs=1)
    after = _site_files(inline)
    changed = {name for name in after if name.startswith("reports/") and after[name][0] != again[name][0]}
    assert changed == {f"reports/{report_slug(r['text_sha256'])}.html" for r in records if r["portal"] == portal}
    assert all("改名的门户" in after[name][1].decode("utf-8") for name in changed)

    # a report no longer in the index loses its page (an index without it: a copy with its report rows deleted)
    copy = tmp_path / "index-copy.sqlite"
    shutil.copyfile(archive_root / "index.sqlite", copy)
    dropped = records[-1]["text_sha256"]
    with sqlite3.connect(copy) as db:
        db.execute("DELETE FROM report WHERE document_id = (SELECT id FROM document WHERE text_sha256 = ?)", (dropped,))
    with Archive.open(archive_root, f"sqlite:///{copy}") as archive, archive.session() as session:
        smaller = build_site(session, archive_root, inline, directory=renamed, jobs=1)
    assert smaller["reports"] == len(records) - 1
    assert not (inline / "reports" / f"{report_slug(dropped)}.html").exists()
    assert not list((inline / "originals").glob(f"{report_slug(dropped)}.*"))
