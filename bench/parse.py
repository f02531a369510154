"""Parser throughput: reports/s on one core, and our whole parse against trafilatura.extract.

Corpus: the five seed portal pages (tests/fixtures/seeds/html), repeated. Both sides get the same page
bytes; trafilatura only extracts text, we extract text, six sections, every table cell and the checks.
Prints the figures; no assertion (targets: >= 200 reports/s, ratio <= 0.5).

    .venv/bin/python bench/parse.py [--repeat 40]
"""

from __future__ import annotations

import argparse
import gc
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "tests" / "fixtures" / "seeds" / "html").glob("*.html"))


def _time(fn, pages: list[bytes], repeat: int) -> float:
    gc.collect()
    start = time.perf_counter()
    for _ in range(repeat):
        for page in pages:
            fn(page)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40, help="passes over the corpus (default 40)")
    args = parser.parse_args()
    import trafilatura

    from gxcrawl.report import parse_report

    pages = [p.read_bytes() for p in PAGES]
    for page in pages:  # warm up: imports, regex compilation, caches
        parse_report(page, url="https://example.gov.cn/a.html")
        trafilatura.extract(page)
    ours = _time(lambda b: parse_report(b, url="https://example.gov.cn/a.html", content_type="text/html"),
                 pages, args.repeat)
    theirs = _time(trafilatura.extract, pages, args.repeat)
    n = len(pages) * args.repeat
    size = sum(len(p) for p in pages) / len(pages)
    print(f"corpus: {len(pages)} seed pages x {args.repeat} = {n} parses, mean page {size / 1024:.1f} KiB")
    print(f"gxcrawl parse_report : {n / ours:8.1f} reports/s  ({ours / n * 1000:.2f} ms/report, one core)")
    print(f"trafilatura.extract  : {n / theirs:8.1f} pages/s    ({theirs / n * 1000:.2f} ms/page)")
    print(f"ratio ours/trafilatura: {ours / theirs:.3f}  (target <= 0.5, aim 0.2)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
