"""Report PDFs the way office suites print them (reportlab, a test dependency): ruled tables with merged
cells, labels wrapped inside narrow cells, page numbers, footnote markers, tables split across pages with
their header rows repeated. Built from reportgen's truth, so every value's truth is known."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from gxcrawl.demo import reportgen

FONT = "STSong-Light"  # a CID font every PDF reader knows (Adobe-GB1), not embedded
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
BODY = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=16, firstLineIndent=22)
TITLE = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22, alignment=1)
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10)
VALUE = ParagraphStyle("value", fontName=FONT, fontSize=8, leading=10, alignment=1)
NOTE = ParagraphStyle("note", fontName=FONT, fontSize=8, leading=10)
MAX_ROWSPAN = 4  # longer vertical merges would keep a table from breaking across pages


def _matrix(grid: reportgen.Grid, *, footnote: bool, value_marker: bool) -> tuple[list[list], list, int]:
    positions = reportgen.positions(grid)
    height = len(grid.rows)
    data: list[list] = [[""] * grid.width for _ in range(height)]
    spans: list = []
    header_rows = 0
    for r, placed in enumerate(positions):
        if any(cell.kind == "value" for _, cell in placed) and not header_rows:
            header_rows = r
        for col, cell in placed:
            text = escape("".join(cell.lines))
            if cell.kind == "value":
                if value_marker and cell.path and cell.path[1] == "new_received" and cell.path[2] == "total":
                    text += "<super>2</super>"
                data[r][col] = Paragraph(text or "&nbsp;", VALUE)
            else:
                if footnote and "总计" in text and cell.kind == "label":
                    text += "<super>1</super>"
                data[r][col] = Paragraph(text, CELL)
            rowspan = cell.rowspan if cell.rowspan <= MAX_ROWSPAN else 1
            if rowspan > 1 or cell.colspan > 1:
                spans.append(("SPAN", (col, r), (col + cell.colspan - 1, min(height, r + rowspan) - 1)))
    return data, spans, header_rows


def _widths(grid: reportgen.Grid, label_width: float, total: float = 480.0) -> list[float]:
    first_value = min(
        (col for placed in reportgen.positions(grid) for col, cell in placed if cell.kind == "value"), default=1
    )
    if first_value == 0:
        return [total / grid.width] * grid.width
    rest = (total - label_width) / max(1, grid.width - first_value)
    return [label_width / first_value] * first_value + [rest] * (grid.width - first_value)


def report_pdf(
    truth: dict,
    *,
    label_width: float = 120.0,
    page_numbers: bool = True,
    footnote: bool = True,
    value_marker: bool = False,
    push_tables_down: int = 0,
) -> bytes:
    """The report of `truth` as a PDF; `push_tables_down` paragraphs of filler before table 三 make it
    break across pages at a different row."""
    story: list = []
    for block in reportgen.document(truth):
        if isinstance(block, reportgen.Title):
            story.append(Paragraph(escape("".join(block.lines)), TITLE))
        elif isinstance(block, reportgen.Heading | reportgen.Paragraph):
            story.append(Paragraph(escape(block.text), BODY))
        elif isinstance(block, reportgen.Signature):
            for line in block.lines:
                story.append(Paragraph(escape(line), BODY))
        else:
            grid = block.grid
            if grid.name == "applications":
                story.extend(
                    Paragraph("为做好政府信息公开工作，本机关持续完善制度。" * 3, BODY) for _ in range(push_tables_down)
                )
            data, spans, header_rows = _matrix(grid, footnote=footnote, value_marker=value_marker)
            table = Table(data, colWidths=_widths(grid, label_width), repeatRows=header_rows)
            table.setStyle(
                TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), *spans])
            )
            story.append(table)
            if footnote and grid.name == "applications":
                story.append(Paragraph("注1：总计为本表各项之和。", NOTE))
            story.append(Spacer(1, 6))

    def number(canvas, doc) -> None:  # noqa: ANN001 - reportlab's callback signature
        if page_numbers:
            canvas.setFont(FONT, 9)
            canvas.drawCentredString(A4[0] / 2, 30, f"- {doc.page} -")

    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, title=truth["title"]).build(story, onFirstPage=number, onLaterPages=number)
    return buf.getvalue()
