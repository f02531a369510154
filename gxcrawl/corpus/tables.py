"""The export as flat tables for analysts (`--format csv` / `--format parquet`): one definition of each table's
columns and column types, and the rows one export record gives it.

    reports   one row per report: who published it (with the portal's name, level, region code), year, where
    tables    one row per statistical table cell (tables 二/三/四 and the pre-2019 sheet), null never written as 0
    checks    one row per arithmetic check of a report (H1–H6, S*): status and both sides compared
    issues    one row per problem the parser met while reading a report

Every table starts with the same identifying columns, so any two join on `text_sha256` (a report's identity).
A report with no readable table (a free-form pre-2019 report, say) still has its `reports` row.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from gxcrawl.corpus.records import PORTAL_KEYS, TABLES

# column type names: "string", "int" (64-bit), "float" (64-bit); every column may be null (empty in CSV)
IDENTITY: tuple[tuple[str, str], ...] = (
    ("text_sha256", "string"),
    ("portal", "string"),
    *((key, "string") for key in PORTAL_KEYS),
    ("agency", "string"),
    ("report_year", "int"),
)


@dataclass(frozen=True, slots=True)
class FlatTable:
    name: str
    columns: tuple[tuple[str, str], ...]  # (name, type)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)


REPORTS = FlatTable(
    "reports",
    (
        *IDENTITY,
        ("title", "string"),
        ("published", "string"),
        ("format", "string"),
        ("url", "string"),
        ("final_url", "string"),
        ("fetched_at", "string"),
        ("versions", "int"),
        ("sources", "int"),
        ("checks_failed", "int"),
        ("issues", "int"),
        ("parser_version", "string"),
        ("warc_file", "string"),
        ("warc_offset", "int"),
        ("warc_length", "int"),
    ),
)
CELLS = FlatTable(
    "tables",
    (
        *IDENTITY,
        ("published", "string"),
        ("format", "string"),
        ("table", "string"),
        ("row", "string"),
        ("column", "string"),
        ("value", "float"),
        ("url", "string"),
    ),
)
CHECKS = FlatTable(
    "checks",
    (
        *IDENTITY,
        ("check", "string"),
        ("scope", "string"),
        ("status", "string"),
        ("left", "float"),
        ("right", "float"),
        ("url", "string"),
    ),
)
ISSUES = FlatTable("issues", (*IDENTITY, ("issue", "string"), ("url", "string")))

FLAT_TABLES: tuple[FlatTable, ...] = (REPORTS, CELLS, CHECKS, ISSUES)


def _identity(record: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(record.get(name) for name, _ in IDENTITY)


def report_rows(record: Mapping[str, Any]) -> Iterator[tuple[Any, ...]]:
    checks = record.get("checks") or ()
    warc = record.get("warc") or {}
    yield (
        *_identity(record),
        record.get("title"),
        record.get("published"),
        (record.get("format") or {}).get("overall"),
        record.get("url"),
        record.get("final_url"),
        record.get("fetched_at"),
        record.get("versions"),
        len(record.get("sources") or ()),
        sum(1 for c in checks if isinstance(c, Mapping) and c.get("status") == "fail"),
        len(record.get("issues") or ()),
        record.get("parser_version"),
        warc.get("file"),
        warc.get("offset"),
        warc.get("length"),
    )


def cell_rows(record: Mapping[str, Any]) -> Iterator[tuple[Any, ...]]:
    """Every table cell of one record; null cells stay empty, never 0."""
    formats = record.get("format") or {}
    head = (*_identity(record), record.get("published"))
    for table in TABLES:
        # table 四 has one layout in both formats; report its format as the document's overall one
        table_format = formats.get(table) or formats.get("overall")
        for row, columns in (record.get(table) or {}).items():
            if not isinstance(columns, Mapping):
                continue
            for column, value in columns.items():
                yield (*head, table_format, table, row, column, value, record.get("url"))


def check_rows(record: Mapping[str, Any]) -> Iterator[tuple[Any, ...]]:
    head = _identity(record)
    for check in record.get("checks") or ():
        if isinstance(check, Mapping):
            yield (
                *head,
                check.get("id"),
                check.get("scope"),
                check.get("status"),
                check.get("left"),
                check.get("right"),
                record.get("url"),
            )


def issue_rows(record: Mapping[str, Any]) -> Iterator[tuple[Any, ...]]:
    head = _identity(record)
    for issue in record.get("issues") or ():
        yield (*head, str(issue), record.get("url"))


ROWS = {"reports": report_rows, "tables": cell_rows, "checks": check_rows, "issues": issue_rows}
