"""The SQL index of the archive: typed SQLAlchemy 2.0 models.

One row per archived capture (response, revisit or rendered resource) pointing at its WARC record
by (file, offset, length); documents are distinct normalised report texts, with the URLs that carried
them (sources), the text history of each URL (versions), the parsed record per parser version
(reports) and the conversion records holding the text (texts). The archive knows nothing about the
report schema: a report record is opaque JSON here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints, so Alembic can drop/alter them (batch mode on SQLite included).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: the blocked_reason of a page its portal renders in a browser, fetched plainly because the crawl had none
UNRENDERED = "unrendered"


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops tzinfo; we put it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the archive stores UTC-aware datetimes only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Url = Annotated[str, mapped_column(Text)]
Sha256 = Annotated[str, mapped_column(String(64))]
Utc = Annotated[datetime, mapped_column(UtcDateTime)]


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # 64-bit ids and offsets (WARC files reach 1 GB; archives many); SQLite needs INTEGER for rowid keys
    type_annotation_map = {dict[str, Any]: JSON, int: BigInteger().with_variant(Integer(), "sqlite")}


class CrawlRun(Base):
    __tablename__ = "crawl_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    spider: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[Utc] = mapped_column(default=utcnow)
    finished_at: Mapped[Utc | None]
    finish_reason: Mapped[str | None] = mapped_column(String(100))
    stats: Mapped[dict[str, Any] | None]


class Portal(Base):
    """What a crawl knew about a portal it crawled (name, level, region code), kept so exports can say which
    government published a report without a join against a registry file that may have changed since. Upserted
    when a crawl starts; the archive treats the values as opaque strings."""

    __tablename__ = "portal"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    level: Mapped[str | None] = mapped_column(String(32))
    region_code: Mapped[str | None] = mapped_column(String(12))
    updated_at: Mapped[Utc] = mapped_column(default=utcnow)


class Capture(Base):
    """One archived fetch. `record_type` is "response", "revisit" (payload identical to `revisit_of`)
    or "resource" (a browser-rendered DOM, not an HTTP payload)."""

    __tablename__ = "capture"
    __table_args__ = (
        Index("ix_capture_url_fetched_at", "url", "fetched_at"),
        Index("ix_capture_payload_sha256", "payload_sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[Url]  # WARC-Target-URI: percent-encoded
    final_url: Mapped[Url]
    method: Mapped[str] = mapped_column(String(16), default="GET")
    # sha256 of the request body for a non-GET request (records.request_body_sha256): with method and url, what
    # tells apart the pages of an API that answers every page at one URL (a POST search). NULL for a GET, and for
    # a non-GET capture indexed before the column existed whose request record was not read back (body unknown)
    request_body_sha256: Mapped[str | None] = mapped_column(String(64))
    fetched_at: Mapped[Utc]
    status: Mapped[int]
    content_type: Mapped[str | None] = mapped_column(String(255))
    payload_sha256: Mapped[Sha256]  # of the body as stored (still Content-Encoded)
    payload_length: Mapped[int]
    record_type: Mapped[str] = mapped_column(String(16))
    warc_record_id: Mapped[str] = mapped_column(String(64), unique=True)
    warc_file: Mapped[str] = mapped_column(String(255))  # relative to the archive root
    warc_offset: Mapped[int]
    warc_length: Mapped[int]
    revisit_of_id: Mapped[int | None] = mapped_column(ForeignKey("capture.id"))
    portal: Mapped[str | None] = mapped_column(String(100), index=True)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_run.id"), index=True)
    referer: Mapped[str | None] = mapped_column(Text)
    depth: Mapped[int | None]
    duration: Mapped[float | None]
    etag: Mapped[str | None] = mapped_column(String(255))
    last_modified: Mapped[str | None] = mapped_column(String(64))
    # why the capture holds no usable page: a block page (challenge-412, empty-shell, soft-404, ...) or UNRENDERED
    blocked_reason: Mapped[str | None] = mapped_column(String(100))

    revisit_of: Mapped[Capture | None] = relationship(remote_side=[id])
    crawl_run: Mapped[CrawlRun | None] = relationship()


class Document(Base):
    """One distinct normalised report text, however many URLs carry it."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    text_sha256: Mapped[Sha256] = mapped_column(unique=True)
    first_seen: Mapped[Utc]
    last_seen: Mapped[Utc]
    first_capture_id: Mapped[int | None] = mapped_column(ForeignKey("capture.id"))

    sources: Mapped[list[DocumentSource]] = relationship(back_populates="document")
    reports: Mapped[list[Report]] = relationship(back_populates="document")


class DocumentSource(Base):
    """A URL that carried a document (a known text at a new URL adds a source)."""

    __tablename__ = "document_source"
    __table_args__ = (UniqueConstraint("document_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    url: Mapped[Url]
    portal: Mapped[str | None] = mapped_column(String(100))
    first_seen: Mapped[Utc]
    last_seen: Mapped[Utc]
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("capture.id"))  # latest capture seen

    document: Mapped[Document] = relationship(back_populates="sources")


class DocumentVersion(Base):
    """The text history of one URL: version n+1 when the text at the URL changes."""

    __tablename__ = "document_version"
    __table_args__ = (UniqueConstraint("url", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[Url] = mapped_column(index=True)
    version: Mapped[int]
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    first_seen: Mapped[Utc]
    last_seen: Mapped[Utc]
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("capture.id"))  # first capture with this text

    document: Mapped[Document] = relationship()


class Report(Base):
    """The parsed record of a document by one parser version (opaque JSON to the archive)."""

    __tablename__ = "report"
    __table_args__ = (UniqueConstraint("document_id", "parser_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    parser_version: Mapped[str] = mapped_column(String(32))
    record: Mapped[dict[str, Any]]
    parsed_at: Mapped[Utc] = mapped_column(default=utcnow)
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("capture.id"))

    document: Mapped[Document] = relationship(back_populates="reports")


class TextRecord(Base):
    """A `conversion` (or `resource`) record holding text derived from a capture."""

    __tablename__ = "text_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    capture_id: Mapped[int] = mapped_column(ForeignKey("capture.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    text_sha256: Mapped[Sha256]
    warc_record_id: Mapped[str] = mapped_column(String(64), unique=True)
    warc_file: Mapped[str] = mapped_column(String(255))
    warc_offset: Mapped[int]
    warc_length: Mapped[int]
    created_at: Mapped[Utc] = mapped_column(default=utcnow)


class CrossYearCheck(Base):
    """A check between two documents of one agency (gxcrawl.corpus.crossyear): `check_id` X1 compares one
    column of year N's carried-forward row with year N+1's carried-over row, X2 flags a second different
    document for the same agency and year. Recomputed as a whole (the index is its only input); each check
    is stored once per document it concerns, `other_document_id` naming the other one."""

    __tablename__ = "cross_year_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    other_document_id: Mapped[int] = mapped_column(ForeignKey("document.id"))
    check_id: Mapped[str] = mapped_column(String(8))
    column: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32))
    left: Mapped[float | None] = mapped_column(Float)
    right: Mapped[float | None] = mapped_column(Float)
    identity: Mapped[str] = mapped_column(Text)  # portal + "/" + normalised agency name
    report_year: Mapped[int]
    other_report_year: Mapped[int]
    computed_at: Mapped[Utc] = mapped_column(default=utcnow)
