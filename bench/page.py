"""Speed of gxcrawl.report.page.load_page on Word-exported report pages; prints figures, asserts nothing.

    .venv/bin/python bench/page.py [--seconds 5]

Pages: the Word-export fixture (tests/fixtures/pages/word/wordexport.htm) with its body repeated up to
~300 KB (MsoNormal paragraphs, styled spans, <o:p>, tables with <br>-split headers), as GBK bytes so the
decoding is measured too. Baseline in the same process: trafilatura.extract (text only, tables kept) on the
same bytes. Also one 20 MB Word-export page and one 20 MB page of a dense table (the worst case).
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import time
from pathlib import Path

from gxcrawl.report.page import load_page

ROOT = Path(__file__).resolve().parent.parent
WORD = ROOT / "tests" / "fixtures" / "pages" / "word" / "wordexport.htm"


def word_page(target_bytes: int) -> bytes:
    html = WORD.read_text(encoding="utf-8")
    start = html.index("<div class=WordSection1")
    body_start = html.index(">", start) + 1
    body_end = html.rindex("</div>")
    body = html[body_start:body_end]
    repeats = max(1, target_bytes // len(body.encode("gb18030")))
    page = html[:body_start] + body * repeats + html[body_end:]
    page = page.replace("charset=utf-8", "charset=gb2312")
    return page.encode("gb18030")


def dense_table_page(target_bytes: int) -> bytes:
    row = "<tr><td>行政规范性文件</td><td>12</td><td>3</td><td>87</td></tr>"
    rows = row * (target_bytes // len(row.encode("utf-8")))
    return (
        "<html><head><meta charset='utf-8'></head><body><div class='TRS_Editor'><p>一、总体情况</p>"
        f"<table>{rows}</table></div></body></html>"
    ).encode()


def rate(fn, data: bytes, seconds: float) -> tuple[float, int]:
    """Runs per CPU second of this process (the machine is shared: wall time would measure the neighbours)."""
    fn(data)  # warm up
    count = 0
    start = time.process_time()
    while True:
        fn(data)
        count += 1
        elapsed = time.process_time() - start
        if elapsed >= seconds:
            return count / elapsed, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="time per measurement")
    args = parser.parse_args()

    page = word_page(300_000)
    result = load_page(page)
    tables = len(re.findall(r"<table", result.body_html or ""))
    print(
        f"page: Word export, {len(page) / 1024:.0f} KB GBK, {len(result.text.splitlines())} text lines, {tables} tables"
    )
    ours, n = rate(lambda d: load_page(d), page, args.seconds)
    print(f"load_page:            {ours:8.1f} pages per CPU second  ({n} runs, one core)")
    try:
        import trafilatura
    except ImportError:
        print("trafilatura not installed: no baseline")
    else:
        theirs, n = rate(lambda d: trafilatura.extract(d, include_tables=True), page, args.seconds)
        print(f"trafilatura.extract:  {theirs:8.1f} pages per CPU second  ({n} runs)")
        print(f"time ratio load_page / trafilatura.extract: {theirs / ours:.2f}")

    fixtures = ROOT / "tests" / "fixtures" / "pages"
    small = [(fixtures / e["file"]).read_bytes() for e in json.loads((fixtures / "index.json").read_text())["pages"]]
    ours, n = rate(lambda _d: [load_page(d) for d in small], b"", args.seconds)
    print(
        f"load_page on the {len(small)} family fixtures (4-19 KB pages): {ours * len(small):8.1f} pages per CPU second"
    )

    for label, big in (
        ("20 MB Word export", word_page(20_000_000)),
        ("20 MB dense table", dense_table_page(20_000_000)),
    ):
        start, wall = time.process_time(), time.perf_counter()
        result = load_page(big)
        elapsed, wall = time.process_time() - start, time.perf_counter() - wall
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{label}: {len(big) / 1e6:.1f} MB in {elapsed:.2f} CPU s ({wall:.2f} s wall; "
            f"{len(result.text.splitlines())} lines; process peak RSS so far {peak:.0f} MB)"
        )


if __name__ == "__main__":
    main()
