"""`gxcrawl export`: the corpus as JSONL export records, or as flat tables (CSV or Parquet), streamed from the index.

    gxcrawl export --format jsonl [--out FILE] [--portal ID,ID] [--year N|N-M] [--since DATE] [--force]
    gxcrawl export --format csv --out DIR        # DIR/reports.csv, tables.csv, checks.csv, issues.csv
    gxcrawl export --format parquet --out DIR    # the same tables as .parquet (pyarrow: the `analysis` extra)

One record per distinct report (latest version at its URL, latest parse, every source URL).
Memory stays flat whatever the corpus size: the index is read in keyset batches.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.orm import Session

from gxcrawl.corpus.crossyear import refresh_cross_year
from gxcrawl.corpus.query import (
    ExportFilter,
    count_documents,
    iter_export_rows,
    open_existing_archive,
    report_portals,
    report_years,
)
from gxcrawl.corpus.writers import (
    check_format_available,
    open_output,
    open_tables,
    with_progress,
    write_csv,
    write_jsonl,
    write_tables,
)

FORMATS = ("jsonl", "csv", "parquet")
STREAM_WRITERS = {"jsonl": write_jsonl, "csv": write_csv}  # the formats that can go to one stream (stdout)
MAX_NAMED = 30  # valid values named in an error message before "… and N more"


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


def parse_portals(value: str | None) -> tuple[str, ...]:
    """--portal ID,ID (as `scrapy crawl portals -a portals=ID,ID` takes them)."""
    return tuple(dict.fromkeys(p.strip() for p in (value or "").split(",") if p.strip()))


def parse_years(value: str | int | None) -> tuple[int, int] | None:
    """--year 2020 or --year 2019-2021 (inclusive) as (first, last)."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    first, _, last = text.partition("-")
    try:
        years = (int(first), int(last or first))
    except ValueError:
        raise ValueError(
            f"--year {text!r} is not a year or a range: use e.g. --year 2020 or --year 2019-2021"
        ) from None
    if years[0] > years[1]:
        raise ValueError(f"--year {text!r}: the first year comes after the last")
    return years


def _named(values: list[str]) -> str:
    shown = ", ".join(values[:MAX_NAMED])
    return shown + (f" … and {len(values) - MAX_NAMED} more" if len(values) > MAX_NAMED else "")


def _year_list(years: list[int]) -> str:
    """2016, 2018-2021: consecutive years as ranges."""
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def check_portals(session: Session, flt: ExportFilter) -> None:
    """An unknown --portal id is an error naming the portals the archive has reports from."""
    if not flt.portals:
        return
    known = report_portals(session)
    unknown = [p for p in flt.portals if p not in known]
    if not unknown:
        return
    near = sorted({m for u in unknown for m in difflib.get_close_matches(u, known, n=3)})
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    have = f"the archive has reports from: {_named(sorted(known))}" if known else "the archive has no reports yet"
    raise ValueError(f"--portal: unknown portal id(s) {', '.join(unknown)}{hint} ({have})")


def nothing_matched(session: Session, flt: ExportFilter) -> str:
    """Why a --year range exported nothing: the report years there are under the other filters."""
    first, last = flt.years or (0, 0)
    asked = f"--year {first}" if first == last else f"--year {first}-{last}"
    years = report_years(session, ExportFilter(portals=flt.portals, since=flt.since))
    scope = f" of portal(s) {', '.join(flt.portals)}" if flt.portals else ""
    scope += " first seen since --since" if flt.since else ""
    have = f"report years{scope}: {_year_list(years)}" if years else f"no report{scope} has a report year"
    return f"no report matches {asked} ({have})"


def export_corpus(
    session: Session, out: TextIO, *, fmt: str = "jsonl", flt: ExportFilter | None = None, progress: bool = True
) -> int:
    """Write every matching export record of the index behind `session` to one stream; returns the count."""
    if fmt not in STREAM_WRITERS:
        raise ValueError(f"--format {fmt} cannot be written to one stream: choose one of {', '.join(STREAM_WRITERS)}")
    return STREAM_WRITERS[fmt](_records(session, flt or ExportFilter(), progress), out)


def export_tables(
    session: Session,
    directory: str | Path,
    *,
    fmt: str = "csv",
    flt: ExportFilter | None = None,
    force: bool = False,
    progress: bool = True,
) -> int:
    """Write the flat tables (reports, tables, checks, issues) of every matching record into `directory`."""
    check_format_available(fmt)
    flt = flt or ExportFilter()
    with open_tables(directory, fmt, force=force) as sinks:
        count = write_tables(_records(session, flt, progress), sinks)
        if count == 0 and flt.years:
            raise ValueError(nothing_matched(session, flt))
    return count


def _records(session: Session, flt: ExportFilter, progress: bool) -> Any:
    records = iter_export_rows(session, flt)
    if progress and sys.stderr.isatty():
        records = with_progress(records, total=count_documents(session, flt), desc="export")
    return records


def run_export(args: argparse.Namespace) -> int:
    flt = ExportFilter(portals=parse_portals(args.portal), years=parse_years(args.year), since=parse_since(args.since))
    fmt = args.format
    to_stdout = args.out in (None, "-")
    if to_stdout and fmt not in STREAM_WRITERS:
        raise ValueError(f"--format {fmt} writes a directory of tables: give one with --out DIR")
    check_format_available(fmt)
    archive = open_existing_archive(args.archive, args.database)
    try:
        refresh_cross_year(archive)
        with archive.session() as session:
            check_portals(session, flt)
            if fmt == "jsonl" or to_stdout:
                with open_output(args.out, force=args.force) as out:
                    count = export_corpus(session, out, fmt=fmt, flt=flt)
                    if count == 0 and flt.years:
                        raise ValueError(nothing_matched(session, flt))
            else:
                count = export_tables(session, args.out, fmt=fmt, flt=flt, force=args.force)
    finally:
        archive.close()
    where = "stdout" if to_stdout else args.out
    print(f"gxcrawl export: {count} report(s) written to {where} ({fmt})", file=sys.stderr)
    return 0
