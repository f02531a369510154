"""A report as the sequence of blocks every layout writes: title, paragraphs, headings, tables, signature."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gxcrawl.demo.reportgen.grids import Grid, table_grids
from gxcrawl.demo.reportgen.vocab import SECTION_KEYS

# "html" is render_body_html; the others are render_text's plain-text layouts (what extraction leaves)
LAYOUTS: tuple[str, ...] = (
    "html",
    "cell_per_line",
    "cell_per_line_pipes",
    "pipe_rows",
    "tabs",
    "markdown",
    "glued",
)


@dataclass(frozen=True, slots=True)
class Title:
    lines: list[str]


@dataclass(frozen=True, slots=True)
class Heading:
    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str


@dataclass(frozen=True, slots=True)
class Table:
    grid: Grid


@dataclass(frozen=True, slots=True)
class Signature:
    lines: list[str]


Block = Title | Heading | Paragraph | Table | Signature


def document(truth: dict[str, Any]) -> list[Block]:
    """The report's blocks in reading order (a table-二 caption printed outside its table is a Paragraph)."""
    doc = truth["doc"]
    out: list[Block] = [Title(doc["title_lines"]), Paragraph(doc["intro"])]
    tables = table_grids(truth)
    for key in SECTION_KEYS:
        out.append(Heading(doc["headings"][key]))
        out.extend(Paragraph(p) for p in doc["paragraphs"][key])
        for grid in tables.get(key, []):
            if grid.caption:
                out.append(Paragraph(grid.caption))
            out.append(Table(grid))
    out.append(Signature(doc["signature"]))
    return out
