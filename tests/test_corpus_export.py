"""`gxcrawl export` (gxcrawl/corpus/export.py, query.py) over a real archive: pages written through the Archive
API as the crawl does (WARC capture, parse_report, dedupe, report row), exported as JSONL and CSV, on SQLite
and PostgreSQL. Every line must validate against the shipped export schema."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
from pathlib import Path

import pytest
from corpus_support.corpus import HOST1, HOST2, PDF, Corpus, build_corpus
from warcio.archiveiterator import ArchiveIterator

from gxcrawl.archive import target_uri
from gxcrawl.cli import main
from gxcrawl.corpus.records import TABLES, validation_errors
from gxcrawl.report import parse_report


@pytest.fixture(params=["sqlite", "postgres"])
def corpus(request: pytest.FixtureRequest, tmp_path: Path, seeds_dir: Path) -> Corpus:
    database_url = None if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    return build_corpus(tmp_path / "archive", seeds_dir, database_url)


def export_jsonl(corpus: Corpus, tmp_path: Path, *extra: str) -> list[dict]:
    out = tmp_path / f"export-{len(list(tmp_path.iterdir()))}.jsonl"
    assert main(corpus.args("export", "--out", str(out), *extra)) == 0
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_one_record_per_distinct_report_latest_version_all_sources(
        corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = export_jsonl(corpus, tmp_path)
    assert "4 report(s) written" in capsys.readouterr().err
    for record in records:
        assert validation_errors(record) == [], record["url"]
    by_url = {r["url"]: r for r in records}
    assert set(by_url) == {target_uri(u) for u in (f"{HOST1}/a/000.html", f"{HOST1}/b.html", f"{HOST2}/c.html",
                                                   f"{HOST1}/d.html")}
    # the report's values are the parser's, untouched
    for url, record in by_url.items():
        parsed = corpus.records[url]
        for key in ("agency", "report_year", "format", *TABLES, "checks", "text_sha256"):
            assert record.get(key) == parsed.get(key), (url, key)

    same_text = by_url[target_uri(f"{HOST1}/a/000.html")]
    assert [(s["url"], s["portal"], s["first_seen"], s["last_seen"]) for s in same_text["sources"]] == [
        (target_uri(f"{HOST1}/a/000.html"), "p1", "2026-01-10T08:00:00Z", "2026-04-10T08:00:00Z"),
        (target_uri(f"{HOST2}/mirror/000.html"), "p2", "2026-01-11T08:00:00Z", "2026-01-11T08:00:00Z"),
    ]
    assert same_text["versions"] == 1 and same_text["portal"] == "p1"
    assert same_text["fetched_at"] == "2026-01-10T08:00:00Z"

    changed = by_url[target_uri(f"{HOST1}/b.html")]
    assert changed["versions"] == 2
    assert changed["agency"] == corpus.records[f"{HOST1}/b.html"]["agency"] == "楚雄市新村镇"  # the newer text
    assert changed["fetched_at"] == "2026-02-09T08:00:00Z"

    with_attachment = by_url[target_uri(f"{HOST2}/c.html")]
    assert with_attachment["attachments"] == [{"url": f"{HOST2}/files/003.pdf", "content_type": "application/pdf",
                                               "sha256": hashlib.sha256(PDF).hexdigest()}]


def test_warc_pointer_reads_back_the_archived_page(corpus: Corpus, tmp_path: Path, seeds_dir: Path) -> None:
    for record in export_jsonl(corpus, tmp_path):
        warc = record["warc"]
        with open(corpus.archive_dir / warc["file"], "rb") as stream:
            stream.seek(warc["offset"])
            response = next(iter(ArchiveIterator(stream)))
            assert response.rec_type == "response"
            assert response.rec_headers.get_header("WARC-Target-URI") == record["url"]
            body = response.content_stream().read()
        assert parse_report(body, url=record["url"], content_type="text/html")["text_sha256"] == record["text_sha256"]


def test_filters(corpus: Corpus, tmp_path: Path) -> None:
    def urls(*extra: str) -> set[str]:
        return {r["url"].rsplit("/", 1)[-1] for r in export_jsonl(corpus, tmp_path, *extra)}

    assert urls("--portal", "p2") == {"000.html", "c.html"}       # 000 has a source on p2
    assert urls("--year", "2021") == {"d.html"}
    assert urls("--since", "2026-01-30") == {"b.html", "d.html"}   # documents first seen from that day
    assert urls("--portal", "p1", "--year", "2020", "--since", "2026-01-30") == {"b.html"}
    assert urls("--portal", "nowhere") == set()


def test_csv_long_form(corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "tables.csv"
    assert main(corpus.args("export", "--format", "csv", "--out", str(out), "--year", "2021")) == 0
    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    record = corpus.records[f"{HOST1}/d.html"]
    expected = {(t, r, c): ("" if v is None else str(v)) for t in TABLES for r, cols in (record.get(t) or {}).items()
                for c, v in cols.items()}
    assert {(r["table"], r["row"], r["column"]): r["value"] for r in rows} == expected
    assert len(rows) == len(expected)
    assert {(r["agency"], r["report_year"], r["portal"]) for r in rows} == {("掇刀区行政审批局", "2021", "p1")}


def test_stdout_and_clear_errors(corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(corpus.args("export", "--year", "2021")) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 1 and json.loads(captured.out)["report_year"] == 2021
    assert main(corpus.args("export", "--since", "last week")) == 2
    assert "--since 'last week' is not a date" in capsys.readouterr().err
    assert main(["export", "--archive", str(tmp_path / "nothing-here")]) == 2
    assert "no archive index" in capsys.readouterr().err
    assert not (tmp_path / "nothing-here").exists()  # looking did not create an empty archive


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal(corpus: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "bar.jsonl"
    quiet = io.StringIO()
    monkeypatch.setattr(sys, "stderr", quiet)
    assert main(corpus.args("export", "--out", str(out))) == 0
    assert quiet.getvalue() == f"gxcrawl export: 4 report(s) written to {out} (jsonl)\n"
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(corpus.args("export", "--out", str(out))) == 0
    assert "export: 100%" in terminal.getvalue() and "4/4" in terminal.getvalue()
