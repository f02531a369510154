"""A report's figures: drawn the way real agencies' numbers fall, satisfying every hard identity exactly.

Table 三 holds H1 (总计 = the six applicant columns), H2 (办理结果 rows sum to (七)总计) and H3 (新收 + 结转
= 总计 + 结转下年度); table 四 holds H4 (each group's 总计 = its four results); table 二 holds S5 (v2019) or
S3 (v2021). Totals are derived, never drawn.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from gxcrawl.demo.reportgen.vocab import APPLICANT_COLUMNS, RESULT_ROWS, T3_ROWS, T4_COLUMNS, T4_GROUPS

Table = dict[str, dict[str, int]]  # row key -> column key -> value


@dataclass(slots=True)
class Figures:
    """The three statutory tables' values (table 二 money in 万元 as Decimal)."""

    active: dict[str, dict[str, int | Decimal]]  # table 二
    applications: Table  # table 三
    appeals: Table  # table 四, one row per group

    @classmethod
    def draw(cls, rng: random.Random, fmt: str) -> Figures:
        active = _gen_active(rng, fmt)
        applications = _gen_applications(rng, fmt)
        return cls(active, applications, _gen_appeals(rng))


def _magnitude(rng: random.Random, profile: str) -> int:
    """A count drawn the way real agencies' figures fall: mostly small, many zeros, a few thousands."""
    if profile == "none":
        return 0
    if profile == "small":
        return rng.choice((0, 0, 0, 1, 1, 2, 3, 4, 5, 7, 9, 12))
    if profile == "medium":
        return rng.randint(10, 320)
    return rng.randint(400, 6000)


def _split(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """Split `total` into len(weights) non-negative parts (a multinomial draw, exact sum)."""
    parts = [0] * len(weights)
    if total <= 0:
        return parts
    cum = []
    acc = 0.0
    for w in weights:
        acc += w
        cum.append(acc)
    if total <= 300:
        for _ in range(total):
            x = rng.random() * acc
            for i, c in enumerate(cum):
                if x < c:
                    parts[i] += 1
                    break
            else:
                parts[-1] += 1
        return parts
    noisy = [w * rng.uniform(0.5, 1.5) for w in weights]
    s = sum(noisy)
    for i, w in enumerate(noisy):
        parts[i] = int(total * w / s)
    parts[max(range(len(parts)), key=lambda i: noisy[i])] += total - sum(parts)
    return parts


_RESULT_WEIGHTS = {
    "granted": 40.0,
    "partially_granted": 6.0,
    "denied_state_secret": 0.3,
    "denied_prohibited_by_law": 0.5,
    "denied_security_stability": 0.3,
    "denied_third_party": 1.0,
    "denied_internal_affairs": 1.0,
    "denied_process_info": 1.5,
    "denied_enforcement_file": 0.5,
    "denied_administrative_query": 1.0,
    "unable_not_held": 25.0,
    "unable_needs_creation": 3.0,
    "unable_unclear": 2.0,
    "not_processed_complaint": 3.0,
    "not_processed_repeat": 3.0,
    "not_processed_publication": 0.5,
    "not_processed_mass_repeat": 0.8,
    "not_processed_confirmation": 1.0,
    "other": 4.0,
    "other_overdue_correction": 2.0,
    "other_overdue_fee": 0.2,
    "other_other": 2.5,
}


def _gen_applications(rng: random.Random, fmt: str) -> dict[str, dict[str, int]]:
    """Table 三 with H1, H2, H3 holding exactly (totals derived, never drawn)."""
    rows = [k for k, _, _ in T3_ROWS[fmt]]
    results = RESULT_ROWS[fmt]
    level = rng.choices(("none", "small", "medium", "large"), weights=(30, 45, 20, 5))[0]
    table: dict[str, dict[str, int]] = {r: {} for r in rows}
    for col, _ in APPLICANT_COLUMNS:
        if col == "natural_person":
            new = _magnitude(rng, level)
        elif level == "none" or rng.random() < 0.65:
            new = 0
        else:
            new = _magnitude(rng, {"small": "small", "medium": "small", "large": "medium"}[level])
        carried = 0 if new == 0 or rng.random() < 0.7 else rng.randint(0, max(1, new // 10))
        pending = 0 if (new + carried) == 0 or rng.random() < 0.7 else rng.randint(0, max(1, (new + carried) // 8))
        processed = new + carried - pending
        parts = _split(rng, processed, [_RESULT_WEIGHTS[r] for r in results])
        table["new_received"][col] = new
        table["carried_over"][col] = carried
        for r, v in zip(results, parts, strict=True):
            table[r][col] = v
        table["total_processed"][col] = processed
        table["carried_forward"][col] = pending
    for r in rows:
        table[r]["total"] = sum(table[r][c] for c, _ in APPLICANT_COLUMNS)
    return table


def _gen_appeals(rng: random.Random) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    busy = rng.random() < 0.35
    for group in T4_GROUPS:
        vals = {}
        for key, _ in T4_COLUMNS[:4]:
            if not busy or rng.random() < 0.55:
                vals[key] = 0
            else:
                vals[key] = rng.choice((1, 1, 1, 2, 2, 3, 5, 8, 13, 40))
        vals["total"] = sum(vals.values())
        out[group] = vals
    return out


def _money(rng: random.Random, hi: float) -> Decimal:
    """A 万元 amount with up to 4 decimals (a whole number of 元)."""
    if rng.random() < 0.3:
        return Decimal(0)
    yuan = rng.randint(1, int(hi * 10000))
    if rng.random() < 0.5:
        yuan = (yuan // 100) * 100 or 100
    return Decimal(yuan) / Decimal(10000)


def _gen_active(rng: random.Random, fmt: str) -> dict[str, dict[str, int | Decimal]]:
    """Table 二 (S3 for v2021, S5 for v2019)."""
    rule_maker = rng.random() < 0.15
    if fmt == "2019":
        out: dict[str, dict[str, int | Decimal]] = {}
        for key, active in (("regulations", rule_maker), ("normative_documents", rng.random() < 0.7)):
            made = rng.randint(0, 12) if active else 0
            published = made if rng.random() < 0.8 else rng.randint(0, made + 3)
            total = published + (rng.randint(0, 150) if active or rng.random() < 0.3 else 0)
            out[key] = {"new_made": made, "new_published": published, "total_published": total}
        for key, busy in (("licensing", 0.5), ("other_services", 0.4), ("penalty", 0.5), ("coercion", 0.3)):
            if rng.random() < busy:
                prev = rng.randint(1, 250)
                change = rng.choice((0, 0, 0, 1, -1, 2, -2, 3, 5, -4, 12))
                change = max(change, -prev)
                decisions = rng.choice((rng.randint(0, 50), rng.randint(50, 900), rng.randint(1000, 12000)))
            else:
                prev, change, decisions = 0, 0, 0
            out[key] = {"prev_items": prev, "change": change, "decisions": decisions}
        fee_prev = rng.choice((0, 0, 0, 1, 2, 3, 6))
        out["fees"] = {"prev_items": fee_prev, "change": 0 if fee_prev == 0 else rng.choice((0, 0, -1, 1))}
        projects = rng.choice((0, 0, 1, 2, 3, 5, 12, 30))
        out["procurement"] = {
            "projects": projects,
            "amount_wan_yuan": Decimal(0) if projects == 0 else _money(rng, 900) or Decimal("0.5"),
        }
        return out
    out = {}
    for key, active in (("regulations", rule_maker), ("normative_documents", rng.random() < 0.7)):
        issued = rng.randint(0, 10) if active else 0
        repealed = rng.randint(0, 4) if active and rng.random() < 0.5 else 0
        in_force = issued + rng.randint(0, 120) if (active or rng.random() < 0.3) else issued
        # S3: issued <= in_force + repealed holds because in_force >= issued
        out[key] = {"issued": issued, "repealed": repealed, "in_force": in_force}
    for key, busy in (("licensing", 0.5), ("penalty", 0.5), ("coercion", 0.3)):
        out[key] = {"decisions": rng.choice((rng.randint(0, 60), rng.randint(60, 3000))) if rng.random() < busy else 0}
    out["fees"] = {"amount_wan_yuan": _money(rng, 300) if rng.random() < 0.3 else Decimal(0)}
    return out
