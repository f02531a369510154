"""The export record (gxcrawl/corpus/records.py) and its writers (gxcrawl/corpus/writers.py): schema,
long-form CSV, the JSONL line appended to the stored JSON text, and the all-or-nothing output file."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gxcrawl.corpus.export import parse_since
from gxcrawl.corpus.records import (
    TABLES,
    ExportRow,
    build_export_record,
    export_fields,
    iso_utc,
    peek_json_values,
    validation_errors,
)
from gxcrawl.corpus.tables import CELLS
from gxcrawl.corpus.writers import open_output, write_csv, write_jsonl
from gxcrawl.report import PARSER_VERSION, parse_report

FIELDS = dict(
    url="http://127.0.0.1/report/a.html",
    final_url="http://127.0.0.1/report/a.html?x=1",
    portal="demo",
    portal_info={"name": "示范市人民政府", "level": "city", "region_code": "990100"},
    fetched_at=datetime(2026, 11, 22, 10, 0, 5),  # naive: the index's UTC
    content_type="text/html; charset=utf-8",
    sources=[
        {
            "url": "http://127.0.0.1/report/a.html",
            "portal": "demo",
            "first_seen": datetime(2026, 1, 1, tzinfo=UTC),
            "last_seen": "2026-11-22T18:00:05+08:00",
        }
    ],
    versions=2,
    warc={"file": "warcs/x.warc.gz", "offset": 0, "length": 1234},
    attachments=[{"url": "http://127.0.0.1/a.pdf", "content_type": "application/pdf", "sha256": "0" * 64}],
    parser_version=PARSER_VERSION,
)


def expected_records(seeds_dir: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((seeds_dir / "expected").glob("*.json"))]


@pytest.fixture(scope="module")
def parsed_seed(seeds_dir: Path) -> dict:
    """A real parser record: seed 003's HTML page."""
    page = sorted((seeds_dir / "html").glob("003_*.html"))[0]
    return parse_report(page.read_bytes(), url="http://127.0.0.1/report/a.html", content_type="text/html")


def test_export_record_of_a_parsed_report_validates(parsed_seed: dict) -> None:
    record = build_export_record(parsed_seed, **FIELDS)
    assert validation_errors(record) == []
    for key, value in parsed_seed.items():  # report keys are kept as they are
        if key != "parser_version":
            assert record[key] == value
    assert record["fetched_at"] == "2026-11-22T10:00:05Z"
    assert record["sources"][0]["last_seen"] == "2026-11-22T10:00:05Z"
    assert record["sources"][0]["first_seen"] == "2026-01-01T00:00:00Z"


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda r: r.pop("warc"), "warc"),
        (lambda r: r.update(fetched_at="22/11/2026"), "fetched_at"),
        (lambda r: r.update(versions=0), "versions"),
        (lambda r: r.update(sources=[]), "sources"),
        (lambda r: r["attachments"][0].update(sha256="not-a-digest"), "attachments/0/sha256"),
        (lambda r: r.update(report_year="2020"), "report_year"),  # the report schema is applied too
    ],
)
def test_schema_rejects_broken_records(parsed_seed: dict, change, where: str) -> None:
    record = json.loads(json.dumps(build_export_record(parsed_seed, **FIELDS)))
    change(record)
    errors = validation_errors(record)
    assert errors and any(e.startswith(where) or where in e for e in errors), errors


def test_jsonl_line_appended_to_stored_text_equals_the_full_record(parsed_seed: dict) -> None:
    fields = export_fields(**FIELDS)
    for stored in (json.dumps(parsed_seed), json.dumps(parsed_seed, ensure_ascii=False, indent=2) + "\n"):
        row = ExportRow(stored, fields, parsed_seed["parser_version"])
        line = row.jsonl()
        assert line.endswith("\n") and "\n" not in line[:-1]
        pairs = json.loads(line, object_pairs_hook=lambda kv: kv)
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), "no key twice"
        assert json.loads(line) == row.record() == build_export_record(parsed_seed, **FIELDS)


def test_jsonl_line_when_the_stored_parser_version_differs(parsed_seed: dict) -> None:
    stored = dict(parsed_seed, parser_version="0.0.1-old")
    row = ExportRow(json.dumps(stored), export_fields(**FIELDS), "0.0.1-old")
    line = row.jsonl()
    keys = [k for k, _ in json.loads(line, object_pairs_hook=lambda kv: kv)]
    assert keys.count("parser_version") == 1
    assert json.loads(line)["parser_version"] == PARSER_VERSION
    # a record without the key gets it appended
    without = {k: v for k, v in parsed_seed.items() if k != "parser_version"}
    assert (
        json.loads(ExportRow(json.dumps(without), export_fields(**FIELDS)).jsonl())["parser_version"] == PARSER_VERSION
    )


def test_peek_reads_keys_not_string_content() -> None:
    record = {
        "title": 'a "report_year": 1999, trap',
        "report_year": 2020,
        "sections": {"other": '{"attachments": [1]}'},
        "page": {"attachments": [{"url": "http://x/a.pdf", "text": "附件"}]},
    }
    for text in (json.dumps(record), json.dumps(record, ensure_ascii=False, indent=3)):
        found = peek_json_values(text, ("report_year", "attachments", "parser_version"))
        assert found == {
            "report_year": [2020],
            "attachments": [[{"url": "http://x/a.pdf", "text": "附件"}]],
            "parser_version": [],
        }


def test_csv_long_form_has_every_table_cell(seeds_dir: Path) -> None:
    records = expected_records(seeds_dir)
    for record in records:
        record["url"] = f"http://127.0.0.1/{record['source']}"
    out = io.StringIO()
    assert write_csv(records, out) == len(records)
    out.seek(0)
    rows = list(csv.DictReader(out))
    assert tuple(rows[0].keys()) == CELLS.column_names
    expected = {}
    for record in records:
        for table in TABLES:
            for row, columns in (record.get(table) or {}).items():
                for column, value in columns.items():
                    expected[(record["url"], table, row, column)] = "" if value is None else str(value)
    got = {(r["url"], r["table"], r["row"], r["column"]): r["value"] for r in rows}
    assert got == expected and len(rows) == len(expected)
    # a null cell stays empty (never 0): seed 001's short row
    short = [r for r in rows if r["row"] == "carried_forward" and r["column"] == "total" and "001_" in r["url"]]
    assert short and short[0]["value"] == ""
    first = next(r for r in rows if "003_" in r["url"])
    assert (first["agency"], first["report_year"], first["format"]) == ("南通市民政局", "2020", "2019")
    # every non-empty value is a plain number a spreadsheet or pandas reads as such
    assert all(float(r["value"]) == float(r["value"]) for r in rows if r["value"] != "")
    assert all(r["report_year"].isdigit() for r in rows)


def test_jsonl_writer_streams_any_iterable() -> None:
    def records():
        for n in range(3):
            yield {"n": n, "agency": "兵团民政局"}

    out = io.StringIO()
    assert write_jsonl(records(), out) == 3
    lines = out.getvalue().splitlines()
    assert [json.loads(line)["n"] for line in lines] == [0, 1, 2]
    assert "兵团民政局" in lines[0]  # readable UTF-8, not \\u escapes


def test_failed_export_leaves_no_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "corpus.jsonl"
    target.write_text("previous export\n")
    with pytest.raises(RuntimeError), open_output(target) as out:
        out.write("half a record")
        raise RuntimeError("database went away")
    assert target.read_text() == "previous export\n"
    assert list(tmp_path.iterdir()) == [target]
    with open_output(target) as out:
        out.write("new\n")
    assert target.read_text() == "new\n"
    with pytest.raises(IsADirectoryError, match="is a directory"), open_output(tmp_path):
        pass


def test_since_and_timestamps() -> None:
    assert parse_since(None) is None
    assert parse_since("2026-01-31") == datetime(2026, 1, 31, tzinfo=UTC)
    assert parse_since("2026-01-31T08:00:00+08:00") == datetime(2026, 1, 31, tzinfo=UTC)
    with pytest.raises(ValueError, match="--since 'yesterday' is not a date"):
        parse_since("yesterday")
    assert iso_utc(datetime(2026, 1, 1, 8, tzinfo=UTC)) == "2026-01-01T08:00:00Z"
    assert iso_utc(None) is None
