"""Streaming writers (JSONL, the flat tables as CSV or Parquet), the output files, and the progress bar.

Records arrive as an iterator and leave one by one: nothing here holds more than one record (Parquet: one batch of
table rows). Output files are written beside their target and renamed over it only when the whole export
succeeded, so a failed export never leaves a truncated file behind (or clobbers the previous one).
"""

from __future__ import annotations

import contextlib
import csv
import os
import secrets
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, TextIO

from gxcrawl.corpus.records import ExportRow, dumps_jsonl
from gxcrawl.corpus.tables import CELLS, FLAT_TABLES, ROWS, FlatTable, cell_rows

PARQUET_BATCH_ROWS = 50_000  # rows of one table held before they are written as one Parquet row group


def write_jsonl(records: Iterable[Mapping[str, Any] | ExportRow], out: TextIO) -> int:
    """Write one JSON line per record; returns how many were written."""
    count = 0
    for record in records:
        out.write(record.jsonl() if isinstance(record, ExportRow) else dumps_jsonl(record))
        count += 1
    return count


def write_csv(records: Iterable[Mapping[str, Any] | ExportRow], out: TextIO) -> int:
    """Write the table cells of every record in long form (the `tables` table, header first); returns records
    written. The CSV of one stream (stdout); `write_tables` writes every flat table."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CELLS.column_names)
    count = 0
    for record in records:
        writer.writerows(cell_rows(record.record() if isinstance(record, ExportRow) else record))
        count += 1
    return count


class TableSink(Protocol):
    def write(self, rows: Iterable[Sequence[Any]]) -> None: ...
    def close(self) -> None: ...


class CsvSink:
    """One flat table as UTF-8 CSV (no BOM; pandas, DuckDB and spreadsheets read it as is); null is empty."""

    suffix = ".csv"

    def __init__(self, path: Path, table: FlatTable) -> None:
        # newline="" lets csv write its own line endings
        self.handle = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed by close()
        self.writer = csv.writer(self.handle, lineterminator="\n")
        self.writer.writerow(table.column_names)

    def write(self, rows: Iterable[Sequence[Any]]) -> None:
        self.writer.writerows(rows)

    def close(self) -> None:
        self.handle.close()


def arrow_schema(table: FlatTable) -> Any:
    import pyarrow as pa

    types = {"string": pa.string(), "int": pa.int64(), "float": pa.float64()}
    return pa.schema([pa.field(name, types[kind]) for name, kind in table.columns])


class ParquetSink:
    """One flat table as a Parquet file (pyarrow, the `analysis` extra), written in row groups of
    PARQUET_BATCH_ROWS rows; column types from the table definition (null where a value is missing)."""

    suffix = ".parquet"

    def __init__(self, path: Path, table: FlatTable) -> None:
        import pyarrow.parquet as pq

        self.schema = arrow_schema(table)
        self.writer = pq.ParquetWriter(str(path), self.schema, compression="zstd")
        self.rows: list[Sequence[Any]] = []

    def write(self, rows: Iterable[Sequence[Any]]) -> None:
        self.rows.extend(rows)
        if len(self.rows) >= PARQUET_BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        columns = list(zip(*self.rows, strict=True)) if self.rows else [() for _ in self.schema]
        batch = pa.record_batch(
            [pa.array(values, type=field.type) for values, field in zip(columns, self.schema, strict=True)],
            schema=self.schema,
        )
        self.writer.write_batch(batch)
        self.rows = []

    def close(self) -> None:
        if self.rows:
            self._flush()
        self.writer.close()


TABLE_FORMATS: dict[str, type[CsvSink] | type[ParquetSink]] = {"csv": CsvSink, "parquet": ParquetSink}


def table_files(directory: str | os.PathLike[str], fmt: str) -> dict[str, Path]:
    """The file of each flat table in an export directory: reports.csv, tables.csv, checks.csv, issues.csv (or
    .parquet)."""
    suffix = TABLE_FORMATS[fmt].suffix
    return {table.name: Path(directory) / f"{table.name}{suffix}" for table in FLAT_TABLES}


def write_tables(records: Iterable[Mapping[str, Any] | ExportRow], sinks: Mapping[str, TableSink]) -> int:
    """Every record's rows into every flat table's sink; returns records written."""
    count = 0
    for record in records:
        decoded = record.record() if isinstance(record, ExportRow) else record
        for name, sink in sinks.items():
            sink.write(ROWS[name](decoded))
        count += 1
    return count


def check_format_available(fmt: str) -> None:
    """Parquet needs pyarrow: a clear error naming the extra to install, before anything is read or written."""
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
            import pyarrow.parquet  # noqa: F401
        except ImportError:
            raise ValueError("--format parquet needs pyarrow: pip install 'gxcrawl[analysis]'") from None


# --- output files ----------------------------------------------------------------------------------------------
def _temp_beside(target: Path) -> Path:
    """A new empty file beside `target`, created as open() creates files: mode 0666 less the process umask.
    (tempfile.mkstemp makes 0600 files, and the rename keeps the mode: exports came out unreadable by others.)"""
    while True:
        temp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.part")
        try:
            os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            return temp
        except FileExistsError:
            continue


@contextlib.contextmanager
def atomic_files(targets: Sequence[Path], *, force: bool = False) -> Iterator[list[Path]]:
    """Temporary files beside `targets`, renamed over them when the block succeeds and removed when it fails.
    A target that exists already is refused unless `force`."""
    for target in targets:
        if target.is_dir():
            raise IsADirectoryError(f"--out {target} is a directory; give a file name")
        if target.exists() and not force:
            raise FileExistsError(f"{target} exists already; add --force to replace it")
    temps: list[Path] = []
    try:
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            temps.append(_temp_beside(target))
        yield temps
        for temp, target in zip(temps, targets, strict=True):
            os.replace(temp, target)
    except BaseException:
        for temp in temps:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
        raise


@contextlib.contextmanager
def open_output(path: str | os.PathLike[str] | None, *, force: bool = True) -> Iterator[TextIO]:
    """stdout for None or "-"; otherwise an atomic file (atomic_files) opened for UTF-8 text."""
    if path is None or str(path) == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    with atomic_files([Path(path)], force=force) as (temp,), open(temp, "w", encoding="utf-8", newline="") as handle:
        yield handle


@contextlib.contextmanager
def open_tables(directory: str | os.PathLike[str], fmt: str, *, force: bool = False) -> Iterator[dict[str, TableSink]]:
    """A sink per flat table in `directory` (created if needed), as atomic files (atomic_files)."""
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise NotADirectoryError(
            f"--out {directory}: --format {fmt} writes a directory of tables "
            f"({', '.join(p.name for p in table_files(directory, fmt).values())}); give a directory"
        )
    files = table_files(directory, fmt)
    sink_class = TABLE_FORMATS[fmt]
    by_name = {t.name: t for t in FLAT_TABLES}
    with atomic_files(list(files.values()), force=force) as temps:
        sinks: dict[str, TableSink] = {}
        try:
            for name, temp in zip(files, temps, strict=True):
                sinks[name] = sink_class(temp, by_name[name])
            yield sinks
        finally:
            for sink in sinks.values():
                sink.close()


def with_progress(items: Iterable[Any], *, total: int | None, desc: str, unit: str = "report") -> Iterator[Any]:
    """`items` unchanged, with a tqdm bar on stderr when stderr is a terminal (quiet in pipes, logs and tests)."""
    if not sys.stderr.isatty():
        yield from items
        return
    from tqdm import tqdm

    with tqdm(items, total=total, desc=desc, unit=unit, file=sys.stderr, dynamic_ncols=True) as bar:
        yield from bar
