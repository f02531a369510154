"""Read WARC records back: one record by (file, offset, length), or every record of a file.

Every read is capped: a record's content, and its payload once Content-Encoding is removed, may not exceed
`max_payload` bytes (the download's limit, Scrapy's DOWNLOAD_MAXSIZE: a body the live crawl would refuse
is refused here too, with PayloadTooLarge, instead of being inflated whole into memory).
"""

from __future__ import annotations

import logging
import os
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders

from gxcrawl.archive.rotation import Damage, Member, iter_members

logger = logging.getLogger(__name__)

DEFAULT_MAX_PAYLOAD = 1024 * 1024 * 1024  # Scrapy's DOWNLOAD_MAXSIZE default
MAX_PAYLOAD_ENV = "GXCRAWL_DOWNLOAD_MAXSIZE"
_CHUNK = 1 << 16


class RecordNotFound(LookupError):
    """The index points at bytes that are not a readable WARC record."""


class PayloadTooLarge(RecordNotFound):
    """A record whose content, or payload once decoded, exceeds the read limit."""


def resolve_max_payload(value: int | str | None = None) -> int | None:
    """The read limit in bytes: `value` -> $GXCRAWL_DOWNLOAD_MAXSIZE -> 1 GiB; 0 means no limit (as Scrapy's
    DOWNLOAD_MAXSIZE). None: no limit."""
    source = "max_payload"
    if value is None:
        value, source = os.environ.get(MAX_PAYLOAD_ENV) or DEFAULT_MAX_PAYLOAD, MAX_PAYLOAD_ENV
    try:
        limit = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{source}={value!r} is not a number of bytes (e.g. {DEFAULT_MAX_PAYLOAD})") from None
    if limit < 0:
        raise ValueError(f"{source}={value!r} must be 0 (no limit) or a positive number of bytes")
    return limit or None


def _too_large(what: str, limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"{what} exceeds the read limit of {limit} bytes (DOWNLOAD_MAXSIZE / ${MAX_PAYLOAD_ENV}); not decoded"
    )


def read_capped(stream: IO[bytes], limit: int | None, what: str = "record content") -> bytes:
    """All of `stream`, or PayloadTooLarge as soon as it passes `limit` bytes."""
    if limit is None:
        return stream.read()
    parts: list[bytes] = []
    total = 0
    while chunk := stream.read(min(_CHUNK, limit + 1 - total) or 1):
        total += len(chunk)
        if total > limit:
            raise _too_large(what, limit)
        parts.append(chunk)
    return b"".join(parts)


@dataclass(slots=True)
class LoadedRecord:
    """A record read fully into memory (its stream is consumed)."""

    rec_type: str
    headers: dict[str, str]  # WARC headers (first value of each)
    http_status: int | None
    http_reason: str | None
    http_protocol: str | None
    http_headers: list[tuple[str, str]]  # as stored, repeated values kept
    wire_payload: bytes  # the payload as stored (Content-Encoding still applied)
    payload: bytes  # Content-Encoding (and chunking) removed; b"" when read with decode=False


def missing_content(record: ArcWarcRecord) -> int:
    """How many bytes of its Content-Length a consumed record's content fell short by (0: complete). A gzip member
    can be intact around a record cut short inside it."""
    return max(getattr(record.raw_stream, "limit", 0) or 0, 0)


def _truncated(record: ArcWarcRecord) -> str:
    length = record.rec_headers.get_header("Content-Length")
    return f"truncated record: its content ends {missing_content(record)} bytes short of its Content-Length {length}"


def _load(record: ArcWarcRecord, max_payload: int | None, decode: bool = True) -> LoadedRecord:
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
    raw = read_capped(record.raw_stream, max_payload)
    if missing_content(record):
        raise RecordNotFound(_truncated(record))
    decoded = b""
    if decode:
        decoded = _decode_payload(raw, http, max_payload) if http is not None else raw
    headers = {name: value for name, value in reversed(record.rec_headers.headers)}
    return LoadedRecord(
        rec_type=record.rec_type,
        headers=headers,
        http_status=status,
        http_reason=reason,
        http_protocol=protocol,
        http_headers=pairs,
        wire_payload=raw,
        payload=decoded,
    )


def _inflate(data: bytes, wbits: int, limit: int | None) -> bytes:
    """zlib data (gzip members one after another, or one zlib/raw deflate stream), `limit` bytes at most."""
    out: list[bytes] = []
    total = 0
    first = True
    while data:
        inflater = zlib.decompressobj(wbits)
        pending = data
        while pending:
            try:
                piece = inflater.decompress(pending, _CHUNK)
            except zlib.error:
                if first:
                    raise
                return b"".join(out)  # garbage after a complete member: keep what was decoded
            total += len(piece)
            if limit is not None and total > limit:
                raise _too_large("the decoded payload", limit)
            out.append(piece)
            if inflater.eof:
                break
            pending = inflater.unconsumed_tail
        while not inflater.eof and (piece := inflater.decompress(b"", _CHUNK)):  # what zlib still holds
            total += len(piece)
            if limit is not None and total > limit:
                raise _too_large("the decoded payload", limit)
            out.append(piece)
        data = inflater.unused_data if wbits & 16 and inflater.eof else b""
        first = False
        if data.strip(b"\0") == b"":  # padding after the last member
            break
    return b"".join(out)


def _unbrotli(data: bytes, limit: int | None) -> bytes:
    try:
        import brotli
    except ImportError:  # pragma: no cover - Scrapy brings one of the two
        import brotlicffi as brotli
    decompressor = brotli.Decompressor()
    out, total = [], 0
    piece = decompressor.process(data, output_buffer_limit=_CHUNK)
    while True:
        total += len(piece)
        if limit is not None and total > limit:
            raise _too_large("the decoded payload", limit)
        out.append(piece)
        if decompressor.is_finished() or not piece:
            break
        piece = decompressor.process(b"", output_buffer_limit=_CHUNK)
    return b"".join(out)


def decode_content(raw: bytes, encoding: str, limit: int | None) -> bytes:
    """`raw` with one Content-Encoding (gzip, deflate, br) removed, `limit` decoded bytes at most."""
    if encoding in ("gzip", "x-gzip"):
        return _inflate(raw, zlib.MAX_WBITS | 16, limit)
    if encoding == "deflate":
        try:
            return _inflate(raw, zlib.MAX_WBITS, limit)
        except zlib.error:  # raw deflate, as some servers send it
            return _inflate(raw, -zlib.MAX_WBITS, limit)
    if encoding == "br":
        return _unbrotli(raw, limit)
    return raw


def _decode_payload(raw: bytes, http: StatusAndHeaders, limit: int | None) -> bytes:
    encoding = (http.get_header("Content-Encoding") or "").strip().lower()
    chunked = (http.get_header("Transfer-Encoding") or "").strip().lower() == "chunked"
    if encoding not in ("gzip", "x-gzip", "deflate", "br") and not chunked:
        return raw
    try:
        if chunked:
            raw = ChunkedDataReader(BytesIO(raw)).read()
        return decode_content(raw, encoding, limit)
    except PayloadTooLarge:
        raise
    except Exception:  # noqa: BLE001 - mislabelled encodings happen on real servers; keep the bytes
        return raw


def read_record(
    path: Path, offset: int, length: int, *, max_payload: int | None = DEFAULT_MAX_PAYLOAD, decode: bool = True
) -> LoadedRecord:
    """The record stored at `offset` in `path` (`length` compressed bytes). `decode=False` leaves `payload`
    empty (only the stored bytes are wanted). PayloadTooLarge past `max_payload` bytes."""
    try:
        with open(path, "rb") as stream:
            return _read_from(stream, path, offset, length, max_payload, decode)
    except FileNotFoundError as exc:
        raise RecordNotFound(f"{path}: file missing (run `gxcrawl archive check`)") from exc


def _read_from(
    stream: Any, path: Path, offset: int, length: int, max_payload: int | None, decode: bool
) -> LoadedRecord:
    stream.seek(offset)
    data = stream.read(length)
    if len(data) != length:
        raise RecordNotFound(
            f"{path}@{offset}: only {len(data)} of {length} bytes present (truncated file? run `gxcrawl archive check`)"
        )
    try:
        for record in ArchiveIterator(BytesIO(_whole_member(data, max_payload))):
            return _load(record, max_payload, decode)
    except PayloadTooLarge as exc:
        raise PayloadTooLarge(f"{path}@{offset}: {exc}") from None
    except RecordNotFound as exc:
        raise RecordNotFound(f"{path}@{offset}: {exc}; run `gxcrawl archive check`") from None
    except Exception as exc:  # noqa: BLE001 - warcio raises several types for garbage
        raise RecordNotFound(f"{path}@{offset}: not a WARC record ({exc}); run `gxcrawl archive check`") from exc
    raise RecordNotFound(f"{path}@{offset}: no record there; run `gxcrawl archive check`")


#: room for a record's WARC and HTTP headers on top of the payload limit when a member is inflated whole
_HEADER_ROOM = 1024 * 1024


def _whole_member(data: bytes, max_payload: int | None) -> bytes:
    """The record in the gzip member `data`, inflated and checked to its end (its CRC and length). warcio alone
    would stop at the record's Content-Length before the trailer, and on a damaged first block it reads the
    compressed bytes as an uncompressed record. Data that is not gzip (an uncompressed WARC) and a member that
    inflates past the payload limit are left to warcio, which streams them and stops at the limit."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    limit = None if max_payload is None else max_payload + _HEADER_ROOM
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    out: list[bytes] = []
    total = 0
    pending = data
    try:
        while not inflater.eof:
            piece = inflater.decompress(pending, _CHUNK)
            if not piece and not pending:
                break  # input used up and nothing more held back: the member ends early
            total += len(piece)
            if limit is not None and total > limit:
                return data
            out.append(piece)
            pending = inflater.unconsumed_tail
    except zlib.error as exc:
        raise RecordNotFound(f"damaged record (gzip: {exc})") from None
    if not inflater.eof:
        raise RecordNotFound("damaged record (gzip member cut short)")
    return b"".join(out)


class RecordReader:
    """`read_record` for many records: each WARC file is opened once and kept open (the few most recent), so
    reading records file by file, in offset order, costs one open per file instead of one per record."""

    def __init__(self, root: Path, *, max_payload: int | None = DEFAULT_MAX_PAYLOAD, max_open: int = 8) -> None:
        self.root = Path(root)
        self.max_payload = max_payload
        self.max_open = max_open
        self._open: dict[str, Any] = {}

    def read(self, file: str, offset: int, length: int) -> LoadedRecord:
        """The record at `offset` of `file` (relative to the archive root)."""
        path = self.root / file
        stream = self._open.pop(file, None)
        if stream is None:
            try:
                stream = open(path, "rb")  # noqa: SIM115 - kept open across reads, closed by close()
            except FileNotFoundError as exc:
                raise RecordNotFound(f"{path}: file missing (run `gxcrawl archive check`)") from exc
            while len(self._open) >= self.max_open:
                self._open.pop(next(iter(self._open))).close()
        self._open[file] = stream  # most recently used last
        return _read_from(stream, path, offset, length, self.max_payload, True)

    def close(self) -> None:
        while self._open:
            self._open.popitem()[1].close()

    def __enter__(self) -> RecordReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_record_at(
    path: Path, offset: int, *, max_payload: int | None = DEFAULT_MAX_PAYLOAD, decode: bool = True
) -> LoadedRecord:
    """The record starting at `offset` in `path`, its length unknown (e.g. the one after a known record)."""
    try:
        with open(path, "rb") as stream:
            stream.seek(offset)
            for record in ArchiveIterator(stream):
                return _load(record, max_payload, decode)
    except FileNotFoundError as exc:
        raise RecordNotFound(f"{path}: file missing (run `gxcrawl archive check`)") from exc
    except PayloadTooLarge as exc:
        raise PayloadTooLarge(f"{path}@{offset}: {exc}") from None
    except RecordNotFound as exc:
        raise RecordNotFound(f"{path}@{offset}: {exc}; run `gxcrawl archive check`") from None
    except Exception as exc:  # noqa: BLE001 - warcio raises several types for garbage
        raise RecordNotFound(f"{path}@{offset}: not a WARC record ({exc}); run `gxcrawl archive check`") from exc
    raise RecordNotFound(f"{path}@{offset}: no record there")


@dataclass(slots=True)
class RecordEntry:
    offset: int
    length: int
    rec_type: str
    headers: dict[str, str]


def iter_records(
    path: Path, *, check_digests: bool = False, on_damage: Callable[[Damage], None] | None = None
) -> Iterator[tuple[RecordEntry, ArcWarcRecord]]:
    """Every intact record of a WARC file with its compressed offset/length (the record's payload is consumed;
    re-read it with `read_record` if needed). A damaged record (a cut gzip member, garbage, a record cut short
    inside its member and, with `check_digests`, one whose block or payload digest fails) is skipped (passed to
    `on_damage`, else logged) and the records after it are still found: each record is its own gzip member.
    Streams: no file is loaded into memory."""
    report = on_damage or (
        lambda part: logger.warning("%s@%d: %d damaged bytes skipped (%s)", path, part.offset, part.length, part.reason)
    )
    with open(path, "rb") as stream:
        for part in iter_members(path):
            if isinstance(part, Damage):
                report(part)
                continue
            record = _record_in(stream, part, check_digests, report)
            if record is not None:
                entry = RecordEntry(
                    offset=part.offset,
                    length=part.length,
                    rec_type=record.rec_type,
                    headers={k: v for k, v in reversed(record.rec_headers.headers)},
                )
                yield entry, record


def _record_in(
    stream: Any, member: Member, check_digests: bool, report: Callable[[Damage], None]
) -> ArcWarcRecord | None:
    """The one WARC record in an intact gzip member, consumed (its payload is streamed through, not kept)."""
    stream.seek(member.offset)
    try:
        iterator = ArchiveIterator(stream, check_digests=check_digests)
        record = next(iter(iterator))
        iterator.read_to_end(record)
    except Exception as exc:  # noqa: BLE001 - warcio raises several types for garbage
        report(Damage(member.offset, member.length, f"not a WARC record ({exc})"))
        return None
    if missing_content(record):
        report(Damage(member.offset, member.length, _truncated(record)))
        return None
    problems = record.digest_checker.problems if check_digests else None
    if problems:
        report(Damage(member.offset, member.length, "; ".join(problems)))
        return None
    return record
