"""`gxcrawl archive init|check|reindex`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gxcrawl.archive.check import check_archive
from gxcrawl.archive.database import (
    checkpoint_sqlite,
    ensure_schema,
    init_schema,
    make_engine,
    resolve_database_url,
    upgrade_schema,
)
from gxcrawl.archive.reader import resolve_max_payload
from gxcrawl.archive.reindex import backfill_request_digests


def run_archive(args: argparse.Namespace) -> int:
    root = Path(args.archive)
    url = resolve_database_url(root, args.database)
    if args.archive_verb == "init":
        root.mkdir(parents=True, exist_ok=True)
        engine = make_engine(url)
        try:
            from sqlalchemy import inspect

            tables = set(inspect(engine).get_table_names())
            if "capture" in tables:
                upgrade_schema(engine)
                print(f"index at {engine.url!r} already exists; upgraded to the newest schema")
                # every non-GET capture still without a request-body digest (an index from before 0002, also one
                # whose upgrade by Archive.open was interrupted before this): read from its WARC request record
                with engine.begin() as connection:
                    count = backfill_request_digests(root, connection)
                if count:
                    print(f"request-body digests read from the WARC for {count} earlier non-GET capture(s)")
            else:
                init_schema(engine)
                print(f"created the index at {engine.url!r} (alembic stamped head)")
        finally:
            engine.dispose()
        return 0
    if args.archive_verb == "check":
        if not root.is_dir():
            print(f"gxcrawl: error: no archive directory {root}", file=sys.stderr)
            return 2
        engine = make_engine(url)
        try:
            report = check_archive(root, engine, max_payload=resolve_max_payload())
        finally:
            engine.dispose()
        for error in report.errors:
            print(f"ERROR {error}")
        for note in report.notes:
            print(f"note  {note}")
        verdict = "OK" if report.ok else f"{len(report.errors)} problem(s)"
        print(f"checked {report.files} WARC file(s), {report.records} record(s), {report.rows} index row(s): {verdict}")
        return 0 if report.ok else 1
    if args.archive_verb == "reindex":
        return _reindex(root, url)
    raise ValueError(f"unknown archive verb {args.archive_verb!r}")


def _reindex(root: Path, url: str) -> int:
    """Rebuild the index from the WARC files (a deleted or lost index): captures, texts, and the reports parsed
    again from the captures the crawl parsed. Safe to run on an index that is only partly lost."""
    from gxcrawl.archive.reindex import rebuild_index
    from gxcrawl.report import PARSER_VERSION, parse_report_and_text, text_sha256

    if not (root / "warcs").is_dir():
        print(
            f"gxcrawl: error: no WARC files under {root / 'warcs'}: nothing to rebuild the index from", file=sys.stderr
        )
        return 2
    engine = make_engine(url)
    try:
        ensure_schema(engine)
        summary = rebuild_index(
            root,
            engine,
            parse_report_and_text,
            parser_version=PARSER_VERSION,
            text_sha256=text_sha256,
            max_payload=resolve_max_payload(),
        )
    finally:
        checkpoint_sqlite(engine)
        engine.dispose()
    for line in summary.damaged:
        print(f"damaged {line}")
    for line in summary.failed:
        print(f"failed  {line}")
    print(
        f"reindexed {summary.files} WARC file(s) into {engine.url!r}: {summary.captures} capture(s), "
        f"{summary.texts} text(s), {summary.reports} report(s) added"
        + (
            f"; {len(summary.damaged)} damaged stretch(es) skipped (see `gxcrawl archive check`)"
            if summary.damaged
            else ""
        )
        + (f"; {len(summary.failed)} text(s) not indexed" if summary.failed else "")
    )
    return 1 if summary.failed else 0
