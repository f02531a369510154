"""The "html" layout: the body fragment the way CMS editors and Word's HTML export write it."""

from __future__ import annotations

import html as _html
from typing import Any

from gxcrawl.demo.reportgen.document import Heading, Paragraph, Signature, Table, Title, document
from gxcrawl.demo.reportgen.grids import Cell, Grid
from gxcrawl.demo.reportgen.style import Style


def esc(text: str) -> str:
    return _html.escape(text, quote=False)


def _heading(text: str, style: Style) -> str:
    if style.heading_tag == "h3":
        return f"<h3>{esc(text)}</h3>"
    if style.heading_tag == "p_strong":
        return f'<p style="text-indent:2em"><strong>{esc(text)}</strong></p>'
    return f'<p style="text-indent:2em">{esc(text)}</p>'


def _html_cell(cell: Cell, style: Style) -> str:
    attrs = ""
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    if cell.rowspan > 1:
        attrs += f' rowspan="{cell.rowspan}"'
    inner = style.empty_cell_html if cell.text.strip() == "" else "<br/>".join(esc(x) for x in cell.lines)
    markup = style.cell_markup
    if style.word_export:
        inner = (
            '<p class="MsoNormal" align="center" style="text-align:center">'
            f'<span style="font-size:10.5pt;font-family:宋体">{inner}</span></p>'
        )
        attrs += ' valign="center" style="border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt"'
    elif markup == "p_center":  # UEditor
        inner = f'<p style="text-align:center">{inner}</p>'
    elif markup == "span":
        inner = f'<span style="font-size:14px">{inner}</span>'
    tag = "th" if style.header_tag == "th" and cell.kind in ("header", "caption", "note") else "td"
    if style.upper_tags:
        tag = tag.upper()
        attrs = attrs.replace("colspan=", "COLSPAN=").replace("rowspan=", "ROWSPAN=")
    return f"<{tag}{attrs}>{inner}</{tag}>"


def _html_table(grid: Grid, style: Style) -> str:
    parts = [
        '<table border="1" cellspacing="0" cellpadding="0" width="100%" style="border-collapse:collapse">',
        "<tbody>",
    ]
    for row in grid.rows:
        cells = list(row)
        if style.misaligned_colspan and grid.name.startswith("active"):
            # 上海 2019: the header puts its colspan on an earlier column than the data rows do
            cells = _misalign(cells)
        tr = ("<TR>", "</TR>") if style.upper_tags else ("<tr>", "</tr>")
        parts.append(tr[0] + "".join(_html_cell(c, style) for c in cells) + tr[1])
    parts.append("</tbody></table>")
    out = "\n".join(parts)
    if style.upper_tags:  # FrontPage-era markup
        out = out.replace("<table ", "<TABLE ").replace("</table>", "</TABLE>")
        out = out.replace("<tbody>", "<TBODY>").replace("</tbody>", "</TBODY>")
    return out


def _misalign(cells: list[Cell]) -> list[Cell]:
    if len(cells) == 3 and cells[0].kind == "header" and cells[2].colspan == 2:
        a, b, c = cells
        return [a, Cell(b.lines, b.kind, colspan=2), Cell(c.lines, c.kind, colspan=1)]
    return cells


def render_body_html(truth: dict[str, Any]) -> str:
    """The body fragment as CMS editors emit it: prose <p>s and the tables with rowspan/colspan."""
    style = Style.of(truth)
    out: list[str] = []
    for block in document(truth):
        match block:
            case Title(lines):
                out.append(
                    '<p style="text-align:center"><strong>' + "<br/>".join(esc(x) for x in lines) + "</strong></p>"
                )
            case Heading(text):
                out.append(_heading(text, style))
            case Paragraph(text):
                if style.word_export:
                    out.append(
                        '<p class="MsoNormal" style="text-indent:32.0pt">'
                        f'<span style="font-family:仿宋_GB2312">{esc(text)}</span></p>'
                    )
                else:
                    out.append(f'<p style="text-indent:2em">{esc(text)}</p>')
            case Table(grid):
                out.append(_html_table(grid, style))
            case Signature(lines):
                out.extend(f'<p style="text-align:right">{esc(line)}</p>' for line in lines)
    body = "\n".join(out)
    if style.nested_layout:
        body = (
            '<table width="100%" border="0" cellspacing="0" cellpadding="0"><tr><td class="content">\n'
            + body
            + "\n</td></tr></table>"
        )
    return body
