"""Scoring the parser against the hand-read truth of real documents (tests/fixtures/real).

One place decides what counts as right, null or WRONG, so the test and bench/accuracy.py can never
disagree. The rules are in tests/fixtures/real/README.md.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REAL = Path(__file__).parent / "fixtures" / "real"
TRUTH = REAL / "truth"
TABLES = ("active", "applications", "appeals", "pre2019")
FAMILIES = ("flattened_text", "html_page", "pdf", "docx", "text_conversion")


def truth_files() -> list[Path]:
    return sorted(TRUTH.glob("*/*.json"))


def load_truth(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def squeeze(text: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _same(got, want) -> bool:
    if isinstance(got, bool) or isinstance(want, bool):
        return False
    if isinstance(got, (int, float)) and isinstance(want, (int, float)):
        return abs(got - want) < 1e-9
    return got == want


@dataclass
class Score:
    """One document's result: counts of values, and the identity fields that were wrong."""

    name: str
    family: str
    right: int = 0
    null: int = 0
    wrong: list[tuple[str, object, object]] = field(default_factory=list)
    nulls: list[str] = field(default_factory=list)
    unexplained_nulls: list[str] = field(default_factory=list)
    identity_wrong: list[tuple[str, object, object]] = field(default_factory=list)

    @property
    def values(self) -> int:
        return self.right + self.null + len(self.wrong)

    @property
    def fully_right(self) -> bool:
        return not self.wrong and not self.null and not self.identity_wrong


def _cells(table: dict) -> Iterator[tuple[str, str, object]]:
    for row, cols in table.items():
        if isinstance(cols, dict):
            for col, value in cols.items():
                yield row, col, value


def _names_cell(issues: list[str], table: str, row: str) -> bool:
    return any(table in issue and row in issue for issue in issues)


def score(truth: dict, record: dict, name: str = "") -> Score:
    """Compare a parsed record with a truth file's content."""
    s = Score(name=name or truth["file"], family=truth["family"])
    ambiguous = truth.get("ambiguous", {})
    issues = record.get("issues") or []
    for table in TABLES:
        want_table = truth.get(table) or {}
        got_table = record.get(table) or {}
        for row, col, want in _cells(want_table):
            path = f"{table}.{row}.{col}"
            got = (got_table.get(row) or {}).get(col)
            if path in ambiguous:
                if got is None:
                    s.right += 1
                else:
                    s.wrong.append((path, got, "ambiguous: null"))
            elif want is None:
                if got is None:
                    s.right += 1
                else:
                    s.wrong.append((path, got, None))
            elif got is None:
                s.null += 1
                s.nulls.append(path)
                if not _names_cell(issues, table, row):
                    s.unexplained_nulls.append(path)
            elif _same(got, want):
                s.right += 1
            else:
                s.wrong.append((path, got, want))
        # a value the document does not print is invented
        for row, col, got in _cells(got_table):
            if got is not None and col not in (want_table.get(row) or {}):
                s.wrong.append((f"{table}.{row}.{col}", got, "not printed"))
    fmt = (record.get("format") or {}).get("overall")
    if fmt != truth["format"]:
        s.identity_wrong.append(("format", fmt, truth["format"]))
    if record.get("report_year") != truth["report_year"]:
        s.identity_wrong.append(("report_year", record.get("report_year"), truth["report_year"]))
    if squeeze(record.get("title")) != squeeze(truth["title"]):
        s.identity_wrong.append(("title", record.get("title"), truth["title"]))
    agencies = [truth["agency"], *truth.get("agency_acceptable", [])]
    if squeeze(record.get("agency")) not in {squeeze(a) for a in agencies}:
        s.identity_wrong.append(("agency", record.get("agency"), truth["agency"]))
    return s


def parse_fixture(truth: dict) -> dict:
    from gxcrawl.report import parse_report

    path = REAL / truth["file"]
    return parse_report(path.read_bytes(), url=path.name)
