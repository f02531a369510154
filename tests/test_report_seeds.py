"""The five seed reports, as text and as portal HTML pages: every value of every table, the checks,
sections, identity fields, issues, one text hash per report, and schema validity of every record."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import jsonschema
import pytest

from gxcrawl.report import parse_report

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
NAMES = sorted(p.stem for p in SEEDS.glob("*.txt"))
SCHEMA = json.loads((Path(__file__).parent.parent / "gxcrawl" / "schemas" / "report.schema.json").read_text())
TABLES = ("active", "applications", "appeals")


def expected(name: str) -> dict:
    return json.loads((SEEDS / "expected" / f"{name}.json").read_text(encoding="utf-8"))


def squeeze(text: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


@pytest.fixture(scope="module")
def records() -> dict[tuple[str, str], dict]:
    out = {}
    for name in NAMES:
        out[(name, "txt")] = parse_report((SEEDS / f"{name}.txt").read_bytes(), url=f"{name}.txt")
        out[(name, "html")] = parse_report((SEEDS / "html" / f"{name}.html").read_bytes(), url=f"{name}.html")
    return out


def _ok(value, want, acceptable: list | None) -> bool:
    if acceptable is not None:
        return value in acceptable
    if isinstance(want, float) or isinstance(value, float):
        return value is not None and want is not None and abs(value - want) < 1e-9
    return value == want and type(value) is type(want)


@pytest.mark.parametrize("kind", ["txt", "html"])
@pytest.mark.parametrize("name", NAMES)
def test_every_table_value(records, name: str, kind: str) -> None:
    exp = expected(name)
    rec = records[(name, kind)]
    acceptable = exp.get("acceptable", {})
    wrong = []
    count = 0
    for table in TABLES:
        assert set(rec[table]) == set(exp[table]), f"{table}: rows {sorted(rec[table])}"
        for row, cols in exp[table].items():
            assert set(rec[table][row]) == set(cols), f"{table}.{row}: columns"
            for col, want in cols.items():
                count += 1
                got = rec[table][row][col]
                if not _ok(got, want, acceptable.get(f"{table}.{row}.{col}")):
                    wrong.append((f"{table}.{row}.{col}", got, want))
    assert not wrong, wrong
    assert count >= 10 + 175 + 15 if exp["format"]["overall"] == "2021" else count == 22 + 161 + 15


@pytest.mark.parametrize("name", NAMES)
def test_identity_fields_text(records, name: str) -> None:
    exp = expected(name)
    rec = records[(name, "txt")]
    acceptable = exp.get("acceptable", {})
    for key in ("title", "agency", "report_year", "published"):
        allowed = acceptable.get(key, [exp[key]])
        assert rec[key] in allowed, (key, rec[key], allowed)
    assert rec["format"] == exp["format"]
    assert rec["schema"] == "gxcrawl.report/1"


@pytest.mark.parametrize("name", NAMES)
def test_identity_fields_html_page(records, name: str) -> None:
    exp = expected(name)
    page = exp["html_page"]
    rec = records[(name, "html")]
    acceptable = exp.get("acceptable", {})
    for key in ("title", "agency", "published"):
        allowed = [page[key], *acceptable.get(key, [])]
        assert rec[key] in allowed, (key, rec[key], allowed)
    assert rec["report_year"] == exp["report_year"]
    assert rec["format"] == exp["format"]


@pytest.mark.parametrize("kind", ["txt", "html"])
@pytest.mark.parametrize("name", NAMES)
def test_sections(records, name: str, kind: str) -> None:
    exp = expected(name)
    rec = records[(name, kind)]
    for key in exp["sections_present"]:
        assert rec["sections"][key], key
    for key in exp["sections_absent"]:
        assert rec["sections"][key] is None, key
    for key, snippet in exp["sections_contains"].items():
        assert squeeze(snippet) in squeeze(rec["sections"][key]), key
    # chrome never leaks into section text
    for text in rec["sections"].values():
        assert "打印本页" not in (text or "") and "您当前的位置" not in (text or "")


@pytest.mark.parametrize("kind", ["txt", "html"])
@pytest.mark.parametrize("name", NAMES)
def test_checks_and_issues(records, name: str, kind: str) -> None:
    exp = expected(name)
    rec = records[(name, kind)]
    by_key = {}
    for check in rec["checks"]:
        key = (check["id"], check["scope"])
        assert key not in by_key, f"check {key} reported twice"
        by_key[key] = check
    for want in exp["expected_checks"]:
        allowed = want.get("status_any", [want["status"]])
        if want["scope"] == "*":
            got = [c["status"] for c in rec["checks"] if c["id"] == want["id"]]
            assert got and any(s in allowed for s in got), (want, got)
            continue
        got = by_key.get((want["id"], want["scope"]))
        assert got is not None and got["status"] in allowed, (want, got)
    # every hard rule of the format, once per scope
    ids = {c["id"] for c in rec["checks"]}
    assert {"H1", "H2", "H3", "H4a", "H4b", "H4c", "H5", "H6"} <= ids
    assert sum(1 for c in rec["checks"] if c["id"] == "H2") == 7
    for word in exp.get("expected_issues_about", []):
        assert any(word in issue for issue in rec["issues"]), (word, rec["issues"])
    if not exp.get("expected_issues_about"):
        assert rec["issues"] == []


@pytest.mark.parametrize("name", NAMES)
def test_raw_cells_recorded(records, name: str) -> None:
    exp = expected(name)
    for kind in ("txt", "html"):
        cells = {(c["table"], c["row"], c["col"]): c for c in records[(name, kind)]["cells"]}
        for path, raw in exp["raw_cells"].items():
            table, row, col = path.split(".")
            cell = cells[(table, row, col)]
            assert squeeze(cell["raw"]) == squeeze(raw), (path, cell)


@pytest.mark.parametrize("name", NAMES)
def test_html_page_reads_like_its_text(records, name: str) -> None:
    text, html = records[(name, "txt")], records[(name, "html")]
    for table in TABLES:
        assert html[table] == text[table], table
    assert html["text_sha256"] == text["text_sha256"]
    assert html["extraction"] == {"active": "html", "applications": "html", "appeals": "html"}
    assert text["extraction"] == {"active": "text", "applications": "text", "appeals": "text"}


def test_hashes_differ_between_reports(records) -> None:
    hashes = {records[(n, "txt")]["text_sha256"] for n in NAMES}
    assert len(hashes) == len(NAMES)


def test_changed_number_changes_hash() -> None:
    text = (SEEDS / "003_8f717617aab0bbc8.txt").read_text(encoding="utf-8")
    changed = text.replace("180.616万元", "180.617万元")
    assert changed != text
    assert parse_report(text)["text_sha256"] != parse_report(changed)["text_sha256"]
    reworded = text.replace("网站标准化管理水平还不高", "网站标准化管理水平仍不高")
    assert parse_report(text)["text_sha256"] != parse_report(reworded)["text_sha256"]


@pytest.mark.parametrize("kind", ["txt", "html"])
@pytest.mark.parametrize("name", NAMES)
def test_record_matches_schema(records, name: str, kind: str) -> None:
    jsonschema.validate(records[(name, kind)], SCHEMA)
