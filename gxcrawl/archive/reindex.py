"""Index the records a killed writer flushed to its WARC but never indexed.

A writer killed between flushing a record group and committing its index row leaves a complete record
that the index does not know; a restarted crawl would then archive the same payload again as a full
response. When a file is repaired after its writer died, its unindexed captures are indexed from the WARC
itself (the metadata record carries portal, referer, depth, duration, crawl run).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select
from warcio.timeutils import iso_date_to_datetime

from gxcrawl.archive.index import insert_capture
from gxcrawl.archive.models import Capture, CrawlRun
from gxcrawl.archive.reader import iter_records, read_record

logger = logging.getLogger(__name__)

_MAIN_TYPES = ("response", "revisit", "resource")


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
    methods: dict[str, str] = {}
    for entry, record in iter_records(root / warc_file):
        record_id = entry.headers.get("WARC-Record-ID", "")
        if record.rec_type == "metadata":
            metadata[entry.headers.get("WARC-Concurrent-To", "")] = entry
            continue
        if record.rec_type == "request":
            if record.http_headers is not None:
                methods[entry.headers.get("WARC-Concurrent-To", "")] = record.http_headers.protocol or "GET"
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
        payload = _payload_of(root / warc_file, entry) if main["type"] != "revisit" else b""
        revisit_of = None
        payload_sha256 = hashlib.sha256(payload).hexdigest()
        payload_length = len(payload)
        if main["type"] == "revisit":
            original = connection.execute(
                select(Capture.id, Capture.payload_sha256, Capture.payload_length)
                .where(Capture.warc_record_id == entry.headers.get("WARC-Refers-To", ""))).first()
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
        insert_capture(connection, {
            "url": uri, "final_url": uri, "method": methods.get(record_id, "GET"),
            "fetched_at": _warc_datetime(entry.headers["WARC-Date"]), "status": status or 0,
            "content_type": (http.get_header("Content-Type") if http is not None
                             else entry.headers.get("Content-Type")),
            "payload_sha256": payload_sha256, "payload_length": payload_length, "record_type": main["type"],
            "warc_record_id": record_id, "warc_file": warc_file, "warc_offset": entry.offset,
            "warc_length": entry.length, "revisit_of_id": revisit_of, "portal": meta.get("portal"),
            "crawl_run_id": _existing_run(connection, _int(meta.get("crawlRun"))), "referer": meta.get("via"),
            "depth": _int(meta.get("hopsFromSeed")), "duration": fetch_ms / 1000 if fetch_ms is not None else None,
            "etag": http.get_header("ETag") if http is not None else None,
            "last_modified": http.get_header("Last-Modified") if http is not None else None,
            "blocked_reason": None,
        })
        inserted += 1
    if inserted:
        logger.warning("indexed %d record(s) of %s that a killed writer never indexed", inserted, warc_file)
    return inserted


def _warc_datetime(value: str) -> datetime:
    moment = iso_date_to_datetime(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _existing_run(connection: Connection, run_id: int | None) -> int | None:
    if run_id is None:
        return None
    return connection.scalar(select(CrawlRun.id).where(CrawlRun.id == run_id))


def _payload_of(path: Path, entry: Any) -> bytes:
    return read_record(path, entry.offset, entry.length).wire_payload
