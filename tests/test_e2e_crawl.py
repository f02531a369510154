"""End to end: `scrapy crawl portals` over the demo portal, in a subprocess, into a fresh archive.

The demo portal imitates the CMS families independently of gxcrawl (it imports nothing from it); its
manifest says which URLs are reports, distractors and blocked pages, and what each report says.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from crawl_process import QUICK, ROOT, SCRAPY
from sqlalchemy import select

from gxcrawl.archive import Archive, target_uri
from gxcrawl.archive.models import Capture, DocumentSource, Report
from gxcrawl.demo import DemoPortal
from gxcrawl.quality.gather import unrendered_by_portal

HAS_CHROMIUM = bool(shutil.which("chromium") or os.environ.get("GXCRAWL_CHROMIUM"))

# page chrome (docs/portals.md): lines that must never reach the archived report text
CHROME_STRINGS = (
    "网站标识码",
    "ICP备",
    "公网安备",
    "主办单位",
    "承办单位",
    "技术支持",
    "分享到",
    "打印本页",
    "关闭窗口",
    "当前位置",
    "您当前",
    "无障碍",
    "长者模式",
    "智能问答",
    "网站地图",
    "联系我们",
    "扫一扫",
    "上一篇",
    "下一篇",
    "【打印】",
    "【关闭】",
    "字号",
    "点击率",
    "浏览次数",
)
FAST = QUICK  # the browser and the parse workers as a user runs them


def crawl(registry: Path, archive: Path, *extra: str, timeout: float = 540) -> dict[str, Any]:
    """Run the real spider in its own process; return the coverage summary it wrote."""
    cmd = [SCRAPY, "crawl", "portals", "-a", f"registry={registry}", "-s", f"GX_ARCHIVE_DIR={archive}", *FAST, *extra]
    env = {**os.environ, "GXCRAWL_DATABASE_URL": ""}
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)
    (archive / "crawl.log").write_text(result.stderr, encoding="utf-8")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[result.stderr.index("Traceback") - 200 :][:4000]
    return json.loads((archive / "coverage.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def full_crawl(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if not HAS_CHROMIUM:
        pytest.skip("Chromium not installed: the full crawl needs the browser for the JS-only site")
    tmp = tmp_path_factory.mktemp("e2e")
    with DemoPortal(seed=1, out_dir=tmp / "demo", slow_delay=0.3) as portal:
        coverage = crawl(portal.registry_path, tmp / "archive")
        requested = {site["id"]: portal.requested_paths(site["id"]) for site in portal.manifest["sites"]}
        manifest = portal.manifest
    return {"coverage": coverage, "manifest": manifest, "archive": tmp / "archive", "requested": requested}


def _norm(text: str | None) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split())


pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


@pytest.mark.browser
def test_every_report_url_is_found_and_no_distractor(full_crawl: dict[str, Any]) -> None:
    manifest, coverage = full_crawl["manifest"], full_crawl["coverage"]
    found = {r["url"] for r in coverage["reports"]}
    wanted = {r["url"] for r in manifest["reports"]}
    assert wanted - found == set(), f"missed {len(wanted - found)} of {len(wanted)} reports"
    distractors = {d["url"] for d in manifest["distractors"]}
    assert found & distractors == set()
    item_urls = {r["item_url"] for r in coverage["reports"]}
    assert item_urls & distractors == set()
    # the archive holds no parsed report for a distractor URL either
    with Archive.open(full_crawl["archive"]) as archive, archive.session() as session:
        sources = set(session.scalars(select(DocumentSource.url)))
    assert sources & {target_uri(u) for u in distractors} == set()


@pytest.mark.browser
def test_every_blocked_page_is_recorded_with_its_reason(full_crawl: dict[str, Any]) -> None:
    manifest, coverage = full_crawl["manifest"], full_crawl["coverage"]
    expected = {(b["url"], b["reason"]) for b in manifest["blocked"]}
    assert {(b["url"], b["reason"]) for b in coverage["blocked"]} == expected
    with Archive.open(full_crawl["archive"]) as archive, archive.session() as session:
        rows = {
            (c.url, c.blocked_reason)
            for c in session.scalars(select(Capture).where(Capture.blocked_reason.is_not(None)))
        }
    assert rows == {(target_uri(u), r) for u, r in expected}
    assert not {b["url"] for b in manifest["blocked"]} & {r["url"] for r in coverage["reports"]}


@pytest.mark.browser
def test_robots_disallowed_urls_are_never_fetched(full_crawl: dict[str, Any]) -> None:
    for url in full_crawl["manifest"].get("robots_disallowed", []):
        site = next(s for s in full_crawl["manifest"]["sites"] if url.startswith(s["base_url"]))
        path = url[len(site["base_url"]) :]
        assert path not in full_crawl["requested"][site["id"]]


def _records_by_url(archive_dir: Path) -> dict[str, dict[str, Any]]:
    with Archive.open(archive_dir) as archive, archive.session() as session:
        rows = session.execute(
            select(DocumentSource.url, Report.record).join(Report, Report.document_id == DocumentSource.document_id)
        )
        return {url: record for url, record in rows}


@pytest.mark.browser
def test_every_report_parses_to_the_manifest_values(full_crawl: dict[str, Any]) -> None:
    manifest = full_crawl["manifest"]
    records = _records_by_url(full_crawl["archive"])
    items = {r["url"]: r["item_url"] for r in full_crawl["coverage"]["reports"]}
    checked, wrong = 0, []
    for report in manifest["reports"]:
        truth = report.get("truth")
        if truth is None:
            continue
        record = records.get(target_uri(items[report["url"]]))
        assert record is not None, f"no parsed record for {report['url']} (item {items[report['url']]})"
        item_url = items[report["url"]]
        # cells a correct parser may leave null: for the page rendering, or for the attachment that was parsed
        uncertain = set(report.get("uncertain_cells") or []) | set(
            (report.get("attachment_uncertain_cells") or {}).get(item_url) or []
        )
        if record.get("report_year") != truth["report_year"]:
            wrong.append((report["url"], "report_year", record.get("report_year"), truth["report_year"]))
        if record["format"]["overall"] != truth["format"]["overall"]:
            wrong.append((report["url"], "format", record["format"]["overall"], truth["format"]["overall"]))
        for table in ("active", "applications", "appeals"):
            for row, cols in (truth.get(table) or {}).items():
                for col, value in (cols or {}).items():
                    got = ((record.get(table) or {}).get(row) or {}).get(col)
                    if got != value and not (got is None and f"{table}.{row}.{col}" in uncertain):
                        wrong.append((report["url"], f"{table}.{row}.{col}", got, value))
        checked += 1
    assert checked >= len([r for r in manifest["reports"] if r.get("truth")])
    assert wrong == [], f"{len(wrong)} wrong values, first: {wrong[:10]}"


@pytest.mark.browser
def test_no_chrome_left_in_archived_report_text(full_crawl: dict[str, Any]) -> None:
    with Archive.open(full_crawl["archive"]) as archive:
        with archive.session() as session:
            capture_ids = [c for c in session.scalars(select(Report.capture_id)) if c is not None]
        assert capture_ids
        leaks = []
        for capture_id in capture_ids:
            text = archive.read_text(capture_id) or ""
            assert text.strip(), f"capture {capture_id} has no conversion text"
            leaks += [(capture_id, s) for s in CHROME_STRINGS if s in text]
    assert leaks == []


@pytest.mark.browser
def test_js_only_site_is_found_only_with_the_browser(full_crawl: dict[str, Any], tmp_path: Path) -> None:
    js_reports = {r["url"] for r in full_crawl["manifest"]["reports"] if r["portal"] == "demo-jsonly"}
    assert js_reports and js_reports <= {r["url"] for r in full_crawl["coverage"]["reports"]}
    with DemoPortal(seed=1, out_dir=tmp_path / "demo") as portal:
        coverage = crawl(
            portal.registry_path,
            tmp_path / "archive",
            "-a",
            "portals=demo-jsonly",
            "-s",
            "GX_RENDER_ENABLED=0",
            timeout=240,
        )
        js_urls = {r["url"] for r in portal.manifest["reports"] if r["portal"] == "demo-jsonly"}
    assert coverage["reports"] == []
    assert not js_urls & {r["url"] for r in coverage["reports"]}
    # the crawl says which pages it could not render, and so does the index (their captures are flagged)
    assert coverage["unrendered"] and all(p["portal"] == "demo-jsonly" for p in coverage["unrendered"])
    (tmp_path / "archive" / "coverage.json").unlink()
    with Archive.open(tmp_path / "archive") as archive, archive.session() as session:
        counted = unrendered_by_portal(session, tmp_path / "archive")
    assert counted == {"demo-jsonly": len({p["url"] for p in coverage["unrendered"]})}
