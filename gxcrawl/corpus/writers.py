"""Streaming JSONL and long-form CSV writers, the output file, and the progress bar.

Records arrive as an iterator and leave one by one: nothing here holds more than one record.
"""

from __future__ import annotations

import contextlib
import csv
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

from gxcrawl.corpus.records import CSV_COLUMNS, ExportRow, dumps_jsonl, long_rows


def write_jsonl(records: Iterable[Mapping[str, Any] | ExportRow], out: TextIO) -> int:
    """Write one JSON line per record; returns how many were written."""
    count = 0
    for record in records:
        out.write(record.jsonl() if isinstance(record, ExportRow) else dumps_jsonl(record))
        count += 1
    return count


def write_csv(records: Iterable[Mapping[str, Any] | ExportRow], out: TextIO) -> int:
    """Write the tables of every record in long form (CSV_COLUMNS, header first); returns records written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for record in records:
        writer.writerows(long_rows(record.record() if isinstance(record, ExportRow) else record))
        count += 1
    return count


WRITERS = {"jsonl": write_jsonl, "csv": write_csv}


@contextlib.contextmanager
def open_output(path: str | os.PathLike[str] | None) -> Iterator[TextIO]:
    """stdout for None or "-"; otherwise a temporary file beside `path`, renamed over it only on success,
    so a failed export never leaves a truncated file behind (or clobbers the previous one)."""
    if path is None or str(path) == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(f"--out {target} is a directory; give a file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        # newline="" lets csv write its own line endings; utf-8 without BOM (pandas reads it as is)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def with_progress(items: Iterable[Any], *, total: int | None, desc: str, unit: str = "report") -> Iterator[Any]:
    """`items` unchanged, with a tqdm bar on stderr when stderr is a terminal (quiet in pipes, logs and tests)."""
    if not sys.stderr.isatty():
        yield from items
        return
    from tqdm import tqdm

    with tqdm(items, total=total, desc=desc, unit=unit, file=sys.stderr, dynamic_ncols=True) as bar:
        yield from bar
