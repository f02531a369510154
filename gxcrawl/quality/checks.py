"""The checks in plain words (the site's "What the checks mean" page; docs/quality.md says the same at length),
and which table cells each check of a record involves (what a report page highlights)."""

from __future__ import annotations

from typing import Any

from gxcrawl.report.validate import check_sides, value_in_range

# (id, short name, what it means): the ids of the record's `checks`
EXPLANATIONS: tuple[tuple[str, str, str], ...] = (
    (
        "H1",
        "row total = sum of applicant types",
        "In table 三 (applications), each row's 总计 column equals the sum of its six applicant columns "
        "(natural persons, the five kinds of legal persons and organisations). Scope: the row.",
    ),
    (
        "H2",
        "total processed = sum of outcomes",
        "In table 三, row (七) 总计 (applications processed) equals the sum of every outcome row: granted, partly "
        "granted, each reason for refusal, unable to provide, not processed, other. Scope: the column.",
    ),
    (
        "H3",
        "received + carried over = processed + carried forward",
        "In table 三, new applications plus those carried over from last year equal those processed plus those "
        "carried forward to next year. Scope: the column.",
    ),
    (
        "H4a–c",
        "appeal totals",
        "In table 四 (reviews and lawsuits), each group's 总计 equals upheld + corrected + other + pending: "
        "H4a administrative reviews, H4b lawsuits filed directly, H4c lawsuits after review. Scope: the group.",
    ),
    (
        "H5",
        "values in range",
        "Counts are whole numbers of zero or more; 本年增/减 may be negative; amounts of money (万元) are zero or "
        "more. Scope: the table; left is the number of cells out of range.",
    ),
    (
        "H6",
        "every cell read",
        "Every cell of the table the format prescribes was read and placed in its column (left: cells placed, "
        "right: cells the format has). Scope: the table.",
    ),
    (
        "S3",
        "documents issued ≤ in force + repealed (2021 format)",
        "A soft check of table 二: regulations and normative documents issued this year cannot outnumber those "
        "in force plus those repealed. Scope: the row.",
    ),
    (
        "S5",
        "total published ≥ new published (2019 format)",
        "A soft check of table 二: documents published in total cannot be fewer than those newly published this "
        "year. Scope: the row.",
    ),
    (
        "X1",
        "carried forward (year N) = carried over (year N+1)",
        "Cross-year: the applications an agency carries forward at the end of one year (table 三, row 四) are the "
        "applications its next year's report says were carried over (row 二), column by column. The same agency "
        "means the same portal and the same agency name once spaces and punctuation are ignored.",
    ),
    (
        "X2",
        "one report per agency and year",
        "Cross-year: a second, different document for the same agency and year is flagged on both. A report "
        "changed at its own address is a new version of one document and is not flagged.",
    ),
)

STATUSES: tuple[tuple[str, str], ...] = (
    ("pass", "the two sides are equal, every cell read"),
    ("pass_if_blank_is_zero", "equal when blank cells are read as 0"),
    ("fail", "the sides differ: the report contradicts itself (or the parser misread a cell)"),
    ("not_assessable", "a needed cell is missing, unreadable or not applicable"),
)

_TABLE_OF = {
    "H1": "applications",
    "H2": "applications",
    "H3": "applications",
    "H4a": "appeals",
    "H4b": "appeals",
    "H4c": "appeals",
    "S3": "active",
    "S5": "active",
}


def check_key(check: dict[str, Any]) -> str:
    return f"{check['id']}:{check['scope']}"


def involved_cells(
    check: dict[str, Any], record: dict[str, Any]
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(left, right) cells as (table, row, column) of one check of `record`."""
    rule, scope = check["id"], check["scope"]
    table = _TABLE_OF.get(rule)
    if rule in ("H1", "H2", "H3", "H4a", "H4b", "H4c"):
        version = (record.get("format") or {}).get("applications") or "2019"
        left, right = check_sides(rule, scope, version, record.get(table) or {})
        return [(table, r, c) for r, c in left], [(table, r, c) for r, c in right]
    if rule == "S5":
        return [("active", scope, "total_published")], [("active", scope, "new_published")]
    if rule == "S3":
        return [("active", scope, "issued")], [("active", scope, "in_force"), ("active", scope, "repealed")]
    if rule == "H5" and check["status"] == "fail":
        bad = [
            (scope, row, col)
            for row, cols in (record.get(scope) or {}).items()
            for col, value in (cols or {}).items()
            if isinstance(value, int | float) and not value_in_range(col, value)
        ]
        return bad, []
    if rule == "X1" and check.get("column"):
        row = "carried_forward" if check.get("report_year", 0) < check.get("other_report_year", 0) else "carried_over"
        return [("applications", row, check["column"])], []
    return [], []
