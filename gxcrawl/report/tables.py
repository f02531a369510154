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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from itertools import combinations, product
from typing import TYPE_CHECKING

from lxml import etree

from gxcrawl.report import vocab
from gxcrawl.report.cells import CellValue, is_cell_token, normalise, parse_cell
from gxcrawl.report.errors import raise_if_out_of_memory
from gxcrawl.report.glued import (
    Candidate,
    Identity,
    Relation,
    agreement,
    cell_room,
    consistent,
    glued_candidates,
    joint_readings,
    placement_candidates,
    splittable,
)
from gxcrawl.report.model import ReadCell, TableRead
from gxcrawl.report.narrative import StatedCount, stated_counts

if TYPE_CHECKING:  # imported where a label needs approximate matching, not with the module
    import regex

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
# (table continued) lines and form feeds, each printed on one line (cells one per line such as '-', '0', '-'
# are a row, not a page number); a bare number is no furniture by itself (it may be a cell)
_FURNITURE = re.compile(
    r"(?m)^[ \t|]*(?:[-—–][ \t]*\d{1,4}[ \t]*[-—–]|第[ \t]*\d{1,4}[ \t]*页(?:[ \t]*[,/]?[ \t]*共[ \t]*\d{1,4}[ \t]*页)?"
    r"|共[ \t]*\d{1,4}[ \t]*页[ \t]*第[ \t]*\d{1,4}[ \t]*页|\d{1,4}[ \t]*/[ \t]*\d{1,4}"
    r"|[Pp]age[ \t]*\d{1,4}(?:[ \t]*of[ \t]*\d{1,4})?"
    r"|\(?续(?:上)?表\)?[ \t]*:?[ \t]*\d{0,2}|表[ \t]*\d{1,2}[ \t]*\(续\)|\f+)[ \t|]*\f*$"
)
_FURNITURE_HINT = re.compile(r"页|续|\f|^[ \t|]*[-—–]\s*\d|\d\s*/\s*\d|[Pp]age", re.M)
PAGE_BREAK = "\f"  # what page furniture becomes: a row whose cells run over it may hold a page number
_T3_HEADER_WORDS = (
    "法人或其他组织",
    "社会公益组织",
    "法律服务机构",
    "申请人情况",
    "商业企业",
    "科研机构",
    "自然人",
    "其他",
    "总计",
)
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
    """Normalise text for reading tables: NFKC, no markdown rules, page furniture marked, values printed in
    the middle of their wrapped label moved after it, label line breaks closed up."""
    text = _ZERO_WIDTH.sub("", text)
    if not normalised:
        text = normalise(text)
    if "---" in text:
        text = _MD_RULE.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _page_furniture(text)
    text = _values_after_wrapped_labels(text)
    return _SQUEEZE.sub("", text)


#: every row label of tables 二 and 三, either format
_ROW_LABELS = tuple(
    dict.fromkeys(
        spec.label
        for specs in (vocab.ACTIVE_2019, vocab.ACTIVE_2021, vocab.APPLICATIONS_2019, vocab.APPLICATIONS_2021)
        for spec in specs
        if spec.key is not None or spec.merged_key is not None
    )
)
_LABEL_LINE_END = re.compile(f"[{_LABEL_CHAR}]$")
_LABEL_LINE_START = re.compile(f"^[{_LABEL_CHAR}]")


def _label_then_values(line: str) -> tuple[str, str] | None:
    """(label text, values) of a line that ends in two or more cell values, the label text possibly empty."""
    tokens = line.split()
    count = 0
    while count < len(tokens) and is_cell_token(tokens[len(tokens) - 1 - count]):
        count += 1
    if count < 2 or any(is_cell_token(t) for t in tokens[: len(tokens) - count]):
        return None
    return "".join(tokens[: len(tokens) - count]), " ".join(tokens[len(tokens) - count :])


def _continues_label(before: str, after: str) -> bool:
    """`after` completes a row label that `before` breaks off: a label match runs across the line break."""
    joined = before + after
    cut = len(before)
    return any(m.start() < cut < m.end() for label in _ROW_LABELS for m in _label_re(label).finditer(joined))


#: how many lines of a wrapped label are looked at on either side of its values
_WRAP_LINES = 3


def _label_piece(line: str) -> bool:
    """A line that is only label text: no cell value in it, starting with a label character."""
    stripped = line.strip()
    return bool(_LABEL_LINE_START.search(stripped)) and not any(is_cell_token(t) for t in stripped.split())


def _values_after_wrapped_labels(text: str) -> str:
    """A PDF's text puts a row's values beside one line of its label when the label cell wraps: the values sit
    vertically centred, so they come alone on a middle line ("2.没有现成信息需" / "0 0 0 0 0 0 0" / "要另行制作"),
    after a middle part ("5.要求行政机关确" / "认或重新出具已获 0 0 0 0 0 0 0" / "取信息") or after the first part
    ("2.申请人逾期未按收费 0 0 0 0 0 0 0" / "通知要求缴纳费用、行" / …). The values go after the last piece of their
    label, so the label reads whole. Only where the pieces after the values hold no value and complete a row
    label that the pieces up to the values do not."""
    if "\n" not in text:
        return text
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        split = _label_then_values(lines[i])
        if split is not None and i + 1 < len(lines) and _label_piece(lines[i + 1]):
            middle, values = split
            prefix = ""
            for back in range(1, _WRAP_LINES):  # label pieces printed before the values' line
                piece = out[-back].strip() if len(out) >= back else ""
                if not _LABEL_LINE_END.search(piece) or any(is_cell_token(t) for t in piece.split()):
                    break
                prefix = piece + prefix
            pieces = _label_rest(lines, i + 1, prefix + middle)
            if pieces:
                out.extend([middle + "".join(p.strip().replace(" ", "") for p in pieces), values])
                i += len(pieces) + 1
                continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


def _label_rest(lines: list[str], start: int, head: str) -> list[str]:
    """The lines from `start` on (at most _WRAP_LINES, label pieces only) that complete a row label `head`
    breaks off; [] when none does."""
    suffix = ""
    for ahead in range(_WRAP_LINES):
        if start + ahead >= len(lines) or not _label_piece(lines[start + ahead]):
            return []
        suffix += lines[start + ahead].strip().replace(" ", "")
        if _continues_label(head, suffix):
            return lines[start : start + ahead + 1]
    return []


@cache
def _label_re(label: str) -> re.Pattern[str]:
    return re.compile(label)


#: labels at least this long are also found with one character misprinted (PDF text, OCR, typing)
_FUZZY_LABEL_MIN = 8


@cache
def _fuzzy_label_re(label: str) -> regex.Pattern[str] | None:
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
    except (etree.ParserError, etree.XMLSyntaxError) as exc:
        raise_if_out_of_memory(exc)
        return ""
    except ValueError:
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
                issues.append(
                    f"tables: the page has more than {MAX_TABLES} tables or {MAX_GRID_WORK} grid cells; "
                    f"tables from table {number + 1} on not read"
                )
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
                    issues.append(
                        f"tables: table {number + 1} has more than {MAX_GRID_WORK_PER_TABLE} grid cells "
                        f"(rowspan/colspan); rows from row {r + 2} of {len(rows)} on not read"
                    )
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


def _find_rows(
    text: str, specs: Sequence[vocab.RowSpec], start: int, end: int
) -> list[tuple[vocab.RowSpec, str, bool]]:
    found: list[tuple[vocab.RowSpec, re.Match[str] | regex.Match[str]]] = []
    pos = start
    for spec in specs:
        match: re.Match[str] | regex.Match[str] | None = _label_re(spec.label).search(text, pos, end)
        if match is None and (fuzzy := _fuzzy_label_re(spec.label)) is not None:
            match = fuzzy.search(text, pos, end)  # a misprinted label ("逾期不补证")
        if match is not None:
            found.append((spec, match))
            pos = match.end()
    out: list[tuple[vocab.RowSpec, str, bool]] = []
    for i, (spec, match) in enumerate(found):
        line_start = text.rfind("\n", 0, match.start()) + 1
        markdown = text[line_start : match.start()].lstrip(" ").startswith("|")
        stop = found[i + 1][1].start() if i + 1 < len(found) else end
        blob = text[match.end() : stop]
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
            if mode == "tab" and _cell_lines(blob.split("\t")[1 : len(items) + 1]):
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


def _split_rules(row: _Row) -> tuple[Callable[[str], int | float | None], Callable[[int, str], bool]]:
    """How a glued row's pieces are valued, and which cell may take a signed piece (a change column only)."""

    def value(raw: str) -> int | float | None:
        return _value_of(raw, row.columns[0])

    def allowed(slot: int, raw: str) -> bool:
        return raw[0] not in "+-" or row.columns[slot] in vocab.SIGNED_COLUMNS

    return value, allowed


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
        items = items[len(items) - n :]  # a markdown grid row: values are its last n cells
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
        readings = dict.fromkeys(tuple(items[k : len(items) - (extra - k)]) for k in range(extra + 1))
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
        value, allowed = _split_rules(row)
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
            options.append([[item[: size // k]] * k for k in range(1, min(size, 3) + 1)])
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


def _resolve(
    rows: list[_Row],
    identities: Sequence[Identity],
    relations: Sequence[Relation] = (),
    issues: list[str] | None = None,
    name: str = "",
    counts: Callable[[], Sequence[StatedCount]] | None = None,
    lost_blanks: bool = False,
) -> dict[str, list[str | None]]:
    """Pick each row's reading: the one that is certain, else the one left by the row's identities, the
    counts the report's prose states and the table's `relations` solved over all rows together, else what
    every remaining reading agrees on. `lost_blanks`: the document loses blank cells, so a glued row keeps
    only what its readings with such blanks agree on too."""
    for row in rows:
        _candidates(row, identities)
    if counts is not None and any(len(row.candidates or ()) > 1 for row in rows):
        _narrow_by_counts(rows, counts(), issues, name)  # the prose is read only when some row needs it
    resolved: dict[str, list[str | None]] = {}
    pending: list[_Row] = []
    for row in rows:
        cands = row.candidates or []
        if len(cands) == 1 and row.preferred is None and (row.certain or row.note != "glued"):
            resolved[row.key] = list(cands[0])
        else:
            pending.append(row)
    own = {row.key: list(row.candidates or []) for row in pending}  # readings before the table's relations
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
                retry = joint_readings(
                    {k: c for k, c in readings.items() if k not in weak}, values, relations, rows[0].columns, certain
                )
                if retry is not None and retry[2]:
                    joint = ({**retry[0], **{k: readings[k] for k in weak}}, retry[1], True, retry[3])
        if joint is not None:
            found, broken, _, assessed = joint
            for row in pending:
                row.candidates = found.get(row.key, [])
                if row.needs_table and row.key in assessed:
                    row.needs_table = False
            if broken and issues is not None:
                issues.append(
                    f"{name}: identities {', '.join(broken)} fail for every reading of the printed "
                    "digits; rows they hold that needed them are left null"
                )
    for row in pending:
        keep = [] if row.needs_table else row.candidates or []
        if row.preferred is not None and row.preferred in keep:
            resolved[row.key] = list(row.preferred)
        elif len(keep) == 1:
            resolved[row.key] = list(keep[0])
        else:
            resolved[row.key] = agreement(keep, len(row.columns))
    if relations:
        _keep_publisher_broken(pending, own, resolved, identities, relations, issues, name)
    if lost_blanks:
        _agree_with_lost_blanks(rows, resolved, identities, relations)
    return resolved


COUNT_COMBINATIONS = 5_000


def _count_holds(rows: Sequence[_Row], count: StatedCount) -> list[set[Candidate]] | None:
    """Per row of `count`, the readings that take part in a combination meeting it (None: not assessable)."""
    cols = [row.columns.index(count.column) if count.column in row.columns else -1 for row in rows]
    if -1 in cols or any(not row.candidates for row in rows):
        return None
    combos = 1
    for row in rows:
        combos *= len(row.candidates or ())
    if combos > COUNT_COMBINATIONS:
        return None
    used: list[set[Candidate]] = [set() for _ in rows]
    for combo in product(*(row.candidates or () for row in rows)):
        cells = [cand[col] for cand, col in zip(combo, cols, strict=True)]
        printed = [raw for raw in cells if raw is not None]
        if len(printed) != len(cells):
            return None  # a cell not printed: the count cannot be checked
        if sum(_value_of(raw, count.column) or 0 for raw in printed) == count.value:
            for i, cand in enumerate(combo):
                used[i].add(cand)
    return used


def _narrow_by_counts(rows: list[_Row], counts: Sequence[StatedCount], issues: list[str] | None, name: str) -> None:
    """Keep only the glued rows' readings that meet a count the report's prose states for their rows.

    A count no reading meets counts something else and is ignored. Counts of items published per category
    are used only when no row read with certainty contradicts one of them (a report whose item counts do
    not track its table says nothing about the glued rows with them)."""
    by_key = {row.key: row for row in rows}
    usable: list[tuple[StatedCount, list[_Row]]] = []
    for count in counts:
        members = [by_key[key] for key in count.rows if key in by_key]
        if len(members) != len(count.rows):
            continue  # a row of the count was not read
        usable.append((count, members))
    trusted = {id(c) for c, _ in usable if c.direct}
    item_counts = [(c, m) for c, m in usable if not c.direct]
    contradicted = False
    for count, members in item_counts:
        if all(row.certain for row in members):
            held = _count_holds(members, count)
            contradicted |= held is not None and not held[0]
    if not contradicted:
        trusted.update(id(c) for c, _ in item_counts)
    for count, members in usable:
        if id(count) not in trusted or all(len(row.candidates or ()) == 1 for row in members):
            continue
        held = _count_holds(members, count)
        if held is None or not all(held):
            continue  # not assessable, or no reading meets it: it counts something else
        for row, keep in zip(members, held, strict=True):
            if len(keep) < len(row.candidates or ()):
                row.candidates = [c for c in row.candidates or () if c in keep]
                if issues is not None:
                    issues.append(
                        f"{name} row {row.key}: glued digits {''.join(row.items)!r} read with the count "
                        f"the report states ({count.text})"
                    )


def _known_values(resolved: dict[str, list[str | None]], skip: str) -> dict[str, list[int | float | None]]:
    out: dict[str, list[int | float | None]] = {}
    for key, slots in resolved.items():
        printed = [raw for raw in slots if raw is not None]
        if key != skip and len(printed) == len(slots):
            out[key] = [_value_of(raw, "x") for raw in printed]
    return out


def _relations_hold(
    key: str,
    cells: Sequence[int | float | None],
    known: dict[str, list[int | float | None]],
    relations: Sequence[Relation],
) -> bool:
    """No column of a relation whose other rows are all read fails with `cells` as row `key`'s values."""
    for _, members in relations:
        if key not in {r for r, _ in members}:
            continue
        if any(r != key and r not in known for r, _ in members):
            continue
        for col in range(len(cells)):
            column = [(cells[col] if r == key else known[r][col], coeff) for r, coeff in members]
            terms = [v * coeff for v, coeff in column if v is not None]
            if len(terms) != len(column):
                continue
            if abs(sum(terms)) > 1e-9:
                return False
    return True


#: readings of one glued row listed at most (past it, no reading is claimed for the row)
_MAX_READINGS = 20_000


def _other_readings(row: _Row) -> list[Candidate] | None:
    """Every reading of a glued row's digits: every split into the row's cells, and every split into fewer
    cells placed with as many blanks (blank cells that left no trace in the flattening), down to one cell.
    None when there are too many to list."""
    n = len(row.columns)
    value, allowed = _split_rules(row)
    variants = _dash_variants(row.items)
    if variants is None:
        return None
    out: dict[Candidate, None] = {}
    for variant in variants:
        for cells in range(n, 0, -1):
            got = [tuple(variant)] if len(variant) == cells else glued_candidates(variant, cells, (), value, allowed)
            if got is None:
                return None
            for cand in got:
                for blanks in combinations(range(n), n - cells):
                    filled = iter(cand)
                    out[tuple(None if slot in blanks else next(filled) for slot in range(n))] = None
                if len(out) > _MAX_READINGS:
                    return None
    return list(out)


def _keep_publisher_broken(
    pending: list[_Row],
    own: dict[str, list[Candidate]],
    resolved: dict[str, list[str | None]],
    identities: Sequence[Identity],
    relations: Sequence[Relation],
    issues: list[str] | None,
    name: str,
) -> None:
    """A glued row left null because the table's relations fail, whose digits its own identities read one
    way only (or that split only one way, one digit a cell): when no other reading of its digits -- another
    split, or one with blank cells that left no trace -- satisfies its own identities and the relations
    with the rows read in full, the relations fail whatever the row says: the publisher's numbers do not
    add up, and the row's own reading is the printed one."""
    for row in pending:
        mine = own.get(row.key) or []
        if not row.split or len(mine) != 1 or any(raw is not None for raw in resolved.get(row.key, [])):
            continue
        reading = mine[0]
        others = _other_readings(row)
        if others is None:
            continue
        known = _known_values(resolved, row.key)

        def values(cand: Candidate) -> list[int | float | None]:
            return [None if raw is None else _value_of(raw, "x") for raw in cand]

        if _relations_hold(row.key, values(reading), known, relations):
            continue  # the relations could not be checked against the rows read: nothing proves them broken
        if any(
            cand != reading
            and consistent(values(cand), identities)
            and _relations_hold(row.key, values(cand), known, relations)
            for cand in others
        ):
            continue
        resolved[row.key] = list(reading)
        row.needs_table = False
        row.note = None
        if issues is not None:
            shown = "|".join(raw or "" for raw in reading)  # a split of digits: every cell is printed
            issues.append(
                f"{name} row {row.key}: the digits {''.join(row.items)!r} read {shown}; every "
                "reading breaks the table's identities, so the publisher's numbers are kept as printed"
            )


#: readings with lost blank cells listed for one glued row at most (past it, the row is left null)
_MAX_BLANK_READINGS = 2_000
#: search steps for them (a row whose readings take longer is left null: it is not known to be right)
_BLANK_STEPS = 50_000


def _cells_lost(row: _Row) -> bool:
    """The row's printed values cannot fill its cells however its digits split: blank cells left no trace."""
    if row.mode != "space" or not row.items:
        return False
    variants = _dash_variants([x for x in row.items if x])
    if variants is None:
        return False
    return max(sum(cell_room(x) for x in variant) for variant in variants) < len(row.columns)


def _readings_with_blanks(row: _Row, identities: Sequence[Identity]) -> list[Candidate] | None:
    """Every reading of a glued row's digits, with any number of blank cells that left no trace, that its
    identities allow (a blank counting as 0); None when there are too many to list."""
    value, allowed = _split_rules(row)
    variants = _dash_variants(row.items)
    if variants is None:
        return None
    out: dict[Candidate, None] = {}
    for variant in variants:
        got = glued_candidates(
            variant, len(row.columns), identities, value, allowed, _MAX_BLANK_READINGS, blanks=True, budget=_BLANK_STEPS
        )
        if got is None:
            return None
        out.update(dict.fromkeys(got))
    return list(out)


def _agree_with_lost_blanks(
    rows: list[_Row],
    resolved: dict[str, list[str | None]],
    identities: Sequence[Identity],
    relations: Sequence[Relation],
) -> None:
    """In a document that loses blank cells, a glued row's digits may also be read with blanks that left no
    trace. Its cells that those readings (its identities and the relations with the rows read in full
    holding, a blank counting as 0) do not agree on are left null: a reading is not preferred for needing
    fewer blanks."""

    def zeroed(cand: Candidate) -> list[int | float | None]:
        return [0 if raw is None else _value_of(raw, "x") for raw in cand]

    for row in rows:
        slots = resolved.get(row.key)
        if not row.split or not slots or all(raw is None for raw in slots):
            continue
        readings = _readings_with_blanks(row, identities)
        if readings is None:
            agreed: list[str | None] = [None] * len(row.columns)
        else:
            known = _known_values(resolved, row.key)
            kept = [c for c in readings if _relations_hold(row.key, zeroed(c), known, relations)]
            agreed = agreement([tuple(slots), *kept], len(row.columns))
        dropped = sum(1 for was, now in zip(slots, agreed, strict=True) if was is not None and now is None)
        if not dropped:
            continue
        resolved[row.key] = agreed
        # the reason its cells are null (a split was found): _emit reports it
        row.note = (
            f"glued digits {''.join(row.items)!r} also read with blank cells that left no trace, as in other rows"
        )


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
            what = (
                f"{placed} of {len(row.columns)} cells placed, the rest left null"
                if placed
                else "no cell could be placed with certainty, all left null"
            )
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


# a unit printed after a row's label, before its values ("政府集中采购(元) 3 147230", "行政事业性收费(单位:万元)")
_LABEL_UNIT = re.compile(r"[ \t]*\([ \t]*(?:单位[ \t]*:[ \t]*)?(?P<unit>万元|亿元|元|件|条|个|项)[ \t]*\)")
_BARE_NUMBER = re.compile(r"[+\-]?\d+(?:,\d{3})*(?:\.\d+)?")


def _with_label_unit(items: list[str], unit: str, columns: Sequence[str]) -> list[str]:
    """The label's money unit given to the row's money cell, its last column, where that cell is printed bare:
    only when the last item is surely that cell (one item per column, or one glued run holding them all)."""
    if unit not in ("万元", "亿元", "元") or not columns or columns[-1] not in vocab.MONEY_COLUMNS:
        return items
    cells = [i for i, item in enumerate(items) if item not in (CONT, ROWCONT)]  # a colspan's slots are no cells
    while cells and not items[cells[-1]]:
        cells.pop()  # blank padding after the row's cells (a table drawn wider than the row)
    if not cells:
        return items
    last = items[cells[-1]]
    if not _BARE_NUMBER.fullmatch(last) or (len(cells) != len(columns) and not (len(cells) == 1 and splittable(last))):
        return items
    return [*items[: cells[-1]], last + unit, *items[cells[-1] + 1 :]]


def _rows_from(text: str, specs: Sequence[vocab.RowSpec], start: int, end: int) -> list[_Row]:
    rows: list[_Row] = []
    for spec, blob, markdown in _find_rows(text, specs, start, end):
        if spec.key is not None:
            key = spec.key
        elif spec.merged_key is not None and _HAS_VALUE.search(blob):
            key = spec.merged_key  # a group label printed as one row with its sub-rows' values merged
        else:
            continue
        unit = _LABEL_UNIT.match(blob)
        if unit is not None:
            blob = blob[unit.end() :]
        items, mode = _blob_items(blob, header_before=False, markdown=markdown)
        if unit is not None:
            items = _with_label_unit(items, unit["unit"], spec.columns)
        rows.append(_Row(key, spec.columns, items, mode, page_break=PAGE_BREAK in blob))
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
        if spec.key is None:
            continue  # a group label or a caption: no row of its own
        matches = list(_label_re(spec.label).finditer(region))
        if len(matches) != 1:
            continue
        rest = region[matches[0].end() :].split("\n", 1)[0].split()
        if len(rest) == len(spec.columns) and all(is_cell_token(c) for c in rest):
            rows.append(_Row(spec.key, spec.columns, rest, "space"))
    return rows


def _read_active(
    text: str, start: int, end: int, method: str, version: str | None = None, lost_blanks: bool = False
) -> TableRead:
    region = text[start:end]
    table = TableRead("active", version=version or _version_active(region), method=method)
    if table.version == "unknown":
        return table
    specs = vocab.ACTIVE_2019 if table.version == "2019" else vocab.ACTIVE_2021
    rows = _rows_from(text, specs, start, end)
    rows = [r for r in rows if r.items]
    rows += _out_of_order_lines(text[start:end], [s for s in specs if s.key and s.key not in {r.key for r in rows}])
    _place_noted_values(rows, region, table.issues)
    prose = text[:start]
    _emit(
        table,
        rows,
        _resolve(
            rows,
            (),
            counts=lambda: stated_counts(prose, table.version),
            issues=table.issues,
            name=table.name,
            lost_blanks=lost_blanks,
        ),
    )
    table.cells_lost = any(_cells_lost(row) for row in rows)
    _note_missing(table, specs)
    return table


# a value printed on its own line with its note on the next ("22\n(其中修订 16 件)"): converters pull a table
# cell holding two lines out of its row; the note's words say which column it is
_NOTED_VALUE = re.compile(r"^[ \t]*(?P<value>\d+)[ \t]*\n[ \t]*\((?P<note>[^()\n]{1,30}件)\)", re.M)
_NOTE_COLUMNS = (
    (re.compile("废止|失效"), ("repealed",)),
    (re.compile("修订|修改|制定|制发|新制"), ("issued", "new_made")),
)


def _place_noted_values(rows: list[_Row], region: str, issues: list[str]) -> None:
    """Put the values a converter pulled out of table 二's document rows back: taken in order, one to each
    row printed one cell short, in the column its note names; nothing is placed unless every such value
    finds its row and column."""
    noted = list(_NOTED_VALUE.finditer(region))
    short = [
        r
        for r in rows
        if r.key in ("regulations", "normative_documents")
        and len(r.items) == len(r.columns) - 1
        and all(is_cell_token(x) for x in r.items)
    ]
    if not noted or len(noted) != len(short):
        return
    placed: list[tuple[_Row, list[str], str]] = []
    for row, match in zip(short, noted, strict=True):
        slots = [
            i
            for pattern, names in _NOTE_COLUMNS
            if pattern.search(match["note"])
            for i, col in enumerate(row.columns)
            if col in names
        ]
        if len(slots) != 1:
            return
        placed.append((row, [*row.items[: slots[0]], match["value"], *row.items[slots[0] :]], match[0]))
    for row, items, printed in placed:
        row.items = items
        issues.append(
            f"active row {row.key}: the value printed outside the table with its note "
            f"({' '.join(printed.split())}) is placed in the column the note names"
        )


def _markdown_rows(region: str, specs: Sequence[vocab.RowSpec], width: int) -> list[tuple[int | None, list[str]]]:
    """Whole rows of values in order, as `|` rows of a markdown table or as lines of a PDF's text (a label, then
    the values apart by tabs or spaces): (index of the one keyed spec its label names, or None for a label that
    names none or several; -1 for a row with no label at all, its cells)."""
    keyed = [s for s in specs if s.key is not None]
    out: list[tuple[int | None, list[str]]] = []
    for line in region.split("\n"):
        line = line.strip()
        # a `|` row, or a PDF's text line: a row's label and values, apart by tabs or spaces
        fields = [f.strip() for f in _pipe_line_fields(line)[1:]] if line.startswith("|") else line.split()
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
    pulled out of line (a PDF's text loses a label cell the same way: `336 22 0 0 5 13 376`), and rows whose
    labels are printed out of order are skipped by the label search. A
    `|` row whose label names one row is that row. Between two rows whose labels name them, the rows in between
    are the table's rows
    in their statutory order: when the `|` rows there are exactly as many as the rows the order puts
    there, each takes its place. Only rows left null are filled, and only when every filled row keeps its
    own total and the column sums ((七)总计 = the result rows) hold wherever they can be checked."""
    keys = [s.key for s in specs if s.key is not None]
    columns = next((s.columns for s in specs if s.key is not None), ())
    rows = _markdown_rows(region, specs, len(columns))
    fills: dict[str, list[str]] = {}  # row key -> its raw cells
    anchor: int | None = None
    between: list[list[str]] = []
    for index, cells in rows:
        if index == -1 or (index is None and anchor is not None):
            between.append(cells)  # a bare row, or a row whose wrapped label names no row: one slot
            continue
        if index is not None:
            fills[keys[index]] = cells  # its label names it (the reader's label search may have skipped it)
        if index is not None and anchor is not None and index > anchor and len(between) == index - anchor - 1:
            for key, found in zip(keys[anchor + 1 : index], between, strict=True):
                fills[key] = found
        anchor, between = index, []
    fills = {k: v for k, v in fills.items() if all(x is None for x in (table.values.get(k) or {}).values())}
    if not fills:
        return
    numbers = {k: [_value_of(raw, col) for raw, col in zip(cells, columns, strict=True)] for k, cells in fills.items()}
    for row_numbers in numbers.values():
        printed = [v for v in row_numbers if v is not None]
        if len(printed) != len(row_numbers) or sum(printed[:-1]) != printed[-1]:
            return  # a filled row must keep its own total
    results = vocab.RESULT_ROWS.get(table.version, ())
    merged = {
        k: numbers.get(k) or [table.values.get(k, {}).get(c) for c in columns] for k in (*results, "total_processed")
    }
    for i in range(len(columns)):
        column = [merged[k][i] if merged[k] else None for k in merged]
        summed = [v for v in column if v is not None]
        if len(summed) == len(column) and sum(summed[:-1]) != summed[-1]:
            table.issues.append(f"{table.name}: bare value rows between labelled rows break (七)总计; not placed")
            return
    for key, cells in fills.items():
        table.values[key] = dict(zip(columns, numbers[key], strict=True))
        for col, raw in zip(columns, cells, strict=True):
            cell = _cell(raw, col in vocab.MONEY_COLUMNS)
            table.kinds[(key, col)] = cell.kind
            table.cells.append(ReadCell(table.name, key, col, cell.raw, cell.kind, cell.value))
    table.issues = [i for i in table.issues if not any(f"row {k}:" in i for k in fills)]


def _read_applications(
    text: str, start: int, end: int, method: str, version: str | None = None, lost_blanks: bool = False
) -> TableRead:
    region = text[start:end]
    table = TableRead("applications", version=version or _version_applications(region), method=method)
    if table.version == "unknown":
        return table
    specs = vocab.APPLICATIONS_2019 if table.version == "2019" else vocab.APPLICATIONS_2021
    rows = [r for r in _rows_from(text, specs, start, end) if r.items]
    resolved = _resolve(
        rows,
        APPLICATION_ROW_IDENTITIES,
        _application_relations(table.version),
        table.issues,
        table.name,
        lost_blanks=lost_blanks,
    )
    table.cells_lost = any(_cells_lost(row) for row in rows)
    _emit(table, rows, resolved)
    _fill_unlabelled_rows(table, region, specs)
    _note_missing(table, specs)
    return table


def _read_appeals(text: str, start: int, end: int, method: str, lost_blanks: bool = False) -> TableRead:
    table = TableRead("appeals", method=method)
    items: list[str] = []
    mode = "space"
    headers = list(_APPEALS_HEADER.finditer(text, start, end))
    for i, match in enumerate(headers):
        stop = headers[i + 1].start() if i + 1 < len(headers) else end
        between = text[match.end() : stop]
        if not _HAS_VALUE.search(between):
            continue  # still inside the header block
        items, mode = _blob_items(text[match.end() : end], header_before=True)
        if len(_trimmed(items)) == len(vocab.APPEAL_COLS) and mode in ("pipe", "exact"):
            items = _appeal_groups_apart(text, headers, i, items, end)
        break
    if not items:
        return table
    columns = tuple(f"{g}.{c}" for g in vocab.APPEAL_GROUPS for c in vocab.APPEAL_COLS)
    row = _Row("appeals", columns, items, mode)
    flat = TableRead("appeals", method=method, cells_lost=_cells_lost(row))
    resolved = _resolve([row], APPEALS_IDENTITIES, lost_blanks=lost_blanks)
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
    table.glued, table.cells_lost = flat.glued, flat.cells_lost
    return table


def _trimmed(items: list[str]) -> list[str]:
    out = list(items)
    while out and out[-1] == "":
        out.pop()
    return out


def _appeal_groups_apart(text: str, headers: list[re.Match[str]], first: int, items: list[str], end: int) -> list[str]:
    """Table 四 printed as one small table per group (行政复议, then each kind of 行政诉讼 under a heading and a
    header row of its own): the values after the first group's header, then the first row of values after
    each later header row; taken only when that gives exactly one row of five values per group."""
    runs = [_trimmed(items)]
    for i in range(first + 1, len(headers)):
        stop = headers[i + 1].start() if i + 1 < len(headers) else end
        if not _HAS_VALUE.search(text[headers[i].end() : stop]):
            continue  # still inside this group's header row
        run, _ = _blob_items(text[headers[i].end() : end], header_before=True)
        runs.append(_trimmed(run))
        if len(runs) == len(vocab.APPEAL_GROUPS):
            break
    if len(runs) != len(vocab.APPEAL_GROUPS) or any(len(r) != len(vocab.APPEAL_COLS) for r in runs):
        return items
    return [x for run in runs for x in run]


def _note_missing(table: TableRead, specs: Sequence[vocab.RowSpec]) -> None:
    missing = [s.key for s in specs if s.key is not None and s.key not in table.values]
    if missing and table.values:
        table.issues.append(f"{table.name}: rows not found: {', '.join(missing)}")


def read_tables(text: str, method: str, version: str | None = None) -> dict[str, TableRead]:
    """Read tables 二/三/四 from prepared text (see `prepare`); tables not found are absent.

    `version` ("2019" | "2021"): read tables 二 and 三 in that format instead of the one their labels suggest
    (the document's format is decided by `version.overall_format`)."""
    a_start = _APPLICATIONS_START.search(text)
    act = _ACTIVE_START.search(text, 0, a_start.start() if a_start else len(text))
    if a_start is not None:
        last = _APPLICATIONS_LAST.search(text, a_start.end())
        p_start = _APPEALS_START.search(text, last.end() if last else a_start.end())
    else:
        p_start = None
    readers: dict[str, Callable[[bool], TableRead]] = {}
    if act is not None:
        end = a_start.start() if a_start else (p_start.start() if p_start else len(text))
        readers["active"] = partial(_read_active, text, act.start(), end, method, version)
    if a_start is not None:
        end = p_start.start() if p_start else len(text)
        readers["applications"] = partial(_read_applications, text, a_start.start(), end, method, version)
    if p_start is not None:
        stop = _APPEALS_END.search(text, p_start.end())
        end = stop.start() if stop else min(len(text), p_start.end() + 4000)
        readers["appeals"] = partial(_read_appeals, text, p_start.start(), end, method)
    out = {name: read(False) for name, read in readers.items()}
    if any(t.cells_lost for t in out.values()):
        # blank cells vanished somewhere in this document: its glued rows may have lost some too
        out.update({name: readers[name](True) for name, t in out.items() if t.glued})
    for table in out.values():
        if table.glued and table.method == "text":
            table.method = "glued"
    return {name: t for name, t in out.items() if t.found}


def read_report_tables(
    text: str,
    body_html: str | None,
    *,
    normalised: bool = False,
    grid: str | None = None,
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
    if (len(found) < 3 or any(_rows_missing(t) for t in found.values())) and text:
        for name, table in read_tables(prepare(text, normalised=normalised), "text", version).items():
            if name in found:
                _add_rows_outside_tables(found[name], table)
            else:
                found[name] = table
    return found


def _rows_missing(table: TableRead) -> bool:
    return any(issue.startswith(f"{table.name}: rows not found: ") for issue in table.issues)


def _add_rows_outside_tables(table: TableRead, from_text: TableRead) -> None:
    """Rows the page's tables lack, read from its text. A PDF's table finder misses rows (a row drawn without
    its rules, the part of a table past a page break) that its text still holds. A row is taken only when the
    tables have no such row, the text gives every cell of it a value, no issue of the text stage names it and
    both stages read the same format."""
    if table.version != from_text.version or not _rows_missing(table):
        return
    taken = [
        key
        for key, values in from_text.values.items()
        if key not in table.values
        and values
        and all(v is not None for v in values.values())
        and not any(f"row {key}:" in issue for issue in from_text.issues)
    ]
    if not taken:
        return
    for key in taken:
        table.values[key] = dict(from_text.values[key])
        table.kinds.update({k: v for k, v in from_text.kinds.items() if k[0] == key})
        table.cells.extend(c for c in from_text.cells if c.row == key)
    prefix = f"{table.name}: rows not found: "
    for i, issue in enumerate(table.issues):
        if issue.startswith(prefix):
            still = [k for k in issue[len(prefix) :].split(", ") if k not in taken]
            table.issues[i] = prefix + ", ".join(still) if still else ""
    table.issues = [i for i in table.issues if i]
    table.issues.append(f"{table.name}: rows {', '.join(taken)} read from the text (not in the page's tables)")
