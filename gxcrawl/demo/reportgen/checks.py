"""The check statuses a correct validator reports for a report's truth (H1–H4, S3/S5)."""

from __future__ import annotations

from typing import Any

from gxcrawl.demo.reportgen.vocab import RESULT_ROWS, T3_COLUMNS, T3_ROWS, T4_COLUMNS, T4_GROUPS


def claimed_checks(truth: dict[str, Any]) -> list[dict[str, str]]:
    """The statuses a correct validator reports for this truth (H1–H4, S3/S5).

    A check over present cells passes (the generator builds them so); with blank cells it is
    `pass_if_blank_is_zero` when it holds with blanks read as 0; with `/`, `—` or a dropped cell, or a
    blank that does not hold as 0, it is `not_assessable`.
    """
    fmt = truth["format"]["applications"]
    raw = truth["raw"]
    out: list[dict[str, str]] = []

    def status(
        cells: list[tuple[str, str, str]], left: list[int | float | None], right: list[int | float | None]
    ) -> str:
        states = []
        for t, r, c in cells:
            s = raw[t][r].get(c)
            states.append(
                "dropped" if s is None else "blank" if s.strip() == "" else "na" if truth[t][r][c] is None else "ok"
            )
        lv = sum(v or 0 for v in left)
        rv = sum(v or 0 for v in right)
        if all(s == "ok" for s in states):
            return "pass" if lv == rv else "fail"
        if all(s in ("ok", "blank") for s in states) and lv == rv:
            return "pass_if_blank_is_zero"
        return "not_assessable"

    apps = truth["applications"]
    rows = [k for k, _, _ in T3_ROWS[fmt]]
    for r in rows:
        cells = [("applications", r, c) for c in T3_COLUMNS]
        out.append(
            {
                "id": "H1",
                "scope": r,
                "status": status(cells, [apps[r]["total"]], [apps[r][c] for c in T3_COLUMNS[:6]]),
            }
        )
    for c in T3_COLUMNS:
        res = RESULT_ROWS[fmt]
        cells = [("applications", r, c) for r in res + ("total_processed",)]
        out.append(
            {
                "id": "H2",
                "scope": c,
                "status": status(cells, [apps["total_processed"][c]], [apps[r][c] for r in res]),
            }
        )
    for c in T3_COLUMNS:
        cells = [("applications", r, c) for r in ("new_received", "carried_over", "total_processed", "carried_forward")]
        out.append(
            {
                "id": "H3",
                "scope": c,
                "status": status(
                    cells,
                    [apps["new_received"][c], apps["carried_over"][c]],
                    [apps["total_processed"][c], apps["carried_forward"][c]],
                ),
            }
        )
    for rid, g in zip(("H4a", "H4b", "H4c"), T4_GROUPS, strict=True):
        vals = truth["appeals"][g]
        cells = [("appeals", g, k) for k, _ in T4_COLUMNS]
        out.append(
            {
                "id": rid,
                "scope": g,
                "status": status(cells, [vals["total"]], [vals[k] for k, _ in T4_COLUMNS[:4]]),
            }
        )
    act = truth["active"]
    if fmt == "2019":
        for r in ("regulations", "normative_documents"):
            a, b = act[r]["total_published"], act[r]["new_published"]
            out.append(
                {
                    "id": "S5",
                    "scope": r,
                    "status": "not_assessable" if a is None or b is None else "pass" if a >= b else "fail",
                }
            )
    else:
        for r in ("regulations", "normative_documents"):
            i, f, p = act[r]["issued"], act[r]["in_force"], act[r]["repealed"]
            out.append(
                {
                    "id": "S3",
                    "scope": r,
                    "status": "not_assessable" if None in (i, f, p) else "pass" if i <= f + p else "fail",
                }
            )
    return out
