"""`gxcrawl export`: the corpus as JSONL export records or long-form CSV, streamed from the index.

    gxcrawl export --format jsonl [--out FILE] [--portal ID] [--year N] [--since DATE]
    gxcrawl export --format csv --out tables.csv      # agency, year, table, row, column, value, ...

One record per distinct report (latest version at its URL, latest parse, every source URL).
Memory stays flat whatever the corpus size: the index is read in keyset batches.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from typing import TextIO

from sqlalchemy.orm import Session

from gxcrawl.corpus.query import ExportFilter, count_documents, iter_export_rows, open_existing_archive
from gxcrawl.corpus.writers import WRITERS, open_output, with_progress


def parse_since(value: str | None) -> datetime | None:
    """--since DATE (YYYY-MM-DD, or a full ISO timestamp) as a UTC datetime; a clear error otherwise."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"--since {value!r} is not a date: use YYYY-MM-DD, e.g. --since 2026-01-31") from None
    if isinstance(moment, date) and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def export_corpus(session: Session, out: TextIO, *, fmt: str = "jsonl", flt: ExportFilter | None = None,
                  progress: bool = True) -> int:
    """Write every matching export record of the index behind `session` to `out`; returns the count."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown export format {fmt!r}: choose one of {', '.join(WRITERS)}")
    flt = flt or ExportFilter()
    records = iter_export_rows(session, flt)
    if progress and sys.stderr.isatty():
        records = with_progress(records, total=count_documents(session, flt), desc="export")
    return WRITERS[fmt](records, out)


def run_export(args: argparse.Namespace) -> int:
    flt = ExportFilter(portal=args.portal, year=args.year, since=parse_since(args.since))
    archive = open_existing_archive(args.archive, args.database)
    try:
        with archive.session() as session, open_output(args.out) as out:
            count = export_corpus(session, out, fmt=args.format, flt=flt)
    finally:
        archive.close()
    where = "stdout" if args.out in (None, "-") else args.out
    print(f"gxcrawl export: {count} report(s) written to {where} ({args.format})", file=sys.stderr)
    return 0
