"""The table grids every layout draws from: the statutory tables as rows of cells with their spans."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gxcrawl.demo.reportgen.style import Style
from gxcrawl.demo.reportgen.vocab import (
    APPLICANT_COLUMNS,
    RESULT_GROUP_LABEL,
    RESULT_ROWS,
    T2_BLOCKS,
    T3_COLUMNS,
    T3_NOTE,
    T3_ROWS,
    T4_COLUMNS,
    T4_GROUPS,
)


@dataclass(slots=True)
class Cell:
    lines: tuple[str, ...]  # text, split where the page breaks it (<br> / newline)
    kind: str  # "caption" | "note" | "header" | "label" | "group" | "value"
    colspan: int = 1
    rowspan: int = 1
    path: tuple[str, str, str] | None = None  # (table, row, col) of a value cell

    @property
    def text(self) -> str:
        return "".join(self.lines)


@dataclass(slots=True)
class Grid:
    name: str  # "active" | "active:<n>" | "applications" | "appeals"
    width: int
    rows: list[list[Cell]]
    caption: str | None = None  # a table-二 caption printed as a paragraph above the table


_SPLIT_HEADERS = frozenset(("商业企业", "科研机构", "结果维持", "结果纠正", "其他结果", "尚未审结"))


def _split_header(text: str, style: Style) -> tuple[str, ...]:
    """Header words broken where narrow cells break them ("本年新<br>制作数量", "商业 企业")."""
    if not style.header_breaks:
        return (text,)
    if text.startswith("本年新") and len(text) > 3:
        return (text[:3], text[3:])
    if text in _SPLIT_HEADERS:
        return (text[:2], text[2:])
    return (text,)


def _value(truth: dict[str, Any], table: str, row: str, col: str) -> Cell | None:
    raw = truth["raw"][table][row].get(col)
    if raw is None:
        return None  # dropped: a short row
    return Cell((raw,), "value", path=(table, row, col))


def _active_grids(truth: dict[str, Any], style: Style) -> list[Grid]:
    fmt = truth["format"]["active"]
    blocks: list[list[list[Cell]]] = []
    for block in T2_BLOCKS[fmt]:
        labels = truth["doc"]["labels"]
        rows: list[list[Cell]] = [[Cell((labels["captions"][block.caption],), "caption", colspan=4)]]
        header = [Cell(("信息内容",), "header")]
        n = len(block.headers)
        for i, h in enumerate(block.headers):
            span = 4 - n if i == n - 1 else 1
            header.append(Cell(_split_header(style.punctuate(h), style), "header", colspan=span))
        rows.append(header)
        for rkey, _ in block.rows:
            row = [Cell((labels["active"][rkey],), "label")]
            for i, ckey in enumerate(block.columns):
                cell = _value(truth, "active", rkey, ckey)
                if cell is not None:
                    cell.colspan = 4 - n if i == n - 1 else 1
                    row.append(cell)
            rows.append(row)
        blocks.append(rows)
    if style.t2_tables == "several":
        if style.t2_caption_outside:  # "第二十条第(一)项" as a paragraph, the table below it
            return [Grid(f"active:{i}", 4, rows[1:], caption=rows[0][0].text) for i, rows in enumerate(blocks)]
        return [Grid(f"active:{i}", 4, rows) for i, rows in enumerate(blocks)]
    return [Grid("active", 4, [r for rows in blocks for r in rows])]


def _group_lines(label: str, style: Style) -> tuple[str, ...]:
    label = style.punctuate(label)
    if style.break_group_labels and len(label) >= 5:
        return (label[:-2], label[-2:])
    return (label,)


def _applications_grid(truth: dict[str, Any], style: Style) -> Grid:
    fmt = truth["format"]["applications"]
    rows: list[list[Cell]] = [
        [
            Cell((style.punctuate(T3_NOTE),), "note", colspan=3, rowspan=3),
            Cell(("申请人情况",), "header", colspan=7),
        ],
        [
            Cell(("自然人",), "header", rowspan=2),
            Cell(("法人或其他组织",), "header", colspan=5),
            Cell(("总计",), "header", rowspan=2),
        ],
        [Cell(_split_header(label, style), "header") for _, label in APPLICANT_COLUMNS[1:]],
    ]
    spec = T3_ROWS[fmt]
    group_sizes: dict[str, int] = {}
    for _, group, _ in spec:
        if group:
            group_sizes[group] = group_sizes.get(group, 0) + 1
    seen_groups: set[str] = set()
    first_result = True
    printed = truth["doc"]["labels"]["applications"]
    for key, group, _ in spec:
        label = printed[key]
        row: list[Cell] = []
        if key in RESULT_ROWS[fmt] or key == "total_processed":
            if first_result:
                row.append(Cell((style.punctuate(RESULT_GROUP_LABEL),), "group", rowspan=len(RESULT_ROWS[fmt]) + 1))
                first_result = False
            if group is None:
                row.append(Cell((label,), "label", colspan=2))
            else:
                if group not in seen_groups:
                    seen_groups.add(group)
                    row.append(Cell(_group_lines(group, style), "group", rowspan=group_sizes[group]))
                row.append(Cell((label,), "label"))
        else:
            row.append(Cell((label,), "label", colspan=3))
        for col in T3_COLUMNS:
            cell = _value(truth, "applications", key, col)
            if cell is not None:
                row.append(cell)
        rows.append(row)
    return Grid("applications", 10, rows)


def _appeals_grid(truth: dict[str, Any], style: Style) -> Grid:
    rows: list[list[Cell]] = [
        [Cell(("行政复议",), "header", colspan=5), Cell(("行政诉讼",), "header", colspan=10)],
        [Cell(_split_header(label, style), "header", rowspan=2) for _, label in T4_COLUMNS]
        + [Cell(("未经复议直接起诉",), "header", colspan=5), Cell(("复议后起诉",), "header", colspan=5)],
        [Cell(_split_header(label, style), "header") for _ in range(2) for _, label in T4_COLUMNS],
    ]
    data = []
    for group in T4_GROUPS:
        for key, _ in T4_COLUMNS:
            cell = _value(truth, "appeals", group, key)
            if cell is not None:
                data.append(cell)
    rows.append(data)
    return Grid("appeals", 15, rows)


def table_grids(truth: dict[str, Any]) -> dict[str, list[Grid]]:
    """Section key -> the grids of the statutory tables printed in it."""
    style = Style.of(truth)
    return {
        "active": _active_grids(truth, style),
        "applications": [_applications_grid(truth, style)],
        "appeals": [_appeals_grid(truth, style)],
    }


def positions(grid: Grid) -> list[list[tuple[int, Cell]]]:
    """Each row's cells with the grid column they start in (HTML table layout algorithm)."""
    occupied: set[tuple[int, int]] = set()
    out: list[list[tuple[int, Cell]]] = []
    for r, row in enumerate(grid.rows):
        col = 0
        placed = []
        for cell in row:
            while (r, col) in occupied:
                col += 1
            placed.append((col, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    occupied.add((r + dr, col + dc))
            col += cell.colspan
        out.append(placed)
    return out


def spanning_into(grid: Grid) -> list[list[int]]:
    """Per row, the start columns of cells from earlier rows whose rowspan reaches into it."""
    pos = positions(grid)
    out: list[list[int]] = [[] for _ in grid.rows]
    for r, placed in enumerate(pos):
        for col, cell in placed:
            for dr in range(1, cell.rowspan):
                if r + dr < len(out):
                    out[r + dr].append(col)
    return out
