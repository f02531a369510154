"""The pre-2019 statistics sheet (政府信息公开情况统计表, 2008–2018): 指标名称 / 计量单位 / 本年度 / 历年累计.

Each row is an indicator label, a unit and two numbers: this year's and the cumulative count since 2008.
Flattened page texts glue unit and numbers (`条290872`): a run of digits is split where neither part has a
leading zero and this year's value is at most the cumulative one (unless the sheet's own unambiguous rows
break that order: then it is no rule there). When that leaves several splits, the report's narrative count
of the same indicator (主动公开…N条, 历年累计…N条) decides if exactly one reading matches it, then the 其中
rows that sum to their parent (in both columns), jointly over the group, then the rule that a 其中 row never
exceeds its parent (where the sheet's own fixed rows keep to it). What is still ambiguous is left
null with an issue naming the cell: a split is never guessed.

`read_sheet(text)` -> `Pre2019Sheet | None` (None: no sheet in the text).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from gxcrawl.report import vocab
from gxcrawl.report.model import ReadCell

TABLE = "pre2019"
_COLS = vocab.PRE2019_COLUMNS


def _spaced(label: str) -> str:
    return r"\s*".join(re.escape(ch) for ch in label)


_LABEL_KEYS: list[str] = []
_alternatives: list[str] = []
for _key, _labels in vocab.PRE2019_INDICATORS:
    for _label in sorted(_labels, key=len, reverse=True):
        _alternatives.append(f"(?P<g{len(_LABEL_KEYS)}>{_spaced(_label)})")
        _LABEL_KEYS.append(_key)
_LABEL_RE = re.compile("|".join(_alternatives))
_PARENT_OF = {child: parent for parent, children in vocab.PRE2019_CHILDREN.items() for child in children}

_HEADER_RE = re.compile(r"指\s*标\s*名\s*称|指\s*标\s*项\s*目|统\s*计\s*指\s*标|指\s*标")
_CUMULATIVE_RE = re.compile(r"历\s*年\s*累\s*计|累\s*计")
_UNIT_COL_RE = re.compile(r"单\s*位")
_YEAR_COL_RE = re.compile(r"本\s*年\s*度?|(?:19|20)\d{2}\s*年\s*度?")
#: the first indicator follows the header within this many characters
_FIRST_ROW_WINDOW = 120
#: the sheet ends where more than this much text separates a row's numbers from the next label
_ROW_GAP_MAX = 40
_SHEET_MAX = 8000
_UNIT_RE = re.compile(r"^[\s:：]*(?:万元|元|条|件|个|项|人次|次|份|宗|家)?")
_NUMBERS_RE = re.compile(r"^\s*((?:(?:\d+(?:\.\d+)?|[-—/]+)\s*)*)")
# the ordinal of the next (其中) row at the end of a row's value text: "条24242、", "0 其中：1.", "00其中：1"
_ORDINAL_TAIL_RE = re.compile(r"(?:其\s*中\s*[:：]?\s*(?:\d\s*[.、．]?)?|\d\s*[.、．]|\(\s*\d\s*\))\s*$")
_MAX_COMBINATIONS = 20_000
_UNKNOWN_ROW_RE = re.compile(
    r"\s*(?:其\s*中\s*[:：]?\s*)?(?:\d\s*[.、．]\s*)?(?P<label>[\u4e00-\u9fff、()（）]{2,30}?)\s*"
    r"(?:万元|元|条|件|个|项|人次|次|份|宗|家)?\s*(?:\d+(?:\.\d+)?\s*)+"
)


@dataclass
class Pre2019Sheet:
    values: dict[str, dict[str, int | float | None]] = field(default_factory=dict)
    cells: list[ReadCell] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)


#: one reading of a row: (this year, cumulative), None where not printed or not applicable
_Pair = tuple[int | float | None, int | float | None]


@dataclass
class _Row:
    key: str
    label: str
    raw: str  # the value text as printed (unit and numbers)
    candidates: list[_Pair]
    glued: bool = False


def _number(token: str) -> int | float | None:
    if not token[0].isdigit():
        return None  # "-", "—", "/": not applicable
    return float(token) if "." in token else int(token)


def _splits(digits: str, swapped: bool) -> list[_Pair]:
    """Ways to read a glued digit run as (this year, cumulative), no part with a leading zero."""
    out: list[_Pair] = []
    for i in range(1, len(digits)):
        left, right = digits[:i], digits[i:]
        if (len(left) > 1 and left[0] == "0") or (len(right) > 1 and right[0] == "0"):
            continue
        out.append((int(right), int(left)) if swapped else (int(left), int(right)))
    return out


def _row_candidates(values_text: str, swapped: bool, single: bool = False) -> tuple[list[_Pair], bool]:
    numbers = _NUMBERS_RE.match(values_text)
    assert numbers is not None  # the pattern matches the empty string
    tokens = numbers.group(1).split()
    if not tokens:
        return [(None, None)], False
    if single:  # a sheet with this year's column only
        return ([(_number(tokens[0]), None)] if len(tokens) == 1 else []), False
    if len(tokens) == 2:
        a, b = (_number(t) for t in tokens)
        return [(b, a) if swapped else (a, b)], False
    if len(tokens) == 1 and tokens[0].isdigit() and len(tokens[0]) >= 2:
        return _splits(tokens[0], swapped), True
    return [], False  # one value for two columns, or more than two: which is which is not printed


def _in_order(pair: _Pair) -> bool:
    return pair[0] is None or pair[1] is None or pair[0] <= pair[1]


def _narrative_counts(narrative: str) -> dict[str, tuple[set[int], set[int]]]:
    out: dict[str, tuple[set[int], set[int]]] = {}
    for key, (this_year_re, cumulative_re) in vocab.PRE2019_NARRATIVE.items():
        out[key] = (
            {int(m.group(1)) for m in re.finditer(this_year_re, narrative)},
            {int(m.group(1)) for m in re.finditer(cumulative_re, narrative)},
        )
    return out


def _resolve_groups(rows: dict[str, _Row]) -> None:
    """Fix the split of glued rows that only one combination of a parent and its 其中 rows allows."""
    for parent, children in vocab.PRE2019_CHILDREN.items():
        group = [rows[k] for k in (parent, *children) if k in rows]
        if len(group) < 2 or group[0].key != parent or all(len(r.candidates) == 1 for r in group):
            continue
        if any(not r.candidates for r in group):
            continue
        total = 1
        for r in group:
            total *= len(r.candidates)
        if total > _MAX_COMBINATIONS:
            continue
        survivors: list[tuple[_Pair, ...]] = []
        for combo in itertools.product(*(r.candidates for r in group)):
            printed = [(a, b) for a, b in combo if a is not None and b is not None]
            if len(printed) != len(combo):
                break
            if all(printed[0][c] == sum(pair[c] for pair in printed[1:]) for c in (0, 1)):
                survivors.append(combo)
        if not survivors:
            continue
        for i, r in enumerate(group):
            chosen = {combo[i] for combo in survivors}
            if len(chosen) == 1:
                r.candidates = [chosen.pop()]


def _at_most(pair: _Pair, parent: _Pair) -> bool:
    return all(a is None or b is None or a <= b for a, b in zip(pair, parent, strict=True))


def _within_parents(rows: dict[str, _Row]) -> list[str]:
    """A 其中 row counts part of its parent's items, so neither of its numbers exceeds the parent's (channels such
    as 网站公开 and 政府公报公开 need not sum to it). Where the parent is read and the sheet's own fixed 其中 rows keep
    to this, a glued child's splits above the parent are dropped; returns an issue for each row so decided."""
    pairs = [(rows[p], rows[c]) for p, kids in vocab.PRE2019_CHILDREN.items() if p in rows for c in kids if c in rows]
    if not all(
        _at_most(c.candidates[0], p.candidates[0])
        for p, c in pairs
        if len(p.candidates) == 1 and len(c.candidates) == 1
    ):
        return []
    issues = []
    for parent, child in pairs:
        if len(parent.candidates) != 1 or len(child.candidates) < 2 or not child.glued:
            continue
        within = [pair for pair in child.candidates if _at_most(pair, parent.candidates[0])]
        if within and len(within) < len(child.candidates):
            child.candidates = within
            if len(within) == 1:
                issues.append(
                    f"pre2019.{child.key}: digits {child.raw!r} split as {within[0][0]}/{within[0][1]}, the "
                    f"only reading within its parent {parent.key}"
                )
    return issues


def read_sheet(text: str) -> Pre2019Sheet | None:
    """The pre-2019 statistics sheet of a (normalised) report text, or None when it prints none."""
    header = _HEADER_RE.search(text)
    while header is not None:
        first = _LABEL_RE.search(text, header.end(), header.end() + _FIRST_ROW_WINDOW)
        # the column headers: 历年累计, or (a sheet of this year's numbers only) 单位 and the year column
        if first is not None and (
            _CUMULATIVE_RE.search(text, header.end(), first.start())
            or (
                _UNIT_COL_RE.search(text, header.end(), first.start())
                and _YEAR_COL_RE.search(text, header.end(), first.start())
            )
        ):
            break
        header = _HEADER_RE.search(text, header.end())
    if header is None or first is None:
        return None
    head = text[header.end() : first.start()]
    cumulative_at = _CUMULATIVE_RE.search(head)
    year_at = _YEAR_COL_RE.search(head)
    swapped = bool(year_at and cumulative_at and cumulative_at.start() < year_at.start())
    single = cumulative_at is None  # no 历年累计 column: this year's numbers only

    matches: list[re.Match[str]] = []
    for m in _LABEL_RE.finditer(text, first.start(), first.start() + _SHEET_MAX):
        if matches:
            gap = re.sub(r"\s+", "", text[matches[-1].end() : m.start()])
            if len(gap) > _ROW_GAP_MAX:
                break
        matches.append(m)

    sheet = Pre2019Sheet()
    rows: dict[str, _Row] = {}
    for i, m in enumerate(matches):
        group = m.lastgroup
        assert group is not None  # every alternative of the pattern is one named group, g<index>
        key = _LABEL_KEYS[int(group[1:])]
        stop = matches[i + 1].start() if i + 1 < len(matches) else min(len(text), m.end() + _ROW_GAP_MAX + 20)
        value_text = text[m.end() : stop]
        if i + 1 < len(matches):
            value_text = _ORDINAL_TAIL_RE.sub("", value_text)
        unit = _UNIT_RE.match(value_text)
        assert unit is not None  # the pattern matches the empty string
        numbers = value_text[unit.end() :]
        printed = _NUMBERS_RE.match(numbers)
        assert printed is not None  # the pattern matches the empty string
        raw = (value_text[: unit.end()] + printed.group(1)).strip()
        candidates, glued = _row_candidates(numbers, swapped, single)
        label = re.sub(r"\s+", "", m.group())
        other = _UNKNOWN_ROW_RE.match(numbers, printed.end()) if i + 1 < len(matches) else None
        if other is not None:  # a row between two known ones whose label is no known indicator: kept, unplaced
            other_label = re.sub(r"\s+", "", other["label"])
            sheet.cells.append(ReadCell(TABLE, None, None, other.group().strip(), "text", None, label=other_label))
            sheet.issues.append(f"pre2019: row {other_label!r} is no known indicator; its numbers are only in cells")
        if key in rows:
            sheet.issues.append(f"pre2019.{key}: printed twice ({rows[key].label!r}, {label!r}); the first is kept")
            continue
        rows[key] = _Row(key, label, raw, candidates, glued)

    # this year <= cumulative is a rule only where the sheet's own unambiguous rows keep to it
    fixed = [r.candidates[0] for r in rows.values() if len(r.candidates) == 1]
    ordered = all(_in_order(pair) for pair in fixed)
    for row in rows.values():
        if row.glued and len(row.candidates) > 1 and ordered:
            row.candidates = [pair for pair in row.candidates if _in_order(pair)]
    sheet_start = header.start()
    sheet_end = matches[-1].end() + _ROW_GAP_MAX
    counts = _narrative_counts(text[:sheet_start] + "\n" + text[sheet_end:])
    for key, (this_year, cumulative) in counts.items():
        if key not in rows or len(rows[key].candidates) < 2:
            continue
        row = rows[key]
        matching = [pair for pair in row.candidates if pair[0] in this_year or pair[1] in cumulative]
        if len(matching) == 1:
            row.candidates = matching
            sheet.issues.append(
                f"pre2019.{key}: digits {row.raw!r} split as {matching[0][0]}/{matching[0][1]} "
                "by the report's own count of the same items in its text"
            )
    _resolve_groups(rows)
    sheet.issues.extend(_within_parents(rows))
    for key, row in rows.items():
        pair: tuple[int | float | None, int | float | None] = (None, None)
        if len(row.candidates) == 1:
            pair = row.candidates[0]
            if row.glued and pair[0] is not None and pair[1] is not None and pair[0] > pair[1]:
                sheet.issues.append(
                    f"pre2019.{key}: this year's {pair[0]} exceeds the cumulative {pair[1]} as printed ({row.raw!r})"
                )
        elif row.candidates:
            options = ", ".join(f"{a}/{b}" for a, b in row.candidates[:6])
            sheet.issues.append(f"pre2019.{key}: digits {row.raw!r} split several ways ({options}); left null")
        else:
            sheet.issues.append(
                f"pre2019.{key}: {row.raw!r} does not say which number is this year's and which "
                "the cumulative one; left null"
            )
        sheet.values[key] = dict(zip(_COLS, pair, strict=True))
        for col, value in zip(_COLS, pair, strict=True):
            kind = "empty" if value is None else ("zero" if value == 0 else "number")
            if value is None and row.raw and any(ch.isdigit() for ch in row.raw):
                kind = "text"  # printed, not readable into this column
            sheet.cells.append(ReadCell(TABLE, key, col, row.raw, kind, value, label=row.label))
    return sheet if sheet.values else None
