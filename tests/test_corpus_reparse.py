"""`gxcrawl reparse` (gxcrawl/corpus/reparse.py): the current parser over every archived document, payloads
read back from the WARC; stored reports updated where the parser version or the result changed; a summary of
what changed (counts, tables, checks that newly pass or fail); a bad payload is reported, never fatal."""

from __future__ import annotations

import copy
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from corpus_support.corpus import HOST1, T0, Corpus, build_corpus
from sqlalchemy import func, select

from gxcrawl.archive import Archive, Exchange
from gxcrawl.archive.models import Document, Report
from gxcrawl.cli import main
from gxcrawl.corpus.export import export_corpus
from gxcrawl.corpus.reparse import reparse_archive
from gxcrawl.report import PARSER_VERSION, parse_report

OLD = "0.9.0"


@pytest.fixture(params=["sqlite", "postgres"])
def corpus(request: pytest.FixtureRequest, tmp_path: Path, seeds_dir: Path) -> Corpus:
    database_url = None if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    return build_corpus(tmp_path / "archive", seeds_dir, database_url)


def age_reports(corpus: Corpus) -> dict[str, int]:
    """Pretend an older parser made every stored report; the one for b.html also read a cell differently and
    failed its H3 checks. Returns how many H3 checks were set to fail."""
    with Archive.open(corpus.archive_dir, corpus.database_url) as archive, archive.session() as session:
        failed = 0
        for report in session.scalars(select(Report)):
            record = copy.deepcopy(report.record)
            record["parser_version"] = OLD
            if report.capture_id and record["agency"] == "楚雄市新村镇":  # the text now at b.html
                record["applications"]["new_received"]["natural_person"] += 7
                for check in record["checks"]:
                    if check["id"] == "H3" and check["status"] == "pass":
                        check["status"] = "fail"
                        failed += 1
            report.record = record
            report.parser_version = OLD
    return {"H3": failed}


def test_reparse_updates_old_reports_and_says_what_changed(corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    failed_before = age_reports(corpus)
    assert failed_before["H3"] > 0
    assert main(corpus.args("reparse")) == 0
    out = capsys.readouterr().out
    assert f"gxcrawl reparse (parser {PARSER_VERSION}): 5 document(s); 5 updated (5 new parser version" in out
    assert "values changed in 1 report(s): applications 1" in out
    assert f"checks newly pass: H3 {failed_before['H3']}" in out
    assert "checks newly fail: none" in out

    with Archive.open(corpus.archive_dir, corpus.database_url) as archive, archive.session() as session:
        current = session.scalars(select(Report).where(Report.parser_version == PARSER_VERSION)).all()
        assert len(current) == 5
        assert session.scalar(select(func.count(Report.id)).where(Report.parser_version == OLD)) == 5  # history kept
        for report in current:  # each equals a fresh parse of the payload archived in the WARC
            payload = archive.read_payload(report.capture_id)
            capture = archive.capture(report.capture_id)
            assert report.record == parse_report(payload, url=capture.url, content_type=capture.content_type)
        b = corpus.records[f"{HOST1}/b.html"]
        exported = {r["url"]: r for r in _export(archive)}
        assert exported[f"{HOST1}/b.html"]["applications"] == b["applications"]
        assert {r["parser_version"] for r in exported.values()} == {PARSER_VERSION}

    # nothing left to do the second time
    assert main(corpus.args("reparse")) == 0
    out = capsys.readouterr().out
    assert "5 document(s); 0 updated" in out and "5 unchanged" in out


def test_same_version_different_result_is_replaced(corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    with Archive.open(corpus.archive_dir, corpus.database_url) as archive, archive.session() as session:
        report = session.scalars(select(Report).order_by(Report.id)).first()
        record = copy.deepcopy(report.record)
        record["appeals"]["review"]["total"] = 999
        report.record = record
        rows_before = session.scalar(select(func.count(Report.id)))
    assert main(corpus.args("reparse")) == 0
    out = capsys.readouterr().out
    assert "1 updated (0 new parser version, 1 re-parsed same version), 4 unchanged" in out
    assert "values changed in 1 report(s): appeals 1" in out
    with Archive.open(corpus.archive_dir, corpus.database_url) as archive, archive.session() as session:
        assert session.scalar(select(func.count(Report.id))) == rows_before
        assert 999 not in [g.get("total") for g in session.get(Report, report.id).record["appeals"].values()]


def test_unreadable_payload_is_reported_and_keeps_its_report(corpus: Corpus) -> None:
    with Archive.open(corpus.archive_dir, corpus.database_url) as archive:
        url = f"{HOST1}/broken.html"
        ref = archive.write_exchange(
            Exchange(
                url=url,
                status=200,
                body=bytes(range(256)) * 40,
                fetched_at=T0 + timedelta(days=5),
                response_headers=[("Content-Type", "application/octet-stream")],
            )
        )
        kept = dict(corpus.records[f"{HOST1}/d.html"], text_sha256="f" * 64, parser_version=OLD)
        outcome = archive.record_document(text_sha256="f" * 64, url=url, portal="p1", capture_id=ref.id)
        archive.store_report(document_id=outcome.document_id, parser_version=OLD, record=kept, capture_id=ref.id)

        summary = reparse_archive(archive, parse_report, PARSER_VERSION, batch_size=2, progress=False)
        assert (summary.documents, summary.failed, summary.unchanged) == (6, 1, 5)
        assert "broken.html" in summary.failures[0] and "UnreadableDocument" in summary.failures[0]
        with archive.session() as session:
            rows = session.scalars(select(Report).where(Report.document_id == outcome.document_id)).all()
            assert [(r.parser_version, r.record) for r in rows] == [(OLD, kept)]
            assert session.scalar(select(func.count(Document.id))) == 6


def test_reparse_without_archive_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reparse", "--archive", str(tmp_path / "none")]) == 2
    assert "no archive index" in capsys.readouterr().err


def _export(archive: Archive) -> list[dict]:
    out = io.StringIO()
    with archive.session() as session:
        export_corpus(session, out, progress=False)
    return [json.loads(line) for line in out.getvalue().splitlines()]
