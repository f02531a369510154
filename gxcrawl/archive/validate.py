"""What may go into the index: a fetch whose values the index cannot hold is refused on its own (InvalidExchange),
before any byte of it is written, and the archive carries on with the next one.

A server controls the status line and every header: a status of 9999999999999999999 overflows SQLite's INTEGER and
PostgreSQL's BIGINT, a NUL in a header is refused by PostgreSQL's text type, a 300-character Content-Type by
VARCHAR(255). The status must be the three digits HTTP allows; header values are cleaned to what the columns hold
(the WARC record keeps them as sent).
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from gxcrawl.archive.models import Capture

STATUS_MIN, STATUS_MAX = 100, 999  # RFC 9110 status codes: a three-digit integer
INT64_MAX = 2**63 - 1


class InvalidExchange(ValueError):
    """One fetch the index cannot hold (the reason is the message): that fetch is not archived, nothing else
    is affected."""


def _limit(column: str) -> int | None:
    return getattr(Capture.__table__.c[column].type, "length", None)


def check_status(status: Any, rendered: bool = False) -> None:
    if isinstance(status, bool) or not isinstance(status, int):
        raise InvalidExchange(f"HTTP status {status!r} is not a number")
    if rendered and status == 0:
        return
    if not STATUS_MIN <= status <= STATUS_MAX:
        shown = str(status) if len(str(status)) <= 30 else str(status)[:30] + "…"
        raise InvalidExchange(f"HTTP status {shown} is outside {STATUS_MIN}-{STATUS_MAX}")


def _text(value: str | None, column: str, *, clip: bool) -> str | None:
    """NULs removed (PostgreSQL text cannot hold them); over the column's length: clipped, or dropped when a cut
    value would be wrong (a validator sent back to the server must be whole)."""
    if value is None:
        return None
    value = value.replace("\x00", "")
    limit = _limit(column)
    if limit is not None and len(value) > limit:
        return value[:limit] if clip else None
    return value


def _integer(value: Any) -> int | None:
    return value if isinstance(value, int) and -INT64_MAX <= value <= INT64_MAX else None


def clean_capture_row(row: dict[str, Any]) -> dict[str, Any]:
    """The capture row as the index can hold it; InvalidExchange if what identifies the fetch cannot be."""
    check_status(row["status"], row.get("record_type") == "resource")
    method = row.get("method") or "GET"
    if len(method) > (_limit("method") or len(method)) or not method.isascii() or not method.isprintable():
        raise InvalidExchange(f"request method {method[:20]!r} is not an HTTP method")
    fetched_at = row.get("fetched_at")
    if not isinstance(fetched_at, datetime) or fetched_at.tzinfo is None:
        raise InvalidExchange(f"fetch time {fetched_at!r} is not a UTC-aware datetime")
    for column in ("payload_length", "warc_offset", "warc_length"):
        if _integer(row.get(column)) is None or row[column] < 0:
            raise InvalidExchange(f"{column} {row.get(column)!r} is not a non-negative 64-bit integer")
    cleaned = dict(row)
    for column in ("url", "final_url", "referer"):
        cleaned[column] = _text(row.get(column), column, clip=True)
    cleaned["content_type"] = _text(row.get("content_type"), "content_type", clip=True)
    cleaned["portal"] = _text(row.get("portal"), "portal", clip=True)
    cleaned["etag"] = _text(row.get("etag"), "etag", clip=False)
    cleaned["last_modified"] = _text(row.get("last_modified"), "last_modified", clip=False)
    cleaned["depth"] = _integer(row.get("depth"))
    duration = row.get("duration")
    cleaned["duration"] = float(duration) if isinstance(duration, int | float) and math.isfinite(duration) else None
    return cleaned
