"""Export throughput and memory: synthetic report records in a temp SQLite index, exported as JSONL (or as the
four flat tables, CSV or Parquet).

    .venv/bin/python bench/export.py [--sizes 20000 100000] [--format jsonl|csv|parquet]

For each corpus size the index is built through the archive models (documents, sources, versions,
captures, reports), then a fresh child process exports it to /dev/null and reports records/s and its
peak RSS (getrusage). Peak memory is printed for every size: it should stay flat as the corpus grows.
Targets: >= 5,000 records/s, peak < 200 MB whatever the size.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from memory import peak_rss  # noqa: E402  (bench/memory.py: this script's folder is on sys.path)
from sqlalchemy import create_engine, insert  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from gxcrawl.archive.database import make_engine  # noqa: E402
from gxcrawl.archive.models import Base, Capture, Document, DocumentSource, DocumentVersion, Report  # noqa: E402
from gxcrawl.report import vocab  # noqa: E402

# the 2021 format's rows and columns, as the parser knows them
APPLICANTS = vocab.APPLICANT_COLS
APPLICATION_ROWS = tuple(spec.key for spec in vocab.APPLICATIONS_2021 if spec.key)
APPEAL_GROUPS = vocab.APPEAL_GROUPS
APPEAL_COLUMNS = vocab.APPEAL_COLS
ACTIVE_2021 = {spec.key: spec.columns for spec in vocab.ACTIVE_2021 if spec.key}
SECTION_TEXT = "本机关坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》。"


def synthetic_report(rng: random.Random, n: int) -> dict[str, Any]:
    """A report record of realistic shape and size (v2021 tables, ~220 cells, checks, six sections)."""
    cells: list[dict[str, Any]] = []

    def cell(table: str, row: str, col: str, value: float | None) -> float | None:
        raw = "" if value is None else str(value)
        cells.append(
            {
                "table": table,
                "row": row,
                "col": col,
                "raw": raw,
                "kind": "empty" if value is None else ("zero" if value == 0 else "number"),
            }
        )
        return value

    active = {
        row: {col: cell("active", row, col, rng.randint(0, 50)) for col in cols} for row, cols in ACTIVE_2021.items()
    }
    applications = {}
    for row in APPLICATION_ROWS:
        values = {
            col: cell("applications", row, col, rng.choice((0, 0, 1, 2, rng.randint(0, 300), None)))
            for col in APPLICANTS
        }
        values["total"] = cell("applications", row, "total", sum(v or 0 for v in values.values()))
        applications[row] = values
    appeals = {
        group: {col: cell("appeals", group, col, rng.randint(0, 5)) for col in APPEAL_COLUMNS}
        for group in APPEAL_GROUPS
    }
    checks = [{"id": "H1", "scope": row, "status": "pass", "left": 1, "right": 1} for row in APPLICATION_ROWS]
    checks += [
        {"id": "H3", "scope": col, "status": rng.choice(("pass", "fail")), "left": 3, "right": 3}
        for col in (*APPLICANTS, "total")
    ]
    year = 2019 + n % 6  # six documents in a row are one agency's six years (cross-year checks have pairs)
    return {
        "schema": "gxcrawl.report/1",
        "title": f"合成市第{n // 6}局{year}年政府信息公开工作年度报告",
        "agency": f"合成市第{n // 6}局",
        "report_year": year,
        "published": f"{year + 1}-01-{1 + n % 28:02d}",
        "format": {"active": "2021", "applications": "2021", "overall": "2021"},
        "sections": {
            key: SECTION_TEXT * 3 for key in ("overview", "active", "applications", "appeals", "problems", "other")
        },
        "active": active,
        "applications": applications,
        "appeals": appeals,
        "cells": cells,
        "checks": checks,
        "issues": [],
        "text_sha256": f"{n:064x}",
        "parser_version": "bench",
    }


def build_index(db_path: Path, size: int, *, seed: int = 1, chunk: int = 2000, escaped: bool = False) -> None:
    """Insert `size` synthetic documents (one capture, source, version and report each), chunk by chunk; records
    stored as the archive stores them (plain UTF-8 JSON, make_engine), or with json.dumps' \\u escapes as indexes
    before that were (`escaped`: the export then re-encodes each record)."""
    engine = create_engine(f"sqlite:///{db_path}") if escaped else make_engine(f"sqlite:///{db_path}")
    Base.metadata.create_all(engine)
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with Session(engine) as session:
        for base in range(0, size, chunk):
            ids = range(base + 1, min(size, base + chunk) + 1)
            at = [start + timedelta(seconds=i) for i in ids]
            urls = [f"http://127.0.0.1/site{i % 50}/art/{i}.html" for i in ids]
            session.execute(
                insert(Capture),
                [
                    {
                        "id": i,
                        "url": u,
                        "final_url": u,
                        "fetched_at": t,
                        "status": 200,
                        "content_type": "text/html",
                        "payload_sha256": f"{i:064x}",
                        "payload_length": 20_000,
                        "record_type": "response",
                        "warc_record_id": f"<urn:uuid:{i:032x}>",
                        "warc_file": "bench-00000.warc.gz",
                        "warc_offset": i * 7000,
                        "warc_length": 6500,
                        "portal": f"site{i // 6 % 50}",
                    }
                    for i, u, t in zip(ids, urls, at, strict=True)
                ],
            )
            session.execute(
                insert(Document),
                [
                    {"id": i, "text_sha256": f"{i:064x}", "first_seen": t, "last_seen": t, "first_capture_id": i}
                    for i, t in zip(ids, at, strict=True)
                ],
            )
            session.execute(
                insert(DocumentSource),
                [
                    {
                        "document_id": i,
                        "url": u,
                        "portal": f"site{i // 6 % 50}",
                        "first_seen": t,
                        "last_seen": t,
                        "capture_id": i,
                    }
                    for i, u, t in zip(ids, urls, at, strict=True)
                ],
            )
            session.execute(
                insert(DocumentVersion),
                [
                    {"url": u, "version": 1, "document_id": i, "first_seen": t, "last_seen": t, "capture_id": i}
                    for i, u, t in zip(ids, urls, at, strict=True)
                ],
            )
            session.execute(
                insert(Report),
                [
                    {
                        "document_id": i,
                        "parser_version": "bench",
                        "record": synthetic_report(rng, i),
                        "parsed_at": t,
                        "capture_id": i,
                    }
                    for i, t in zip(ids, at, strict=True)
                ],
            )
            session.commit()
    engine.dispose()


def export_child(db_path: str, fmt: str) -> None:
    """Runs in a fresh process: export everything (JSONL to /dev/null; csv/parquet: the four flat tables into a
    temporary directory), print rate and peak RSS as JSON."""
    from gxcrawl.corpus.export import export_corpus, export_tables

    engine = create_engine(f"sqlite:///{db_path}")
    with (
        Session(engine) as session,
        open("/dev/null", "w", encoding="utf-8") as out,
        tempfile.TemporaryDirectory(prefix="gx-bench-tables-") as tables,
    ):
        started = time.perf_counter()
        if fmt == "jsonl":
            count = export_corpus(session, out, fmt=fmt, progress=False)
        else:
            count = export_tables(session, Path(tables) / "out", fmt=fmt, progress=False)
        seconds = time.perf_counter() - started
    peak_mb = peak_rss() / 2**20
    # baseline in the same process, same machine load: only reading every stored record's JSON text
    with engine.connect() as connection:
        started = time.perf_counter()
        result = connection.exec_driver_sql("SELECT CAST(record AS TEXT) FROM report")
        scanned = 0
        while rows := result.fetchmany(1000):
            scanned += len(rows)
        scan_seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "records": count,
                "seconds": seconds,
                "peak_mb": peak_mb,
                "scan_rate": scanned / scan_seconds if scan_seconds else 0.0,
            }
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--format", choices=["jsonl", "csv", "parquet"], default="jsonl")
    parser.add_argument(
        "--escaped",
        action="store_true",
        help="records stored with \\u escapes, as indexes written before plain UTF-8 storage",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        export_child(args.child, args.format)
        return 0
    print(
        f"export bench ({args.format}{', escaped index' if args.escaped else ''}); "
        "targets: >= 5,000 records/s, peak RSS (VmHWM) flat and < 200 MB"
    )
    with tempfile.TemporaryDirectory(prefix="gx-bench-export-") as tmp:
        for size in args.sizes:
            db = Path(tmp) / f"index-{size}.sqlite"
            t0 = time.perf_counter()
            build_index(db, size, escaped=args.escaped)
            built = time.perf_counter() - t0
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(db), "--format", args.format],
                check=True,
                capture_output=True,
                text=True,
                timeout=1800,
            )
            result = json.loads(out.stdout.strip().splitlines()[-1])
            rate = result["records"] / result["seconds"]
            print(
                f"  {size:>7,} documents ({db.stat().st_size / 2**20:,.0f} MB index, built in {built:.0f} s): "
                f"exported {result['records']:,} in {result['seconds']:.1f} s = {rate:,.0f} records/s, "
                f"peak RSS {result['peak_mb']:.0f} MB; baseline (reading the record texts only): "
                f"{result['scan_rate']:,.0f} rows/s, export at {rate / result['scan_rate']:.2f} of it"
            )
            db.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
