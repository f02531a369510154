"""The cell strings a report prints: its figures as written, then the real-world defects written into them.

Defects (docs/report-format.md, "Real-world defects"): blank cells, only 总计 filled, `/` in the 规章 row,
a short row, `—` for not applicable, money in 元, unsigned or full-width-minus deltas, full-width digits,
thousands separators, unit suffixes. A cell written blank, `/`, `—` or dropped has no value in the truth.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from gxcrawl.demo.reportgen.figures import Figures
from gxcrawl.demo.reportgen.vocab import T2_BLOCKS

# structural defects first, cosmetic ones after: a report with several applies them in this order
DEFECT_KINDS: tuple[str, ...] = (
    "only_total_filled",
    "slash_regulations",
    "short_row",
    "blank_zero_cells",
    "dash_na",
    "money_yuan",
    "unsigned_delta",
    "fullwidth_minus",
    "fullwidth_digits",
    "thousands_separator",
    "unit_suffix",
)
_V2019_ONLY = ("money_yuan", "unsigned_delta", "fullwidth_minus")
_FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")

Cell = tuple[str, str, str]  # (table, row, column)


def format_decimal(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _raw_change(value: int, *, unsigned: bool, fullwidth_minus: bool) -> str:
    if value > 0:
        return str(value) if unsigned else f"+{value}"
    if value < 0:
        return ("－" if fullwidth_minus else "-") + str(-value)
    return "0"


def truth_number(value: int | Decimal) -> int | float:
    """A figure as the truth records it (JSON numbers)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


@dataclass(slots=True)
class WrittenCells:
    """Table -> row -> column -> the string printed; a dropped cell (a short row) has no key."""

    raw: dict[str, dict[str, dict[str, str]]]
    missing: set[Cell] = field(default_factory=set)  # cells written blank / NA / dropped
    log: list[str] = field(default_factory=list)  # "kind:table.row.col", the truth's "defects"

    def cells_of(self, table: str) -> list[tuple[str, str]]:
        return [(r, c) for r, cols in self.raw[table].items() for c in cols]


def draw_defect_kinds(rng: random.Random, fmt: str, defects: float) -> list[str]:
    if not (defects > 0 and rng.random() < defects):
        return []
    applicable = [k for k in DEFECT_KINDS if fmt == "2019" or k not in _V2019_ONLY]
    chosen = set(rng.sample(applicable, rng.choice((1, 1, 2, 3))))
    return [k for k in DEFECT_KINDS if k in chosen]


def write_cells(figures: Figures, fmt: str, kinds: list[str]) -> WrittenCells:
    """Every figure as the report writes it; the cosmetic defects of table 二 are written here."""
    log: list[str] = []
    raw_active: dict[str, dict[str, str]] = {}
    for block in T2_BLOCKS[fmt]:
        for rkey, _ in block.rows:
            raw_active[rkey] = {}
            for ckey in block.columns:
                value = figures.active[rkey][ckey]
                if ckey == "change":
                    raw = _raw_change(
                        int(value),
                        unsigned="unsigned_delta" in kinds,
                        fullwidth_minus="fullwidth_minus" in kinds,
                    )
                    if int(value) > 0 and "unsigned_delta" in kinds:
                        log.append(f"unsigned_delta:active.{rkey}.{ckey}")
                    if int(value) < 0 and "fullwidth_minus" in kinds:
                        log.append(f"fullwidth_minus:active.{rkey}.{ckey}")
                elif ckey == "amount_wan_yuan":
                    amount = Decimal(value)
                    if amount == 0:
                        raw = "0"
                    elif fmt == "2019" and "money_yuan" in kinds:
                        raw = f"{int(amount * 10000)}元"
                        log.append(f"money_yuan:active.{rkey}.{ckey}")
                    elif fmt == "2019":
                        raw = f"{format_decimal(amount)}万元"
                    else:
                        raw = format_decimal(amount)  # the header states 单位:万元
                else:
                    raw = str(int(value))
                raw_active[rkey][ckey] = raw
    raw_apps = {r: {c: str(v) for c, v in cols.items()} for r, cols in figures.applications.items()}
    raw_appeals = {g: {c: str(v) for c, v in cols.items()} for g, cols in figures.appeals.items()}
    return WrittenCells({"active": raw_active, "applications": raw_apps, "appeals": raw_appeals}, log=log)


# --- defects that rewrite cells after the figures are written ------------------------------------------


def _blank_zero_cells(cells: WrittenCells, figures: Figures, rng: random.Random) -> None:
    raw = cells.raw
    zeros = [
        ("applications", r, c)
        for r, c in cells.cells_of("applications")
        if c != "total" and raw["applications"][r][c] == "0"
    ]
    zeros += [("appeals", g, c) for g, c in cells.cells_of("appeals") if raw["appeals"][g][c] == "0"]
    for t, r, c in rng.sample(zeros, min(len(zeros), rng.randint(1, 25))):
        raw[t][r][c] = ""
        cells.missing.add((t, r, c))
        cells.log.append(f"blank:{t}.{r}.{c}")


def _only_total_filled(cells: WrittenCells, figures: Figures, rng: random.Random) -> None:
    raw_apps = cells.raw["applications"]
    for r, c in cells.cells_of("applications"):
        if c != "total":
            raw_apps[r][c] = ""
            cells.missing.add(("applications", r, c))
    cells.log.append("only_total_filled:applications")


def _slash_regulations(cells: WrittenCells, figures: Figures, rng: random.Random) -> None:
    cols = cells.raw["active"]["regulations"]
    for c in cols:
        figures.active["regulations"][c] = 0  # an agency without rule-making power
        cols[c] = rng.choice(("/", "／"))
        cells.missing.add(("active", "regulations", c))
    cells.log.append("slash:active.regulations")


def _dash_na(cells: WrittenCells, figures: Figures, rng: random.Random) -> None:
    raw_active = cells.raw["active"]
    zeros = [(r, c) for r, c in cells.cells_of("active") if raw_active[r][c] == "0" and r != "regulations"]
    for r, c in rng.sample(zeros, min(len(zeros), rng.randint(1, 3))):
        raw_active[r][c] = rng.choice(("—", "——", "-"))
        cells.missing.add(("active", r, c))
        cells.log.append(f"dash:active.{r}.{c}")


def _short_row(cells: WrittenCells, figures: Figures, rng: random.Random) -> None:
    where = rng.choice(("carried_forward", "t3_row", "appeals"))
    if where == "appeals":
        t, r, c = "appeals", "litigation_after_review", "total"
    elif where == "carried_forward":
        t, r, c = "applications", "carried_forward", "total"
    else:
        t, r, c = "applications", rng.choice(list(cells.raw["applications"])), "total"
    cells.raw[t][r].pop(c)
    cells.missing.add((t, r, c))
    cells.log.append(f"short_row:{t}.{r}.{c}")


def _fullwidth_digits(cells: WrittenCells, figures: Figures, rng: random.Random) -> None:
    raw = cells.raw
    cand = [("applications", r, c) for r, c in cells.cells_of("applications") if raw["applications"][r][c].isdigit()]
    for t, r, c in rng.sample(cand, min(len(cand), rng.randint(1, 12))):
        raw[t][r][c] = raw[t][r][c].translate(_FULLWIDTH_DIGITS)
        cells.log.append(f"fullwidth_digits:{t}.{r}.{c}")


def _thousands_separator(cells: WrittenCells, figures: Figures, rng: random.Random) -> None:
    raw = cells.raw
    for t in ("active", "applications"):
        for r, c in cells.cells_of(t):
            s = raw[t][r][c]
            if s.isdigit() and len(s) >= 4 and s.isascii():
                raw[t][r][c] = f"{int(s):,}" if rng.random() < 0.5 else f"{int(s):,}".replace(",", "，")
                cells.log.append(f"thousands_separator:{t}.{r}.{c}")


def _unit_suffix(cells: WrittenCells, figures: Figures, rng: random.Random) -> None:
    raw_active = cells.raw["active"]
    cand = [
        (r, c)
        for r, c in cells.cells_of("active")
        if raw_active[r][c].isdigit()
        and raw_active[r][c].isascii()
        and raw_active[r][c] != "0"
        and c not in ("amount_wan_yuan", "change")
    ]
    for r, c in rng.sample(cand, min(len(cand), rng.randint(1, 4))):
        raw_active[r][c] += rng.choice(("件", "项", "个"))
        cells.log.append(f"unit_suffix:active.{r}.{c}")


# money_yuan, unsigned_delta and fullwidth_minus are written by write_cells
_REWRITES: dict[str, Callable[[WrittenCells, Figures, random.Random], None]] = {
    "blank_zero_cells": _blank_zero_cells,
    "only_total_filled": _only_total_filled,
    "slash_regulations": _slash_regulations,
    "dash_na": _dash_na,
    "short_row": _short_row,
    "fullwidth_digits": _fullwidth_digits,
    "thousands_separator": _thousands_separator,
    "unit_suffix": _unit_suffix,
}


def apply_defects(cells: WrittenCells, figures: Figures, kinds: list[str], rng: random.Random) -> None:
    """Rewrite cells for each drawn kind (`slash_regulations` also zeroes the figures it hides)."""
    for kind in kinds:
        rewrite = _REWRITES.get(kind)
        if rewrite is not None:
            rewrite(cells, figures, rng)
    if kinds and not cells.log:
        _short_row(cells, figures, rng)  # the drawn kinds had nothing to act on (e.g. no value >= 1000)


def truth_table(
    cells: WrittenCells, table: str, values: Mapping[str, Mapping[str, int | Decimal]]
) -> dict[str, dict[str, int | float | None]]:
    """The values a correct reader finds: None where the cell was written without one."""
    out: dict[str, dict[str, int | float | None]] = {}
    for r, cols in values.items():
        out[r] = {}
        for c, v in cols.items():
            out[r][c] = None if (table, r, c) in cells.missing else truth_number(v)
    return out
