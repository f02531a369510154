"""Index look-ups for replay and conditional recrawl: which archived capture stands for a URL.

A URL's captures include 304 answers to conditional requests (no payload of their own) and browser-
rendered DOMs (`resource` records); replay and revalidation both want the newest capture that carries
the page itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from gxcrawl.archive import target_uri
from gxcrawl.archive.models import Capture

NOT_MODIFIED = 304


def replayable_capture(session: Session, url: str, at: datetime | None = None, *,
                       rendered: bool = False) -> Capture | None:
    """The newest capture of `url` (at or before `at`) that can answer a request: an HTTP response or
    a revisit of one, never a bare 304. `rendered=True` prefers a browser-rendered DOM if there is one."""
    query = select(Capture).where(Capture.url == target_uri(url), Capture.status != NOT_MODIFIED)
    if at is not None:
        query = query.where(Capture.fetched_at <= at)
    newest_first = query.order_by(Capture.fetched_at.desc(), Capture.id.desc())
    if rendered:
        dom = session.scalar(newest_first.where(Capture.record_type == "resource").limit(1))
        if dom is not None:
            return dom
    return session.scalar(newest_first.where(Capture.record_type != "resource").limit(1))


@dataclass(frozen=True, slots=True)
class Validators:
    """What a conditional request needs of the capture it revalidates."""

    capture_id: int
    payload_sha256: str
    etag: str | None
    last_modified: str | None


# run before every GET of a crawl: built once, on a plain connection (no ORM session per request)
_REVALIDATION = (
    select(Capture.id, Capture.payload_sha256, Capture.etag, Capture.last_modified)
    .where(Capture.url == bindparam("url"), Capture.status == 200, Capture.record_type != "resource")
    .order_by(Capture.fetched_at.desc(), Capture.id.desc())
    .limit(1)
)


def revalidation_capture(db: Connection | Session, url: str) -> Validators | None:
    """The newest successful (200) HTTP capture of `url`: its validators go into a conditional request
    and its payload answers a 304."""
    row = db.execute(_REVALIDATION, {"url": target_uri(url)}).first()
    return Validators(*row) if row else None

_ANY_REVALIDATION = select(Capture.id).where(Capture.status == 200, Capture.record_type != "resource").limit(1)


def has_revalidation_captures(db: Connection | Session) -> bool:
    """Whether any capture could be revalidated (a 200 HTTP response): none on a first crawl."""
    return db.execute(_ANY_REVALIDATION).first() is not None
