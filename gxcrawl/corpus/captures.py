"""Index look-ups for replay and conditional recrawl: which archived capture stands for a URL.

A URL's captures include 304 answers to conditional requests (no payload of their own) and browser-
rendered DOMs (`resource` records); replay and revalidation both want the newest capture that carries
the page itself.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
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


def revalidation_capture(session: Session, url: str) -> Capture | None:
    """The newest successful (200) HTTP capture of `url`: its validators go into a conditional request
    and its payload answers a 304."""
    return session.scalar(
        select(Capture)
        .where(Capture.url == target_uri(url), Capture.status == 200, Capture.record_type != "resource")
        .order_by(Capture.fetched_at.desc(), Capture.id.desc())
        .limit(1)
    )
