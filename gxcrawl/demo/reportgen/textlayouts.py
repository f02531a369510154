"""The plain-text layouts: a report the way PDF/Word text extraction, Markdown converters and editors leave it.

Every layout writes the same characters apart from whitespace and table separators, so a parser's
normalised-text hash is the same for all of them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gxcrawl.demo.reportgen.document import LAYOUTS, Heading, Paragraph, Signature, Table, Title, document
from gxcrawl.demo.reportgen.grids import Grid, positions, spanning_into
from gxcrawl.demo.reportgen.style import Style


@dataclass(frozen=True, slots=True)
class GluedCell:
    """One value cell of a "glued" row: what was written and the separator written before it."""

    path: tuple[str, str, str]  # (table, row, col)
    text: str
    sep: str  # "" or " "


GluedRow = list[GluedCell]


def _pad(text: str, rng: random.Random) -> str:
    """Seed-002 style padding around a value: U+3000 after, NBSP before or after."""
    roll = rng.random()
    if roll < 0.3:
        return text + "\u3000" * rng.choice((1, 1, 2))
    if roll < 0.55:
        return text + "\xa0"
    if roll < 0.8:
        return "\xa0" + text
    return text


def _cell_per_line(grid: Grid, style: Style, rng: random.Random, runs: list[GluedRow] | None) -> list[str]:
    """One cell per line; render_text puts the blank line between cells."""
    lines: list[str] = []
    for row in grid.rows:
        for cell in row:
            if cell.kind in ("group", "label") and len(cell.lines) > 1:
                lines.append("\n\n".join(cell.lines))  # seed 000: "(三)不予" / "" / "公开"
            elif cell.text.strip() == "":
                lines.append("\xa0")
            else:
                lines.append("\n".join(cell.lines))  # seed 000: "本年新" / "制作数量"
    return lines


def _cell_per_line_pipes(grid: Grid, style: Style, rng: random.Random, runs: list[GluedRow] | None) -> list[str]:
    lines: list[str] = []
    for i, row in enumerate(grid.rows):
        for cell in row:
            text = " ".join(cell.lines) if cell.text.strip() else "\xa0"
            lines.append(f"{text} |")
        pad = grid.width - len(row)
        if pad > 0 and i < len(grid.rows) - 1:
            lines.append("|" * pad)
    return lines


def _pipe_rows(grid: Grid, style: Style, rng: random.Random, runs: list[GluedRow] | None) -> list[str]:
    lines: list[str] = []
    for row in grid.rows:
        texts = [" ".join(c.lines) for c in row]
        line = " | ".join(texts) + " | " + "|" * (grid.width - len(row))
        lines.append(line.rstrip())
    return lines


def _tabs(grid: Grid, style: Style, rng: random.Random, runs: list[GluedRow] | None) -> list[str]:
    """Each cell on its own line after a tab; a cell spanning down from an earlier row leaves a bare tab."""
    lines: list[str] = []
    into = spanning_into(grid)
    placed_rows = positions(grid)
    for r in range(len(grid.rows)):
        merged: list[tuple[int, str]] = [(c, "\t") for c in sorted(into[r])]
        for col, cell in placed_rows[r]:
            if cell.kind == "value":
                text = _pad(cell.text, rng) if cell.text.strip() else "\xa0"
            else:
                text = "\n".join(cell.lines)
            merged.append((col, "\t" + text))
        merged.sort(key=lambda x: x[0])
        lines.extend(t for _, t in merged)
        lines.append("")
    return lines


def _markdown(grid: Grid, style: Style, rng: random.Random, runs: list[GluedRow] | None) -> list[str]:
    lines: list[str] = []
    expanded = []
    for placed in positions(grid):
        cols = [""] * grid.width
        for col, cell in placed:
            if col < grid.width:
                cols[col] = " ".join(cell.lines)
        expanded.append(cols)
    for i, cols in enumerate(expanded):
        lines.append("| " + " | ".join(cols) + " |")
        if i == 0:
            lines.append("|" + "---|" * grid.width)
    return lines


def _glued(grid: Grid, style: Style, rng: random.Random, runs: list[GluedRow] | None) -> list[str]:
    """The whole table as one line of cell texts run together; `runs` collects each row's value cells."""
    out = ""
    first = True
    for row in grid.rows:
        row_run: GluedRow = []
        for cell in row:
            sep = "" if first or not style.glued_spaces else (" " if rng.random() < 0.3 else "")
            first = False
            text = "".join(cell.lines)
            out += sep + text
            if cell.kind == "value" and cell.path is not None:
                row_run.append(GluedCell(cell.path, text, sep))
        if runs is not None and row_run:
            runs.append(row_run)
    return [out]


_TABLE_WRITERS: dict[str, Callable[[Grid, Style, random.Random, list[GluedRow] | None], list[str]]] = {
    "cell_per_line": _cell_per_line,
    "cell_per_line_pipes": _cell_per_line_pipes,
    "pipe_rows": _pipe_rows,
    "tabs": _tabs,
    "markdown": _markdown,
    "glued": _glued,
}


def _interleave(items: list[str], sep: str) -> list[str]:
    out: list[str] = []
    for i, item in enumerate(items):
        if i:
            out.append(sep)
        out.append(item)
    return out


def render_text(truth: dict[str, Any], layout: str) -> str:
    """The whole report as text in one of LAYOUTS (except "html"), the way extraction leaves it."""
    return render_text_runs(truth, layout, None)


def render_text_runs(truth: dict[str, Any], layout: str, runs: list[GluedRow] | None) -> str:
    """render_text; for "glued", `runs` also collects each table row's value cells and separators."""
    if layout == "html":
        raise ValueError('render_text does not draw "html"; use render_body_html')
    write_table = _TABLE_WRITERS.get(layout)
    if write_table is None:
        raise ValueError(f"unknown layout {layout!r}; expected one of {LAYOUTS}")
    style = Style.of(truth)
    # padding / spacing choices are part of the layout, deterministic per report
    rng = random.Random(f"{truth['title']}|{truth['published']}|{layout}")
    blank_between = layout == "cell_per_line"
    lines: list[str] = []
    for block in document(truth):
        match block:
            case Title(text_lines) | Signature(text_lines):
                written = list(text_lines)
            case Heading(text) | Paragraph(text):
                written = [text]
            case Table(grid):
                written = write_table(grid, style, rng, runs)
        if blank_between:
            written = _interleave(written, "")
        if lines and blank_between:
            lines.append("")
        lines.extend(written)
    return "\n".join(lines) + "\n"
