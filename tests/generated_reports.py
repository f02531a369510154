"""Reports written by reportgen with exact truth, and the value-by-value comparison of a parsed record with it:
one spelling for the test files that render generated reports in a layout and read them back."""

from __future__ import annotations

import random

from gxcrawl.demo import reportgen

TABLES = ("active", "applications", "appeals")


def generated_report(seed: int, fmt: str, defects: float = 0.0, agency: str = "某某市民政局") -> dict:
    rng = random.Random(seed)
    year = rng.choice((2019, 2020)) if fmt == "2019" else rng.choice((2021, 2022, 2023))
    return reportgen.generate_report(rng, fmt=fmt, report_year=year, agency=agency, defects=defects)


def compare_tables(truth: dict, record: dict) -> tuple[list, list]:
    """(wrong values, cells left null where the truth has a number) of tables 二/三/四."""
    wrong, missing = [], []
    for table in TABLES:
        for row, cols in truth[table].items():
            for col, want in cols.items():
                got = (record[table].get(row) or {}).get(col)
                if got is None:
                    if want is not None:
                        missing.append(f"{table}.{row}.{col}")
                elif want is None or abs(got - want) > 1e-9:
                    wrong.append((f"{table}.{row}.{col}", got, want))
    return wrong, missing
