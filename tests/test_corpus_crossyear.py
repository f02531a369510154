"""Cross-year checks: X1 (carried forward of year N = carried over of year N+1) and X2 (a second document for one
agency and year), as a pure function and over a real SQLite index written through the Archive API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from gxcrawl.archive import Archive, Exchange
from gxcrawl.archive.models import CrossYearCheck, Document
from gxcrawl.corpus.crossyear import (
    YearEntry,
    agency_identity,
    cross_year_checks,
    refresh_cross_year,
    stored_cross_year_checks,
)
from gxcrawl.corpus.query import iter_export_records

T0 = datetime(2026, 3, 1, tzinfo=UTC)
COLS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total")


def row(total: int, natural: int | None = None) -> dict[str, int | None]:
    values: dict[str, int | None] = dict.fromkeys(COLS, 0)
    values["natural_person"] = total if natural is None else natural
    values["total"] = total
    return values


def test_identity_ignores_spacing_and_punctuation_but_not_the_portal() -> None:
    assert agency_identity("p1", "云溪市 财政局") == agency_identity("p1", "云溪市财政局") == "p1/云溪市财政局"
    assert agency_identity("p1", "云溪市（财政局）") == agency_identity("p1", "云溪市财政局")
    assert agency_identity("p2", "云溪市财政局") != agency_identity("p1", "云溪市财政局")
    assert agency_identity("p1", None) is None and agency_identity(None, "云溪市财政局") is None


def test_consecutive_years_compare_column_by_column_and_from_both_sides() -> None:
    entries = [
        YearEntry(1, "p/a", 2021, row(0), row(5)),
        YearEntry(2, "p/a", 2022, row(5, natural=4), row(2)),  # natural_person 4 != 5: X1 fails there only
        YearEntry(3, "p/a", 2024, row(9), row(0)),  # 2023 missing: nothing to compare with
        YearEntry(4, "q/a", 2023, row(2), row(0)),  # another identity
    ]
    checks = cross_year_checks(entries)
    assert {c.document_id for c in checks} == {1, 2}
    from_first = {c.column: c for c in checks if c.document_id == 1}
    assert from_first["natural_person"].status == "fail"
    assert (from_first["natural_person"].left, from_first["natural_person"].right) == (5, 4)
    assert from_first["total"].status == "pass" and from_first["commercial"].status == "pass"
    assert all(c.check_id == "X1" and c.other_document_id == 2 for c in from_first.values())
    from_second = {c.column: c for c in checks if c.document_id == 2}
    # the same comparison seen from the later report: left is still the earlier year's carried_forward
    assert from_second["natural_person"].left == 5 and from_second["natural_person"].report_year == 2022
    assert from_second["natural_person"].other_report_year == 2021


def test_a_missing_value_is_not_assessable_and_a_column_neither_has_is_left_out() -> None:
    earlier = row(3)
    earlier["research"] = None
    later = row(3)
    del later["legal_service"]
    del earlier["legal_service"]
    checks = cross_year_checks([YearEntry(1, "p/a", 2021, {}, earlier), YearEntry(2, "p/a", 2022, later, {})])
    by_column = {c.column: c.status for c in checks if c.document_id == 1}
    assert by_column["research"] == "not_assessable"
    assert "legal_service" not in by_column and by_column["total"] == "pass"


def test_two_documents_for_one_agency_and_year_are_flagged_on_both() -> None:
    checks = cross_year_checks([YearEntry(1, "p/a", 2022, row(0), row(0)), YearEntry(2, "p/a", 2022, row(0), row(0))])
    assert sorted((c.document_id, c.other_document_id, c.check_id, c.status) for c in checks) == [
        (1, 2, "X2", "fail"),
        (2, 1, "X2", "fail"),
    ]


# --- over a real index -----------------------------------------------------------------------------------------


def record(agency: str, year: int, sha: str, carried_over: dict, carried_forward: dict) -> dict:
    return {
        "schema": "gxcrawl.report/1",
        "title": f"{agency}{year}年政府信息公开工作年度报告",
        "agency": agency,
        "report_year": year,
        "sections": {"applications": "三、收到和处理政府信息公开申请情况"},
        "applications": {"carried_over": carried_over, "carried_forward": carried_forward},
        "checks": [],
        "issues": [],
        "text_sha256": sha,
        "parser_version": "test",
    }


def store(archive: Archive, url: str, portal: str, rec: dict, at: datetime) -> int:
    ref = archive.write_exchange(
        Exchange(
            url=url,
            status=200,
            body=rec["text_sha256"].encode(),
            fetched_at=at,
            portal=portal,
            response_headers=[("Content-Type", "text/html")],
        )
    )
    outcome = archive.record_document(text_sha256=rec["text_sha256"], url=url, portal=portal, capture_id=ref.id)
    archive.store_report(document_id=outcome.document_id, parser_version="test", record=rec, capture_id=ref.id)
    return outcome.document_id


def test_the_index_keeps_the_checks_and_the_export_carries_them(tmp_path: Path) -> None:
    host = "http://127.0.0.1:8001"
    with Archive.open(tmp_path) as archive:
        y21 = store(archive, f"{host}/2021.html", "p1", record("云溪市财政局", 2021, "a" * 64, row(0), row(7)), T0)
        y22 = store(
            archive,
            f"{host}/2022.html",
            "p1",
            record("云溪市 财政局", 2022, "b" * 64, row(6), row(1)),
            T0 + timedelta(days=1),
        )
        # the 2022 report corrected at its own URL: a new version, not a second report for 2022
        y22v2 = store(
            archive,
            f"{host}/2022.html",
            "p1",
            record("云溪市财政局", 2022, "c" * 64, row(7), row(1)),
            T0 + timedelta(days=2),
        )
        # another copy of 2021 published elsewhere on the portal, with different text: flagged
        other21 = store(
            archive,
            f"{host}/copy/2021.html",
            "p1",
            record("云溪市财政局", 2021, "d" * 64, row(0), row(7)),
            T0 + timedelta(days=3),
        )
        # the same agency name on another portal: another identity
        store(
            archive,
            "http://127.0.0.2:8002/2022.html",
            "p2",
            record("云溪市财政局", 2022, "e" * 64, row(9), row(0)),
            T0 + timedelta(days=4),
        )
        written = refresh_cross_year(archive)
        assert refresh_cross_year(archive) == written  # recomputed, not added to
        with archive.session() as session:
            stored = stored_cross_year_checks(session, [y21, y22, y22v2, other21])
            assert y22 not in stored  # superseded at its URL: takes no part
            x1 = [c for c in stored[y21] if c.check_id == "X1"]
            assert {c.other_document_id for c in x1} == {y22v2}
            assert {c.column: c.status for c in x1}["total"] == "pass"  # 7 forward, 7 carried over by the new text
            assert [(c.check_id, c.other_document_id) for c in stored[y21] if c.check_id == "X2"] == [("X2", other21)]
            assert {c.check_id for c in stored[y22v2]} == {"X1"}
            assert session.scalar(select(Document.text_sha256).where(Document.id == other21)) == "d" * 64
            assert len(session.scalars(select(CrossYearCheck)).all()) == written
            exported = {r["text_sha256"]: r for r in iter_export_records(session)}
    cross = [c for c in exported["a" * 64]["checks"] if c["scope"] == "cross_year"]
    assert {(c["id"], c["other_text_sha256"]) for c in cross} == {("X1", "c" * 64), ("X2", "d" * 64)}
    x1_total = next(c for c in cross if c["id"] == "X1" and c["column"] == "total")
    assert (x1_total["left"], x1_total["right"], x1_total["status"]) == (7, 7, "pass")
    assert not [c for c in exported["e" * 64]["checks"] if c["scope"] == "cross_year"]
