"""Index look-ups for replay and conditional recrawl: which archived capture stands for a request.

A request is its method and URL, and for a non-GET request the digest of its body (an API that answers
every page at one URL, a POST search, differs only there). A URL's captures include 304 answers to
conditional requests (no payload of their own) and browser-rendered DOMs (`resource` records); replay and
revalidation both want the newest capture that carries the page itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, or_, select
from sqlalchemy.orm import Session

from gxcrawl.archive.models import Capture
from gxcrawl.archive.records import NOT_MODIFIED, request_body_sha256, target_uri


def replayable_capture(
    session: Session,
    url: str,
    at: datetime | None = None,
    *,
    rendered: bool = False,
    method: str = "GET",
    body: bytes | None = b"",
) -> Capture | None:
    """The newest capture of the request `method url` (at or before `at`) that can answer it: an HTTP response
    or a revisit of one, never a bare 304. A non-GET request is answered by a capture of the same body (its
    sha256), else by one whose body the index does not know (indexed before request digests, never by
    another body's). `rendered=True` prefers a browser-rendered DOM if there is one."""
    method = method.upper()
    query = select(Capture).where(
        Capture.url == target_uri(url), Capture.method == method, Capture.status != NOT_MODIFIED
    )
    if at is not None:
        query = query.where(Capture.fetched_at <= at)
    newest_first = query.order_by(Capture.fetched_at.desc(), Capture.id.desc())
    digest = request_body_sha256(method, body)
    if digest is not None:
        # this body's captures first; then the URL's captures of unknown body, as replay did before digests
        newest_first = query.where(
            or_(Capture.request_body_sha256 == digest, Capture.request_body_sha256.is_(None))
        ).order_by(Capture.request_body_sha256.is_(None), Capture.fetched_at.desc(), Capture.id.desc())
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


# run before every GET of a crawl: built once, on a plain connection (no ORM session per request). Only GETs
# are made conditional, and only from a GET's capture: a POST to the same URL (a search API) is another request
_REVALIDATABLE = (Capture.method == "GET", Capture.status == 200, Capture.record_type != "resource")
_REVALIDATION = (
    select(Capture.id, Capture.payload_sha256, Capture.etag, Capture.last_modified)
    .where(Capture.url == bindparam("url"), *_REVALIDATABLE)
    .order_by(Capture.fetched_at.desc(), Capture.id.desc())
    .limit(1)
)


def revalidation_capture(db: Connection | Session, url: str) -> Validators | None:
    """The newest successful (200) HTTP capture of a GET of `url`: its validators go into a conditional request
    and its payload answers a 304."""
    row = db.execute(_REVALIDATION, {"url": target_uri(url)}).first()
    return Validators(*row) if row else None


_ANY_REVALIDATION = select(Capture.id).where(*_REVALIDATABLE).limit(1)


def has_revalidation_captures(db: Connection | Session) -> bool:
    """Whether any capture could be revalidated (a 200 HTTP response to a GET): none on a first crawl."""
    return db.execute(_ANY_REVALIDATION).first() is not None
