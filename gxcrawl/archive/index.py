"""Index queries and writes. Every function takes a Session (or Connection); the caller owns the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Dialect, bindparam, insert, select
from sqlalchemy.orm import Session

from gxcrawl.archive.models import Capture, CrawlRun, Document, DocumentSource, DocumentVersion, Report


@dataclass(frozen=True, slots=True)
class OriginalCapture:
    """What a revisit record needs to know about the capture holding the payload."""

    id: int
    url: str
    fetched_at: datetime
    warc_record_id: str


# The two statements run for every fetch: SQLAlchemy compiles them once for the engine's dialect and they run
# straight on the DBAPI cursor (FetchStatements). Through Connection.execute they cost ~5x the database work
# itself; that was most of the archive's overhead over plain warcio (bench/archive.py).
_ORIGINAL_BY_DIGEST = (
    select(Capture.id, Capture.url, Capture.fetched_at, Capture.warc_record_id)
    .where(Capture.payload_sha256 == bindparam("sha"), Capture.record_type == "response")
    .order_by(Capture.url != bindparam("url"), Capture.id)
    .limit(1)
)
_INSERT_CAPTURE = insert(Capture).returning(Capture.id)
# what a fetch fills in (blocked_reason comes later, through mark_blocked)
CAPTURE_FETCH_COLUMNS = tuple(c.key for c in Capture.__table__.columns if c.key not in ("id", "blocked_reason"))


class _Prepared:
    """One statement compiled for a dialect, with its bind/result type processors (what Core applies per
    execute, looked up once here)."""

    def __init__(self, statement: Any, dialect: Dialect, supplied: list[str], *, insert_columns: bool = False) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=supplied if insert_columns else None)
        self.sql = str(compiled)
        self.positions: list[str] | None = list(compiled.positiontup or []) if compiled.positional else None
        # every parameter of the statement; the ones the caller does not supply are literals (LIMIT 1, ...)
        all_params = compiled.construct_params(dict.fromkeys(supplied))
        if not set(supplied) <= set(all_params) or (insert_columns and set(all_params) != set(supplied)):
            # a column default or extra bind Core would fill in: not supported on this path
            raise ValueError(f"unexpected parameters in {self.sql!r}: {sorted(set(all_params) ^ set(supplied))}")
        self.fixed = {name: value for name, value in all_params.items() if name not in supplied}
        self.bind_processors = {
            name: processor for name, bind in compiled.binds.items()
            if name in all_params and (processor := bind.type.dialect_impl(dialect).bind_processor(dialect))
        }
        self.result_processors = [
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in getattr(statement, "selected_columns", ())
        ]

    def params(self, values: dict[str, Any]) -> Any:
        params = {**self.fixed, **values}
        for name, processor in self.bind_processors.items():
            params[name] = processor(params[name])
        return tuple(params[name] for name in self.positions) if self.positions is not None else params

    def row(self, raw: Any) -> tuple[Any, ...]:
        return tuple(processor(value) if processor else value
                     for processor, value in zip(self.result_processors, raw, strict=True))


class FetchStatements:
    """The payload-digest lookup and the capture insert of a fetch, on a DBAPI connection (the caller owns the
    transaction; errors are the driver's own, `dialect.loaded_dbapi.Error`)."""

    def __init__(self, dialect: Dialect) -> None:
        self._lookup = _Prepared(_ORIGINAL_BY_DIGEST, dialect, ["sha", "url"])
        self._insert = _Prepared(_INSERT_CAPTURE, dialect, list(CAPTURE_FETCH_COLUMNS), insert_columns=True)

    def original_by_digest(self, dbapi_connection: Any, payload_sha256: str, prefer_url: str
                           ) -> OriginalCapture | None:
        """As `original_by_digest`."""
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(self._lookup.sql, self._lookup.params({"sha": payload_sha256, "url": prefer_url}))
            raw = cursor.fetchone()
        finally:
            cursor.close()
        return OriginalCapture(*self._lookup.row(raw)) if raw else None

    def insert_capture(self, dbapi_connection: Any, values: dict[str, Any]) -> int:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(self._insert.sql, self._insert.params(values))
            return int(cursor.fetchone()[0])
        finally:
            cursor.close()


def original_by_digest(connection: Connection, payload_sha256: str, prefer_url: str) -> OriginalCapture | None:
    """The first full `response` capture with this payload (the same URL's first, if it has one)."""
    row = connection.execute(_ORIGINAL_BY_DIGEST, {"sha": payload_sha256, "url": prefer_url}).first()
    return OriginalCapture(*row) if row else None


def insert_capture(connection: Connection, values: dict[str, Any]) -> int:
    return connection.execute(_INSERT_CAPTURE, values).scalar_one()


def latest_capture(session: Session, url: str, at: datetime | None = None) -> Capture | None:
    query = select(Capture).where(Capture.url == url)
    if at is not None:
        query = query.where(Capture.fetched_at <= at)
    return session.scalar(query.order_by(Capture.fetched_at.desc(), Capture.id.desc()).limit(1))


@dataclass(frozen=True, slots=True)
class DocumentOutcome:
    """What recording one (text, URL) sighting did."""

    document_id: int
    new_document: bool   # first time this text was seen anywhere
    new_source: bool     # first time this text was seen at this URL
    new_version: bool    # the text at this URL changed (not its first text)
    version: int         # the URL's version number now carrying this text

    @property
    def changed(self) -> bool:
        return self.new_document or self.new_source or self.new_version


def record_document(session: Session, *, text_sha256: str, url: str, portal: str | None, capture_id: int | None,
                    seen_at: datetime) -> DocumentOutcome:
    """A known text at a new URL adds a source; a new text at a known URL adds a version; the same text at
    the same URL again only moves last_seen."""
    document = session.scalar(select(Document).where(Document.text_sha256 == text_sha256))
    new_document = document is None
    if document is None:
        document = Document(text_sha256=text_sha256, first_seen=seen_at, last_seen=seen_at,
                            first_capture_id=capture_id)
        session.add(document)
        session.flush()
    else:
        document.last_seen = max(document.last_seen, seen_at)

    source = session.scalar(select(DocumentSource).where(DocumentSource.document_id == document.id,
                                                         DocumentSource.url == url))
    new_source = source is None
    if source is None:
        session.add(DocumentSource(document_id=document.id, url=url, portal=portal, first_seen=seen_at,
                                   last_seen=seen_at, capture_id=capture_id))
    else:
        source.last_seen = max(source.last_seen, seen_at)
        source.capture_id = capture_id or source.capture_id

    latest = session.scalar(select(DocumentVersion).where(DocumentVersion.url == url)
                            .order_by(DocumentVersion.version.desc()).limit(1))
    new_version = False
    if latest is None or latest.document_id != document.id:
        version = 1 if latest is None else latest.version + 1
        new_version = latest is not None
        session.add(DocumentVersion(url=url, version=version, document_id=document.id, first_seen=seen_at,
                                    last_seen=seen_at, capture_id=capture_id))
    else:
        version = latest.version
        latest.last_seen = max(latest.last_seen, seen_at)
    session.flush()
    return DocumentOutcome(document_id=document.id, new_document=new_document, new_source=new_source,
                           new_version=new_version, version=version)


def store_report(session: Session, *, document_id: int, parser_version: str, record: dict[str, Any],
                 capture_id: int | None, replace: bool = False) -> bool:
    """Store the parsed record of a document for a parser version; False if one was already there
    (and not replaced)."""
    existing = session.scalar(select(Report).where(Report.document_id == document_id,
                                                   Report.parser_version == parser_version))
    if existing is not None:
        if replace:
            existing.record = record
            existing.capture_id = capture_id or existing.capture_id
        return False
    session.add(Report(document_id=document_id, parser_version=parser_version, record=record,
                       capture_id=capture_id))
    session.flush()
    return True


def start_run(session: Session, spider: str) -> CrawlRun:
    run = CrawlRun(spider=spider)
    session.add(run)
    session.flush()
    return run
