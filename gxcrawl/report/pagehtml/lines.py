"""Text flattening: block elements -> lines, data-table rows -> one tab-joined line."""

from __future__ import annotations

from itertools import islice

from lxml import etree

from gxcrawl.report import chrome
from gxcrawl.report.pagehtml.tree import BLOCK_TAGS, HtmlElement, collapse, element_text

_CELL_BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6")


def is_data_table(table: HtmlElement) -> bool:
    """A table of values (rows -> tab lines) rather than a layout table (cells -> blocks)."""
    if next(table.iterdescendants("table"), None) is not None:
        return False
    for cell in table.iter("td", "th"):
        # cheap tests first: most cells have no child elements
        if len(cell) and len(element_text(cell)) > 150 and sum(1 for _ in islice(cell.iter(*_CELL_BLOCK_TAGS), 3)) >= 3:
            return False
    return True


def _row_cells(tr: HtmlElement) -> list[str]:
    # Inside a cell every block boundary and <br> joins with "" ("本年新<br>制作数量" -> one cell).
    # iterchildren's tag filter runs in C: no .tag string per child
    return [collapse(element_text(td) if len(td) else (td.text or "")) for td in tr.iterchildren("td", "th")]


def render_lines(root: HtmlElement) -> list[tuple[str, HtmlElement]]:
    """Block elements -> lines; data-table rows -> one line, cells joined by tab; <br> in a cell -> ''.

    Returns (line, element that produced it) pairs so that dropped lines can be dropped from the tree.
    Rows of data tables are rendered whole (C-level text serialisation), which keeps huge tables fast.
    """
    lines: list[tuple[str, HtmlElement]] = []
    cur: list[str] = []
    blocks: list[HtmlElement] = [root]
    tables: list[bool] = []  # open tables, True for data tables

    def flush() -> None:
        if cur:
            line = collapse("".join(cur))
            cur.clear()
            if line:
                lines.append((line, blocks[-1]))

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag
        if not isinstance(tag, str):
            continue
        in_data = tables[-1] if tables else False
        if event == "start":
            if tag in chrome.DROP_TAGS:
                walker.skip_subtree()
                continue
            if tag == "table":
                data = is_data_table(el)
                flush()
                tables.append(data)
                if not data:
                    blocks.append(el)
                    if el.text:
                        cur.append(el.text)
                continue
            if in_data:
                if tag == "tr":
                    cells = _row_cells(el)
                    if any(cells):
                        lines.append(("\t".join(cells), el))
                    walker.skip_subtree()
                elif tag in ("td", "th", "caption"):  # a cell outside any row, or a caption
                    line = collapse(element_text(el))
                    if line:
                        lines.append((line, el))
                    walker.skip_subtree()
                continue
            if tag in BLOCK_TAGS or tag == "br":
                flush()
                if tag != "br":
                    blocks.append(el)
            text = el.text  # each .text/.tail read builds a new str: read once
            if text:
                cur.append(text)
            continue

        # end event
        if tag == "table" and tables:
            if not tables.pop():
                flush()
                blocks.pop()
        elif in_data:
            continue  # white space between rows and cells
        elif tag in BLOCK_TAGS and tag not in chrome.DROP_TAGS:
            flush()
            if len(blocks) > 1:
                blocks.pop()
        if el is root:
            break
        if not (tables and tables[-1]):
            tail = el.tail
            if tail:
                cur.append(tail)
    flush()
    return lines


def text_of(el: HtmlElement) -> str:
    return "\n".join(line for line, _ in render_lines(el))
