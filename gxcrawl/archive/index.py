"""Index queries and writes. Every function takes a Session; the caller owns the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select
from sqlalchemy.orm import Session

from gxcrawl.archive.models import Capture, CrawlRun, Document, DocumentSource, DocumentVersion, Report


@dataclass(frozen=True, slots=True)
class OriginalCapture:
    """What a revisit record needs to know about the capture holding the payload."""

    id: int
    url: str
    fetched_at: datetime
    warc_record_id: str


# The two statements run for every fetch use Core on a Connection: the ORM's per-object bookkeeping was
# most of the archive's overhead over plain warcio (bench/archive.py).
_ORIGINAL_BY_DIGEST = (
    select(Capture.id, Capture.url, Capture.fetched_at, Capture.warc_record_id)
    .where(Capture.payload_sha256 == bindparam("sha"), Capture.record_type == "response")
    .order_by(Capture.url != bindparam("url"), Capture.id)
    .limit(1)
)
_INSERT_CAPTURE = insert(Capture).returning(Capture.id)


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
