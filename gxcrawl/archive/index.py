"""Index queries and writes. Every function takes a Session (or Connection); the caller owns the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.orm import Session, aliased

from gxcrawl.archive.cursor_path import OnCursor
from gxcrawl.archive.models import (
    Capture,
    CrawlRun,
    Document,
    DocumentSource,
    DocumentVersion,
    Portal,
    Report,
    TextRecord,
)
from gxcrawl.archive.writer import RecordLocation


@dataclass(frozen=True, slots=True)
class OriginalCapture:
    """What a revisit record needs to know about the capture holding the payload."""

    id: int
    url: str
    fetched_at: datetime
    warc_record_id: str


# The two statements run for every fetch, built once: they run on the cursor path (cursor_path.py) as well as
# through Core.
_ORIGINAL_BY_DIGEST = (
    select(Capture.id, Capture.url, Capture.fetched_at, Capture.warc_record_id)
    .where(Capture.payload_sha256 == bindparam("sha"), Capture.record_type == "response")
    .order_by(Capture.url != bindparam("url"), Capture.id)
    .limit(1)
)
_INSERT_CAPTURE = insert(Capture).returning(Capture.id)
# what a fetch fills in (blocked_reason comes later, through mark_blocked)
CAPTURE_FETCH_COLUMNS = tuple(c.key for c in Capture.__table__.columns if c.key not in ("id", "blocked_reason"))


# what the index functions below run on: a Core Connection, an ORM Session, or the cursor path's statements
Db = Connection | Session | OnCursor


def original_by_digest(connection: Db, payload_sha256: str, prefer_url: str) -> OriginalCapture | None:
    """The first full `response` capture with this payload (the same URL's first, if it has one)."""
    row = connection.execute(_ORIGINAL_BY_DIGEST, {"sha": payload_sha256, "url": prefer_url}).first()
    return OriginalCapture(*row) if row else None


def insert_capture(connection: Db, values: dict[str, Any]) -> int:
    return connection.execute(_INSERT_CAPTURE, values).scalar_one()


def payload_holder(connection: Connection, capture_id: int) -> tuple[OriginalCapture, str, int] | None:
    """The `response` capture holding the payload of capture `capture_id` (itself, or the original it is a
    revisit of), with that payload's sha256 and length; None if there is none."""
    row = connection.execute(select(Capture).where(Capture.id == capture_id)).first()
    seen = set()
    while row is not None and row.record_type == "revisit" and row.revisit_of_id not in seen:
        seen.add(row.id)
        row = connection.execute(select(Capture).where(Capture.id == row.revisit_of_id)).first()
    if row is None or row.record_type != "response":
        return None
    return (
        OriginalCapture(id=row.id, url=row.url, fetched_at=row.fetched_at, warc_record_id=row.warc_record_id),
        row.payload_sha256,
        row.payload_length,
    )


def latest_capture(session: Session, url: str, at: datetime | None = None) -> Capture | None:
    query = select(Capture).where(Capture.url == url)
    if at is not None:
        query = query.where(Capture.fetched_at <= at)
    return session.scalar(query.order_by(Capture.fetched_at.desc(), Capture.id.desc()).limit(1))


@dataclass(frozen=True, slots=True)
class CaptureSighting:
    id: int
    url: str
    warc_record_id: str
    fetched_at: datetime
    confirmed_at: datetime | None  # the newest revisit of the capture at its URL


@dataclass(frozen=True, slots=True)
class DocumentOutcome:
    """What recording one (text, URL) sighting did."""

    document_id: int
    new_document: bool  # first time this text was seen anywhere
    new_source: bool  # first time this text was seen at this URL
    new_version: bool  # the text at this URL changed (not its first text)
    version: int  # the URL's version number now carrying this text

    @property
    def changed(self) -> bool:
        return self.new_document or self.new_source or self.new_version


# The statements of one report's dedupe-and-store, built once: building a statement (and an aliased subquery)
# per call cost as much as running it.
_revisit = aliased(Capture)
_CAPTURE_SIGHTING = select(
    Capture.url,
    Capture.warc_record_id,
    Capture.fetched_at,
    select(func.max(_revisit.fetched_at))
    .where(_revisit.revisit_of_id == Capture.id, _revisit.url == Capture.url)
    .scalar_subquery(),
).where(Capture.id == bindparam("capture_id"))
_DOCUMENT_BY_TEXT = select(Document.id, Document.last_seen).where(Document.text_sha256 == bindparam("text_sha256"))
_INSERT_DOCUMENT = insert(Document).returning(Document.id)
_TOUCH_DOCUMENT = update(Document).where(Document.id == bindparam("row_id")).values(last_seen=bindparam("seen_at"))
_SOURCE = select(DocumentSource.id, DocumentSource.last_seen, DocumentSource.capture_id).where(
    DocumentSource.document_id == bindparam("document_id"), DocumentSource.url == bindparam("url")
)
_INSERT_SOURCE = insert(DocumentSource)
_TOUCH_SOURCE = (
    update(DocumentSource)
    .where(DocumentSource.id == bindparam("row_id"))
    .values(last_seen=bindparam("seen_at"), capture_id=bindparam("capture"))
)
_LATEST_VERSION = (
    select(DocumentVersion.id, DocumentVersion.version, DocumentVersion.document_id, DocumentVersion.last_seen)
    .where(DocumentVersion.url == bindparam("url"))
    .order_by(DocumentVersion.version.desc())
    .limit(1)
)
_INSERT_VERSION = insert(DocumentVersion)
_TOUCH_VERSION = (
    update(DocumentVersion).where(DocumentVersion.id == bindparam("row_id")).values(last_seen=bindparam("seen_at"))
)
_REPORT = select(Report.id, Report.capture_id).where(
    Report.document_id == bindparam("document_id"), Report.parser_version == bindparam("parser_version")
)
_INSERT_REPORT = insert(Report)
_REPLACE_REPORT = (
    update(Report)
    .where(Report.id == bindparam("row_id"))
    .values(record=bindparam("new_record"), capture_id=bindparam("capture"))
)
_INSERT_TEXT_RECORD = insert(TextRecord).returning(TextRecord.id)


def record_document(
    db: Db, *, text_sha256: str, url: str, portal: str | None, capture_id: int | None, seen_at: datetime
) -> DocumentOutcome:
    """A known text at a new URL adds a source; a new text at a known URL adds a version; the same text at
    the same URL again only moves last_seen.

    Core statements, not ORM objects: this runs once per report in a crawl, and the unit of work's flushes
    were most of its cost."""
    document = db.execute(_DOCUMENT_BY_TEXT, {"text_sha256": text_sha256}).first()
    new_document = document is None
    if document is None:
        document_id = db.execute(
            _INSERT_DOCUMENT,
            {
                "text_sha256": text_sha256,
                "first_seen": seen_at,
                "last_seen": seen_at,
                "first_capture_id": capture_id,
            },
        ).scalar_one()
    else:
        document_id = document.id
        if seen_at > document.last_seen:
            db.execute(_TOUCH_DOCUMENT, {"row_id": document_id, "seen_at": seen_at})

    # a document inserted just now has no sources yet
    source = None if new_document else db.execute(_SOURCE, {"document_id": document_id, "url": url}).first()
    new_source = source is None
    if source is None:
        db.execute(
            _INSERT_SOURCE,
            {
                "document_id": document_id,
                "url": url,
                "portal": portal,
                "first_seen": seen_at,
                "last_seen": seen_at,
                "capture_id": capture_id,
            },
        )
    elif seen_at > source.last_seen or (capture_id and capture_id != source.capture_id):
        db.execute(
            _TOUCH_SOURCE,
            {
                "row_id": source.id,
                "seen_at": max(source.last_seen, seen_at),
                "capture": capture_id or source.capture_id,
            },
        )

    latest = db.execute(_LATEST_VERSION, {"url": url}).first()
    new_version = False
    if latest is None or latest.document_id != document_id:
        version = 1 if latest is None else latest.version + 1
        new_version = latest is not None
        db.execute(
            _INSERT_VERSION,
            {
                "url": url,
                "version": version,
                "document_id": document_id,
                "first_seen": seen_at,
                "last_seen": seen_at,
                "capture_id": capture_id,
            },
        )
    else:
        version = latest.version
        if seen_at > latest.last_seen:
            db.execute(_TOUCH_VERSION, {"row_id": latest.id, "seen_at": seen_at})
    return DocumentOutcome(
        document_id=document_id,
        new_document=new_document,
        new_source=new_source,
        new_version=new_version,
        version=version,
    )


def record_sighting(
    db: Db,
    *,
    text_sha256: str,
    url: str,
    portal: str | None,
    capture_id: int | None,
    seen_at: datetime | None,
    sighting: CaptureSighting | None,
) -> DocumentOutcome:
    """record_document dated by the capture `sighting` (see capture_sighting) unless `seen_at` is given: first
    seen when fetched, last seen at its newest revisit."""
    when = seen_at or (sighting.fetched_at if sighting else None) or datetime.now(UTC)
    outcome = record_document(db, text_sha256=text_sha256, url=url, portal=portal, capture_id=capture_id, seen_at=when)
    confirmed = sighting.confirmed_at if sighting and seen_at is None else None
    if confirmed is not None and confirmed > when:
        # the same text at the same URL again: only moves last_seen (the outcome is the first call's)
        record_document(db, text_sha256=text_sha256, url=url, portal=portal, capture_id=capture_id, seen_at=confirmed)
    return outcome


def store_report(
    db: Db,
    *,
    document_id: int,
    parser_version: str,
    record: dict[str, Any] | str,
    capture_id: int | None,
    replace: bool = False,
    new_document: bool = False,
) -> bool:
    """Store the parsed record of a document for a parser version; False if one was already there
    (and not replaced). `record` may be an EncodedJSON; `new_document`: the document was inserted in this
    transaction, so it has no report yet."""
    existing = (
        None
        if new_document
        else db.execute(_REPORT, {"document_id": document_id, "parser_version": parser_version}).first()
    )
    if existing is not None:
        if replace:
            db.execute(
                _REPLACE_REPORT,
                {"row_id": existing.id, "new_record": record, "capture": capture_id or existing.capture_id},
            )
        return False
    db.execute(
        _INSERT_REPORT,
        {
            "document_id": document_id,
            "parser_version": parser_version,
            "record": record,
            "capture_id": capture_id,
            "parsed_at": datetime.now(UTC),
        },
    )
    return True


def capture_sighting(db: Db, capture_id: int) -> CaptureSighting | None:
    """What a derived record needs of a capture: its URI and record id, when it was fetched, and when its
    payload was last confirmed at that URL by a later revisit of it (a 304 or an identical payload)."""
    row = db.execute(_CAPTURE_SIGHTING, {"capture_id": capture_id}).first()
    if row is None:
        return None
    # max() keeps the column's type: the newest revisit comes back as a UTC-aware datetime on every backend
    return CaptureSighting(id=capture_id, url=row[0], warc_record_id=row[1], fetched_at=row[2], confirmed_at=row[3])


def insert_text_record(db: Db, capture_id: int, kind: str, text_sha256: str, location: RecordLocation) -> int:
    """Index a text record (conversion/resource) written for a capture."""
    return db.execute(
        _INSERT_TEXT_RECORD,
        {
            "capture_id": capture_id,
            "kind": kind,
            "text_sha256": text_sha256,
            "warc_record_id": location.record_id,
            "warc_file": location.warc_file,
            "warc_offset": location.offset,
            "warc_length": location.length,
            "created_at": datetime.now(UTC),
        },
    ).scalar_one()


def start_run(session: Session, spider: str) -> CrawlRun:
    run = CrawlRun(spider=spider)
    session.add(run)
    session.flush()
    return run


PORTAL_FIELDS = ("name", "level", "region_code")


def upsert_portals(connection: Connection, portals: list[dict[str, Any]]) -> int:
    """Insert or update the metadata rows of `portals` (dicts with `id` and PORTAL_FIELDS); returns how many rows
    were added or changed. Portable select-then-write: a concurrent crawl inserting the same id first raises an
    IntegrityError, and the caller runs this again (it then updates)."""
    by_id = {str(p["id"]): {f: p.get(f) for f in PORTAL_FIELDS} for p in portals}
    if not by_id:
        return 0
    known = {
        row.id: row
        for row in connection.execute(
            select(Portal.id, *(getattr(Portal, f) for f in PORTAL_FIELDS)).where(Portal.id.in_(by_id))
        )
    }
    now = datetime.now(UTC)
    added = [{"id": pid, **values, "updated_at": now} for pid, values in by_id.items() if pid not in known]
    changed = [
        {"row_id": pid, **{f"new_{f}": v for f, v in values.items()}, "new_updated_at": now}
        for pid, values in by_id.items()
        if pid in known and tuple(values.values()) != tuple(known[pid])[1:]
    ]
    if added:
        connection.execute(insert(Portal), added)
    if changed:
        connection.execute(
            update(Portal)
            .where(Portal.id == bindparam("row_id"))
            .values(**{f: bindparam(f"new_{f}") for f in (*PORTAL_FIELDS, "updated_at")}),
            changed,
        )
    return len(added) + len(changed)


def portal_metadata(connection: Connection | Session) -> dict[str, dict[str, Any]]:
    """Every portal row: id -> {name, level, region_code}."""
    rows = connection.execute(select(Portal.id, *(getattr(Portal, f) for f in PORTAL_FIELDS)))
    return {row.id: dict(zip(PORTAL_FIELDS, tuple(row)[1:], strict=True)) for row in rows}
