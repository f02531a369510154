"""The archive facade: WARC files + SQL index behind one object.

Order of writes: WARC records first (flushed), index rows after, so a row never points at a missing
record. Transient database errors are retried; a write that still fails raises ArchiveWriteError.
What a fetch becomes is decided in capture_decision.py, the per-fetch statements run on cursor_path.py's
fast path, the digests already seen are kept in known_digests.py, the queries are index.py's.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

import gxcrawl
from gxcrawl.archive import index
from gxcrawl.archive.capture_decision import capture_records, capture_row, decide_capture
from gxcrawl.archive.cursor_path import CursorPath, CursorTransaction
from gxcrawl.archive.database import (
    EncodedJSON,
    IndexMissing,
    checkpoint_sqlite,
    ensure_schema,
    make_engine,
    missing_index,
    predates_request_digests,
    resolve_database_url,
    with_retries,
)
from gxcrawl.archive.index import DocumentOutcome
from gxcrawl.archive.known_digests import KNOWN_DIGESTS, KnownDigests
from gxcrawl.archive.models import Capture, CrawlRun, TextRecord
from gxcrawl.archive.reader import (
    DEFAULT_MAX_PAYLOAD,
    LoadedRecord,
    RecordNotFound,
    read_record,
    resolve_max_payload,
)
from gxcrawl.archive.records import Exchange, content_record, sha256_hex, target_uri, warc_date
from gxcrawl.archive.reindex import backfill_request_digests, index_orphans
from gxcrawl.archive.rotation import RepairedFile, WarcRotator, repair_unclean_files
from gxcrawl.archive.validate import InvalidExchange, check_status
from gxcrawl.archive.writer import RecordLocation, RecordWriter

T = TypeVar("T")

WARC_SUBDIR = "warcs"


@dataclass(frozen=True, slots=True)
class CaptureRef:
    """Where one capture went: its index row and its WARC record."""

    id: int
    url: str
    record_type: str  # "response" | "revisit" | "resource"
    warc_record_id: str
    warc_file: str  # relative to the archive root
    warc_offset: int
    warc_length: int
    payload_sha256: str
    fetched_at: datetime
    revisit_of_id: int | None


@dataclass(frozen=True, slots=True)
class CaptureInfo:
    id: int
    url: str
    final_url: str
    record_type: str
    status: int
    content_type: str | None
    fetched_at: datetime
    payload_sha256: str
    warc_record_id: str
    warc_file: str
    warc_offset: int
    warc_length: int
    revisit_of_id: int | None
    portal: str | None
    crawl_run_id: int | None
    etag: str | None
    last_modified: str | None
    blocked_reason: str | None
    method: str = "GET"
    request_body_sha256: str | None = None  # non-GET requests: sha256 of the body sent (None: a GET, or unknown)


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """An archived response. `body` has Content-Encoding removed; `wire_body` is as stored, to pair with
    `headers` (which still say Content-Encoding) when rebuilding a faithful HTTP response."""

    capture_id: int
    url: str
    status: int
    reason: str
    http_version: str
    headers: list[tuple[str, str]]
    body: bytes
    wire_body: bytes
    fetched_at: datetime
    record_type: str


@dataclass(frozen=True, slots=True)
class ParsedOutcome:
    """What `Archive.record_parsed` did."""

    document: DocumentOutcome
    new_report: bool  # a Report row was added (False: this parser version had one already)
    text_record_id: int | None  # the conversion record written (None: the sighting was not new)


def _info(c: Capture) -> CaptureInfo:
    return CaptureInfo(
        id=c.id,
        url=c.url,
        final_url=c.final_url,
        record_type=c.record_type,
        status=c.status,
        content_type=c.content_type,
        fetched_at=c.fetched_at,
        payload_sha256=c.payload_sha256,
        warc_record_id=c.warc_record_id,
        warc_file=c.warc_file,
        warc_offset=c.warc_offset,
        warc_length=c.warc_length,
        revisit_of_id=c.revisit_of_id,
        portal=c.portal,
        crawl_run_id=c.crawl_run_id,
        etag=c.etag,
        last_modified=c.last_modified,
        blocked_reason=c.blocked_reason,
        method=c.method,
        request_body_sha256=c.request_body_sha256,
    )


class Archive:
    """WARC files under `<root>/warcs/` plus the SQL index. Use `Archive.open(...)`; close() when done."""

    def __init__(
        self,
        root: Path,
        engine: Engine,
        writer: RecordWriter,
        repaired: list[RepairedFile] | None = None,
        *,
        known_digests: int = KNOWN_DIGESTS,
        max_payload: int | None = DEFAULT_MAX_PAYLOAD,
        cursor_path: bool = True,
    ) -> None:
        self.root = root
        self.max_payload = max_payload  # read limit: no record is decoded past it (PayloadTooLarge)
        self.engine = engine
        self.writer = writer
        self.repaired = repaired or []
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._lock = threading.RLock()
        # the per-fetch statements on a DBAPI connection of their own; False: all through Core (the reference)
        self.cursor_path = CursorPath(engine, enabled=cursor_path)
        self._known = KnownDigests(known_digests)

    @classmethod
    def open(
        cls,
        root: str | Path = "archive",
        database_url: str | None = None,
        *,
        warc_max_size: int = 1_000_000_000,
        warc_prefix: str = "gxcrawl",
        fsync: bool = False,
        max_payload: int | str | None = None,
        require_index: bool = False,
        cursor_path: bool = True,
    ) -> Archive:
        """Open (creating or upgrading as needed) the archive at `root`.
        database_url None -> $GXCRAWL_DATABASE_URL -> sqlite:///<root>/index.sqlite. An index upgraded from before
        request-body digests (revision 0001) gets its non-GET captures' digests from their WARC request records.
        max_payload: the read limit in bytes (the crawl's DOWNLOAD_MAXSIZE; None -> $GXCRAWL_DOWNLOAD_MAXSIZE ->
        1 GiB; 0: none). require_index: for readers (export, reparse, replay): IndexMissing instead of a new empty
        index when the directory holds WARC files but the index is missing or empty. cursor_path: run the per-fetch
        index statements on a DBAPI cursor (cursor_path.py); False sends them through SQLAlchemy Core, the
        reference the fast path must match (slower)."""
        root = Path(root)
        limit = resolve_max_payload(max_payload)
        if require_index:  # a reader: an archive whose index is gone must not look like an empty one
            probe = make_engine(resolve_database_url(root, database_url))
            try:
                problem = missing_index(root, probe, WARC_SUBDIR)
            finally:
                probe.dispose()
            if problem:
                raise IndexMissing(problem)
        root.mkdir(parents=True, exist_ok=True)
        repaired = repair_unclean_files(root / WARC_SUBDIR)
        engine = make_engine(resolve_database_url(root, database_url))
        previous_revision = ensure_schema(engine)
        if predates_request_digests(previous_revision):
            # an index made before request digests: its non-GET captures get theirs from their request records
            def backfill() -> int:
                with engine.begin() as connection:
                    return backfill_request_digests(root, connection)

            with_retries(backfill, "reading the request digests of earlier captures")
        for repaired_file in repaired:
            name = f"{WARC_SUBDIR}/{repaired_file.path.name}"

            def reindex(name: str = name) -> int:
                with engine.begin() as connection:
                    return index_orphans(root, name, connection)

            with_retries(reindex, f"indexing the unindexed records of {name}")
        info = {
            "software": f"gxcrawl/{getattr(gxcrawl, '__version__', '0.1')} (warcio)",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "hostname": socket.gethostname(),
            "description": "gxcrawl: annual reports on open government information, as fetched",
        }
        rotator = WarcRotator(root, subdir=WARC_SUBDIR, prefix=warc_prefix, max_size=warc_max_size, info=info)
        return cls(
            root, engine, RecordWriter(rotator, fsync=fsync), repaired, max_payload=limit, cursor_path=cursor_path
        )

    # --- plumbing -------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed on success, rolled back on error."""
        with self._sessions.begin() as session:
            yield session

    def _transaction(self, action: Callable[[Session], T], what: str) -> T:
        def run() -> T:
            with self._sessions.begin() as session:
                return action(session)

        return with_retries(run, what)

    def _core(self, action: Callable[[Connection], T], what: str) -> T:
        def run() -> T:
            with self.engine.begin() as connection:
                return action(connection)

        return with_retries(run, what)

    def _core_after_conflict(self, action: Callable[[Connection], T], what: str) -> T:
        """`_core`, run once more when another writer inserted the same document/report row first (an
        IntegrityError): the second run finds that row and builds on it."""
        try:
            return self._core(action, what)
        except IntegrityError:
            return self._core(action, what)

    def close(self) -> None:
        with self._lock:
            self.cursor_path.drop()
        self.writer.close()
        checkpoint_sqlite(self.engine)
        self.engine.dispose()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- crawl runs -------------------------------------------------------------------------------------
    def start_run(self, spider: str) -> int:
        return self._transaction(lambda s: index.start_run(s, spider).id, "recording the crawl run")

    def finish_run(self, run_id: int, *, reason: str | None, stats: dict[str, Any] | None = None) -> None:
        def finish(session: Session) -> None:
            run = session.get(CrawlRun, run_id)
            if run is None:
                raise LookupError(f"no crawl run {run_id}")
            run.finished_at = datetime.now(UTC)
            run.finish_reason = reason
            run.stats = stats

        self._transaction(finish, "closing the crawl run")

    # --- portals -----------------------------------------------------------------------------------------
    def record_portals(self, portals: list[dict[str, Any]]) -> int:
        """Keep the metadata of the portals a crawl starts on (`id`, `name`, `level`, `region_code`) in the index,
        inserted or updated; returns how many rows changed (index.upsert_portals)."""
        return self._core_after_conflict(lambda c: index.upsert_portals(c, portals), "recording the portals")

    def portals(self) -> dict[str, dict[str, Any]]:
        """The portal metadata kept in the index: id -> {name, level, region_code}."""
        return self._core(index.portal_metadata, "reading the portals")

    # --- writing ----------------------------------------------------------------------------------------
    def write_exchange(self, exchange: Exchange) -> CaptureRef:
        """Archive one fetch: response (or revisit, when the payload is already archived) + request +
        metadata records; a rendered DOM (`exchange.rendered`) becomes a resource + metadata record."""
        ex = exchange
        check_status(ex.status, ex.rendered)  # a bad status line costs this fetch only, before anything is written
        uri = target_uri(ex.url)
        with self._lock, self.cursor_path.transaction() as fast:
            decision = decide_capture(
                ex,
                payload_holder=lambda capture_id: self._core(
                    lambda c: index.payload_holder(c, capture_id), "looking up the revalidated capture"
                ),
                original_by_digest=lambda payload_sha256: self._original_by_digest(fast, payload_sha256, uri),
            )
            records = capture_records(self.writer.builder, ex, uri, warc_date(ex.fetched_at), decision)
            main_id = records[0].rec_headers.get_header("WARC-Record-ID")
            location = self.writer.write_group(records)[0]  # flushed before any row points at it
            row = capture_row(ex, uri, decision, main_id, location)
            try:
                capture_id = fast.run(
                    lambda db: index.insert_capture(db, row),
                    lambda: self._core(lambda c: index.insert_capture(c, row), f"indexing the capture of {uri}"),
                    commit=True,
                )
            except (DataError, OverflowError) as exc:  # a value the database refuses: this fetch, not the archive
                raise InvalidExchange(
                    f"the index refused the capture of {uri}: {str(getattr(exc, 'orig', None) or exc).splitlines()[0]}"
                ) from exc
            # remembered only once committed: a cache hit always names a row that exists
            if ex.body and decision.record_type == "revisit" and decision.original is not None:
                self._known.put(decision.payload_sha256, uri, decision.original)
            elif ex.body and decision.record_type == "response":
                self._known.put(
                    decision.payload_sha256,
                    uri,
                    index.OriginalCapture(id=capture_id, url=uri, fetched_at=row["fetched_at"], warc_record_id=main_id),
                )
            return CaptureRef(
                id=capture_id,
                url=uri,
                record_type=decision.record_type,
                warc_record_id=main_id,
                warc_file=location.warc_file,
                warc_offset=location.offset,
                warc_length=location.length,
                payload_sha256=decision.payload_sha256,
                fetched_at=row["fetched_at"],
                revisit_of_id=row["revisit_of_id"],
            )

    def _original_by_digest(
        self, fast: CursorTransaction, payload_sha256: str, uri: str
    ) -> index.OriginalCapture | None:
        """The capture a payload seen at `uri` is a revisit of: known to this process, else asked of the index."""
        original = self._known.get(payload_sha256, uri)
        if original is None:
            original = fast.run(
                lambda db: index.original_by_digest(db, payload_sha256, uri),
                lambda: self._core(
                    lambda c: index.original_by_digest(c, payload_sha256, uri), "looking up the payload digest"
                ),
            )
        return original

    def write_text(self, capture: CaptureRef | int, text: str, *, kind: str = "conversion") -> int:
        """Archive text derived from a capture (the extracted report text) as a `conversion` (or
        `resource`) record referring to it; returns the TextRecord id."""
        capture_id = capture if isinstance(capture, int) else capture.id
        source = self._core(lambda c: index.capture_sighting(c, capture_id), "looking up the capture")
        if source is None:
            raise LookupError(f"no capture {capture_id} in the index")
        data = text.encode("utf-8")
        location = self._write_text_record(source, data, kind)
        return self._core(
            lambda c: index.insert_text_record(c, capture_id, kind, sha256_hex(data), location),
            "indexing the text record",
        )

    def _write_text_record(self, source: index.CaptureSighting, data: bytes, kind: str) -> RecordLocation:
        with self._lock:
            # `urn:text:<url>` (as Browsertrix does): with the page's own URI, pywb would index the text as a
            # capture of the page and replay it instead of the page; WARC-Refers-To links it to the capture
            record = content_record(
                self.writer.builder,
                f"urn:text:{source.url}",
                warc_date(datetime.now(UTC)),
                data,
                record_type=kind,
                content_type="text/plain; charset=utf-8",
                refers_to_id=source.warc_record_id,
            )
            return self.writer.write_group([record])[0]

    def mark_blocked(self, capture_id: int, reason: str) -> None:
        """Flag a capture as a block page (CAPTCHA, WAF, login wall...)."""

        def mark(session: Session) -> None:
            capture = session.get(Capture, capture_id)
            if capture is None:
                raise LookupError(f"no capture {capture_id} in the index")
            capture.blocked_reason = reason

        self._transaction(mark, "marking a capture blocked")

    def record_document(
        self, *, text_sha256: str, url: str, portal: str | None, capture_id: int | None, seen_at: datetime | None = None
    ) -> DocumentOutcome:
        """Dedupe one report text seen at `url` (see index.record_document). Without `seen_at`, the text was
        first seen when the capture was fetched and last seen at the newest revisit of it at that URL (a 304
        to a conditional request hands the spider the original capture; last_seen must still move forward)."""
        url = target_uri(url)

        def record(connection: Connection) -> DocumentOutcome:
            sighting = index.capture_sighting(connection, capture_id) if capture_id is not None else None
            return index.record_sighting(
                connection,
                text_sha256=text_sha256,
                url=url,
                portal=portal,
                capture_id=capture_id,
                seen_at=seen_at,
                sighting=sighting,
            )

        return self._core_after_conflict(record, "recording the document")

    def store_report(
        self,
        *,
        document_id: int,
        parser_version: str,
        record: dict[str, Any],
        capture_id: int | None = None,
        replace: bool = False,
    ) -> bool:
        def store(connection: Connection) -> bool:
            return index.store_report(
                connection,
                document_id=document_id,
                parser_version=parser_version,
                record=record,
                capture_id=capture_id,
                replace=replace,
            )

        return self._core_after_conflict(store, "storing the report")

    def record_parsed(
        self,
        *,
        text_sha256: str,
        url: str,
        portal: str | None,
        capture_id: int | None,
        parser_version: str,
        record: dict[str, Any] | EncodedJSON,
        text: str,
        kind: str = "conversion",
    ) -> ParsedOutcome:
        """One parsed report, in one transaction: dedupe its text (record_document), store its record
        (store_report) and, when the sighting is new, archive its text as a `conversion` record of the capture
        (write_text). A crawl that dies in between leaves all of it or none of it in the index. `record` may come
        serialised already (EncodedJSON: the crawl's parse workers do that work off the reactor)."""
        url = target_uri(url)
        data = text.encode("utf-8")
        written: list[RecordLocation] = []  # the WARC text record, written once even if the transaction is retried

        def run(connection: Any) -> ParsedOutcome:  # a Connection, or the same statements on the DBAPI cursor
            sighting = index.capture_sighting(connection, capture_id) if capture_id is not None else None
            outcome = index.record_sighting(
                connection,
                text_sha256=text_sha256,
                url=url,
                portal=portal,
                capture_id=capture_id,
                seen_at=None,
                sighting=sighting,
            )
            new_report = index.store_report(
                connection,
                document_id=outcome.document_id,
                parser_version=parser_version,
                record=record,
                capture_id=capture_id,
                new_document=outcome.new_document,
            )
            text_id = None
            if sighting is not None and outcome.changed:
                if not written:
                    written.append(self._write_text_record(sighting, data, kind))
                text_id = index.insert_text_record(connection, sighting.id, kind, sha256_hex(data), written[0])
            return ParsedOutcome(document=outcome, new_report=new_report, text_record_id=text_id)

        with self._lock, self.cursor_path.transaction() as fast:  # the statements on the DBAPI cursor, one commit
            return fast.run(run, lambda: self._core_after_conflict(run, "recording the parsed report"), commit=True)

    # --- reading ----------------------------------------------------------------------------------------
    def capture(self, capture_id: int) -> CaptureInfo:
        with self.session() as session:
            row = session.get(Capture, capture_id)
            if row is None:
                raise LookupError(f"no capture {capture_id} in the index")
            return _info(row)

    def latest_capture(self, url: str, at: datetime | None = None) -> CaptureInfo | None:
        """The newest capture of `url` (at or before `at`)."""
        with self.session() as session:
            row = index.latest_capture(session, target_uri(url), at)
            return _info(row) if row else None

    def _load(self, warc_file: str, offset: int, length: int) -> LoadedRecord:
        return read_record(self.root / warc_file, offset, length, max_payload=self.max_payload)

    def _payload_record(self, capture: CaptureInfo) -> LoadedRecord:
        if capture.record_type == "revisit":
            if capture.revisit_of_id is None:
                raise RecordNotFound(f"revisit capture {capture.id} has no original in the index")
            original = self.capture(capture.revisit_of_id)
            return self._load(original.warc_file, original.warc_offset, original.warc_length)
        return self._load(capture.warc_file, capture.warc_offset, capture.warc_length)

    def read_payload(self, capture_id: int) -> bytes:
        """The payload of a capture with Content-Encoding removed (a revisit's comes from its original)."""
        return self._payload_record(self.capture(capture_id)).payload

    def read_response(self, capture_id: int) -> StoredResponse:
        capture = self.capture(capture_id)
        own = self._load(capture.warc_file, capture.warc_offset, capture.warc_length)
        payload = self._payload_record(capture) if capture.record_type == "revisit" else own
        headers = own.http_headers
        if capture.record_type == "resource":
            headers = [("Content-Type", capture.content_type or "text/html; charset=utf-8")]
        return StoredResponse(
            capture_id=capture.id,
            url=capture.url,
            status=own.http_status or capture.status,
            reason=own.http_reason or "",
            http_version=own.http_protocol or "HTTP/1.1",
            headers=headers,
            body=payload.payload,
            wire_body=payload.wire_payload,
            fetched_at=capture.fetched_at,
            record_type=capture.record_type,
        )

    def read_text(self, capture_id: int, kind: str = "conversion") -> str | None:
        """The newest text record of `kind` derived from a capture, or None."""
        with self.session() as session:
            row = session.scalar(
                select(TextRecord)
                .where(TextRecord.capture_id == capture_id, TextRecord.kind == kind)
                .order_by(TextRecord.id.desc())
                .limit(1)
            )
            if row is None:
                return None
            location = (row.warc_file, row.warc_offset, row.warc_length)
        return self._load(*location).payload.decode("utf-8")
