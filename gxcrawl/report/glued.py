"""Candidate readings of a row whose cells cannot be read one-to-one.

Two situations, both answered by enumerating the possible readings and keeping only what every reading
consistent with the identities agrees on (a wrong number is worse than a missing one):

* glued digits (``350000035`` for 35,0,0,0,0,0,35): every split of the digit runs into exactly ``n`` cells
  with no leading zeros; identities whose parts are known force the target cell (``total`` = sum), which
  keeps the search small; the search is bounded by a step budget.
* short rows (6 values for 7 columns): every placement of the values, in order, into the ``n`` slots.

A row's own identities rarely pin a glued row down alone; the table's identities across rows (column sums,
一+二 = 三+四) often do. `joint_readings` searches the rows' candidate readings together, bounded by a step
budget, and keeps for each row the readings that take part in some solution of every identity.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import combinations
from math import comb

#: (target slot, component slots): cell[target] == sum(cell[c] for c in components)
Identity = tuple[int, tuple[int, ...]]
Candidate = tuple[str | None, ...]

STEP_BUDGET = 200_000
CANDIDATE_CAP = 256
PLACEMENT_CAP = 5_000
MAX_CELL_DIGITS = 12  # longer pieces are no table value; also bounds the work per search step

_RUN = re.compile(r"(?P<sign>[+\-])?(?P<digits>\d+)(?P<tail>(?:,\d{3})*(?:\.\d+)?(?:万元|亿元|元|件|条|个|项)?)")


def _splittable(token: str) -> re.Match[str] | None:
    match = _RUN.fullmatch(token)
    if match is None or len(match["digits"]) < 2:
        return None
    return match


def splittable(token: str) -> bool:
    """True when `token` could hold more than one glued cell."""
    return _splittable(token) is not None


def cell_room(token: str) -> int:
    """The most cells `token` can hold: one a digit if it is a glued run, else one."""
    match = _splittable(token)
    return 1 if match is None else len(match["digits"])


def _pieces(
    run: re.Match[str] | None, token_text: str, token: int, offset: int, left: int
) -> list[tuple[str | None, int, int]]:
    """The next cell a token can give from `offset` on: (its text, the token and offset after it). A token that is
    no glued run is one cell; a run gives 1 to `left` of its digits, never with a leading zero."""
    if run is None:
        return [(token_text, token + 1, 0)]
    digits, sign, tail = run["digits"], run["sign"] or "", run["tail"]
    out: list[tuple[str | None, int, int]] = []
    for length in range(1, min(left, MAX_CELL_DIGITS) + 1):
        piece = digits[offset : offset + length]
        last = offset + length == len(digits)
        if len(piece) > 1 and piece[0] == "0" and not (last and tail.startswith(".")):
            break  # no leading zeros; longer pieces start with the same zero
        if last and tail.startswith(",") and len(piece) > 3:
            continue  # "1,234": the group before the first separator has 1-3 digits
        text = (sign if offset == 0 else "") + piece + (tail if last else "")
        out.append((text, token + 1 if last else token, 0 if last else offset + length))
    return out


def glued_candidates(
    tokens: Sequence[str],
    n: int,
    identities: Sequence[Identity],
    value: Callable[[str], float | int | None],
    allowed: Callable[[int, str], bool] | None = None,
    cap: int = CANDIDATE_CAP,
    *,
    blanks: bool = False,
    budget: int = STEP_BUDGET,
) -> list[Candidate] | None:
    """All splits of `tokens` into exactly `n` cells that satisfy every assessable identity.

    `blanks`: also the readings into fewer cells with blank cells (None) that left no trace, anywhere in
    the row; a blank counts as 0 in the identities (what a blank statutory cell means).
    Returns None when the search ran out of budget or found more than `cap` readings (the caller reports it).
    """
    runs = [_splittable(t) for t in tokens]
    if sum(len(r["digits"]) if r is not None else 1 for r in runs) > n * MAX_CELL_DIGITS:
        return []  # too many digits for n cells
    capacity = [len(r["digits"]) if r is not None else 1 for r in runs]
    suffix_capacity = [0] * (len(tokens) + 1)
    for i in range(len(tokens) - 1, -1, -1):
        suffix_capacity[i] = suffix_capacity[i + 1] + capacity[i]
    targets = {target: parts for target, parts in identities}
    results: list[Candidate] = []
    parts: list[str | None] = []
    values: list[float | int | None] = []
    steps = 0

    def forced(slot: int) -> float | int | None:
        comps = targets.get(slot)
        if comps is None:
            return None
        known = [values[c] for c in comps]
        if any(v is None for v in known):
            return None
        return sum(known)  # type: ignore[arg-type]

    def holds(slot: int) -> bool:
        want = forced(slot)
        return want is None or values[slot] is None or values[slot] == want

    def dfs(token: int, offset: int) -> bool:
        nonlocal steps
        steps += 1
        if steps > budget or len(results) > cap:
            return False
        slot = len(parts)
        if token == len(tokens) and slot == n:
            results.append(tuple(parts))
            return True
        if slot >= n:
            return True
        # cells still to fill must fit the digits left (blank cells need no digits)
        min_cells = len(tokens) - token
        options: list[tuple[str | None, int, int]] = []
        if blanks and n - slot > min_cells:
            options.append((None, token, offset))  # a blank cell: it takes no digits
        if token < len(tokens):
            left_in_token = capacity[token] - offset
            max_cells = left_in_token + suffix_capacity[token + 1]
            if min_cells <= n - slot <= (n if blanks else max_cells):
                options += _pieces(runs[token], tokens[token], token, offset, left_in_token)
        for text, next_token, next_offset in options:
            if text is not None and allowed is not None and not allowed(slot, text):
                continue
            parts.append(text)
            values.append(0 if text is None else value(text))  # a blank counts as 0 in the identities
            if holds(slot) and not dfs(next_token, next_offset):
                parts.pop()
                values.pop()
                return False
            parts.pop()
            values.pop()
        return True

    finished = dfs(0, 0)
    if not finished:
        return None
    return results


def placement_candidates(items: Sequence[str], n: int) -> list[Candidate] | None:
    """Every order-preserving placement of `items` into `n` slots (missing slots are None)."""
    if len(items) > n:
        return []
    if comb(n, len(items)) > PLACEMENT_CAP:
        return None
    out: list[Candidate] = []
    for slots in combinations(range(n), len(items)):
        row: list[str | None] = [None] * n
        for slot, item in zip(slots, items, strict=True):
            row[slot] = item
        out.append(tuple(row))
    return out


def consistent(values: Sequence[float | int | None], identities: Sequence[Identity]) -> bool:
    """No identity whose cells are all known fails."""
    for target, comps in identities:
        cells = [values[target], *(values[c] for c in comps)]
        if any(v is None for v in cells):
            continue
        if values[target] != sum(values[c] for c in comps):  # type: ignore[misc]
            return False
    return True


def agreement(candidates: Sequence[Candidate], n: int) -> list[str | None]:
    """Per slot, the raw text every candidate agrees on, else None."""
    if not candidates:
        return [None] * n
    out: list[str | None] = []
    for slot in range(n):
        seen = {c[slot] for c in candidates}
        out.append(seen.pop() if len(seen) == 1 else None)
    return out


#: a column relation: for every column c, sum(coeff * value[row][c]) == 0 over its (row, coeff) members
Relation = tuple[str, tuple[tuple[str, int], ...]]
#: one reading of a row: its value per column (None: not printed)
_Cells = tuple[float | int | None, ...]

JOINT_STEP_BUDGET = 4_000


class _Budget:
    __slots__ = ("steps",)

    def __init__(self, steps: int) -> None:
        self.steps = steps


def _feasible(rel: tuple[tuple[int, int], ...], col: int, chosen: list[int | None], values: list[list[_Cells]]) -> bool:
    """Can column `col` of relation `rel` still hold, given the rows chosen so far (counts are >= 0)?"""
    total: float = 0
    pos_free = neg_free = False
    for var, coeff in rel:
        pick = chosen[var]
        if pick is None:
            if coeff > 0:
                pos_free = True
            else:
                neg_free = True
            continue
        v = values[var][pick][col]
        if v is None:
            return True  # a cell not printed: this column of the relation cannot be assessed
        total += coeff * v
    if pos_free and neg_free:
        return True
    if pos_free:
        return total <= 0
    if neg_free:
        return total >= 0
    return abs(total) < 1e-9


def _solve(
    domains: list[list[_Cells]],
    relations: list[tuple[tuple[tuple[int, int], ...], int]],
    budget: _Budget,
) -> list[set[int]] | None:
    """For each variable, the domain indices used by some assignment satisfying every relation.

    Variables no relation names keep their whole domain. None when the budget ran out."""
    n = len(domains)
    chosen: list[int | None] = [None] * n
    used: list[set[int]] = [set() for _ in range(n)]
    by_var: list[list[tuple[tuple[tuple[int, int], ...], int]]] = [[] for _ in range(n)]
    for rel in relations:
        for var, _ in rel[0]:
            by_var[var].append(rel)
    free = [v for v in range(n) if not by_var[v]]
    for var in free:
        used[var] = set(range(len(domains[var])))
    order = sorted((v for v in range(n) if by_var[v]), key=lambda v: len(domains[v]))
    want = sum(len(domains[v]) for v in order)
    found = 0

    def dfs(depth: int) -> bool:
        nonlocal found
        if depth == len(order):
            for var in order:
                if chosen[var] not in used[var]:
                    used[var].add(chosen[var])  # type: ignore[arg-type]
                    found += 1
            return found < want  # every reading of every row is in some solution: nothing more to learn
        var = order[depth]
        for pick in range(len(domains[var])):
            budget.steps -= 1
            if budget.steps < 0:
                return False
            chosen[var] = pick
            feasible = all(_feasible(rel, col, chosen, domains) for rel, col in by_var[var])
            if feasible and not dfs(depth + 1):
                chosen[var] = None
                return False
            chosen[var] = None
        return True

    dfs(0)
    return used if budget.steps >= 0 else None


def joint_readings(
    candidates: dict[str, list[Candidate]],
    values: Callable[[str, Candidate], Sequence[float | int | None]],
    relations: Sequence[Relation],
    columns: Sequence[str],
    certain: frozenset[str] = frozenset(),
    budget: int = JOINT_STEP_BUDGET,
) -> tuple[dict[str, list[Candidate]], list[str], bool, set[str]] | None:
    """The readings of each row that take part in a solution of every relation.

    `candidates` holds every row's readings (rows read with certainty have one, and are named in `certain`).
    A relation naming a row without readings cannot be assessed and is left out. When no assignment
    satisfies every relation, the relations that no reading satisfies even on their own are named (the
    second value returned): the rows they hold that were not read with certainty are distrusted (no reading
    returned), and the rest is solved again without them. The third value is False when even that has no
    solution (every row then has no reading). The fourth names the rows some relation held was assessed
    on (all its rows read). None when the search ran out of budget.
    """
    keys = [k for k, c in candidates.items() if c]
    width = len(columns)
    left = _Budget(budget)

    def solve(
        rows: list[str], only: Sequence[tuple[str, tuple[tuple[str, int], ...], int]] | None = None
    ) -> dict[str, set[int]] | None:
        index = {k: i for i, k in enumerate(rows)}
        domains = [[tuple(values(k, c)) for c in candidates[k]] for k in rows]
        cols = [(name, members, col) for name, members in relations for col in range(width)] if only is None else only
        rels = [
            (tuple((index[r], coeff) for r, coeff in members), col)
            for _, members, col in cols
            if all(r in index for r, _ in members)
        ]
        used = _solve(domains, rels, left)
        return None if used is None else {k: used[index[k]] for k in rows}

    solved = solve(keys)
    if solved is None:
        return None
    broken: list[str] = []
    if keys and any(not u for u in solved.values()):  # no assignment satisfies every relation
        distrusted: set[str] = set()
        kept = []
        for name, members in relations:
            for col in range(width):
                alone = solve([r for r, _ in members if candidates.get(r)], [(name, members, col)])
                if alone is None:
                    return None
                if alone and any(not u for u in alone.values()):
                    broken.append(f"{name} ({columns[col]})")
                    distrusted.update(r for r, _ in members if r not in certain)
                else:
                    kept.append((name, members, col))
        solved = solve([k for k in keys if k not in distrusted], kept)
        if solved is None:
            return None
    out = {k: [candidates[k][i] for i in sorted(solved.get(k, ()))] for k in keys}
    present = set(keys)
    assessed = {r for _, members in relations if all(m in present for m, _ in members) for r, _ in members}
    return out, broken, all(solved.values()), assessed
