"""What a rendering leaves undecidable: the cells a correct parser may leave null for one layout."""

from __future__ import annotations

import functools
import re
import unicodedata
from decimal import Decimal
from typing import Any

from gxcrawl.demo.reportgen.document import LAYOUTS
from gxcrawl.demo.reportgen.textlayouts import GluedRow, render_text_runs
from gxcrawl.demo.reportgen.vocab import T4_COLUMNS, T4_GROUPS

_COUNT = re.compile(r"(?:0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*)(?:件|项|个)?")
_CHANGE = re.compile(r"[+\-]?(?:0|[1-9]\d*)")
_MONEY = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?(?:万元|元)?")


def _cell_value(text: str, col: str) -> Decimal:
    text = text.rstrip("件项个")
    if col == "amount_wan_yuan":
        if text.endswith("万元"):
            return Decimal(text[:-2])
        if text.endswith("元"):
            return Decimal(text[:-1]) / Decimal(10000)
        return Decimal(text)
    return Decimal(text.replace(",", ""))


@functools.lru_cache(maxsize=65536)
def _parse_piece(kind: str, piece: str) -> Decimal | None:
    """The value of a candidate piece of a glued run for a cell of this kind, None if it cannot be one."""
    grammar = _MONEY if kind == "amount_wan_yuan" else _CHANGE if kind == "change" else _COUNT
    return _cell_value(piece, kind) if grammar.fullmatch(piece) else None


def _chunks(run: GluedRow) -> list[str]:
    """The run's text as the parser sees it: spaces written between cells are hard boundaries, the rest is one
    character stream."""
    chunks: list[str] = []
    for cell in run:
        text = unicodedata.normalize("NFKC", cell.text)
        if cell.sep or not chunks:
            chunks.append(text)
        else:
            chunks[-1] += text
    return chunks


def _roles(table: str, n: int) -> list[str]:
    """Per cell: adds to the running sum, closes it (must equal it), or is free. The identities are H1 (table 三
    row: 总计 = sum of the six applicant columns) and H4a-c (table 四: each group's 总计 = its four results);
    table 二 has none."""
    if table == "applications":
        return ["add"] * 6 + ["check"]
    if table == "appeals":
        return (["add"] * 4 + ["check"]) * 3
    return ["free"] * n


def _readings(chunks: list[str], cols: list[str], roles: list[str], limit: int) -> list[tuple[Decimal, ...]]:
    """Up to `limit` ways the chunks split into one value per column satisfying the identities: a memoised walk
    over (chunk, position, cell, running sum)."""
    longest = [16 if c == "amount_wan_yuan" else 12 for c in cols]  # longest raw cell string of its kind

    def parse(k: int, piece: str) -> Decimal | None:
        return _parse_piece(cols[k] if cols[k] in ("amount_wan_yuan", "change") else "count", piece)

    @functools.cache
    def ways(ci: int, pos: int, k: int, acc: Decimal) -> tuple[tuple[Decimal, ...], ...]:
        if ci == len(chunks):
            return ((),) if k == len(cols) else ()
        chunk = chunks[ci]
        if pos == len(chunk):
            return ways(ci + 1, 0, k, acc)
        if k == len(cols):
            return ()
        found: list[tuple[Decimal, ...]] = []
        for end in range(pos + 1, min(len(chunk), pos + longest[k]) + 1):
            value = parse(k, chunk[pos:end])
            if value is None:
                continue
            if roles[k] == "add":
                rest = ways(ci, end, k + 1, acc + value)
            elif roles[k] == "check":
                rest = ways(ci, end, k + 1, Decimal(0)) if value == acc else ()
            else:
                rest = ways(ci, end, k + 1, acc)
            found.extend((value, *r) for r in rest[: limit - len(found)])
            if len(found) >= limit:
                break
        return tuple(found)

    return list(ways(0, 0, 0, Decimal(0)))


def _count_splits(run: GluedRow, limit: int = 2) -> int:
    """How many ways the glued digits of one row split into its cells and satisfy the row's identities (counting
    stops at `limit`)."""
    cols = [cell.path[2] for cell in run]
    chunks = _chunks(run)
    if sum(len(c) for c in chunks) == len(cols):
        return 1  # one character per cell: the only split (and the rendered one satisfies the identities)
    return len(_readings(chunks, cols, _roles(run[0].path[0], len(cols)), limit))


def _row_paths(truth: dict[str, Any], table: str, row: str) -> list[str]:
    if table == "appeals":
        return [f"appeals.{g}.{c}" for g in T4_GROUPS for c, _ in T4_COLUMNS]
    return [f"{table}.{row}.{c}" for c in truth[table][row]]


def complete_readings(truth: dict[str, Any], layout: str) -> list[dict[str, Decimal]]:
    """Glued rows that lost a cell yet read as exactly one complete row, every identity holding.

    Such a text is, character for character, also the rendering of one other report, without the defect, whose
    row holds those values: no parser can tell the two apart, and reading the row as that report's is no guess. A
    row with two or more complete readings is left open (a parser must not pick one). Each reading maps
    "table.row.col" to a value for every cell of its row. Other layouts keep cell positions: none.
    """
    if layout != "glued":
        return []
    runs: list[GluedRow] = []
    render_text_runs(truth, layout, runs)
    out: list[dict[str, Decimal]] = []
    for run in runs:
        table, row, _ = run[0].path
        paths = _row_paths(truth, table, row)
        if len(run) >= len(paths):
            continue
        cols = [path.rsplit(".", 1)[1] for path in paths]
        readings = _readings(_chunks(run), cols, _roles(table, len(cols)), limit=2)
        if len(readings) == 1:
            out.append(dict(zip(paths, readings[0], strict=True)))
    return out


def uncertain_cells(truth: dict[str, Any], layout: str) -> list[str]:
    """Cells ("table.row.col") that a correct parser may leave null when reading this rendering.

    A parser must never give any other number for them; every other cell it must read exactly (but for the
    rows of `complete_readings`, which are also another report's text and may read as that report).
    - "glued": a row whose digits split into its cells in more than one way satisfying the row's
      identities (table 二 rows have none, so most multi-digit ones), and any row with a blank, `/`/`—`
      or dropped cell (the glued digits no longer say which cell is missing).
    - "cell_per_line", "cell_per_line_pipes" and "tabs": a row with a blank cell (an NBSP-only line,
      "\xa0 |" or "\t\xa0", which whitespace normalisation turns into nothing or a separator) or a
      dropped cell (a short row): once a cell has no line of its own, nothing says which one is missing.
      Table 四 is one row of 15 cells there, so one such cell makes all 15 uncertain.
    - the other layouts keep every cell's position: nothing is uncertain.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; expected one of {LAYOUTS}")
    out: list[str] = []
    if layout in ("cell_per_line", "cell_per_line_pipes", "tabs"):
        for table in ("active", "applications", "appeals"):
            for row, cols in truth["raw"][table].items():
                dropped = len(cols) < len(truth[table][row])
                if dropped or any(v.strip() == "" for v in cols.values()):
                    out.extend(_row_paths(truth, table, row))
    elif layout == "glued":
        runs: list[GluedRow] = []
        render_text_runs(truth, layout, runs)
        for run in runs:
            table, row, _ = run[0].path
            expected = 15 if table == "appeals" else len(truth[table][row])
            values = [truth[t][r][c] for t, r, c in (cell.path for cell in run)]
            if len(run) != expected or any(v is None for v in values) or _count_splits(run) != 1:
                out.extend(_row_paths(truth, table, row))
    return sorted(set(out))
