"""Parser accuracy on real published reports, per layout family and in total.

Reads every truth file of tests/fixtures/real/truth, parses its document and prints, per family
(flattened text, HTML page, PDF, DOCX/DOC, markdown/text conversion): values right, null, WRONG, and
documents fully right (every value right and format, report year, title and agency right). No assertion.

    .venv/bin/python bench/accuracy.py [-v]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from real_truth import FAMILIES, load_truth, parse_fixture, score, truth_files  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list every wrong and null value")
    args = parser.parse_args()
    by_family = defaultdict(list)
    for path in truth_files():
        truth = load_truth(path)
        s = score(truth, parse_fixture(truth), f"{path.parent.name}/{path.stem}")
        by_family[s.family].append(s)
        if args.verbose and (s.wrong or s.nulls or s.identity_wrong):
            print(f"{s.name}:")
            for what in s.identity_wrong:
                print(f"  identity {what}")
            for what in s.wrong:
                print(f"  WRONG {what}")
            for what in s.nulls:
                print(f"  null {what}")
    header = f"{'family':<16} {'docs':>5} {'values':>7} {'right':>7} {'null':>6} {'WRONG':>6} {'right %':>8} {'docs fully right':>17}"
    print(header)
    print("-" * len(header))
    rows = [(fam, by_family[fam]) for fam in FAMILIES if by_family.get(fam)]
    rows.append(("total", [s for scores in by_family.values() for s in scores]))
    for fam, scores in rows:
        values = sum(s.values for s in scores)
        right = sum(s.right for s in scores)
        null = sum(s.null for s in scores)
        wrong = sum(len(s.wrong) for s in scores)
        full = sum(s.fully_right for s in scores)
        pct = f"{100 * right / values:.1f}" if values else "-"
        print(f"{fam:<16} {len(scores):>5} {values:>7} {right:>7} {null:>6} {wrong:>6} {pct:>8} {full:>9} of {len(scores):<5}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
