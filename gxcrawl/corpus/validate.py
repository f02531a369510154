"""`gxcrawl validate PATH`: check an export as a user received it, one line per problem.

    gxcrawl validate corpus.jsonl      every line parses and is a valid export record (export.schema.json)
    gxcrawl validate tables/           a CSV or Parquet export directory: each table's columns and their types
    gxcrawl validate tables/checks.csv one table of it (named by its file name)

Exit status 0 when nothing is wrong, 1 when something is (each problem on stdout as `FILE:LINE: what`), 2 when the
path cannot be read at all.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gxcrawl.corpus.records import validation_errors
from gxcrawl.corpus.tables import FLAT_TABLES, FlatTable

SHOWN_PER_FILE = 100  # problems printed per file before "… and N more"
_BY_NAME = {table.name: table for table in FLAT_TABLES}


@dataclass
class Checked:
    items: int = 0  # records or rows read
    problems: int = 0


def jsonl_problems(path: Path, checked: Checked) -> Iterator[str]:
    with open(path, encoding="utf-8", errors="strict") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            checked.items += 1
            try:
                record = json.loads(line)
            except ValueError as exc:
                yield f"{path}:{number}: not JSON: {exc}"
                continue
            if not isinstance(record, dict):
                yield f"{path}:{number}: not a JSON object"
                continue
            for error in validation_errors(record):
                yield f"{path}:{number}: {error}"


def _cell_problem(kind: str, value: str) -> str | None:
    if value == "" or kind == "string":
        return None
    try:
        int(value) if kind == "int" else float(value)
    except ValueError:
        return f"{value!r} is not {'an integer' if kind == 'int' else 'a number'}"
    return None


def csv_problems(path: Path, table: FlatTable, checked: Checked) -> Iterator[str]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            yield f"{path}:1: empty file (expected the header {','.join(table.column_names)})"
            return
        if tuple(header) != table.column_names:
            yield (
                f"{path}:1: columns {','.join(header)} are not the {table.name} table's {','.join(table.column_names)}"
            )
            return
        for number, row in enumerate(reader, 2):
            checked.items += 1
            if len(row) != len(table.columns):
                yield f"{path}:{number}: {len(row)} fields, expected {len(table.columns)}"
                continue
            for (name, kind), value in zip(table.columns, row, strict=True):
                if (problem := _cell_problem(kind, value)) is not None:
                    yield f"{path}:{number}: column {name}: {problem}"


def parquet_problems(path: Path, table: FlatTable, checked: Checked) -> Iterator[str]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ValueError(f"{path}: checking Parquet needs pyarrow: pip install 'gxcrawl[analysis]'") from None
    from gxcrawl.corpus.writers import arrow_schema

    try:
        metadata = pq.ParquetFile(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for a damaged file
        yield f"{path}: not a readable Parquet file: {exc}"
        return
    checked.items += metadata.metadata.num_rows
    expected = arrow_schema(table)
    found = metadata.schema_arrow
    if found.names != expected.names:
        yield f"{path}: columns {','.join(found.names)} are not the {table.name} table's {','.join(expected.names)}"
        return
    for field, want in zip(found, expected, strict=True):
        if field.type != want.type:
            yield f"{path}: column {field.name} is {field.type}, expected {want.type}"


def _table_of(path: Path) -> FlatTable:
    table = _BY_NAME.get(path.stem)
    if table is None:
        raise ValueError(
            f"{path}: not an export table (expected one of {', '.join(t.name + path.suffix for t in FLAT_TABLES)})"
        )
    return table


def problems_of(path: Path, checked: Checked) -> Iterator[str]:
    """Every problem of the export at `path` (a JSONL file, a table file, or a directory of tables)."""
    if path.is_dir():
        found = [
            (p, suffix)
            for suffix in (".csv", ".parquet")
            for t in FLAT_TABLES
            if (p := path / f"{t.name}{suffix}").is_file()
        ]
        if not found:
            raise ValueError(
                f"{path}: no export tables in it ({', '.join(t.name for t in FLAT_TABLES)} as .csv or .parquet)"
            )
        for suffix in {s for _, s in found}:
            missing = [t.name + suffix for t in FLAT_TABLES if not (path / f"{t.name}{suffix}").is_file()]
            if missing:
                yield f"{path}: missing {', '.join(missing)}"
        for table_path, _ in found:
            yield from problems_of(table_path, checked)
        return
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file or directory")
    if path.suffix == ".csv":
        yield from csv_problems(path, _table_of(path), checked)
    elif path.suffix == ".parquet":
        yield from parquet_problems(path, _table_of(path), checked)
    else:
        yield from jsonl_problems(path, checked)


def run_validate(args: argparse.Namespace) -> int:
    checked = Checked()
    for path in map(Path, args.paths):
        shown = 0
        for problem in problems_of(path, checked):
            checked.problems += 1
            if shown < SHOWN_PER_FILE:
                print(problem)
            shown += 1
        if shown > SHOWN_PER_FILE:
            print(f"{path}: … and {shown - SHOWN_PER_FILE} more problem(s)")
    verdict = "valid" if not checked.problems else f"{checked.problems} problem(s)"
    print(f"gxcrawl validate: {checked.items} record(s)/row(s) checked: {verdict}", file=sys.stderr)
    return 1 if checked.problems else 0
