"""The identities of docs/report-format.md as checks: H1–H6 (hard) and S3/S5 (soft), once per scope.

Each sum is evaluated strictly (every cell known) and, when that is not possible, with blank cells read
as 0: ``pass_if_blank_is_zero`` when only the lenient reading holds, ``not_assessable`` when a needed
cell is absent, not applicable or unreadable, or when the lenient reading does not hold either.
"""

from __future__ import annotations

from collections.abc import Collection

from gxcrawl.report import vocab
from gxcrawl.report.model import Check, TableRead

_NUMERIC = ("number", "zero")

EXPECTED_CELLS = {
    ("active", "2019"): 22,
    ("active", "2021"): 10,
    ("applications", "2019"): 161,
    ("applications", "2021"): 175,
    ("appeals", "2019"): 15,
    ("appeals", "2021"): 15,
}


def _sum_check(
    rule: str, scope: str, table: TableRead, left: list[tuple[str, str]], right: list[tuple[str, str]]
) -> Check:
    strict = True
    kinds, values = table.kinds, table.values
    sums: list[int | float] = [0, 0]
    for side, cells in ((0, left), (1, right)):
        for cell in cells:
            kind = kinds.get(cell, "absent")
            if kind in _NUMERIC:
                value = values.get(cell[0], {}).get(cell[1])
                if value is None:
                    return Check(rule, scope, "not_assessable")
                sums[side] += value
            elif kind == "empty":
                strict = False  # read as 0 by the lenient reading
            else:
                return Check(rule, scope, "not_assessable")
    lsum, rsum = sums
    lsum, rsum = _tidy(lsum), _tidy(rsum)
    if strict:
        return Check(rule, scope, "pass" if lsum == rsum else "fail", lsum, rsum)
    if lsum == rsum:
        return Check(rule, scope, "pass_if_blank_is_zero", lsum, rsum)
    return Check(rule, scope, "not_assessable", lsum, rsum)


def _tidy(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 6)


Cells = list[tuple[str, str]]


def result_rows(version: str, rows: Collection[str] = ()) -> tuple[str, ...]:
    """The rows H2 sums for a table of `version` whose rows are `rows`."""
    version = version if version in vocab.RESULT_ROWS else "2019"
    results = vocab.RESULT_ROWS[version]
    if (
        version == "2021"
        and "other" in rows
        and not any(r in rows for r in results if r not in vocab.RESULT_ROWS["2019"])
    ):
        results = vocab.RESULT_ROWS["2019"]  # (六)其他处理 printed as one row: its sub-rows merged into `other`
    return results


def check_sides(rule: str, scope: str, version: str = "2019", rows: Collection[str] = ()) -> tuple[Cells, Cells]:
    """The (row, column) cells on the left and right of a sum check H1–H4 in `scope` (also what a reader of the
    record highlights); ([], []) for the checks that are not one sum."""
    if rule == "H1":
        return [(scope, "total")], [(scope, c) for c in vocab.APPLICANT_COLS]
    if rule == "H2":
        return [("total_processed", scope)], [(r, scope) for r in result_rows(version, rows)]
    if rule == "H3":
        return [("new_received", scope), ("carried_over", scope)], [
            ("total_processed", scope),
            ("carried_forward", scope),
        ]
    if rule in ("H4a", "H4b", "H4c"):
        return [(scope, "total")], [(scope, c) for c in ("upheld", "corrected", "other", "pending")]
    return [], []


def applications_checks(table: TableRead) -> list[Check]:
    version = table.version if table.version in vocab.RESULT_ROWS else "2019"
    rows = [s.key for s in (vocab.APPLICATIONS_2019 if version == "2019" else vocab.APPLICATIONS_2021) if s.key]
    out: list[Check] = []
    for rule, scopes in (("H1", rows), ("H2", vocab.APPLICATION_COLS), ("H3", vocab.APPLICATION_COLS)):
        for scope in scopes:
            out.append(_sum_check(rule, scope, table, *check_sides(rule, scope, version, table.values)))
    return out


def appeals_checks(table: TableRead) -> list[Check]:
    return [
        _sum_check(rule, group, table, *check_sides(rule, group))
        for rule, group in zip(("H4a", "H4b", "H4c"), vocab.APPEAL_GROUPS, strict=True)
    ]


def range_check(table: TableRead) -> Check:
    """H5: counts are integers >= 0; 本年增/减 may be negative; money is a decimal >= 0."""
    bad = sum(
        not value_in_range(cell.col, cell.value)
        for cell in table.cells
        if cell.col is not None and cell.value is not None
    )
    return Check("H5", table.name, "fail" if bad else "pass", bad, 0)


def value_in_range(col: str, value: int | float) -> bool:
    """H5 for one cell of column `col`."""
    if col in vocab.SIGNED_COLUMNS:
        return float(value).is_integer()
    if col in vocab.MONEY_COLUMNS:
        return value >= 0
    return float(value).is_integer() and value >= 0


def count_check(table: TableRead, version: str) -> Check:
    """H6: every cell of the format's table was read (placed in its column)."""
    expected = EXPECTED_CELLS.get((table.name, version))
    placed = sum(1 for c in table.cells if c.col is not None)
    if expected is None:
        return Check("H6", table.name, "not_assessable", placed, None)
    return Check("H6", table.name, "pass" if placed == expected else "fail", placed, expected)


def active_soft_checks(table: TableRead) -> list[Check]:
    out: list[Check] = []
    for row in ("regulations", "normative_documents"):
        cols = table.values.get(row, {})
        if table.version == "2019":
            a, b = cols.get("total_published"), cols.get("new_published")
            if a is None or b is None:
                out.append(Check("S5", row, "not_assessable"))
            else:
                out.append(Check("S5", row, "pass" if a >= b else "fail", a, b))
        elif table.version == "2021":
            i, f, p = cols.get("issued"), cols.get("in_force"), cols.get("repealed")
            if i is None or f is None or p is None:
                out.append(Check("S3", row, "not_assessable"))
            else:
                out.append(Check("S3", row, "pass" if i <= f + p else "fail", i, f + p))
    return out


def run_checks(tables: dict[str, TableRead], version: str) -> list[Check]:
    """Every rule that applies to a v2019/v2021 document, once per scope (tables not found: not_assessable)."""
    if version not in ("2019", "2021"):
        return []
    apps = tables.get("applications") or TableRead("applications", version=version)
    if apps.version not in ("2019", "2021"):
        apps.version = version
    appeals = tables.get("appeals") or TableRead("appeals", version=version)
    active = tables.get("active") or TableRead("active", version=version)
    if active.version not in ("2019", "2021"):
        active.version = version
    out = [*applications_checks(apps), *appeals_checks(appeals)]
    for table in (active, apps, appeals):
        out.append(range_check(table) if table.found else Check("H5", table.name, "not_assessable"))
    for table in (active, apps, appeals):
        out.append(count_check(table, table.version if table.version in ("2019", "2021") else version))
    out.extend(active_soft_checks(active))
    return out
