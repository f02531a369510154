"""The archive facade: WARC files + SQL index behind one object (docs/interfaces.md, "C6. Archive").

Order of writes: WARC records first (flushed), index rows after, so a row never points at a missing
record. Transient database errors are retried; a write that still fails raises ArchiveWriteError.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import logging
import socket
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

import gxcrawl
from gxcrawl.archive import index
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
from gxcrawl.archive.models import Capture, CrawlRun, TextRecord
from gxcrawl.archive.reader import (
    DEFAULT_MAX_PAYLOAD,
    LoadedRecord,
    RecordNotFound,
    read_record,
    resolve_max_payload,
)
from gxcrawl.archive.records import (
    Exchange,
    content_record,
    metadata_record,
    not_modified_record,
    request_body_sha256,
    request_record,
    response_record,
    revisit_record,
    sha256_hex,
    target_uri,
    warc_date,
)
from gxcrawl.archive.reindex import backfill_request_digests, index_orphans
from gxcrawl.archive.rotation import RepairedFile, WarcRotator, repair_unclean_files
from gxcrawl.archive.validate import InvalidExchange, check_status, clean_capture_row
from gxcrawl.archive.writer import RecordLocation, RecordWriter

logger = logging.getLogger(__name__)

WARC_SUBDIR = "warcs"
NOT_MODIFIED = 304
KNOWN_DIGESTS = 50_000  # (digest, URI) pairs remembered per Archive: ~10 MB


@dataclass(frozen=True, slots=True)
class CaptureRef:
    """Where one capture went: its index row and its WARC record."""

    id: int
    url: str
    record_type: str          # "response" | "revisit" | "resource"
    warc_record_id: str
    warc_file: str            # relative to the archive root
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


def warc_sha1(data: bytes) -> str:
    """WARC-Payload-Digest form (sha1, base32), as warcio writes it."""
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def _payload_holder(connection: Connection, capture_id: int) -> tuple[index.OriginalCapture, str, int] | None:
    """The `response` capture holding the payload of capture `capture_id` (itself, or the original it is a
    revisit of), with that payload's sha256 and length; None if there is none."""
    row = connection.execute(select(Capture).where(Capture.id == capture_id)).first()
    seen = set()
    while row is not None and row.record_type == "revisit" and row.revisit_of_id not in seen:
        seen.add(row.id)
        row = connection.execute(select(Capture).where(Capture.id == row.revisit_of_id)).first()
    if row is None or row.record_type != "response":
        logger.warning("capture %s is not (a revisit of) an indexed response: the 304 answering a conditional "
                       "request made from it is archived as a plain response record", capture_id)
        return None
    return (index.OriginalCapture(id=row.id, url=row.url, fetched_at=row.fetched_at,
                                  warc_record_id=row.warc_record_id), row.payload_sha256, row.payload_length)


def _record_sighting(connection: Connection, text_sha256: str, url: str, portal: str | None,
                     capture_id: int | None, seen_at: datetime | None,
                     sighting: index.CaptureSighting | None) -> DocumentOutcome:
    """index.record_document dated by the capture (first seen when fetched; last seen at its newest revisit)."""
    when = seen_at or (sighting.fetched_at if sighting else None) or datetime.now(UTC)
    outcome = index.record_document(connection, text_sha256=text_sha256, url=url, portal=portal,
                                    capture_id=capture_id, seen_at=when)
    confirmed = sighting.confirmed_at if sighting and seen_at is None else None
    if confirmed is not None and confirmed > when:
        # the same text at the same URL again: only moves last_seen (the outcome is the first call's)
        index.record_document(connection, text_sha256=text_sha256, url=url, portal=portal,
                              capture_id=capture_id, seen_at=confirmed)
    return outcome


@dataclass(frozen=True, slots=True)
class ParsedOutcome:
    """What `Archive.record_parsed` did."""

    document: DocumentOutcome
    new_report: bool                # a Report row was added (False: this parser version had one already)
    text_record_id: int | None      # the conversion record written (None: the sighting was not new)


def _ref(capture: Capture) -> CaptureRef:
    return CaptureRef(id=capture.id, url=capture.url, record_type=capture.record_type,
                      warc_record_id=capture.warc_record_id, warc_file=capture.warc_file,
                      warc_offset=capture.warc_offset, warc_length=capture.warc_length,
                      payload_sha256=capture.payload_sha256, fetched_at=capture.fetched_at,
                      revisit_of_id=capture.revisit_of_id)


def _info(c: Capture) -> CaptureInfo:
    return CaptureInfo(id=c.id, url=c.url, final_url=c.final_url, record_type=c.record_type, status=c.status,
                       content_type=c.content_type, fetched_at=c.fetched_at, payload_sha256=c.payload_sha256,
                       warc_record_id=c.warc_record_id, warc_file=c.warc_file, warc_offset=c.warc_offset,
                       warc_length=c.warc_length, revisit_of_id=c.revisit_of_id, portal=c.portal,
                       crawl_run_id=c.crawl_run_id, etag=c.etag, last_modified=c.last_modified,
                       blocked_reason=c.blocked_reason, method=c.method, request_body_sha256=c.request_body_sha256)


class _FastTransaction:
    """The digest lookup and the capture insert of one fetch on the archive's long-lived DBAPI connection,
    through `index.DbapiStatements` (no pool checkout, no Core execute machinery per fetch: bench/archive.py);
    one commit per fetch (PostgreSQL: autocommit, the insert being a single statement). On the first database error it steps aside: the step is redone through the retrying
    Core path (`fallback`), so transient errors are still retried, an IntegrityError is still Core's, and a
    write that keeps failing still raises ArchiveWriteError."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.broken = False
        self.pending = False

    def __enter__(self) -> _FastTransaction:
        return self

    def run(self, step: Any, fallback: Any, *, commit: bool = False) -> Any:
        """`step(dbapi_connection)`; with `commit`, its statements commit together (on PostgreSQL the hot
        connection leaves autocommit for them: one transaction, then back)."""
        if not self.broken:
            try:
                connection = self.archive._hot_connection()
                self.pending = True
                driver = connection.driver_connection if commit and self.archive._hot_autocommit else None
                if driver is not None:
                    driver.autocommit = False  # the driver opens a transaction at the first statement
                result = step(connection)
                if commit:
                    connection.commit()
                    if driver is not None:
                        driver.autocommit = True
                    self.pending = False
                return result
            except self.archive.engine.dialect.loaded_dbapi.Error as exc:
                logger.debug("fast index path failed, redoing the step through the retrying path: %s", exc)
                self._drop()
        return fallback()

    def _drop(self) -> None:
        self.broken = True
        self.pending = False
        self.archive._drop_hot_connection()

    def __exit__(self, *exc: object) -> None:
        if self.pending:  # an error between lookup and insert: leave nothing half-done
            self._drop()


class _KnownDigests:
    """(payload sha256, target URI) -> the capture a revisit refers to, for digests this process has written or
    looked up (bounded LRU). A hit is the answer the database gave (or, for a capture written here, would give:
    captures are never deleted and the first one wins); a miss still asks the database, so a digest another
    process archived still becomes a revisit."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[str, str], index.OriginalCapture] = OrderedDict()

    def get(self, payload_sha256: str, uri: str) -> index.OriginalCapture | None:
        key = (payload_sha256, uri)
        original = self._entries.get(key)
        if original is not None:
            self._entries.move_to_end(key)
        return original

    def put(self, payload_sha256: str, uri: str, original: index.OriginalCapture) -> None:
        if self.size <= 0:
            return
        self._entries[(payload_sha256, uri)] = original
        self._entries.move_to_end((payload_sha256, uri))
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


class Archive:
    """WARC files under `<root>/warcs/` plus the SQL index. Use `Archive.open(...)`; close() when done."""

    def __init__(self, root: Path, engine: Engine, writer: RecordWriter,
                 repaired: list[RepairedFile] | None = None, *, known_digests: int = KNOWN_DIGESTS,
                 max_payload: int | None = DEFAULT_MAX_PAYLOAD) -> None:
        self.root = root
        self.max_payload = max_payload  # read limit: no record is decoded past it (PayloadTooLarge)
        self.engine = engine
        self.writer = writer
        self.repaired = repaired or []
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._lock = threading.RLock()
        self._hot: Any = None  # a pooled DBAPI connection (engine.raw_connection()) for the per-fetch statements
        self._hot_autocommit = engine.dialect.name == "postgresql"  # see _hot_connection
        self._statements = index.DbapiStatements(engine.dialect)
        self._known = _KnownDigests(known_digests)

    @classmethod
    def open(cls, root: str | Path = "archive", database_url: str | None = None, *,
             warc_max_size: int = 1_000_000_000, warc_prefix: str = "gxcrawl", fsync: bool = False,
             max_payload: int | str | None = None, require_index: bool = False) -> Archive:
        """Open (creating or upgrading as needed) the archive at `root`.
        database_url None -> $GXCRAWL_DATABASE_URL -> sqlite:///<root>/index.sqlite. An index upgraded from before
        request-body digests (revision 0001) gets its non-GET captures' digests from their WARC request records.
        max_payload: the read limit in bytes (the crawl's DOWNLOAD_MAXSIZE; None -> $GXCRAWL_DOWNLOAD_MAXSIZE ->
        1 GiB; 0: none). require_index: for readers (export, reparse, replay): IndexMissing instead of a new empty
        index when the directory holds WARC files but the index is missing or empty."""
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
        return cls(root, engine, RecordWriter(rotator, fsync=fsync), repaired, max_payload=limit)

    # --- plumbing -------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed on success, rolled back on error."""
        with self._sessions.begin() as session:
            yield session

    def _transaction(self, action: Any, what: str) -> Any:
        def run() -> Any:
            with self._sessions.begin() as session:
                return action(session)

        return with_retries(run, what)

    def _core(self, action: Any, what: str) -> Any:
        def run() -> Any:
            with self.engine.begin() as connection:
                return action(connection)

        return with_retries(run, what)

    def _core_after_conflict(self, action: Any, what: str) -> Any:
        """`_core`, run once more when another writer inserted the same document/report row first (an
        IntegrityError): the second run finds that row and builds on it."""
        try:
            return self._core(action, what)
        except IntegrityError:
            return self._core(action, what)

    def _hot_connection(self) -> Any:
        if self._hot is None:
            hot = self.engine.raw_connection()
            if self._hot_autocommit:
                # each statement commits on its own (the insert is a single statement, so atomic): no BEGIN and
                # COMMIT round trips per fetch
                hot.driver_connection.autocommit = True
            self._hot = hot
        return self._hot

    def _drop_hot_connection(self) -> None:
        hot, self._hot = self._hot, None
        if hot is not None:
            with contextlib.suppress(Exception):
                hot.rollback()
            with contextlib.suppress(Exception):
                hot.invalidate()  # never back to the pool: it may have failed, or be in autocommit mode

    def close(self) -> None:
        with self._lock:
            self._drop_hot_connection()
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

    # --- writing ----------------------------------------------------------------------------------------
    def write_exchange(self, exchange: Exchange) -> CaptureRef:
        """Archive one fetch: response (or revisit, when the payload is already archived) + request +
        metadata records; a rendered DOM (`exchange.rendered`) becomes a resource + metadata record."""
        ex = exchange
        check_status(ex.status, ex.rendered)  # a bad status line costs this fetch only, before anything is written
        uri = target_uri(ex.url)
        date = warc_date(ex.fetched_at)
        payload_sha256 = sha256_hex(ex.body)
        payload_length = len(ex.body)
        builder = self.writer.builder
        with self._lock, _FastTransaction(self) as fast:
            original: index.OriginalCapture | None = None
            if ex.rendered:
                record_type = "resource"
                main = content_record(builder, uri, date, ex.body, record_type="resource",
                                      content_type=ex.header("Content-Type") or "text/html; charset=utf-8")
            elif ex.status == NOT_MODIFIED and ex.not_modified_of is not None and (holder := self._core(
                    lambda c: _payload_holder(c, ex.not_modified_of), "looking up the revalidated capture")):
                # the payload is the revalidated capture's: a server-not-modified revisit of the response
                # holding it, indexed with that payload's digest so read_payload() yields it
                original, payload_sha256, payload_length = holder
                record_type = "revisit"
                main = not_modified_record(builder, ex, uri, date, refers_to_uri=original.url,
                                           refers_to_date=warc_date(original.fetched_at),
                                           refers_to_id=original.warc_record_id)
            else:
                if ex.body:  # an empty payload is not worth a revisit (and trips replay tools)
                    original = self._known.get(payload_sha256, uri)
                    if original is None:
                        original = fast.run(
                            lambda c: index.original_by_digest(self._statements.on(c), payload_sha256, uri),
                            lambda: self._core(lambda c: index.original_by_digest(c, payload_sha256, uri),
                                               "looking up the payload digest"))
                if original is not None:
                    record_type = "revisit"
                    main = revisit_record(builder, ex, uri, date, payload_digest=warc_sha1(ex.body),
                                          refers_to_uri=original.url, refers_to_date=warc_date(original.fetched_at),
                                          refers_to_id=original.warc_record_id)
                else:
                    record_type = "response"
                    main = response_record(builder, ex, uri, date)
            main_id = main.rec_headers.get_header("WARC-Record-ID")
            records = [main]
            if not ex.rendered:
                records.append(request_record(builder, ex, uri, date, main_id))
            records.append(metadata_record(builder, ex, uri, date, main_id))
            location = self.writer.write_group(records)[0]  # flushed before any row points at it

            method = ex.method.upper()
            row = dict(
                url=uri, final_url=target_uri(ex.final_url or ex.url), method=method,
                request_body_sha256=request_body_sha256(method, ex.request_body),
                fetched_at=ex.fetched_at.astimezone(UTC), status=ex.status,
                content_type=(ex.header("Content-Type") or None), payload_sha256=payload_sha256,
                payload_length=payload_length, record_type=record_type, warc_record_id=main_id,
                warc_file=location.warc_file, warc_offset=location.offset, warc_length=location.length,
                revisit_of_id=original.id if original else None, portal=ex.portal, crawl_run_id=ex.crawl_run_id,
                referer=ex.referer, depth=ex.depth, duration=ex.duration, etag=ex.header("ETag"),
                last_modified=ex.header("Last-Modified"),
            )
            row = clean_capture_row(row)

            try:
                capture_id = fast.run(
                    lambda c: index.insert_capture(self._statements.on(c), row),
                    lambda: self._core(lambda c: index.insert_capture(c, row), f"indexing the capture of {uri}"),
                    commit=True)
            except (DataError, OverflowError) as exc:  # a value the database refuses: this fetch, not the archive
                raise InvalidExchange(f"the index refused the capture of {uri}: "
                                      f"{str(getattr(exc, 'orig', None) or exc).splitlines()[0]}") from exc
            # remembered only once committed: a cache hit always names a row that exists
            if original is not None and record_type == "revisit" and ex.body:
                self._known.put(payload_sha256, uri, original)
            elif record_type == "response" and ex.body:
                self._known.put(payload_sha256, uri, index.OriginalCapture(
                    id=capture_id, url=uri, fetched_at=row["fetched_at"], warc_record_id=main_id))
            return CaptureRef(id=capture_id, url=uri, record_type=record_type, warc_record_id=main_id,
                              warc_file=location.warc_file, warc_offset=location.offset,
                              warc_length=location.length, payload_sha256=payload_sha256,
                              fetched_at=row["fetched_at"], revisit_of_id=row["revisit_of_id"])

    def write_text(self, capture: CaptureRef | int, text: str, *, kind: str = "conversion") -> int:
        """Archive text derived from a capture (the extracted report text) as a `conversion` (or
        `resource`) record referring to it; returns the TextRecord id."""
        capture_id = capture if isinstance(capture, int) else capture.id
        source = self._core(lambda c: index.capture_sighting(c, capture_id), "looking up the capture")
        if source is None:
            raise LookupError(f"no capture {capture_id} in the index")
        data = text.encode("utf-8")
        location = self._write_text_record(source, data, kind)
        return self._core(lambda c: index.insert_text_record(c, capture_id, kind, sha256_hex(data), location),
                          "indexing the text record")

    def _write_text_record(self, source: index.CaptureSighting, data: bytes, kind: str) -> RecordLocation:
        with self._lock:
            # `urn:text:<url>` (as Browsertrix does): with the page's own URI, pywb would index the text as a
            # capture of the page and replay it instead of the page; WARC-Refers-To links it to the capture
            record = content_record(self.writer.builder, f"urn:text:{source.url}", warc_date(datetime.now(UTC)), data,
                                    record_type=kind, content_type="text/plain; charset=utf-8",
                                    refers_to_id=source.warc_record_id)
            return self.writer.write_group([record])[0]

    def mark_blocked(self, capture_id: int, reason: str) -> None:
        """Flag a capture as a block page (CAPTCHA, WAF, login wall...)."""

        def mark(session: Session) -> None:
            capture = session.get(Capture, capture_id)
            if capture is None:
                raise LookupError(f"no capture {capture_id} in the index")
            capture.blocked_reason = reason

        self._transaction(mark, "marking a capture blocked")

    def record_document(self, *, text_sha256: str, url: str, portal: str | None, capture_id: int | None,
                        seen_at: datetime | None = None) -> DocumentOutcome:
        """Dedupe one report text seen at `url` (see index.record_document). Without `seen_at`, the text was
        first seen when the capture was fetched and last seen at the newest revisit of it at that URL (a 304
        to a conditional request hands the spider the original capture; last_seen must still move forward)."""
        url = target_uri(url)

        def record(connection: Connection) -> DocumentOutcome:
            sighting = index.capture_sighting(connection, capture_id) if capture_id is not None else None
            return _record_sighting(connection, text_sha256, url, portal, capture_id, seen_at, sighting)

        return self._core_after_conflict(record, "recording the document")

    def store_report(self, *, document_id: int, parser_version: str, record: dict[str, Any],
                     capture_id: int | None = None, replace: bool = False) -> bool:
        def store(connection: Connection) -> bool:
            return index.store_report(connection, document_id=document_id, parser_version=parser_version,
                                      record=record, capture_id=capture_id, replace=replace)

        return self._core_after_conflict(store, "storing the report")

    def record_parsed(self, *, text_sha256: str, url: str, portal: str | None, capture_id: int | None,
                      parser_version: str, record: dict[str, Any] | EncodedJSON, text: str,
                      kind: str = "conversion") -> ParsedOutcome:
        """One parsed report, in one transaction: dedupe its text (record_document), store its record
        (store_report) and, when the sighting is new, archive its text as a `conversion` record of the capture
        (write_text). A crawl that dies in between leaves all of it or none of it in the index. `record` may come
        serialised already (EncodedJSON: the crawl's parse workers do that work off the reactor)."""
        url = target_uri(url)
        data = text.encode("utf-8")
        written: list[RecordLocation] = []  # the WARC text record, written once even if the transaction is retried

        def run(connection: Any) -> ParsedOutcome:  # a Connection, or the same statements on the DBAPI cursor
            sighting = index.capture_sighting(connection, capture_id) if capture_id is not None else None
            outcome = _record_sighting(connection, text_sha256, url, portal, capture_id, None, sighting)
            new_report = index.store_report(connection, document_id=outcome.document_id,
                                            parser_version=parser_version, record=record, capture_id=capture_id,
                                            new_document=outcome.new_document)
            text_id = None
            if sighting is not None and outcome.changed:
                if not written:
                    written.append(self._write_text_record(sighting, data, kind))
                text_id = index.insert_text_record(connection, sighting.id, kind, sha256_hex(data), written[0])
            return ParsedOutcome(document=outcome, new_report=new_report, text_record_id=text_id)

        with self._lock, _FastTransaction(self) as fast:  # the statements on the DBAPI cursor, one commit
            return fast.run(lambda c: run(self._statements.on(c)),
                            lambda: self._core_after_conflict(run, "recording the parsed report"), commit=True)

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
            capture_id=capture.id, url=capture.url, status=own.http_status or capture.status,
            reason=own.http_reason or "", http_version=own.http_protocol or "HTTP/1.1", headers=headers,
            body=payload.payload, wire_body=payload.wire_payload, fetched_at=capture.fetched_at,
            record_type=capture.record_type,
        )

    def read_text(self, capture_id: int, kind: str = "conversion") -> str | None:
        """The newest text record of `kind` derived from a capture, or None."""
        with self.session() as session:
            row = session.scalar(select(TextRecord).where(TextRecord.capture_id == capture_id, TextRecord.kind == kind)
                                 .order_by(TextRecord.id.desc()).limit(1))
            if row is None:
                return None
            location = (row.warc_file, row.warc_offset, row.warc_length)
        return self._load(*location).payload.decode("utf-8")
