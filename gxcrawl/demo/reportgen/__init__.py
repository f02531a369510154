"""Synthetic 政府信息公开工作年度报告 with exact ground truth.

Standard library only and nothing from the rest of gxcrawl: the parser is measured against these
reports, so the generator must not share code with it.

`generate_report` draws one report (v2019 or v2021 tables) whose numbers satisfy every hard identity
of docs/report-format.md (H1–H6) and the soft rules S3/S5, optionally with the real-world defects
listed there (blank cells, only 总计 filled, `/` in the 规章 row, a short row, money in 元, unsigned or
full-width-minus deltas, full-width digits, thousands separators, unit suffixes). The returned truth
holds exactly what the renderers write: a blank, `/`, `—` or a dropped cell is `None`, a value written
`70280元` is 7.028 (万元).

`render_body_html` and `render_text` draw the same report in every layout of `LAYOUTS`; every layout
carries the same characters apart from whitespace and table separators, so a parser's normalised-text
hash is the same for all of them. `render_pre2019` writes a free-form pre-2019 report that must not be
read as v2019/v2021. `uncertain_cells(truth, layout)` names the cells a rendering leaves undecidable
(glued digit runs with several identity-satisfying splits, rows whose blank cell became whitespace): a
parser may leave those null, and must read every other cell exactly. `complete_readings(truth, layout)` lists
the glued rows that lost a cell yet read as complete rows with every identity holding: the same text as a
report without the defect, which no parser can tell apart from it.

Truth keys beyond the SCHEMA record: "raw" (the cell strings as written; a dropped cell has no key),
"defects" ("kind:table.row.col"), "checks" (the H1–H4 and S3/S5 statuses a validator must report),
"style" (`Style` as a dict) and "doc" (title lines, intro, headings, paragraphs, labels, signature).
"sections" hold each section's prose only (tables excluded).

Modules, in the order a report is made: vocab (the official tables' rows and columns), style (rendering
choices, printed labels), figures (numbers satisfying the identities), written (cell strings and
defects), prose (title, intro, paragraphs), checks (expected check statuses), generate (the truth);
then grids (tables as cells with spans), document (the block sequence), bodyhtml and textlayouts (the
layouts), uncertain (what a layout leaves undecidable) and pre2019.
"""

from __future__ import annotations

from gxcrawl.demo.reportgen.bodyhtml import render_body_html
from gxcrawl.demo.reportgen.document import (
    LAYOUTS,
    Block,
    Heading,
    Paragraph,
    Signature,
    Table,
    Title,
    document,
)
from gxcrawl.demo.reportgen.generate import generate_report
from gxcrawl.demo.reportgen.grids import Cell, Grid, positions
from gxcrawl.demo.reportgen.pre2019 import render_pre2019
from gxcrawl.demo.reportgen.style import Style
from gxcrawl.demo.reportgen.textlayouts import render_text
from gxcrawl.demo.reportgen.uncertain import complete_readings, uncertain_cells
from gxcrawl.demo.reportgen.vocab import SCHEMA, SECTION_KEYS
from gxcrawl.demo.reportgen.written import DEFECT_KINDS

__all__ = [
    "DEFECT_KINDS",
    "LAYOUTS",
    "SCHEMA",
    "SECTION_KEYS",
    "Block",
    "Cell",
    "Grid",
    "Heading",
    "Paragraph",
    "Signature",
    "Style",
    "Table",
    "Title",
    "document",
    "generate_report",
    "positions",
    "render_body_html",
    "render_pre2019",
    "render_text",
    "complete_readings",
    "uncertain_cells",
]
