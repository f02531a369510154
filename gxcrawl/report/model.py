"""Result types of the parser; `Report.to_json()` is the report record of docs/record.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCHEMA_ID = "gxcrawl.report/1"


@dataclass(slots=True)
class ReadCell:
    table: str  # active | applications | appeals | pre2019
    row: str | None
    col: str | None  # None: read but could not be placed in a column
    raw: str
    kind: str  # number | zero | empty | na | text
    value: int | float | None = None
    label: str | None = None  # the row label as printed (pre-2019 sheet rows, whose labels vary)

    def to_json(self) -> dict[str, Any]:
        out = {"table": self.table, "row": self.row, "col": self.col, "raw": self.raw, "kind": self.kind}
        if self.label is not None:
            out["label"] = self.label
        return out


@dataclass(slots=True)
class TableRead:
    """One statistical table as read: values by row and column, the cells behind them, and how it was read."""

    name: str
    version: str = "unknown"  # "2019" | "2021" | "unknown"
    method: str | None = None  # "html" | "text" | "glued" (the cascade stage that produced it)
    values: dict[str, dict[str, int | float | None]] = field(default_factory=dict)
    kinds: dict[tuple[str, str], str] = field(default_factory=dict)
    cells: list[ReadCell] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)
    glued: bool = False
    cells_lost: bool = False  # some row's printed values cannot fill its cells: blank cells left no trace

    @property
    def found(self) -> bool:
        return bool(self.values)

    def numeric_cells(self) -> int:
        return sum(1 for c in self.cells if c.kind in ("number", "zero") and c.col is not None)


@dataclass(slots=True)
class Check:
    id: str
    scope: str
    status: str  # pass | fail | pass_if_blank_is_zero | not_assessable
    left: int | float | None = None
    right: int | float | None = None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "scope": self.scope, "status": self.status, "left": self.left, "right": self.right}


@dataclass(slots=True)
class Report:
    title: str | None = None
    agency: str | None = None
    report_year: int | None = None
    published: str | None = None
    format: dict[str, str] = field(
        default_factory=lambda: {"active": "unknown", "applications": "unknown", "overall": "unknown"}
    )
    sections: dict[str, str | None] = field(default_factory=dict)
    tables: dict[str, TableRead] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)
    text_sha256: str = ""
    page: dict[str, Any] = field(default_factory=lambda: {"metadata": {}, "attachments": []})
    parser_version: str = ""
    # the pre-2019 statistics sheet {indicator: {"this_year", "cumulative"}}; None: not a pre-2019 report
    pre2019: dict[str, dict[str, int | float | None]] | None = None
    pre2019_cells: list[ReadCell] = field(default_factory=list)

    def has_values(self) -> bool:
        """True when any table (or the pre-2019 sheet) holds a cell that was read."""
        return bool(self.pre2019) or any(t.found for t in self.tables.values())

    def to_json(self) -> dict[str, Any]:
        tables = self.tables
        cells = [
            c.to_json() for name in ("active", "applications", "appeals") if name in tables for c in tables[name].cells
        ]
        cells.extend(c.to_json() for c in self.pre2019_cells)
        record = {
            "schema": SCHEMA_ID,
            "title": self.title,
            "agency": self.agency,
            "report_year": self.report_year,
            "published": self.published,
            "format": dict(self.format),
            "sections": dict(self.sections),
            "active": _values(tables.get("active")),
            "applications": _values(tables.get("applications")),
            "appeals": _values(tables.get("appeals")),
            "cells": cells,
            "checks": [c.to_json() for c in self.checks],
            "issues": list(self.issues),
            "text_sha256": self.text_sha256,
            "extraction": {name: t.method for name, t in tables.items() if t.found},
            "page": self.page,
            "parser_version": self.parser_version,
        }
        if self.pre2019 is not None:
            record["pre2019"] = {row: dict(cols) for row, cols in self.pre2019.items()}
        return record


def _values(table: TableRead | None) -> dict[str, dict[str, int | float | None]]:
    if table is None:
        return {}
    return {row: dict(cols) for row, cols in table.values.items()}
