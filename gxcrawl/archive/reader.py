"""Read WARC records back: one record by (file, offset, length), or every record of a file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader, DecompressingBufferedReader
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders


class RecordNotFound(LookupError):
    """The index points at bytes that are not a readable WARC record."""


@dataclass(slots=True)
class LoadedRecord:
    """A record read fully into memory (its stream is consumed)."""

    rec_type: str
    headers: dict[str, str]           # WARC headers (first value of each)
    http_status: int | None
    http_reason: str | None
    http_protocol: str | None
    http_headers: list[tuple[str, str]]  # as stored, repeated values kept
    wire_payload: bytes               # the payload as stored (Content-Encoding still applied)
    payload: bytes                    # Content-Encoding (and chunking) removed


def _load(record: ArcWarcRecord) -> LoadedRecord:
    http = record.http_headers
    status = reason = protocol = None
    pairs: list[tuple[str, str]] = []
    if http is not None and record.rec_type in ("response", "revisit"):
        code = http.get_statuscode()
        status = int(code) if code and code.isdigit() else None
        parts = http.statusline.split(" ", 1)
        reason = parts[1] if len(parts) > 1 else ""
        protocol = http.protocol
        pairs = list(http.headers)
    elif http is not None:
        pairs = list(http.headers)
    raw = record.raw_stream.read()
    decoded = _decode_payload(raw, http) if http is not None else raw
    headers = {name: value for name, value in reversed(record.rec_headers.headers)}
    return LoadedRecord(rec_type=record.rec_type, headers=headers, http_status=status, http_reason=reason,
                        http_protocol=protocol, http_headers=pairs, wire_payload=raw, payload=decoded)


def _decode_payload(raw: bytes, http: StatusAndHeaders) -> bytes:
    encoding = (http.get_header("Content-Encoding") or "").strip().lower()
    chunked = (http.get_header("Transfer-Encoding") or "").strip().lower() == "chunked"
    decomp = encoding if encoding in ("gzip", "deflate", "br") else None
    if not decomp and not chunked:
        return raw
    try:
        if chunked:
            reader = ChunkedDataReader(BytesIO(raw), decomp_type=decomp)
        else:
            reader = DecompressingBufferedReader(BytesIO(raw), decomp_type=decomp)
        return reader.read()
    except Exception:  # noqa: BLE001 - mislabelled encodings happen on real servers; keep the bytes
        return raw


def read_record(path: Path, offset: int, length: int) -> LoadedRecord:
    """The record stored at `offset` in `path` (`length` compressed bytes)."""
    try:
        with open(path, "rb") as stream:
            stream.seek(offset)
            data = stream.read(length)
    except FileNotFoundError as exc:
        raise RecordNotFound(f"{path}: file missing (run `gxcrawl archive check`)") from exc
    if len(data) != length:
        raise RecordNotFound(f"{path}@{offset}: only {len(data)} of {length} bytes present "
                             "(truncated file? run `gxcrawl archive check`)")
    try:
        for record in ArchiveIterator(BytesIO(data)):
            return _load(record)
    except Exception as exc:  # noqa: BLE001 - warcio raises several types for garbage
        raise RecordNotFound(f"{path}@{offset}: not a WARC record ({exc}); run `gxcrawl archive check`") from exc
    raise RecordNotFound(f"{path}@{offset}: no record there; run `gxcrawl archive check`")


def read_record_at(path: Path, offset: int) -> LoadedRecord:
    """The record starting at `offset` in `path`, its length unknown (e.g. the one after a known record)."""
    try:
        with open(path, "rb") as stream:
            stream.seek(offset)
            for record in ArchiveIterator(stream):
                return _load(record)
    except FileNotFoundError as exc:
        raise RecordNotFound(f"{path}: file missing (run `gxcrawl archive check`)") from exc
    except Exception as exc:  # noqa: BLE001 - warcio raises several types for garbage
        raise RecordNotFound(f"{path}@{offset}: not a WARC record ({exc}); run `gxcrawl archive check`") from exc
    raise RecordNotFound(f"{path}@{offset}: no record there")


@dataclass(slots=True)
class RecordEntry:
    offset: int
    length: int
    rec_type: str
    headers: dict[str, str]


def iter_records(path: Path, *, check_digests: bool = False) -> Iterator[tuple[RecordEntry, ArcWarcRecord]]:
    """Every record of a WARC file with its compressed offset/length (the record's payload is consumed;
    re-read it with `read_record` if needed). Streams: no file is loaded into memory."""
    with open(path, "rb") as stream:
        iterator = ArchiveIterator(stream, check_digests=check_digests)
        for record in iterator:
            iterator.read_to_end(record)  # consume, so offset/length are known
            entry = RecordEntry(offset=iterator.get_record_offset(), length=iterator.get_record_length(),
                                rec_type=record.rec_type,
                                headers={k: v for k, v in reversed(record.rec_headers.headers)})
            yield entry, record
