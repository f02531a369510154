"""`gxcrawl archive check`: every index row must point at a readable record with the right digest.

Reads every WARC file once with warcio (block and payload digests verified), then checks each Capture and
TextRecord row against what is really at its (file, offset, length). A damaged record is one problem (with
the index rows pointing into it); the records after it are still read, each being its own gzip member.
Problems are named with the file, the offset and what to do; records the index does not know about
are listed as notes (a writer killed
between writing a record and indexing it leaves those; they are harmless).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session

from gxcrawl.archive.models import Capture, TextRecord
from gxcrawl.archive.reader import DEFAULT_MAX_PAYLOAD, PayloadTooLarge, missing_content, read_capped
from gxcrawl.archive.records import request_body_sha256
from gxcrawl.archive.rotation import OPEN_MARKER_SUFFIX, WARC_SUFFIX, Damage, iter_members

WARC_SUBDIR = "warcs"


@dataclass(slots=True)
class FoundRecord:
    length: int
    record_id: str
    rec_type: str
    payload_sha256: str | None
    concurrent_to: str | None = None  # request records: the response/resource they belong to
    request: tuple[str, str | None] | None = None  # request records: (method, request_body_sha256 as indexed)


@dataclass
class CheckReport:
    files: int = 0
    records: int = 0
    rows: int = 0
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _scan_file(
    path: Path, name: str, report: CheckReport, max_payload: int | None, damaged: list[tuple[str, Damage]]
) -> Iterator[tuple[int, FoundRecord]]:
    """Every intact record of one file; damaged stretches go to `damaged` (one problem each, however many
    intact records follow: each record is its own gzip member, so the scan resumes after the damage)."""
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as stream:
        for part in iter_members(path):
            if isinstance(part, Damage):
                damaged.append((name, part))
                continue
            offset = part.offset
            stream.seek(offset)
            try:
                iterator = ArchiveIterator(stream, check_digests=True)
                record = next(iter(iterator))
                try:
                    digest, wire = _read_content(record, max_payload)
                    iterator.read_to_end(record)
                except PayloadTooLarge as exc:  # named once; its index row is not checked further
                    report.records += 1
                    report.errors.append(f"{name}@{offset}: {exc}")
                    yield (
                        offset,
                        FoundRecord(
                            part.length, record.rec_headers.get_header("WARC-Record-ID") or "", record.rec_type, None
                        ),
                    )
                    continue
            except Exception as exc:  # noqa: BLE001 - warcio raises many types on garbage
                damaged.append((name, Damage(offset, part.length, f"not a WARC record ({exc})")))
                continue
            report.records += 1
            if short := missing_content(record):
                report.errors.append(
                    f"{name}@{offset}: truncated record (its content ends {short} bytes short of "
                    f"its Content-Length) — the file is damaged"
                )
            problems = getattr(record, "digest_checker", None)
            for problem in problems.problems if problems else []:
                report.errors.append(f"{name}@{offset}: {problem}")
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            if not uri.isascii():
                report.errors.append(f"{name}@{offset}: WARC-Target-URI is not ASCII ({uri!r}); replay tools reject it")
            found = FoundRecord(
                part.length,
                record.rec_headers.get_header("WARC-Record-ID") or "",
                record.rec_type,
                digest if record.rec_type in ("response", "resource") else None,
            )
            if record.rec_type == "request" and record.http_headers is not None:
                method = (record.http_headers.protocol or "GET").upper()  # the request line's first word
                found.concurrent_to = record.rec_headers.get_header("WARC-Concurrent-To")
                found.request = (method, request_body_sha256(method, wire))
            yield offset, found


def _read_content(record: Any, max_payload: int | None) -> tuple[str, bytes]:
    """The sha256 of a record's content, streamed; the content itself only for a request (its body is small
    and digested as replay digests it). PayloadTooLarge past the read limit."""
    if record.rec_type == "request":
        wire = read_capped(record.raw_stream, max_payload)
        return hashlib.sha256(wire).hexdigest(), wire
    digest, total = hashlib.sha256(), 0
    while chunk := record.raw_stream.read(1 << 16):
        total += len(chunk)
        if max_payload is not None and total > max_payload:
            raise PayloadTooLarge(
                f"record content exceeds the read limit of {max_payload} bytes "
                "(DOWNLOAD_MAXSIZE / $GXCRAWL_DOWNLOAD_MAXSIZE)"
            )
        digest.update(chunk)
    return digest.hexdigest(), b""


def _damage_problem(name: str, part: Damage, root: Path, rows: list[str]) -> str:
    if part.truncated:
        marker = root / WARC_SUBDIR / (name.split("/", 1)[-1] + OPEN_MARKER_SUFFIX)
        how = (
            "left by a killed writer; it is cut off the next time the archive is opened"
            if marker.exists()
            else "the file is damaged"
        )
        problem = f"{name}@{part.offset}: truncated gzip member ({part.length} bytes) — {how}"
    else:
        problem = (
            f"{name}@{part.offset}: damaged record ({part.length} bytes unreadable: {part.reason}); "
            "the records after it are intact"
        )
    if rows:
        shown = ", ".join(rows[:5]) + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")
        problem += f"; index rows pointing into it: {shown}"
    return problem


def check_archive(root: Path, engine: Engine, *, max_payload: int | None = DEFAULT_MAX_PAYLOAD) -> CheckReport:
    """`max_payload`: the read limit (the download's); a record over it is a problem of that record."""
    report = CheckReport()
    found: dict[tuple[str, int], FoundRecord] = {}
    damaged: list[tuple[str, Damage]] = []
    directory = root / WARC_SUBDIR
    for path in sorted(directory.glob("*" + WARC_SUFFIX)) if directory.is_dir() else []:
        report.files += 1
        name = f"{WARC_SUBDIR}/{path.name}"
        for offset, scanned_record in _scan_file(path, name, report, max_payload, damaged):
            found[(name, offset)] = scanned_record
    # index rows pointing into a damaged stretch are named with it, not reported once more each
    inside: dict[tuple[str, int], list[str]] = {(name, part.offset): [] for name, part in damaged}

    def in_damage(warc_file: str, offset: int, what: str) -> bool:
        for name, part in damaged:
            if name == warc_file and part.offset <= offset < part.offset + part.length:
                inside[(name, part.offset)].append(what)
                return True
        return False

    if "capture" not in inspect(engine).get_table_names():
        report.errors.extend(_damage_problem(name, part, root, []) for name, part in damaged)
        report.errors.append(f"no index tables in {engine.url!r}: run `gxcrawl archive init`")
        return report
    indexed: set[tuple[str, int]] = set()
    scanned = (
        {name for name, _ in found} | {f"{WARC_SUBDIR}/{p.name}" for p in directory.glob("*" + WARC_SUFFIX)}
        if directory.is_dir()
        else set()
    )
    missing_files: dict[str, int] = {}  # one message per missing file, not one per row
    requests = {r.concurrent_to: r.request for r in found.values() if r.request is not None and r.concurrent_to}
    with Session(engine) as session:
        originals = {}
        for capture in session.scalars(select(Capture).order_by(Capture.id)):
            report.rows += 1
            key = (capture.warc_file, capture.warc_offset)
            indexed.add(key)
            where = f"capture {capture.id} ({capture.url}) -> {capture.warc_file}@{capture.warc_offset}"
            if capture.warc_file not in scanned:
                missing_files[capture.warc_file] = missing_files.get(capture.warc_file, 0) + 1
                originals[capture.id] = capture
                continue
            record = found.get(key)
            if record is None:
                if not in_damage(capture.warc_file, capture.warc_offset, f"capture {capture.id} ({capture.url})"):
                    report.errors.append(f"{where}: no record starts there (wrong offset)")
                continue
            if record.length != capture.warc_length:
                report.errors.append(f"{where}: length {capture.warc_length} in the index, {record.length} in the file")
            if record.record_id != capture.warc_record_id or record.rec_type != capture.record_type:
                report.errors.append(
                    f"{where}: index says {capture.record_type} {capture.warc_record_id}, "
                    f"file has {record.rec_type} {record.record_id}"
                )
            elif record.payload_sha256 is not None and record.payload_sha256 != capture.payload_sha256:
                report.errors.append(f"{where}: payload sha256 {record.payload_sha256} differs from the index")
            _check_request(capture, requests.get(capture.warc_record_id), where, report)
            originals[capture.id] = capture
        for capture in originals.values():
            if capture.record_type == "revisit":
                original = originals.get(capture.revisit_of_id) if capture.revisit_of_id else None
                if original is None or original.record_type != "response":
                    report.errors.append(
                        f"revisit capture {capture.id} ({capture.url}): its original "
                        f"{capture.revisit_of_id} is not an indexed response"
                    )
                elif original.payload_sha256 != capture.payload_sha256:
                    report.errors.append(
                        f"revisit capture {capture.id}: payload digest differs from original {original.id}"
                    )
        for text in session.scalars(select(TextRecord).order_by(TextRecord.id)):
            report.rows += 1
            key = (text.warc_file, text.warc_offset)
            indexed.add(key)
            if text.warc_file not in scanned:
                missing_files[text.warc_file] = missing_files.get(text.warc_file, 0) + 1
                continue
            record = found.get(key)
            if record is None and in_damage(text.warc_file, text.warc_offset, f"text record {text.id}"):
                continue
            if record is None or record.record_id != text.warc_record_id or record.length != text.warc_length:
                report.errors.append(
                    f"text record {text.id} -> {text.warc_file}@{text.warc_offset}: no matching record there"
                )
    report.errors[:0] = [_damage_problem(name, part, root, inside[(name, part.offset)]) for name, part in damaged]
    for name, rows in sorted(missing_files.items()):
        report.errors.append(
            f"{name}: file missing from {root} ({rows} index row(s) point into it); restore it "
            "from a backup, or the index belongs to another archive directory (--archive)"
        )
    for (name, offset), record in sorted(found.items()):
        if record.rec_type in ("response", "revisit", "resource", "conversion") and (name, offset) not in indexed:
            report.notes.append(f"{name}@{offset}: {record.rec_type} {record.record_id} is not in the index")
    return report


def _check_request(capture: Capture, request: tuple[str, str | None] | None, where: str, report: CheckReport) -> None:
    """The index's method and request-body digest (what replay matches a request on) against the WARC request
    record written with the capture (none for a rendered `resource`, or when a killed writer lost it)."""
    if request is None:
        return
    method, body_sha256 = request
    if method != capture.method:
        report.errors.append(f"{where}: method {capture.method} in the index, {method} in its request record")
    elif capture.request_body_sha256 is None and body_sha256 is not None:
        report.notes.append(
            f"{where}: request-body digest unknown in the index (replay falls back to the URL); "
            "`gxcrawl archive init` fills it in from the request record"
        )
    elif capture.request_body_sha256 != body_sha256:
        report.errors.append(
            f"{where}: request-body sha256 {capture.request_body_sha256} in the index, "
            f"{body_sha256} in its request record (replay would answer the wrong request)"
        )
