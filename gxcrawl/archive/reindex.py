"""Index the records a killed writer flushed to its WARC but never indexed.

A writer killed between flushing a record group and committing its index row leaves a complete record
that the index does not know; a restarted crawl would then archive the same payload again as a full
response. When a file is repaired after its writer died, its unindexed captures are indexed from the WARC
itself (the metadata record carries portal, referer, depth, duration, crawl run; the request record the method
and, for a non-GET request, the body whose digest tells one API page from another).

`rebuild_index` (`gxcrawl archive reindex`) rebuilds a lost index from the WARC files alone.

`backfill_request_digests` gives the non-GET captures of an index made before request digests existed
(migration 0002) the digest of the body in their request record.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, select, update
from warcio.timeutils import iso_date_to_datetime

from gxcrawl.archive.database import with_retries
from gxcrawl.archive.index import insert_capture, insert_text_record, record_document, store_report
from gxcrawl.archive.models import Capture, CrawlRun, TextRecord
from gxcrawl.archive.reader import (
    DEFAULT_MAX_PAYLOAD,
    RecordEntry,
    RecordNotFound,
    iter_records,
    read_record,
    read_record_at,
)
from gxcrawl.archive.records import request_body_sha256, sha256_hex
from gxcrawl.archive.rotation import WARC_SUFFIX, Damage
from gxcrawl.archive.validate import InvalidExchange, clean_capture_row
from gxcrawl.archive.writer import RecordLocation

logger = logging.getLogger(__name__)

_MAIN_TYPES = ("response", "revisit", "resource")
WARC_SUBDIR = "warcs"


def _fields(payload: bytes) -> dict[str, str]:
    out = {}
    for line in payload.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(": ")
        if sep:
            out[name] = value
    return out


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def index_orphans(root: Path, warc_file: str, connection: Connection) -> int:
    """Insert Capture rows for the complete, unindexed response/revisit/resource records of one file."""
    known = set(connection.scalars(select(Capture.warc_record_id).where(Capture.warc_file == warc_file)))
    mains: list[dict[str, Any]] = []
    metadata: dict[str, Any] = {}  # main record id -> its metadata record's entry (read only if needed)
    requests: dict[str, tuple[str, Any]] = {}  # main record id -> (method, request record entry)
    for entry, record in iter_records(root / warc_file):
        record_id = entry.headers.get("WARC-Record-ID", "")
        if record.rec_type == "metadata":
            metadata[entry.headers.get("WARC-Concurrent-To", "")] = entry
            continue
        if record.rec_type == "request":
            if record.http_headers is not None:
                method = (record.http_headers.protocol or "GET").upper()
                requests[entry.headers.get("WARC-Concurrent-To", "")] = (method, entry)
            continue
        if record.rec_type not in _MAIN_TYPES or record_id in known:
            continue
        http = record.http_headers if record.rec_type != "resource" else None
        mains.append({"entry": entry, "type": record.rec_type, "http": http})

    inserted = 0
    for main in mains:
        entry, http = main["entry"], main["http"]
        record_id = entry.headers["WARC-Record-ID"]
        uri = entry.headers.get("WARC-Target-URI", "")
        try:
            payload = _payload_of(root / warc_file, entry) if main["type"] != "revisit" else b""
        except RecordNotFound as exc:  # over the read limit: left unindexed, `check` names it
            logger.error("not indexing %s@%d: %s", warc_file, entry.offset, exc)
            continue
        revisit_of = None
        payload_sha256 = hashlib.sha256(payload).hexdigest()
        payload_length = len(payload)
        if main["type"] == "revisit":
            original = connection.execute(
                select(Capture.id, Capture.payload_sha256, Capture.payload_length).where(
                    Capture.warc_record_id == entry.headers.get("WARC-Refers-To", "")
                )
            ).first()
            if original is None:
                continue  # its original is unknown too: nothing sound to point at
            revisit_of, payload_sha256 = original.id, original.payload_sha256
            payload_length = original.payload_length
        meta_entry = metadata.get(record_id)
        meta = _fields(_payload_of(root / warc_file, meta_entry)) if meta_entry is not None else {}
        status = _int(http.get_statuscode()) if http is not None else None
        if status is None and main["type"] == "resource":
            status = 200  # a rendered DOM carries no status line
        fetch_ms = _int(meta.get("fetchTimeMs"))
        method, request_entry = requests.get(record_id, ("GET", None))
        # a non-GET request's body is read back only when there is one to digest
        body_sha256 = (
            None
            if request_entry is None
            else request_body_sha256(method, _payload_of(root / warc_file, request_entry) if method != "GET" else None)
        )
        values = {
            "url": uri,
            "final_url": uri,
            "method": method,
            "request_body_sha256": body_sha256,
            "fetched_at": _warc_datetime(entry.headers["WARC-Date"]),
            "status": status or 0,
            "content_type": (
                http.get_header("Content-Type") if http is not None else entry.headers.get("Content-Type")
            ),
            "payload_sha256": payload_sha256,
            "payload_length": payload_length,
            "record_type": main["type"],
            "warc_record_id": record_id,
            "warc_file": warc_file,
            "warc_offset": entry.offset,
            "warc_length": entry.length,
            "revisit_of_id": revisit_of,
            "portal": meta.get("portal"),
            "crawl_run_id": _existing_run(connection, _int(meta.get("crawlRun"))),
            "referer": meta.get("via"),
            "depth": _int(meta.get("hopsFromSeed")),
            "duration": fetch_ms / 1000 if fetch_ms is not None else None,
            "etag": http.get_header("ETag") if http is not None else None,
            "last_modified": http.get_header("Last-Modified") if http is not None else None,
            "blocked_reason": None,
        }
        try:
            insert_capture(connection, clean_capture_row(values))
        except InvalidExchange as exc:  # what the crawl refused to index is not indexed now either
            logger.warning("not indexing %s@%d (%s): %s", warc_file, entry.offset, uri, exc)
            continue
        inserted += 1
    if inserted:
        logger.warning("indexed %d record(s) of %s that a killed writer never indexed", inserted, warc_file)
    return inserted


def _warc_datetime(value: str) -> datetime:
    moment: datetime = iso_date_to_datetime(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _existing_run(connection: Connection, run_id: int | None) -> int | None:
    if run_id is None:
        return None
    return connection.scalar(select(CrawlRun.id).where(CrawlRun.id == run_id))


def _payload_of(path: Path, entry: Any) -> bytes:
    return read_record(path, entry.offset, entry.length, decode=False).wire_payload


_SET_REQUEST_DIGEST = (
    update(Capture).where(Capture.id == bindparam("row_id")).values(request_body_sha256=bindparam("digest"))
)


def backfill_request_digests(root: Path, connection: Connection) -> int:
    """Give the non-GET captures indexed without a request-body digest (before migration 0002) the digest of the
    body in their WARC request record: the record after the capture's own, in the same group. Captures whose
    request record cannot be read keep NULL (replay then falls back to their URL). Returns how many were set."""
    rows = connection.execute(
        select(
            Capture.id,
            Capture.method,
            Capture.warc_record_id,
            Capture.warc_file,
            Capture.warc_offset,
            Capture.warc_length,
        )
        .where(Capture.method != "GET", Capture.request_body_sha256.is_(None), Capture.record_type != "resource")
        .order_by(Capture.id)
    ).all()
    found: list[dict[str, Any]] = []
    for row in rows:
        try:
            request = read_record_at(root / row.warc_file, row.warc_offset + row.warc_length, decode=False)
        except RecordNotFound as exc:
            logger.warning("capture %d: no request record after it (%s); its body stays unknown", row.id, exc)
            continue
        if request.rec_type != "request" or request.headers.get("WARC-Concurrent-To") != row.warc_record_id:
            logger.warning("capture %d: the record after it is not its request; its body stays unknown", row.id)
            continue
        found.append({"row_id": row.id, "digest": request_body_sha256(row.method, request.wire_payload)})
    if found:
        connection.execute(_SET_REQUEST_DIGEST, found)
        logger.info("read the request-body digest of %d earlier non-GET capture(s) from their WARC records", len(found))
    return len(found)


ParseFn = Callable[..., tuple[dict[str, Any], str]]  # (payload, url=, content_type=) -> (record, text)


@dataclass
class RebuildSummary:
    files: int = 0
    captures: int = 0  # capture rows added from response/revisit/resource records
    texts: int = 0  # text rows added from conversion records
    reports: int = 0  # reports stored (documents re-parsed from the captures their texts refer to)
    damaged: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def rebuild_index(
    root: Path,
    engine: Engine,
    parse: ParseFn | None,
    *,
    parser_version: str = "",
    text_sha256: Callable[[str], str] | None = None,
    max_payload: int | None = DEFAULT_MAX_PAYLOAD,
) -> RebuildSummary:
    """Index every record of the WARC files under `root` that the index does not hold (a deleted or lost
    index; safe on a partial one). Captures come from the response/revisit/resource records (metadata and
    request records give portal, referer, depth, method, request digest); every `conversion` record (the text
    of a report the crawl parsed) is indexed as a text of its capture, and with `parse` the capture's payload is
    parsed again to rebuild the document and its report, as the crawl stored them. Files in name order (their
    names start with the time they were opened), so revisits find their originals and versions keep their order.
    """
    summary = RebuildSummary()
    directory = root / WARC_SUBDIR
    names = [f"{WARC_SUBDIR}/{p.name}" for p in sorted(directory.glob("*" + WARC_SUFFIX))] if directory.is_dir() else []
    summary.files = len(names)
    for name in names:

        def add_captures(name: str = name) -> int:
            with engine.begin() as connection:
                return index_orphans(root, name, connection)

        summary.captures += with_retries(add_captures, f"indexing the records of {name}")
    for name in names:

        def note_damage(part: Damage, name: str = name) -> None:
            summary.damaged.append(f"{name}@{part.offset}: {part.length} bytes skipped ({part.reason})")

        texts = [
            entry
            for entry, record in iter_records(root / name, on_damage=note_damage)
            if record.rec_type == "conversion"
        ]
        for entry in texts:

            def add_text(entry: RecordEntry = entry, name: str = name) -> tuple[int, int]:
                return _index_text(root, engine, name, entry, parse, parser_version, text_sha256, max_payload)

            try:
                stored = with_retries(add_text, f"indexing the text at {name}@{entry.offset}")
            except (RecordNotFound, ValueError) as exc:
                summary.failed.append(f"{name}@{entry.offset}: {exc}")
                continue
            summary.texts += stored[0]
            summary.reports += stored[1]
    return summary


def _index_text(
    root: Path,
    engine: Engine,
    name: str,
    entry: RecordEntry,
    parse: ParseFn | None,
    parser_version: str,
    text_sha256: Callable[[str], str] | None,
    max_payload: int | None,
) -> tuple[int, int]:
    record_id = entry.headers.get("WARC-Record-ID", "")
    with engine.begin() as connection:
        if connection.scalar(select(TextRecord.id).where(TextRecord.warc_record_id == record_id)) is not None:
            return 0, 0
        capture = connection.execute(
            select(Capture).where(Capture.warc_record_id == entry.headers.get("WARC-Refers-To", ""))
        ).first()
        if capture is None:
            raise ValueError("the capture it refers to is not in the index")
        text_bytes = read_record(
            root / name, entry.offset, entry.length, max_payload=max_payload, decode=False
        ).wire_payload
        reports = 0
        if parse is not None:
            holder = capture
            if capture.record_type == "revisit" and capture.revisit_of_id is not None:
                original = connection.execute(select(Capture).where(Capture.id == capture.revisit_of_id)).first()
                if original is None:
                    raise ValueError(
                        f"the original capture {capture.revisit_of_id} of revisit {capture.id} is not in the index"
                    )
                holder = original
            payload = read_record(
                root / holder.warc_file, holder.warc_offset, holder.warc_length, max_payload=max_payload
            ).payload
            try:
                record, text = parse(payload, url=capture.final_url or capture.url, content_type=capture.content_type)
            except Exception as exc:  # noqa: BLE001 - any parser failure costs this document only
                raise ValueError(f"cannot parse capture {capture.id} ({capture.url}): {exc}") from exc
            record = {**record, "parser_version": record.get("parser_version") or parser_version}
            digest = record.get("text_sha256") or (text_sha256(text) if text_sha256 else sha256_hex(text.encode()))
            outcome = record_document(
                connection,
                text_sha256=digest,
                url=capture.url,
                portal=capture.portal,
                capture_id=capture.id,
                seen_at=capture.fetched_at,
            )
            reports = int(
                store_report(
                    connection,
                    document_id=outcome.document_id,
                    parser_version=str(record["parser_version"]),
                    record=record,
                    capture_id=capture.id,
                    new_document=outcome.new_document,
                )
            )
        insert_text_record(
            connection,
            capture.id,
            "conversion",
            sha256_hex(text_bytes),
            RecordLocation(warc_file=name, offset=entry.offset, length=entry.length, record_id=record_id),
        )
        return 1, reports
