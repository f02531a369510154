"""A real `scrapy crawl portals` of the demo portal's demo-scripted site, live over loopback and then replayed from
its archive with the portal stopped.

Its article template binds attachments by script only (avalon `ms-attr-href` filled from the `apps` array or an
inline JSON document, a Vue list over inline JSON, `onclick="downloadFile('…')"`, `javascript:window.open('…')`, a
`data-file` attribute); its 年报 column names some rows only by a file name (linking the document itself), a year or
an agency and a year; its titles include academic years, an agency whose name holds a distractor word and a report
published with the website's annual form. Every mechanism has a distractor of the same shape next to it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from crawl_process import run_portals_crawl
from sqlalchemy import select

from gxcrawl.archive import Archive, target_uri
from gxcrawl.archive.models import DocumentSource, Report
from gxcrawl.demo import DemoPortal

SITE = "demo-scripted"

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def crawl(registry: Path, archive: Path, coverage: Path, *extra: str) -> tuple[dict[str, Any], str]:
    result = run_portals_crawl(registry, archive, "-s", f"GX_COVERAGE_FILE={coverage}", *extra, portals=SITE)
    return json.loads(coverage.read_text(encoding="utf-8")), result.stderr


def _records(archive: Path) -> dict[str, dict]:
    with Archive.open(archive) as opened, opened.session() as session:
        rows = session.execute(
            select(DocumentSource.url, Report.record).join(Report, Report.document_id == DocumentSource.document_id)
        )
        return {url: record for url, record in rows}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("scripted")
    archive = tmp / "archive"
    with DemoPortal(seed=1, out_dir=tmp / "demo") as portal:
        live, _ = crawl(portal.registry_path, archive, tmp / "live.json")
        manifest = portal.manifest
        fetched = {portal.url(SITE, path.split("?")[0]) for path in portal.requested_paths(SITE)}
        registry = tmp / "registry.json"
        registry.write_text(portal.registry_path.read_text(encoding="utf-8"), encoding="utf-8")
    live_records = _records(archive)
    # the portal is gone: the replay answers every request from the archive
    replay, replay_log = crawl(registry, archive, tmp / "replay.json", "-s", "GX_REPLAY=1")
    return {
        "live": live,
        "replay": replay,
        "replay_log": replay_log,
        "fetched": fetched,
        "reports": [r for r in manifest["reports"] if r["portal"] == SITE],
        "distractors": [d for d in manifest["distractors"] if d["portal"] == SITE],
        "live_records": live_records,
        "replay_records": _records(archive),
    }


def test_every_report_is_found_and_no_distractor(crawled: dict[str, Any]) -> None:
    reports, distractors = crawled["reports"], {d["url"] for d in crawled["distractors"]}
    found = {r["url"] for r in crawled["live"]["reports"]}
    assert {r["url"] for r in reports} == found
    assert len(distractors) >= 7 and not distractors & found
    # every new title shape is among the reports
    titles = [r["title"] for r in reports]
    assert any("学年" in t for t in titles) and any("预算评审中心" in t for t in titles)
    assert any(t.endswith("政府网站工作年度报表") for t in titles)


def test_reports_bound_by_script_are_their_attachments(crawled: dict[str, Any]) -> None:
    found = {r["url"]: r for r in crawled["live"]["reports"]}
    stubs = [r for r in crawled["reports"] if r["form"] == "attachment_only" and r["url"] not in r["attachments"]]
    assert len(stubs) >= 5
    for report in stubs:
        got = found[report["url"]]
        assert got["kind"] == "attachment" and got["item_url"] == report["attachments"][0], report["title"]
    # a report page with a body keeps its bound PDF as an attachment too
    with_pdf = [r for r in crawled["reports"] if r["form"] == "html+pdf"]
    assert with_pdf and all(found[r["url"]]["attachments"] == r["attachments"] for r in with_pdf)


def test_rows_that_name_nothing_are_judged_by_their_content(crawled: dict[str, Any]) -> None:
    found = {r["url"]: r for r in crawled["live"]["reports"]}
    documents = [r for r in crawled["reports"] if r["url"] in r["attachments"]]  # 附件1.pdf, P0….pdf rows
    assert len(documents) == 2 and all(found[r["url"]]["kind"] == "attachment" for r in documents)
    by_kind = {d["kind"]: d for d in crawled["distractors"]}
    # the 附件2.pdf row is the 编制通知: fetched, read, recorded as a distractor, not a report
    notice = (
        by_kind["compile_notice"]
        if by_kind["compile_notice"]["url"].endswith(".pdf")
        else next(d for d in crawled["distractors"] if d["url"].endswith(".pdf"))
    )
    assert notice["url"] in crawled["fetched"]
    assert notice["url"] in {d["url"] for d in crawled["live"]["distractors"]}
    # the 2022年 row is the website's annual form: its page title says so
    assert by_kind["website_report"]["url"] in {d["url"] for d in crawled["live"]["distractors"]}


def test_distractor_titles_are_enough_and_bound_pdfs_of_notices_stay_unfetched(crawled: dict[str, Any]) -> None:
    fetched = crawled["fetched"]
    by_title = {d["title"]: d for d in crawled["distractors"]}
    for title, d in by_title.items():
        if "部门预算" in title or title.startswith("关于报送"):
            assert d["url"] not in fetched, title  # the title alone rejects it
    notice = next(d for d in crawled["distractors"] if "值班" in d["title"])
    assert notice["url"] in fetched  # a notice in the 年报 column is looked at…
    assert not any(u.endswith("P020240115000001.pdf") for u in fetched)  # …but its bound PDF makes no report


def test_every_report_parses_to_its_truth(crawled: dict[str, Any]) -> None:
    items = {r["url"]: r["item_url"] for r in crawled["live"]["reports"]}
    wrong, checked = [], 0
    for report in crawled["reports"]:
        truth = report["truth"]
        record = crawled["live_records"][target_uri(items[report["url"]])]
        uncertain = set(report["uncertain_cells"]) | set(
            report["attachment_uncertain_cells"].get(items[report["url"]], [])
        )
        if record["report_year"] != truth["report_year"]:
            wrong.append((report["title"], "report_year", record["report_year"], truth["report_year"]))
        for table in ("active", "applications", "appeals"):
            for row, cols in (truth.get(table) or {}).items():
                for col, value in (cols or {}).items():
                    got = ((record.get(table) or {}).get(row) or {}).get(col)
                    if got != value and not (got is None and f"{table}.{row}.{col}" in uncertain):
                        wrong.append((report["title"], f"{table}.{row}.{col}", got, value))
        checked += 1
    assert checked == len(crawled["reports"]) and wrong == []
    # an academic-year report's year is the academic year's first year
    academic = [r for r in crawled["reports"] if "学年" in r["title"]]
    assert academic and all(str(r["report_year"]) in r["title"].split("学年")[0][-9:-5] for r in academic)


def test_the_replay_finds_the_same_reports_from_the_archive(crawled: dict[str, Any]) -> None:
    live = {r["url"]: (r["item_url"], r["attachments"]) for r in crawled["live"]["reports"]}
    replay = {r["url"]: (r["item_url"], r["attachments"]) for r in crawled["replay"]["reports"]}
    assert replay == live
    assert {d["url"] for d in crawled["replay"]["distractors"]} == {d["url"] for d in crawled["live"]["distractors"]}
    assert crawled["replay_records"] == crawled["live_records"]
    assert "gx/replay/miss" not in crawled["replay_log"]
