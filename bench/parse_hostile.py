"""Cost of parse_report on hostile pages at size n and 2n; prints time and peak memory and their ratios (a linear
parser gives ~2 for each, or ~1 where a cap holds the work); asserts nothing.

    .venv/bin/python bench/parse_hostile.py [--scale 1.0]

Each parse runs in a process of its own, so that its peak resident memory is its own. Pages:
  spans       one table of rows of rowspan=64 colspan=64 cells (the grid would grow by 4096 slots a cell)
  span-tables many small tables of such cells
  links       identical attachment links, one per list item
  dense       one table of plain four-cell rows (a 20 MB statistics page)
  docx-spans  a DOCX whose table cells all span (gridSpan) and merge (vMerge)
  wide-row    one table row of n cells
  prose       paragraphs of report prose and no table (the 20 MB page of tests/test_report_robust.py)
Garbage text, parsed as text with no page around it (the inputs of tests/test_report_robust.py, made longer):
  words, digit-pipes, ordinals (一、 then digits), glued-row (a row label, its digits glued into one run)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAD = (
    "<html><head><meta charset='utf-8'><title>某局2020年政府信息公开工作年度报告</title></head><body>"
    "<div class='article'><p>一、总体情况</p><p>本年度主动公开政府信息1268条。</p>"
)
TAIL = "</div></body></html>"


TEXTS = {
    "words": lambda n: "lorem ipsum dolor sit amet " * n,
    "digit-pipes": lambda n: "0 1 2 3 4 5 6 7 8 9 |||| \t\t" * n,
    "ordinals": lambda n: "一、" * n + "0" * n,
    "glued-row": lambda n: "本年新收政府信息公开申请数量" + "1" * n + "结转下年度继续办理" + "9" * n,
}


def page(kind: str, n: int) -> bytes:
    if kind in TEXTS:
        return TEXTS[kind](n).encode("utf-8")
    if kind == "spans":
        body = (
            "<table>"
            + "<tr>"
            + "<td rowspan=64 colspan=64>1</td>" * 10
            + "</tr>" * 1
            + (("<tr>" + "<td rowspan=64 colspan=64>1</td>" * 10 + "</tr>") * (n - 1))
            + "</table>"
        )
    elif kind == "span-tables":
        table = "<table>" + ("<tr>" + "<td rowspan=64 colspan=64>1</td>" * 10 + "</tr>") * 30 + "</table>"
        body = table * n
    elif kind == "links":
        body = "<ul>" + "<li><a href='/files/2020/report.pdf'>附件：2020年度报告.pdf</a></li>" * n + "</ul>"
    elif kind == "dense":
        body = "<table>" + "<tr><td>行政规范性文件</td><td>12</td><td>3</td><td>87</td></tr>" * n + "</table>"
    elif kind == "wide-row":
        body = "<table><tr><td>" + "<td>1" * n + "</table>"
    elif kind == "prose":
        body = ("<p>" + "政府信息公开工作稳步推进，主动公开各类信息。" * 40 + "</p>\n") * n
    elif kind == "docx-spans":
        return _docx_spans(n)
    else:
        raise ValueError(kind)
    return (HEAD + body + TAIL).encode("utf-8")


def _docx_spans(n: int) -> bytes:
    from gxcrawl.demo.docfiles import Cell, Table, make_docx

    rows = [[Cell("1", rowspan=20, colspan=8) for _ in range(6)] for _ in range(n)]
    return make_docx(["某局2020年政府信息公开工作年度报告\n一、总体情况", Table(rows=rows)], title="某局2020年度报告")


def _child(kind: str, n: int) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from memory import peak_rss

    from gxcrawl.report import parse_report

    data = page(kind, n)
    _reset_peak()
    base = peak_rss()
    start = time.perf_counter()
    if kind in TEXTS:
        record = parse_report(data.decode("utf-8"))
    else:
        record = parse_report(data, url="https://www.example.gov.cn/hostile.html")
    elapsed = time.perf_counter() - start
    print(
        json.dumps(
            {"bytes": len(data), "seconds": elapsed, "peak": peak_rss(), "base": base, "issues": len(record["issues"])}
        )
    )


def _reset_peak() -> None:
    """Start the peak resident set afresh (Linux), so that building the page is not counted."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
    except OSError:
        pass


SIZES = {
    "spans": 400,
    "span-tables": 20,
    "links": 40_000,
    "dense": 150_000,
    "docx-spans": 300,
    "wide-row": 30_000,
    "prose": 4_000,
    "words": 20_000,
    "digit-pipes": 10_000,
    "ordinals": 50_000,
    "glued-row": 50_000,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every size by this")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], int(args.child[1]))
        return
    print(f"{'page':12} {'n':>8} {'MB':>7} {'s':>7} {'peak MB':>8} {'issues':>6}   2n/n: time  memory")
    for kind, size in SIZES.items():
        results = []
        for n in (int(size * args.scale), int(2 * size * args.scale)):
            out = subprocess.run(
                [sys.executable, __file__, "--child", kind, str(n)],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            result = json.loads(out.stdout.strip().splitlines()[-1])
            results.append(result)
            line = (
                f"{kind:12} {n:>8} {result['bytes'] / 1e6:>7.2f} {result['seconds']:>7.2f} "
                f"{result['peak'] / 1e6:>8.0f} {result['issues']:>6}"
            )
            if len(results) == 2:
                first, second = results
                growth = (second["peak"] - second["base"]) / max(first["peak"] - first["base"], 1)
                line += f"   {second['seconds'] / max(first['seconds'], 1e-9):>10.2f} {growth:>7.2f}"
            print(line, flush=True)


if __name__ == "__main__":
    main()
