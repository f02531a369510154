"""PDF reading: page geometry (pdfplumber) against plain text extraction (pypdf), on report PDFs built the way
office suites print them (tests/pdf_support.py: ruled tables, labels wrapped in narrow cells, page numbers,
footnote markers, tables split across pages with repeated headers), from reportgen truths with and without
real-world defects. Prints values right / null / WRONG and reports/s per core for each reader. No assertion.

    .venv/bin/python bench/pdf.py [--reports 40]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from pdf_support import report_pdf  # noqa: E402

from gxcrawl.demo import reportgen  # noqa: E402
from gxcrawl.report import formats, parse_report  # noqa: E402

TABLES = ("active", "applications", "appeals")


def _score(truth: dict, record: dict) -> tuple[int, int, int]:
    right = null = wrong = 0
    for table in TABLES:
        for row, cols in truth[table].items():
            for col, want in cols.items():
                got = (record[table].get(row) or {}).get(col)
                if got is None:
                    right += want is None
                    null += want is not None
                elif want is not None and abs(got - want) < 1e-9:
                    right += 1
                else:
                    wrong += 1
    return right, null, wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=40)
    args = parser.parse_args()
    docs = []
    for seed in range(args.reports):
        rng = random.Random(seed)
        fmt = rng.choice(("2019", "2021"))
        year = rng.choice((2019, 2020)) if fmt == "2019" else rng.choice((2021, 2022, 2023))
        truth = reportgen.generate_report(
            rng, fmt=fmt, report_year=year, agency="某某市民政局", defects=0.0 if seed % 2 else 1.0
        )
        pdf = report_pdf(
            truth, label_width=rng.choice((90.0, 120.0, 160.0)), value_marker=seed % 3 == 0, push_tables_down=seed % 5
        )
        docs.append((truth, pdf))
    readers = {"pdfplumber (geometry)": formats.read_pdf, "pypdf (text)": formats.read_pdf_text}
    original = formats.read_pdf
    print(
        f"{len(docs)} report PDFs, half with defects (blank cells, '/', short rows ...), "
        f"mean {sum(len(p) for _, p in docs) / len(docs) / 1024:.1f} KiB"
    )
    print(
        f"{'reader':<24} {'values':>7} {'right':>7} {'null':>6} {'WRONG':>6} {'right %':>8} {'docs all right':>15} "
        f"{'reports/s':>10}"
    )
    try:
        for name, reader in readers.items():
            formats.read_pdf = reader
            totals = [0, 0, 0]
            full = 0
            cpu = time.process_time()
            for truth, pdf in docs:
                r, n, w = _score(truth, parse_report(pdf, url="report.pdf"))
                totals = [totals[0] + r, totals[1] + n, totals[2] + w]
                full += n == 0 and w == 0
            cpu = time.process_time() - cpu
            values = sum(totals)
            print(
                f"{name:<24} {values:>7} {totals[0]:>7} {totals[1]:>6} {totals[2]:>6} "
                f"{100 * totals[0] / values:>8.1f} {full:>8} of {len(docs):<4} {len(docs) / cpu:>10.1f}"
            )
    finally:
        formats.read_pdf = original
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
