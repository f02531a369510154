"""Counts the report's own prose states for rows of table 二.

Reports describe what they published before the tables print it: "其中…行政许可类37条，行政处罚类103条",
"行政法规、规章和规范性文件7条", "作出行政处罚决定784起". Such a sentence is one more equation on the table's
values. It is only ever used to choose among the readings of glued digits (see tables.py): a count that no
reading meets says nothing (it may count something else, such as a whole district's items), and a count can
never put a value in a cell that the printed digits do not hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: table 二 rows a category name in prose stands for (2019 layout)
_CATEGORY_ROWS = (
    ("规章", "regulations"),
    ("规范性文件", "normative_documents"),
    ("行政许可", "licensing"),
    ("其他对外管理服务事项", "other_services"),
    ("行政处罚", "penalty"),
    ("行政强制", "coercion"),
)
#: the column an item count of those rows matches: items published this year are the documents newly
#: published, and one item per decision for licences, penalties and coercive measures
_ITEM_COLUMN = {
    "regulations": "new_published",
    "normative_documents": "new_published",
    "licensing": "decisions",
    "other_services": "decisions",
    "penalty": "decisions",
    "coercion": "decisions",
}

# a clause of a list ("其中机构职能类7条，行政许可类37条，…"): a category name, then its count of items
_CLAUSE_SPLIT = re.compile(r"[，,；;。：:\n]")
_ITEM_CLAUSE = re.compile(
    r"^(?:其中|包括|含)?(?P<label>[\u4e00-\u9fff、和及与]{2,30}?)(?:类信息|类|信息)?(?P<n>\d{1,7})条$"
)
_DECISIONS = re.compile(r"(?P<label>行政许可|行政处罚|行政强制)决定(?:书)?(?P<n>\d{1,7})(?:起|件|个|份|宗)")


@dataclass(frozen=True, slots=True)
class StatedCount:
    """sum(values[row][column] for row in rows) == value, as the prose says (`text` quotes it).

    `direct`: the prose names the column itself ("行政处罚决定784起"); else it counts items published in the
    rows' category, which match the column only where the report publishes one item per document/decision."""

    rows: tuple[str, ...]
    column: str
    value: int
    text: str
    direct: bool


# what a category list may hold besides the row names: a label with any other word ("政策、规范性文件",
# "…应当主动公开的其他政府信息") names a wider category than the rows and states nothing about them
_FILLER = re.compile(r"其中|包括|行政法规|类|信息|[、和及与]")


def _rows_named(label: str) -> tuple[str, ...]:
    return tuple(key for word, key in _CATEGORY_ROWS if word in label)


def _only_rows(label: str) -> tuple[str, ...]:
    rest = label
    for word, _ in _CATEGORY_ROWS:
        rest = rest.replace(word, "")
    return _rows_named(label) if not _FILLER.sub("", rest) else ()


def stated_counts(prose: str, version: str) -> list[StatedCount]:
    """The table 二 counts `prose` states, for a table in the `version` ("2019" | "2021") layout."""
    out: list[StatedCount] = []
    compact = re.sub(r"[ \u3000\xa0]+", "", prose)
    for match in _DECISIONS.finditer(compact):
        out.append(StatedCount(_rows_named(match["label"]), "decisions", int(match["n"]), match[0], True))
    if version != "2019":
        return out  # the 2021 layout has no 本年新公开数量; its decisions are counted above
    for clause in _CLAUSE_SPLIT.split(compact):
        item = _ITEM_CLAUSE.match(clause)
        if item is None:
            continue
        rows = _only_rows(item["label"])
        columns = {_ITEM_COLUMN[r] for r in rows}
        if rows and len(columns) == 1:
            out.append(StatedCount(rows, columns.pop(), int(item["n"]), clause, False))
    return out
