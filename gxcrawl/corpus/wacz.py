"""`gxcrawl archive wacz --out corpus.wacz`: the archive as one WACZ file (Web Archive Collection Zipped, 1.1.1),
which ReplayWeb.page and pywb open directly.

py-wacz (the `wacz` package, the `wacz` extra) does the packaging: it indexes the WARC files with cdxj-indexer
(`indexes/index.cdx.gz` + `index.idx`), copies them under `archive/`, and writes `datapackage.json` with every
file's sha256 and `datapackage-digest.json`. We hand it the pages list: one page per distinct report (the capture
the export names, with the report's title), so a replay tool opens on the reports, not on every list page.

The WACZ is written beside its target and renamed over it only when complete; an existing file is refused without
`--force`.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gxcrawl.archive.api import WARC_SUBDIR
from gxcrawl.corpus.query import iter_export_rows, open_existing_archive
from gxcrawl.corpus.records import peek_json_values
from gxcrawl.corpus.writers import atomic_files

logger = logging.getLogger(__name__)

PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "Reports"}


def report_pages(session: Any) -> Iterator[dict[str, Any]]:
    """One WACZ page per distinct report: its URL, its capture's time and the report's title."""
    for row in iter_export_rows(session):
        title = next(iter(peek_json_values(row.record_json, {"title": "first"})["title"]), None)
        page = {"url": row.fields["url"], "ts": row.fields["fetched_at"]}
        if title:
            page["title"] = title
        yield page


def write_wacz(
    archive_dir: Path, warcs: list[Path], pages: list[dict[str, Any]], out: Path, *, title: str, description: str
) -> list[str]:
    """Package `warcs` with their CDXJ index and `pages` into the WACZ file `out` (py-wacz); returns what py-wacz
    reported about pages it found no capture for."""
    try:
        from wacz.main import main as wacz_main
    except ImportError:
        raise ValueError("gxcrawl archive wacz needs py-wacz: pip install 'gxcrawl[wacz]'") from None
    pages_file = out.with_name(f".{out.name}.pages.jsonl")
    try:
        with open(pages_file, "w", encoding="utf-8") as handle:
            for line in (PAGES_HEADER, *pages):
                handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        chatter = io.StringIO()  # py-wacz prints its progress; kept for the error message and the unmatched pages
        with contextlib.redirect_stdout(chatter):
            status = wacz_main(
                [
                    "create",
                    "-o",
                    str(out),
                    "-p",
                    str(pages_file),
                    "--title",
                    title,
                    "--desc",
                    description,
                    *map(str, warcs),
                ]
            )
    finally:
        with contextlib.suppress(FileNotFoundError):
            pages_file.unlink()
    if status:
        raise ValueError(f"py-wacz could not package {archive_dir}: {chatter.getvalue().strip().splitlines()[-1:]}")
    return [line for line in chatter.getvalue().splitlines() if line.startswith("Invalid passed page")]


def run_wacz(args: argparse.Namespace) -> int:
    root = Path(args.archive)
    out = Path(args.out)
    if out.suffix != ".wacz":
        raise ValueError(f"--out {out}: a WACZ file name ends in .wacz")
    warcs = sorted((root / WARC_SUBDIR).glob("*.warc.gz"))
    if not warcs:
        raise FileNotFoundError(f"no WARC files under {root / WARC_SUBDIR}: nothing to package")
    archive = open_existing_archive(root, args.database)
    try:
        with archive.session() as session:
            pages = list(report_pages(session))
    finally:
        archive.close()
    title = args.title or f"gxcrawl archive {root.resolve().name}"
    description = "政府信息公开工作年度报告 (annual reports on open government information) as crawled by gxcrawl"
    with atomic_files([out], force=args.force) as (temp,):
        unmatched = write_wacz(root, warcs, pages, temp, title=title, description=description)
    for line in unmatched:
        logger.warning("%s", line)
    print(
        f"gxcrawl archive wacz: {len(warcs)} WARC file(s), {len(pages) - len(unmatched)} report page(s) "
        f"written to {out}",
        file=sys.stderr,
    )
    return 0
