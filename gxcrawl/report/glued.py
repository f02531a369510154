"""Candidate readings of a row whose cells cannot be read one-to-one.

Two situations, both answered by enumerating the possible readings and keeping only what every reading
consistent with the identities agrees on (a wrong number is worse than a missing one):

* glued digits (``350000035`` for 35,0,0,0,0,0,35): every split of the digit runs into exactly ``n`` cells
  with no leading zeros; identities whose parts are known force the target cell (``total`` = sum), which
  keeps the search small; the search is bounded by a step budget.
* short rows (6 values for 7 columns): every placement of the values, in order, into the ``n`` slots.
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


def glued_candidates(
    tokens: Sequence[str], n: int, identities: Sequence[Identity], value: Callable[[str], float | int | None],
    allowed: Callable[[int, str], bool] | None = None,
) -> list[Candidate] | None:
    """All splits of `tokens` into exactly `n` cells that satisfy every assessable identity.

    Returns None when the search ran out of budget or found too many readings (the caller reports it).
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
    parts: list[str] = []
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
        if steps > STEP_BUDGET or len(results) > CANDIDATE_CAP:
            return False
        slot = len(parts)
        if token == len(tokens):
            if slot == n:
                results.append(tuple(parts))
            return True
        if slot >= n:
            return True
        # cells still to fill must fit the digits left
        left_in_token = capacity[token] - offset
        min_cells = (len(tokens) - token) if offset == 0 else (len(tokens) - token)
        max_cells = left_in_token + suffix_capacity[token + 1]
        if not (min_cells <= n - slot <= max_cells):
            return True
        run = runs[token]
        if run is None:
            options = [(tokens[token], token + 1, 0)]
        else:
            digits, sign, tail = run["digits"], run["sign"] or "", run["tail"]
            options = []
            for length in range(1, min(left_in_token, MAX_CELL_DIGITS) + 1):
                piece = digits[offset:offset + length]
                last = offset + length == len(digits)
                if len(piece) > 1 and piece[0] == "0" and not (last and tail.startswith(".")):
                    break  # no leading zeros; longer pieces start with the same zero
                if last and tail.startswith(",") and len(piece) > 3:
                    continue  # "1,234": the group before the first separator has 1-3 digits
                text = (sign if offset == 0 else "") + piece + (tail if last else "")
                options.append((text, token + 1 if last else token, 0 if last else offset + length))
        for text, next_token, next_offset in options:
            if allowed is not None and not allowed(slot, text):
                continue
            parts.append(text)
            values.append(value(text))
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
