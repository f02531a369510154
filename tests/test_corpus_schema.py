"""The shipped export schema stands alone (a plain jsonschema validator, no registry of other files), is exactly
what the bundler writes from its sources, and `gxcrawl validate` checks real exports with one line per problem."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from corpus_support.corpus import Corpus, build_corpus
from jsonschema import Draft202012Validator

from gxcrawl.cli import main
from gxcrawl.corpus.schema import BUNDLED, SCHEMAS, bundled_text

SCHEMA_FILE = SCHEMAS / BUNDLED


@pytest.fixture
def corpus(tmp_path: Path, seeds_dir: Path) -> Corpus:
    return build_corpus(tmp_path / "archive", seeds_dir, None)


def test_the_shipped_schema_is_the_bundle_of_its_sources() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == bundled_text(), (
        "export.schema.json is stale: run python -m gxcrawl.corpus.schema"
    )


def test_a_plain_validator_validates_export_records_with_the_schema_file_alone(corpus: Corpus, tmp_path: Path) -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)  # no registry: every $ref resolves inside the file
    out = tmp_path / "corpus.jsonl"
    assert main(corpus.args("export", "--out", str(out))) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 4
    for record in records:
        assert list(validator.iter_errors(record)) == []
    # the embedded report schema is applied, not skipped
    broken = {**records[0], "report_year": "2020"}
    del broken["portal_level"]
    messages = sorted(e.message for e in validator.iter_errors(broken))
    assert messages == ["'2020' is not of type 'integer', 'null'", "'portal_level' is a required property"]


def test_validate_a_jsonl_export(corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "corpus.jsonl"
    assert main(corpus.args("export", "--out", str(out))) == 0
    capsys.readouterr()
    assert main(["validate", str(out)]) == 0
    assert capsys.readouterr() == ("", "gxcrawl validate: 4 record(s)/row(s) checked: valid\n")
    lines = out.read_text(encoding="utf-8").splitlines()
    second = json.loads(lines[1])
    second["versions"] = 0
    lines[1] = json.dumps(second, ensure_ascii=False)
    lines.insert(2, "{not json")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["validate", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        f"{out}:2: versions: 0 is less than the minimum of 1",
        f"{out}:3: not JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
    ]
    assert captured.err == "gxcrawl validate: 5 record(s)/row(s) checked: 2 problem(s)\n"


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_validate_a_table_export(corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    out = tmp_path / fmt
    assert main(corpus.args("export", "--format", fmt, "--out", str(out))) == 0
    capsys.readouterr()
    assert main(["validate", str(out)]) == 0
    assert capsys.readouterr().err.endswith(": valid\n")
    (out / f"issues.{fmt}").unlink()
    if fmt == "csv":
        cells = out / "tables.csv"
        with open(cells, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        rows[3][rows[0].index("value")] = "12,5"
        with open(cells, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
    assert main(["validate", str(out)]) == 1
    problems = capsys.readouterr().out.splitlines()
    assert problems[0] == f"{out}: missing issues.{fmt}"
    if fmt == "csv":
        assert problems[1:] == [f"{out / 'tables.csv'}:4: column value: '12,5' is not a number"]
    assert main(["validate", str(tmp_path / "nothing")]) == 2
    assert capsys.readouterr().err == f"gxcrawl: error: {tmp_path / 'nothing'}: no such file or directory\n"
