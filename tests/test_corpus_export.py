"""`gxcrawl export` (gxcrawl/corpus/export.py, query.py) over a real archive: pages written through the Archive
API as the crawl does (WARC capture, parse_report, dedupe, report row), exported as JSONL and CSV, on SQLite
and PostgreSQL. Every line must validate against the shipped export schema."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import random
import stat
import sys
from pathlib import Path

import pytest
from corpus_support.corpus import HOST1, HOST2, PDF, T0, Corpus, archive_page, build_corpus
from sqlalchemy import select, update
from warcio.archiveiterator import ArchiveIterator

from gxcrawl.archive import Archive, EncodedJSON, target_uri
from gxcrawl.archive.models import Report
from gxcrawl.cli import main
from gxcrawl.corpus.records import TABLES, validation_errors
from gxcrawl.demo.reportgen import render_pre2019
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
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = export_jsonl(corpus, tmp_path)
    assert "4 report(s) written" in capsys.readouterr().err
    for record in records:
        assert validation_errors(record) == [], record["url"]
    by_url = {r["url"]: r for r in records}
    assert set(by_url) == {
        target_uri(u) for u in (f"{HOST1}/a/000.html", f"{HOST1}/b.html", f"{HOST2}/c.html", f"{HOST1}/d.html")
    }
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
    assert with_attachment["attachments"] == [
        {"url": f"{HOST2}/files/003.pdf", "content_type": "application/pdf", "sha256": hashlib.sha256(PDF).hexdigest()}
    ]


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


def test_filters(corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def urls(*extra: str) -> set[str]:
        return {r["url"].rsplit("/", 1)[-1] for r in export_jsonl(corpus, tmp_path, *extra)}

    assert urls("--portal", "p2") == {"000.html", "c.html"}  # 000 has a source on p2
    assert urls("--portal", "p1,p2") == urls() == {"000.html", "b.html", "c.html", "d.html"}
    assert urls("--year", "2021") == {"d.html"}
    year_of = {url.rsplit("/", 1)[-1]: r["report_year"] for url, r in corpus.records.items() if r}
    assert (
        urls("--year", "2020-2021")
        == {name for name, year in year_of.items() if 2020 <= year <= 2021}
        == {"b.html", "c.html", "d.html"} | ({"000.html"} if year_of["000.html"] in (2020, 2021) else set())
    )
    assert urls("--since", "2026-01-30") == {"b.html", "d.html"}  # documents first seen from that day
    assert urls("--portal", "p1", "--year", "2020", "--since", "2026-01-30") == {"b.html"}
    capsys.readouterr()
    # an unknown portal, or a year range that matches nothing, is one line naming what there is; nothing written
    out = tmp_path / "refused.jsonl"
    assert main(corpus.args("export", "--out", str(out), "--portal", "p1,p3")) == 2
    assert capsys.readouterr().err == (
        "gxcrawl: error: --portal: unknown portal id(s) p3 (the archive has reports from: p1, p2)\n"
    )
    years = {r["report_year"] for r in export_jsonl(corpus, tmp_path)}
    capsys.readouterr()
    assert main(corpus.args("export", "--out", str(out), "--year", "2030-2031")) == 2
    assert years == {2020, 2021}  # consecutive years are named as a range
    assert capsys.readouterr().err == "gxcrawl: error: no report matches --year 2030-2031 (report years: 2020-2021)\n"
    assert main(corpus.args("export", "--out", str(out), "--portal", "p2", "--year", "2000-2010")) == 2
    assert "no report matches --year 2000-2010 (report years of portal(s) p2: " in capsys.readouterr().err
    assert main(corpus.args("export", "--out", str(out), "--year", "20x")) == 2
    assert "--year '20x' is not a year or a range" in capsys.readouterr().err
    assert not out.exists() and not list(tmp_path.glob(".*.part"))


def test_records_carry_the_portal_as_the_crawl_recorded_it(corpus: Corpus, tmp_path: Path) -> None:
    by_portal = {r["portal"]: r for r in export_jsonl(corpus, tmp_path)}
    assert {p: (r["portal_name"], r["portal_level"], r["portal_region_code"]) for p, r in by_portal.items()} == {
        "p1": ("荆门市掇刀区人民政府", "county", "420804"),
        "p2": ("南通市人民政府", "city", "320600"),
    }
    # a later crawl that finds the registry changed updates the row; the export follows
    with Archive.open(corpus.archive_dir, corpus.database_url) as archive:
        assert (
            archive.record_portals([{"id": "p2", "name": "南通市人民政府", "level": "city", "region_code": "320600"}])
            == 0
        )
        assert (
            archive.record_portals(
                [{"id": "p2", "name": "南通市人民政府办公室", "level": "city", "region_code": "320600"}]
            )
            == 1
        )
    assert {r["portal"]: r["portal_name"] for r in export_jsonl(corpus, tmp_path)} == {
        "p1": "荆门市掇刀区人民政府",
        "p2": "南通市人民政府办公室",
    }


def test_jsonl_is_plain_utf8(corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "plain.jsonl"
    assert main(corpus.args("export", "--out", str(out))) == 0
    text = out.read_text(encoding="utf-8")
    assert "\\u" not in text and "掇刀区行政审批局" in text
    # an index whose records were stored with \u escapes (json.dumps' default) exports plain UTF-8 too
    with Archive.open(corpus.archive_dir, corpus.database_url) as archive, archive.session() as session:
        for report in session.scalars(select(Report)):
            session.execute(
                update(Report).where(Report.id == report.id).values(record=EncodedJSON(json.dumps(report.record)))
            )
    again = tmp_path / "again.jsonl"
    assert main(corpus.args("export", "--out", str(again))) == 0
    plain = again.read_text(encoding="utf-8")
    assert "\\u" not in plain and len(plain.encode()) < len(json.dumps(json.loads(plain.splitlines()[0]))) * 4
    assert [json.loads(line) for line in plain.splitlines()] == [json.loads(line) for line in text.splitlines()]


def test_output_files_follow_the_umask_and_are_never_silently_replaced(
    corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "corpus.jsonl"
    tables = tmp_path / "tables"
    previous = os.umask(0o022)
    try:
        assert main(corpus.args("export", "--out", str(out))) == 0
        assert main(corpus.args("export", "--format", "csv", "--out", str(tables))) == 0
    finally:
        os.umask(previous)
    for path in (out, *tables.iterdir()):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path
    capsys.readouterr()
    out.write_text("keep me\n")
    assert main(corpus.args("export", "--out", str(out))) == 2
    assert capsys.readouterr().err == f"gxcrawl: error: {out} exists already; add --force to replace it\n"
    assert out.read_text() == "keep me\n"
    assert main(corpus.args("export", "--format", "csv", "--out", str(tables))) == 2
    assert "exists already; add --force" in capsys.readouterr().err
    assert main(corpus.args("export", "--out", str(out), "--force")) == 0
    assert main(corpus.args("export", "--format", "csv", "--out", str(tables), "--force")) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 4


def read_csv_dir(directory: Path) -> dict[str, list[dict[str, str]]]:
    tables = {}
    for name in ("reports", "tables", "checks", "issues"):
        with open(directory / f"{name}.csv", encoding="utf-8", newline="") as handle:
            tables[name] = list(csv.DictReader(handle))
    return tables


def test_csv_tables(corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    assert main(corpus.args("export", "--format", "csv", "--out", str(out), "--year", "2021")) == 0
    tables = read_csv_dir(out)
    record = corpus.records[f"{HOST1}/d.html"]
    expected = {
        (t, r, c): ("" if v is None else str(v))
        for t in TABLES
        for r, cols in (record.get(t) or {}).items()
        for c, v in cols.items()
    }
    rows = tables["tables"]
    assert {(r["table"], r["row"], r["column"]): r["value"] for r in rows} == expected
    assert len(rows) == len(expected)
    identity = ("掇刀区行政审批局", "2021", "p1", "荆门市掇刀区人民政府", "county", "420804")
    for name in ("reports", "tables", "checks", "issues"):
        assert {
            (r["agency"], r["report_year"], r["portal"], r["portal_name"], r["portal_level"], r["portal_region_code"])
            for r in tables[name]
        } == {identity}, name
    [report] = tables["reports"]
    assert report["title"] == record["title"] and report["text_sha256"] == record["text_sha256"]
    assert int(report["checks_failed"]) == sum(c["status"] == "fail" for c in record["checks"])
    assert [(c["check"], c["scope"], c["status"]) for c in tables["checks"]] == [
        (c["id"], c["scope"], c["status"]) for c in record["checks"]
    ]
    assert [i["issue"] for i in tables["issues"]] == record["issues"] and record["issues"]


def test_csv_keeps_reports_without_tables(tmp_path: Path) -> None:
    """A free-form pre-2019 report has no table cells, and still has its reports row (and its checks)."""
    archive_dir = tmp_path / "archive"
    body = (
        "<html><head><meta charset=utf-8><title>年报</title></head><body>"
        + render_pre2019(random.Random(1), report_year=2016, agency="某某县人民政府办公室")
        + "</body></html>"
    ).encode()
    with Archive.open(archive_dir) as archive:
        _, record = archive_page(archive, f"{HOST1}/old.html", body, portal="p1", at=T0)
    assert record["format"]["overall"] == "pre2019"
    out = tmp_path / "csv"
    assert main(["export", "--archive", str(archive_dir), "--format", "csv", "--out", str(out)]) == 0
    tables = read_csv_dir(out)
    assert [(r["report_year"], r["format"], r["url"]) for r in tables["reports"]] == [
        ("2016", "pre2019", f"{HOST1}/old.html")
    ]
    assert len(tables["checks"]) == len(record["checks"])


def test_parquet_loads_in_pandas_and_duckdb(corpus: Corpus, tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    duckdb = pytest.importorskip("duckdb")
    pytest.importorskip("pyarrow")
    csv_dir, parquet_dir = tmp_path / "csv", tmp_path / "parquet"
    assert main(corpus.args("export", "--format", "csv", "--out", str(csv_dir))) == 0
    assert main(corpus.args("export", "--format", "parquet", "--out", str(parquet_dir))) == 0
    from_csv = read_csv_dir(csv_dir)
    for name, rows in from_csv.items():
        frame = pd.read_parquet(parquet_dir / f"{name}.parquet")
        assert list(frame.columns) == list(rows[0].keys()) and len(frame) == len(rows), name
    cells = pd.read_parquet(parquet_dir / "tables.parquet")
    assert str(cells["value"].dtype) == "float64" and str(cells["report_year"].dtype) == "int64"
    expected = sum(float(r["value"]) for r in from_csv["tables"] if r["value"])
    assert cells["value"].sum() == pytest.approx(expected)
    # the tables join on text_sha256; per-portal questions need no registry file
    connection = duckdb.connect()
    rows = connection.execute(f"""
        select r.portal_level, count(distinct r.text_sha256), count(*) filter (where c.status = 'fail')
        from '{parquet_dir / "reports.parquet"}' r join '{parquet_dir / "checks.parquet"}' c using (text_sha256)
        group by 1 order by 1""").fetchall()
    fails = {
        level: sum(1 for r in from_csv["checks"] if r["portal_level"] == level and r["status"] == "fail")
        for level in ("city", "county")
    }
    reports = {level: sum(1 for r in from_csv["reports"] if r["portal_level"] == level) for level in fails}
    assert rows == [(level, reports[level], fails[level]) for level in ("city", "county")]
    assert reports == {"city": 1, "county": 3}


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
    assert main(corpus.args("export", "--out", str(out), "--force")) == 0
    assert "export: 100%" in terminal.getvalue() and "4/4" in terminal.getvalue()
