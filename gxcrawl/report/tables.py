"""Tables 二/三/四: from an HTML page or from flattened text to values by row and column.

The cascade (each stage gated on the previous one delivering nothing for a table):

1. ``html``  — the page's innermost ``<table>`` elements, row by row and cell by cell (``colspan``
   continuations kept, so a merged value cell is known as such); exact: an empty ``<td>`` is a blank cell.
2. ``text``  — the page text: one cell per line, pipe rows / pipe cells, tab-led cells, markdown, spaces.
3. ``glued`` — the same text when cells have nothing between them; digit runs are split only where the
   identities leave exactly one reading (see ``glued.py``).

Rows are found by their label (vocab.py), in order, and values are read between one label and the next;
that makes the reader indifferent to colspans that do not line up, to labels broken across lines and to
group labels sharing a line with their first sub-row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from lxml import etree

from gxcrawl.report import vocab
from gxcrawl.report.cells import CellValue, is_cell_token, normalise, parse_cell
from gxcrawl.report.glued import (
    Candidate,
    Identity,
    Relation,
    agreement,
    consistent,
    glued_candidates,
    joint_readings,
    placement_candidates,
    splittable,
)
from gxcrawl.report.model import ReadCell, TableRead

CELL_SEP = "\x1f"  # between the cells of an HTML row
CONT = "\x1d"  # the 2nd.. columns of a cell with colspan > 1
ROWCONT = "\x1c"  # a grid slot covered by a value cell of an earlier row (rowspan > 1)

# whitespace between two label characters is a line break inside a label ("(三)不予\n\n公开", "商业 企业");
# the leading lookahead only lets the lookbehinds run where white space starts (6x faster, same matches)
_LABEL_CHAR = "\u3400-\u9fff()、“”\"'《》"
_SQUEEZE = re.compile(
    f"(?=[ \\n\\r])(?<=[{_LABEL_CHAR}])(?<!\\d元)(?<!万元)(?<!\\d件)(?<!\\d条)(?<!\\d个)(?<!\\d项)(?<![\\n\\t| ]无)"
    f"[ \\n\\r]+(?=[{_LABEL_CHAR}])"
)
_MD_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$", re.M)
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r"[ \xa0\u3000]+")

_TOKEN = re.compile(
    r"\s*(?:(?P<cell>[+\-]?\d+(?:,\d{3})+(?:\.\d+)?(?:\s*(?:万元|亿元|元))?"
    r"|[+\-]?\d+(?:\.\d+)?(?:\s*(?:万元|亿元|元|件|条|个|项))?"
    r"|[/\\]|[—–~]+|-{1,3}(?!\d)|无(?![\u3400-\u9fff]))|(?P<text>\S))"
)

# table boundaries (on prepared text)
_ACTIVE_START = re.compile(r"第二十条第?\(?一\)?项|信息内容")
_APPLICATIONS_START = re.compile(r"本列数据的勾稽关系|申请人情况|本年新收政府信息公开申请数量")
_APPLICATIONS_LAST = re.compile(r"结转下年度继续办理")
_APPEALS_START = re.compile(r"行政复议")
_APPEALS_END = re.compile(r"五\s*[、.][^\n]{0,20}?(?:问题|改进)|其他需要报告")
_HAS_VALUE = re.compile(r"\d|[/\\—–~]|(?<![\u3400-\u9fff])无(?![\u3400-\u9fff])")
_APPEALS_HEADER = re.compile("|".join(vocab.APPEAL_HEADER_WORDS) + "|审结|计")

#: layouts where a blank cell can leave no trace (PDF text, cell-per-line with blank lines dropped, tab-led
#: cell lines with NBSP-only cells dropped, glued text): a row with fewer values than columns may miss any
#: of its cells, so it is never read left-aligned, only where every identity-consistent placement agrees
VANISHING_MODES = frozenset({"space", "lines", "tablines", "markdown"})

APPLICATION_ROW_IDENTITIES: tuple[Identity, ...] = ((6, (0, 1, 2, 3, 4, 5)),)
APPEALS_IDENTITIES: tuple[Identity, ...] = ((4, (0, 1, 2, 3)), (9, (5, 6, 7, 8)), (14, (10, 11, 12, 13)))


# page furniture a text conversion leaves between table rows: page numbers in their printed forms, "续表"
# (table continued) lines and form feeds; a bare number is no furniture by itself (it may be a cell)
_FURNITURE = re.compile(
    r"(?m)^[ \t|]*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[,/]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页|\d{1,4}\s*/\s*\d{1,4}|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?"
    r"|\(?续(?:上)?表\)?\s*:?\s*\d{0,2}|表\s*\d{1,2}\s*\(续\)|\f+)[ \t|]*\f*$"
)
_FURNITURE_HINT = re.compile(r"页|续|\f|^[ \t|]*[-—–]\s*\d|\d\s*/\s*\d|[Pp]age", re.M)
PAGE_BREAK = "\f"  # what page furniture becomes: a row whose cells run over it may hold a page number
_T3_HEADER_WORDS = ("法人或其他组织", "社会公益组织", "法律服务机构", "申请人情况", "商业企业", "科研机构", "自然人",
                    "其他", "总计")
_T3_FIRST_ROW = re.compile(r"本\s*年\s*新\s*收")
_T3_LAST_ROW = re.compile(r"结\s*转\s*下\s*年\s*度")
_NOT_HEADER = re.compile(r"[\s|\t]+")


def _headerish(line: str) -> bool:
    """A line that is (part of) table 三's header: its words, or a piece of one of them ("商业", "企业")."""
    text = _NOT_HEADER.sub("", line)
    if "勾稽关系" in text or "钩稽关系" in text:
        return True
    rest = text
    for word in _T3_HEADER_WORDS:
        rest = rest.replace(word, "")
    return not rest or (len(text) >= 2 and any(text in word for word in _T3_HEADER_WORDS))


def _drop_repeated_headers(lines: list[str]) -> None:
    """Table 三's header printed again where the table goes on over a page break: a run of header lines
    between its first and last rows (at least two header words, or the 勾稽关系 note) becomes PAGE_BREAK."""
    first = next((i for i, line in enumerate(lines) if _T3_FIRST_ROW.search(line)), None)
    if first is None:
        return
    last = next((i for i in range(first + 1, len(lines)) if _T3_LAST_ROW.search(lines[i])), len(lines) - 1)
    i = first + 1
    while i < last:
        if not lines[i].strip() or not _headerish(lines[i]):
            i += 1
            continue
        j = i
        while j < last and (not lines[j].strip() or _headerish(lines[j])):
            j += 1
        run = "".join(_NOT_HEADER.sub("", line) for line in lines[i:j])
        words = sum(1 for word in _T3_HEADER_WORDS if word in run)
        if words >= 2 or "勾稽关系" in run or "钩稽关系" in run:
            for k in range(i, j):
                lines[k] = PAGE_BREAK if lines[k].strip() else lines[k]
        i = j


def _page_furniture(text: str) -> str:
    """Page numbers, 续表 lines and repeated table headers between rows become PAGE_BREAK lines."""
    if _FURNITURE_HINT.search(text):
        text = _FURNITURE.sub(PAGE_BREAK, text)
    if "\n" not in text:
        return text
    lines = text.split("\n")
    _drop_repeated_headers(lines)
    return "\n".join(lines)


def prepare(text: str, *, normalised: bool = False) -> str:
    """Normalise text for reading tables: NFKC, no markdown rules, page furniture marked, label line
    breaks closed up."""
    text = _ZERO_WIDTH.sub("", text)
    if not normalised:
        text = normalise(text)
    if "---" in text:
        text = _MD_RULE.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _page_furniture(text)
    return _SQUEEZE.sub("", text)


@cache
def _label_re(label: str) -> re.Pattern[str]:
    return re.compile(label)


#: labels at least this long are also found with one character misprinted (PDF text, OCR, typing)
_FUZZY_LABEL_MIN = 8


@cache
def _fuzzy_label_re(label: str):  # -> regex.Pattern | None
    """`label` with one character substituted, for labels long enough that this cannot hit another row."""
    if len(re.sub(r"\(\?:[^()]*\)\??|\[[^\]]*\][?*]?|[\\()?*+|]", "", label)) < _FUZZY_LABEL_MIN:
        return None
    import regex  # the stdlib re has no approximate matching

    return regex.compile(f"(?:{label}){{s<=1}}", regex.BESTMATCH)


@cache
def _ordinal_re(ordinal: str) -> re.Pattern[str] | None:
    if not ordinal:
        return None
    if ordinal.isdigit():
        return re.compile(rf"(?:\(\s*{ordinal}\s*\)|{ordinal}\s*[.、)])\s*$")
    if ordinal.startswith("("):
        inner = ordinal[1:-1]
        return re.compile(rf"(?:\(\s*{inner}\s*\)|{inner}\s*、)\s*$")
    return re.compile(rf"{ordinal}\s*[、.]?\s*$")


# --- HTML stage -------------------------------------------------------------------------------------------------
_INNER_TABLES = etree.XPath("descendant-or-self::table[not(.//table)]")
_TEXT_OF = etree.tostring
_ROW_GROUPS = frozenset({"thead", "tbody", "tfoot"})


def _rows(table: etree._Element) -> list[etree._Element]:
    """./tr|./thead/tr|./tbody/tr|./tfoot/tr in document order (child loops: XPath per row costs more)."""
    out: list[etree._Element] = []
    for child in table:
        tag = child.tag
        if tag == "tr":
            out.append(child)
        elif tag in _ROW_GROUPS:
            out.extend(c for c in child if c.tag == "tr")
    return out
_HTML_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True)


def _span(value: str | None) -> int:
    if not value or value == "1":
        return 1
    try:
        return max(1, min(int(value), 64))
    except ValueError:
        return 1


def html_tables_text(body_html: str) -> str:
    """The innermost tables of a body fragment as rows of CELL_SEP-joined cells (one row per line).

    Several tables (table 二 drawn block by block) and a layout table around the real one are both fine:
    only tables without a table inside are read, in document order.
    """
    try:
        root = etree.fromstring(f"<html><body>{body_html}</body></html>", _HTML_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return ""
    if root is None:
        return ""
    return tables_grid(root)


#: grid work (slots written, covered columns skipped or carried) of one table, and of all tables of a page: a report's
#: tables have a few hundred slots; a hostile page of rowspan/colspan cells (up to 64x64 slots each) would grow the
#: grid without bound
MAX_GRID_WORK_PER_TABLE = 500_000
MAX_GRID_WORK = 4_000_000
#: innermost tables read per page
MAX_TABLES = 2_000


def tables_grid(root: etree._Element, issues: list[str] | None = None) -> str:
    """`html_tables_text` of an already parsed element (itself included when it is a table): page loading
    reads the grid from its own tree, so the parser need not parse the body HTML a second time.

    A table over MAX_GRID_WORK_PER_TABLE is read up to that point, tables after MAX_GRID_WORK or MAX_TABLES are
    left out; each cut adds a line to `issues`."""
    lines: list[str] = []
    page_work = 0
    for number, table in enumerate(_INNER_TABLES(root)):
        if number >= MAX_TABLES or page_work > MAX_GRID_WORK:
            if issues is not None:
                issues.append(f"tables: the page has more than {MAX_TABLES} tables or {MAX_GRID_WORK} grid cells; "
                              f"tables from table {number + 1} on not read")
            break
        # rowspan/colspan expansion: `below` holds columns covered by cells from rows above
        below: dict[int, int] = {}  # column -> rows it stays covered
        rows = _rows(table)
        work = 0
        for r, tr in enumerate(rows):
            cells: list[str] = []
            col = 0
            first_own: int | None = None
            for td in tr.iterchildren("td", "th"):
                while below and below.get(col, 0) > 0:
                    if first_own is not None:
                        cells.append(ROWCONT)  # a value merged with the row above sits in this row's grid
                    col += 1
                if first_own is None:
                    first_own = col
                # a childless cell's text is .text; else tostring's text method (4x itertext's speed)
                text = (td.text or "") if not len(td) else _TEXT_OF(td, method="text", encoding=str, with_tail=False)
                cells.append(" ".join(text.split()) if text else "")  # str.split() also splits at CELL_SEP
                keys = td.keys()  # most cells have no span: no el.get() string building for them
                colspan = _span(td.get("colspan")) if "colspan" in keys else 1
                # a rowspan ends with its table (as in browsers): no columns carried past the last row
                rowspan = min(_span(td.get("rowspan")), len(rows) - r) if "rowspan" in keys else 1
                if colspan > 1:
                    cells.extend([CONT] * (colspan - 1))
                if rowspan > 1:
                    for c in range(col, col + colspan):
                        below[c] = max(below.get(c, 0), rowspan)
                col += colspan
            while first_own is not None and below and below.get(col, 0) > 0:
                cells.append(ROWCONT)
                col += 1
            work += len(cells) + col + len(below)
            if below:
                below = {c: n - 1 for c, n in below.items() if n > 1}
            lines.append(CELL_SEP + CELL_SEP.join(cells))
            if work > MAX_GRID_WORK_PER_TABLE and r + 1 < len(rows):
                if issues is not None:
                    issues.append(f"tables: table {number + 1} has more than {MAX_GRID_WORK_PER_TABLE} grid cells "
                                  f"(rowspan/colspan); rows from row {r + 2} of {len(rows)} on not read")
                break
        page_work += work
        lines.append("")
    return "\n".join(lines)


# --- reading rows -------------------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Row:
    key: str
    columns: tuple[str, ...]
    items: list[str]  # raw cells / tokens read after the label
    mode: str  # exact | pipe | tab | space
    candidates: list[Candidate] | None = None
    preferred: Candidate | None = None
    note: str | None = None
    certain: bool = False  # one reading, fixed by the printed text alone (identities are checked, not used)
    split: bool = False  # read by splitting glued digits
    needs_table: bool = False  # its one reading breaks the row's identities: taken only if the table's hold
    page_break: bool = False  # its cells run over page furniture: a page number may be among them


def _find_rows(text: str, specs: Sequence[vocab.RowSpec], start: int, end: int) -> list[tuple[vocab.RowSpec, str, bool]]:
    found: list[tuple[vocab.RowSpec, re.Match[str]]] = []
    pos = start
    for spec in specs:
        match = _label_re(spec.label).search(text, pos, end)
        if match is None and (fuzzy := _fuzzy_label_re(spec.label)) is not None:
            match = fuzzy.search(text, pos, end)  # a misprinted label ("逾期不补证")
        if match is not None:
            found.append((spec, match))
            pos = match.end()
    out: list[tuple[vocab.RowSpec, str, bool]] = []
    for i, (spec, match) in enumerate(found):
        line_start = text.rfind("\n", 0, match.start()) + 1
        markdown = text[line_start:match.start()].lstrip(" ").startswith("|")
        stop = found[i + 1][1].start() if i + 1 < len(found) else end
        blob = text[match.end():stop]
        if i + 1 < len(found):
            ordinal = _ordinal_re(found[i + 1][0].ordinal)
            if ordinal is not None:
                blob = ordinal.sub("", blob, count=1)
        out.append((spec, blob, markdown))
    return out


def _mode(blob: str) -> str:
    if CELL_SEP in blob:
        return "exact"
    if "|" in blob:
        return "pipe"
    if "\t" in blob:
        return "tab"
    return "space"


def _field_items(fields: Sequence[str], *, skip_leading_empty: bool) -> list[str]:
    items: list[str] = []
    for field in fields:
        if field in (CONT, ROWCONT):
            items.append(field)
            continue
        text = field.strip()
        if not text:
            if skip_leading_empty and not items:
                continue
            items.append("")
            continue
        first = text.split("\n", 1)[0].strip()
        if "\n" in text and (not first or is_cell_token(first)):
            if first:
                items.append(first)  # the rest is on the next line: not this cell ("267\n2": a page number)
            break
        if is_cell_token(text):
            items.append(text)
            continue
        parts = text.split()
        if len(parts) > 1 and all(is_cell_token(p) for p in parts):
            items.extend(parts)
            continue
        break
    return items


def _space_items(blob: str) -> tuple[list[str], str]:
    """Cells of text without separators: one cell per line (a line holding only spaces was a blank cell,
    an empty line is the gap between cells; mode "lines"), or several cells on a line separated by
    spaces or by nothing at all (mode "space", where blank cells leave no trace)."""
    items: list[str] = []
    inline = False
    lines = blob.split("\n")
    for index, line in enumerate(lines):
        if not line or line == PAGE_BREAK:
            continue
        if not line.strip():
            if index:  # the first "line" is the rest of the label's own line
                items.append("")
            continue
        found = 0
        for match in _TOKEN.finditer(line):
            if match["cell"] is None:
                return items, "space" if inline or index == 0 else "lines"
            items.append(match["cell"].replace(" ", ""))
            found += 1
        inline = inline or found > 1 or index == 0
    return items, "space" if inline else "lines"


_PIPES_ONLY = re.compile(r"\|+")


def _pipe_line_fields(line: str) -> list[str]:
    fields = line.split("|")
    if line.rstrip().endswith("|"):
        fields = fields[:-1]
    return fields


def _appeals_data_items(blob: str, mode: str) -> list[str]:
    """Table 四's data cells after its last header word: skip the rest of the header line and pure
    padding lines ("|||||"), then read cells positionally (a blank first cell stays blank)."""
    lines = blob.split("\n")
    fields: list[str] = []
    if mode == "tab":
        fields = blob.split("\t")[1:]
        return _field_items(fields, skip_leading_empty=False)
    started = False
    for line in lines[1:]:
        if not started and (not line.strip() or _PIPES_ONLY.fullmatch(line.rstrip())):
            continue
        if started and _PIPES_ONLY.fullmatch(line.rstrip()):
            continue
        started = True
        markdown = line.startswith("|") and line.count("|") > 2  # "| 0 | 0 |"; " | 0 |" is a blank first cell
        fields.extend(_pipe_line_fields(line.rstrip()[1:] if markdown else line))
        if not line.rstrip().endswith("|"):
            break
    return _field_items(fields, skip_leading_empty=False)


def _cell_lines(fields: Sequence[str]) -> bool:
    """Tab-led cells one per line ("\\t12\\n\\t3\\n"), where a dropped NBSP-only line leaves no trace,
    rather than one row per line ("\\t12\\t\\t3\\n", where a blank cell keeps its place)."""
    return sum(1 for f in fields[:-1] if "\n" in f) > 1


def _blob_items(blob: str, *, header_before: bool, markdown: bool = False) -> tuple[list[str], str]:
    """Cells of the text after a label (or after table 四's header when `header_before`)."""
    mode = _mode(blob)
    if mode == "exact":
        lines = blob.split("\n")
        if header_before:  # the data row is the next line with cells
            for line in lines[1:]:
                fields = line.split(CELL_SEP)[1:]
                if any(f.strip() and f != CONT for f in fields):
                    return _field_items(fields, skip_leading_empty=False), mode
            return [], mode
        fields = lines[0].split(CELL_SEP)[1:]
        while fields and fields[0] == CONT:
            fields.pop(0)  # the label's own colspan
        return _field_items(fields, skip_leading_empty=False), mode
    if mode in ("pipe", "tab"):
        if header_before:
            items = _appeals_data_items(blob, mode)
            if mode == "tab" and _cell_lines(blob.split("\t")[1:len(items) + 1]):
                mode = "tablines"
            return items, mode
        if mode == "pipe" and markdown:
            fields = _pipe_line_fields(blob.split("\n", 1)[0])[1:]
            return _field_items(fields, skip_leading_empty=False), "markdown"
        fields = blob.split("|" if mode == "pipe" else "\t")[1:]  # [0]: the rest of the label's own cell
        if mode == "tab" and _cell_lines(fields):
            mode = "tablines"
            fields = blob.rstrip("\t").split("\t")[1:]  # a trailing tab leads the next label's line
        return _field_items(fields, skip_leading_empty=False), mode
    return _space_items(blob)


@lru_cache(maxsize=8192)
def _cell(raw: str, money: bool) -> CellValue:
    return parse_cell(raw, money=money)


def _value_of(raw: str, column: str) -> int | float | None:
    return _cell(raw, column in vocab.MONEY_COLUMNS).value


def _candidates(row: _Row, identities: Sequence[Identity]) -> None:
    """Fill row.candidates with the readings of row.items that fit the row's columns and identities.

    A short row also gets `preferred`: its values left-aligned, the way a browser lays out a row with
    fewer cells; it is taken only if no identity contradicts it (else only what every reading agrees on).
    """
    n = len(row.columns)
    items = list(row.items)

    def values(c: Candidate) -> list[int | float | None]:
        return [None if raw is None else _value_of(raw, row.columns[i]) for i, raw in enumerate(c)]

    if row.mode == "exact":
        if len(items) >= n and all(x in ("", CONT, ROWCONT) for x in items[n:]):
            slots: list[str | None] = list(items[:n])
            merged = [i for i in range(n) if slots[i] in (CONT, ROWCONT) or (i + 1 < n and slots[i + 1] == CONT)]
            for i in merged:
                slots[i] = None
            if merged:
                row.note = f"{len(merged)} of {n} cells are merged with a neighbouring cell and left null"
            row.candidates = [tuple(slots)]
            row.certain = True
            return
        items = [x for x in items if x not in (CONT, ROWCONT)]
    elif row.mode == "markdown" and len(items) >= n and all(x == "" for x in items[: len(items) - n]):
        items = items[len(items) - n:]  # a markdown grid row: values are its last n cells
    elif row.mode in VANISHING_MODES:
        while len(items) > n and items[-1] == "":
            items.pop()  # a kept whitespace-only line is a blank cell; only surplus ones are dropped
    else:
        while items and items[-1] == "":
            items.pop()  # flattened rows are padded to the grid width with empty cells
        while len(items) > n and items[0] == "":
            items.pop(0)  # cells covered by a rowspan/colspan label, drawn empty (markdown grids)
    if len(items) == n:
        row.candidates = [tuple(items)]  # one cell per column: certain, identities are checked, not used
        row.certain = True
        return
    if row.page_break and len(items) > n and row.mode != "exact":
        while len(items) > n and "" in items[n:]:  # a grid row's padding cells ("| 0 | ||") before the number
            del items[n + items[n:].index("")]
    if n < len(items) <= n + 2 and row.page_break and row.mode != "exact":
        # a page number printed between this row and the next is read as one more value at its end (or, at
        # the top of the next page, also at its start): the readings without it, if the identities agree
        extra = len(items) - n
        readings = dict.fromkeys(tuple(items[k:len(items) - (extra - k)]) for k in range(extra + 1))
        row.candidates = [c for c in readings if consistent(values(c), identities)]
        if len(row.candidates) != 1:
            row.note = f"{len(items)} values for {n} columns across a page break"
        return
    if len(items) > n:
        row.note = f"{len(items)} values for {n} columns; the row is left null"
        row.candidates = []
        return
    cands: list[Candidate] | None = None
    if row.mode == "space" and any(splittable(x) for x in items):
        value = lambda raw: _value_of(raw, row.columns[0])  # noqa: E731
        allowed = lambda slot, raw: raw[0] not in "+-" or row.columns[slot] in vocab.SIGNED_COLUMNS  # noqa: E731
        # a "-" run into digits ("208-29") is a minus sign or a not-applicable mark: both are readings
        variants = _dash_variants(items)
        if variants is None:
            row.note = f"glued digits {''.join(items)!r} allow too many readings; the row is left null"
            row.candidates = []
            return
        # the digits split only one way ("3000000" in seven cells: one digit a cell): if the row's identities
        # hold, that is the reading; if not, either the publisher's numbers do not add up or a blank cell
        # vanished in the flattening, and only the table's identities across rows can say it was the former
        shapes: set[Candidate] | None = set()
        for variant in variants:
            got = [tuple(variant)] if len(variant) == n else glued_candidates(variant, n, (), value, allowed, cap=1)
            if got is None or shapes is None:
                shapes = None
                continue
            shapes.update(got)
        if shapes is not None and len(shapes) == 1:
            only = list(shapes)
            row.candidates = only
            row.split = True
            if consistent(values(only[0]), identities):
                row.certain = True
            else:
                row.note = "glued"
                row.needs_table = True
            return
        found: dict[Candidate, None] = {}
        for variant in variants:
            if len(variant) == n:
                got = [tuple(variant)] if consistent(values(tuple(variant)), identities) else []
            else:
                got = glued_candidates(variant, n, identities, value, allowed)
            if got is None:
                row.note = f"glued digits {''.join(items)!r} allow too many splits; the row is left null"
                row.candidates = []
                return
            found.update(dict.fromkeys(got))
        cands = list(found)
        if cands:
            row.note = "glued"
            row.split = True
    if not cands:
        cands = placement_candidates(items, n) or []
        row.note = f"{len(items)} values for {n} columns"
        left = tuple(items) + (None,) * (n - len(items))
        # one missing cell at the end is how a row with fewer cells is published (seed 001); a row
        # missing more (only 总计 filled, blanks lost in flattening) is not guessed
        if row.mode not in VANISHING_MODES and n - len(items) == 1 and consistent(values(left), identities):
            row.preferred = left
    row.candidates = [c for c in cands if consistent(values(c), identities)]


_SIGNED_RUN = re.compile(r"-(\d.*)")
_DASH_RUN = re.compile(r"[—–~\-]{2,}")
MAX_VARIANTS = 16


def _dash_variants(items: Sequence[str]) -> list[list[str]] | None:
    """The ways dashes run into their neighbours can be read: a "-<digits>" item as a signed number or as a
    "-" (not applicable) mark then digits; a run of dashes ("————") as one to three not-applicable cells.
    None when there are more than MAX_VARIANTS readings."""
    options: list[list[list[str]]] = []
    for item in items:
        if _SIGNED_RUN.fullmatch(item):
            options.append([[item], ["-", item[1:]]])
        elif _DASH_RUN.fullmatch(item):
            size = len(item)
            options.append([[item[:size // k]] * k for k in range(1, min(size, 3) + 1)])
        else:
            options.append([[item]])
    count = 1
    for opts in options:
        count *= len(opts)
    if count > MAX_VARIANTS:
        return None
    variants: list[list[str]] = [[]]
    for opts in options:
        variants = [v + o for v in variants for o in opts]
    return variants


def _resolve(rows: list[_Row], identities: Sequence[Identity], relations: Sequence[Relation] = (),
             issues: list[str] | None = None, name: str = "") -> dict[str, list[str | None]]:
    """Pick each row's reading: the one that is certain, else the one left by the row's identities and the
    table's `relations` solved over all rows together, else what every remaining reading agrees on."""
    for row in rows:
        _candidates(row, identities)
    resolved: dict[str, list[str | None]] = {}
    pending: list[_Row] = []
    for row in rows:
        cands = row.candidates or []
        if len(cands) == 1 and row.preferred is None and (row.certain or row.note != "glued"):
            resolved[row.key] = list(cands[0])
        else:
            pending.append(row)
    if pending and relations:
        def values(key: str, cand: Candidate) -> list[int | float | None]:
            return [None if raw is None else _value_of(raw, "x") for raw in cand]

        certain = frozenset(r.key for r in rows if r.key in resolved)
        readings = {r.key: list(r.candidates or []) for r in rows}
        joint = joint_readings(readings, values, relations, rows[0].columns, certain)
        if joint is not None and not joint[2]:
            # no solution: a short row's placements (the one kind of reading that assumes where blank cells
            # were) may be what is wrong; solve without them, which leaves them to their own agreement
            weak = {r.key for r in pending if not r.split}
            if weak:
                retry = joint_readings({k: c for k, c in readings.items() if k not in weak}, values, relations,
                                       rows[0].columns, certain)
                if retry is not None and retry[2]:
                    joint = ({**retry[0], **{k: readings[k] for k in weak}}, retry[1], True, retry[3])
        if joint is not None:
            found, broken, _, assessed = joint
            for row in pending:
                row.candidates = found.get(row.key, [])
                if row.needs_table and row.key in assessed:
                    row.needs_table = False
            if broken and issues is not None:
                issues.append(f"{name}: identities {', '.join(broken)} fail for every reading of the printed "
                              "digits; rows they hold that needed them are left null")
    for row in pending:
        keep = [] if row.needs_table else row.candidates or []
        if row.preferred is not None and row.preferred in keep:
            resolved[row.key] = list(row.preferred)
        elif len(keep) == 1:
            resolved[row.key] = list(keep[0])
        else:
            resolved[row.key] = agreement(keep, len(row.columns))
    return resolved


def _emit(table: TableRead, rows: list[_Row], resolved: dict[str, list[str | None]]) -> None:
    for row in rows:
        slots = resolved.get(row.key, [None] * len(row.columns))
        cols: dict[str, int | float | None] = {}
        placed = 0
        for col, raw in zip(row.columns, slots, strict=True):
            if raw is None:
                cols[col] = None
                table.kinds[(row.key, col)] = "absent"
                continue
            cell: CellValue = _cell(raw, col in vocab.MONEY_COLUMNS)
            cols[col] = cell.value
            table.kinds[(row.key, col)] = cell.kind
            table.cells.append(ReadCell(table.name, row.key, col, cell.raw, cell.kind, cell.value))
            placed += 1
        table.values[row.key] = cols
        if placed < len(row.columns):
            for raw in row.items:
                if raw not in ("", CONT, ROWCONT) and raw not in [s for s in slots if s is not None]:
                    cell = parse_cell(raw)
                    table.cells.append(ReadCell(table.name, row.key, None, cell.raw, cell.kind, cell.value))
        if row.split:
            table.glued = True
        if row.note == "glued":
            if row.needs_table:
                table.issues.append(
                    f"{table.name} row {row.key}: glued digits {''.join(row.items)!r} split one way only, which breaks "
                    f"the row's identities, and the table's identities do not confirm it; all cells left null"
                )
            elif placed < len(row.columns):
                table.issues.append(
                    f"{table.name} row {row.key}: glued digits {''.join(row.items)!r} have no single split that "
                    f"satisfies the identities; {len(row.columns) - placed} cells left null"
                )
        elif row.note:
            what = (f"{placed} of {len(row.columns)} cells placed, the rest left null" if placed
                    else "no cell could be placed with certainty, all left null")
            table.issues.append(f"{table.name} row {row.key}: {row.note}; {what}")
        elif placed < len(row.columns):
            table.issues.append(
                f"{table.name} row {row.key}: no reading of {row.items!r} satisfies the identities; left null"
            )


# --- per table ----------------------------------------------------------------------------------------------------
def _version_active(region: str) -> str:
    flat = region.replace(" ", "")
    old = sum(1 for a in vocab.ACTIVE_2019_ANCHORS if a in flat)
    new = sum(1 for a in vocab.ACTIVE_2021_ANCHORS if a in flat)
    if old == new == 0:
        return "unknown"
    return "2019" if old > new else "2021"


def _version_applications(region: str) -> str:
    flat = region.replace(" ", "")
    if any(a in flat for a in vocab.APPLICATIONS_2021_ANCHORS):
        return "2021"
    if "本年新收" in flat or "本年度办理结果" in flat:
        return "2019"
    return "unknown"


def _rows_from(text: str, specs: Sequence[vocab.RowSpec], start: int, end: int) -> list[_Row]:
    rows: list[_Row] = []
    for spec, blob, markdown in _find_rows(text, specs, start, end):
        if spec.key is None and (spec.merged_key is None or not _HAS_VALUE.search(blob)):
            continue
        items, mode = _blob_items(blob, header_before=False, markdown=markdown)
        rows.append(_Row(spec.key or spec.merged_key, spec.columns, items, mode, page_break=PAGE_BREAK in blob))
    return rows


def _application_relations(version: str) -> tuple[Relation, ...]:
    """H2 ((七)总计 = the sum of the result rows) and H3 (一 + 二 = (七) + 四), per column, over rows read."""
    results = vocab.RESULT_ROWS[version]
    return (
        ("H2", (("total_processed", 1), *((r, -1) for r in results))),
        ("H3", (("new_received", 1), ("carried_over", 1), ("total_processed", -1), ("carried_forward", -1))),
    )


def _out_of_order_lines(region: str, specs: Sequence[vocab.RowSpec]) -> list[_Row]:
    """Rows the in-order label search passed over: converters print some rows of table 二 as plain lines
    ("行政许可 97") before the `|` table that holds the others. Such a row is read only where its label occurs
    once in the table's region, followed on its line by exactly its number of cells and nothing else."""
    rows: list[_Row] = []
    for spec in specs:
        matches = list(_label_re(spec.label).finditer(region))
        if len(matches) != 1:
            continue
        rest = region[matches[0].end():].split("\n", 1)[0].split()
        if len(rest) == len(spec.columns) and all(is_cell_token(c) for c in rest):
            rows.append(_Row(spec.key, spec.columns, rest, "space"))
    return rows


def _read_active(text: str, start: int, end: int, method: str, version: str | None = None) -> TableRead:
    region = text[start:end]
    table = TableRead("active", version=version or _version_active(region), method=method)
    if table.version == "unknown":
        return table
    specs = vocab.ACTIVE_2019 if table.version == "2019" else vocab.ACTIVE_2021
    rows = _rows_from(text, specs, start, end)
    rows = [r for r in rows if r.items]
    rows += _out_of_order_lines(text[start:end], [s for s in specs if s.key and s.key not in {r.key for r in rows}])
    _emit(table, rows, _resolve(rows, ()))
    _note_missing(table, specs)
    return table


def _markdown_rows(region: str, specs: Sequence[vocab.RowSpec], width: int) -> list[tuple[int | None, list[str]]]:
    """Full `|` rows of a markdown table in order: (index of the one keyed spec its label names, or None
    for a label that names none or several; -1 for a row with no label at all, its cells)."""
    keyed = [s for s in specs if s.key is not None]
    out: list[tuple[int | None, list[str]]] = []
    for line in region.split("\n"):
        line = line.strip()
        if not line.startswith("|"):
            continue
        fields = [f.strip() for f in _pipe_line_fields(line)[1:]]
        while fields and not fields[-1]:
            fields.pop()
        lead = 0
        while lead < len(fields) and not is_cell_token(fields[lead]):
            lead += 1
        cells = fields[lead:]
        if len(cells) != width or not all(is_cell_token(c) for c in cells):
            continue  # not one whole row of values: a header, a wrapped label, a broken row
        if not lead:
            out.append((-1, cells))
            continue
        label = "".join(fields[:lead]).replace(" ", "")
        # a label that also names a group row ("(六)其他处理", printed merged) names no one row
        hits = [spec for spec in specs if _label_re(spec.label).search(label)]
        out.append((keyed.index(hits[0]) if len(hits) == 1 and hits[0].key is not None else None, cells))
    return out


def _fill_unlabelled_rows(table: TableRead, region: str, specs: Sequence[vocab.RowSpec]) -> None:
    """PDF-to-markdown converters print some rows of table 三 as bare values (`| 0 | 0 | … |`), their labels
    pulled out of line, and rows whose labels are printed out of order are skipped by the label search. A
    `|` row whose label names one row is that row. Between two rows whose labels name them, the rows in between are the table's rows
    in their statutory order: when the `|` rows there are exactly as many as the rows the order puts
    there, each takes its place. Only rows left null are filled, and only when every filled row keeps its
    own total and the column sums ((七)总计 = the result rows) hold wherever they can be checked."""
    keyed = [s for s in specs if s.key is not None]
    width = len(keyed[0].columns) if keyed else 0
    rows = _markdown_rows(region, specs, width)
    fills: dict[str, list[str]] = {}
    anchor: int | None = None
    between: list[list[str]] = []
    for index, cells in rows:
        if index == -1 or (index is None and anchor is not None):
            between.append(cells)  # a bare row, or a row whose wrapped label names no row: one slot
            continue
        if index is not None:
            fills[keyed[index].key] = cells  # its label names it (the reader's label search may have skipped it)
        if index is not None and anchor is not None and index > anchor and len(between) == index - anchor - 1:
            for spec, found in zip(keyed[anchor + 1:index], between, strict=True):
                fills[spec.key] = found
        anchor, between = index, []
    fills = {k: v for k, v in fills.items() if all(x is None for x in (table.values.get(k) or {None: None}).values())}
    if not fills:
        return
    values = {k: [_value_of(raw, col) for raw, col in zip(cells, keyed[0].columns, strict=True)]
              for k, cells in fills.items()}
    for cells in values.values():
        if any(v is None for v in cells) or sum(cells[:-1]) != cells[-1]:
            return  # a filled row must keep its own total
    results = vocab.RESULT_ROWS.get(table.version, ())
    merged = {k: values.get(k) or [table.values.get(k, {}).get(c) for c in keyed[0].columns]
              for k in (*results, "total_processed")}
    for col in range(width):
        column = [merged[k][col] if merged[k] else None for k in merged]
        if None not in column and sum(column[:-1]) != column[-1]:
            table.issues.append(f"{table.name}: bare value rows between labelled rows break (七)总计; not placed")
            return
    for key, cells in fills.items():
        table.values[key] = dict(zip(keyed[0].columns, values[key], strict=True))
        for col, raw in zip(keyed[0].columns, cells, strict=True):
            cell = _cell(raw, col in vocab.MONEY_COLUMNS)
            table.kinds[(key, col)] = cell.kind
            table.cells.append(ReadCell(table.name, key, col, cell.raw, cell.kind, cell.value))
    table.issues = [i for i in table.issues if not any(f"row {k}:" in i for k in fills)]


def _read_applications(text: str, start: int, end: int, method: str, version: str | None = None) -> TableRead:
    region = text[start:end]
    table = TableRead("applications", version=version or _version_applications(region), method=method)
    if table.version == "unknown":
        return table
    specs = vocab.APPLICATIONS_2019 if table.version == "2019" else vocab.APPLICATIONS_2021
    rows = [r for r in _rows_from(text, specs, start, end) if r.items]
    resolved = _resolve(rows, APPLICATION_ROW_IDENTITIES,
                        _application_relations(table.version), table.issues, table.name)
    _emit(table, rows, resolved)
    if "|" in region:
        _fill_unlabelled_rows(table, region, specs)
    _note_missing(table, specs)
    return table


def _read_appeals(text: str, start: int, end: int, method: str) -> TableRead:
    table = TableRead("appeals", method=method)
    items: list[str] = []
    mode = "space"
    headers = list(_APPEALS_HEADER.finditer(text, start, end))
    for i, match in enumerate(headers):
        stop = headers[i + 1].start() if i + 1 < len(headers) else end
        between = text[match.end():stop]
        if not _HAS_VALUE.search(between):
            continue  # still inside the header block
        items, mode = _blob_items(text[match.end():end], header_before=True)
        break
    if not items:
        return table
    columns = tuple(f"{g}.{c}" for g in vocab.APPEAL_GROUPS for c in vocab.APPEAL_COLS)
    row = _Row("appeals", columns, items, mode)
    resolved = _resolve([row], APPEALS_IDENTITIES)
    flat = TableRead("appeals", method=method)
    _emit(flat, [row], resolved)
    for (_, col), kind in flat.kinds.items():
        group, name = col.split(".")
        table.kinds[(group, name)] = kind
    for group in vocab.APPEAL_GROUPS:
        table.values[group] = {c: flat.values["appeals"][f"{group}.{c}"] for c in vocab.APPEAL_COLS}
    for cell in flat.cells:
        if cell.col is None:
            table.cells.append(ReadCell("appeals", None, None, cell.raw, cell.kind, cell.value))
        else:
            group, name = cell.col.split(".")
            table.cells.append(ReadCell("appeals", group, name, cell.raw, cell.kind, cell.value))
    table.issues = [i.replace("appeals row appeals", "appeals row") for i in flat.issues]
    table.glued = flat.glued
    return table


def _note_missing(table: TableRead, specs: Sequence[vocab.RowSpec]) -> None:
    missing = [s.key for s in specs if s.key is not None and s.key not in table.values]
    if missing and table.values:
        table.issues.append(f"{table.name}: rows not found: {', '.join(missing)}")


def read_tables(text: str, method: str, version: str | None = None) -> dict[str, TableRead]:
    """Read tables 二/三/四 from prepared text (see `prepare`); tables not found are absent.

    `version` ("2019" | "2021"): read tables 二 and 三 in that format instead of the one their labels suggest
    (the document's format is decided by `version.overall_format`)."""
    out: dict[str, TableRead] = {}
    a_start = _APPLICATIONS_START.search(text)
    act = _ACTIVE_START.search(text, 0, a_start.start() if a_start else len(text))
    if a_start is not None:
        last = _APPLICATIONS_LAST.search(text, a_start.end())
        p_start = _APPEALS_START.search(text, last.end() if last else a_start.end())
    else:
        p_start = None
    if act is not None:
        end = a_start.start() if a_start else (p_start.start() if p_start else len(text))
        out["active"] = _read_active(text, act.start(), end, method, version)
    if a_start is not None:
        end = p_start.start() if p_start else len(text)
        out["applications"] = _read_applications(text, a_start.start(), end, method, version)
    if p_start is not None:
        stop = _APPEALS_END.search(text, p_start.end())
        end = stop.start() if stop else min(len(text), p_start.end() + 4000)
        out["appeals"] = _read_appeals(text, p_start.start(), end, method)
    for table in out.values():
        if table.glued and table.method == "text":
            table.method = "glued"
    return {name: t for name, t in out.items() if t.found}


def read_report_tables(
    text: str, body_html: str | None, *, normalised: bool = False, grid: str | None = None,
    version: str | None = None,
) -> dict[str, TableRead]:
    """The cascade: HTML tables first, then the text for the tables the HTML stage did not find.

    `grid`: `html_tables_text(body_html)` when the caller has it already (Page.table_grid).
    """
    found: dict[str, TableRead] = {}
    if body_html and (grid is not None or "<table" in body_html.lower()):
        if grid is None:
            grid = html_tables_text(body_html)
        if grid.strip():
            found.update(read_tables(prepare(grid), "html", version))
    if len(found) < 3 and text:
        for name, table in read_tables(prepare(text, normalised=normalised), "text", version).items():
            found.setdefault(name, table)
    return found
