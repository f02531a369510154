"""Parser accuracy on real published reports, per layout family and in total.

Reads every truth file of tests/fixtures/real/truth, parses its document and prints, per family
(flattened text, HTML page, PDF, DOCX/DOC, markdown/text conversion): values right, null, WRONG, and
documents fully right (every value right and format, report year, title and agency right). No assertion.

With --printed-pdf, the real HTML pages are also printed to PDF by the system Chromium and scored against the
same truth, on a line of their own (`pdf_printed`, outside the total: derived from the pages, not published as
PDFs; it needs Chromium and a Chinese font).

    .venv/bin/python bench/accuracy.py [-v] [--printed-pdf]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from printed_pdf import missing, print_pages  # noqa: E402
from real_truth import FAMILIES, REAL, load_truth, parse_fixture, score, truth_files  # noqa: E402

from gxcrawl.report import parse_report  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list every wrong and null value")
    parser.add_argument("--printed-pdf", action="store_true", help="also score the HTML pages printed to PDF")
    args = parser.parse_args()
    by_family = defaultdict(list)
    documents = []
    for path in truth_files():
        truth = load_truth(path)
        documents.append(score(truth, parse_fixture(truth), f"{path.parent.name}/{path.stem}"))
    printed = _printed_scores() if args.printed_pdf else []
    for s in [*documents, *printed]:
        by_family[s.family].append(s)
        if args.verbose and (s.wrong or s.nulls or s.identity_wrong):
            print(f"{s.name}:")
            for what in s.identity_wrong:
                print(f"  identity {what}")
            for what in s.wrong:
                print(f"  WRONG {what}")
            for what in s.nulls:
                print(f"  null {what}")
    header = (
        f"{'family':<16} {'docs':>5} {'values':>7} {'right':>7} {'null':>6} {'WRONG':>6} "
        f"{'right %':>8} {'docs fully right':>17}"
    )
    print(header)
    print("-" * len(header))
    rows = [(fam, by_family[fam]) for fam in FAMILIES if by_family.get(fam)]
    rows.append(("total", documents))
    if printed:
        rows.append(("pdf_printed", printed))
    for fam, scores in rows:
        values = sum(s.values for s in scores)
        right = sum(s.right for s in scores)
        null = sum(s.null for s in scores)
        wrong = sum(len(s.wrong) for s in scores)
        full = sum(s.fully_right for s in scores)
        pct = f"{100 * right / values:.1f}" if values else "-"
        print(
            f"{fam:<16} {len(scores):>5} {values:>7} {right:>7} {null:>6} {wrong:>6} "
            f"{pct:>8} {full:>9} of {len(scores):<5}"
        )
    return 0


def _printed_scores() -> list:
    """The html_page documents printed to PDF by Chromium, scored against their truth (family `pdf_printed`)."""
    why = missing()
    if why is not None:
        print(f"--printed-pdf: skipped ({why})", file=sys.stderr)
        return []
    truths = [(p, load_truth(p)) for p in truth_files()]
    truths = [(p, t) for p, t in truths if t["family"] == "html_page"]
    with tempfile.TemporaryDirectory(prefix="gx-printed-") as out:
        pdfs = print_pages([REAL / t["file"] for _, t in truths], Path(out))
        results = []
        for (path, truth), pdf in zip(truths, pdfs, strict=True):
            record = parse_report(pdf.read_bytes(), url=f"http://127.0.0.1/{pdf.name}")
            result = score({**truth, "family": "pdf_printed"}, record, f"printed {path.parent.name}/{path.stem}")
            results.append(result)
    return results


if __name__ == "__main__":
    raise SystemExit(main())
