"""What one fetch becomes in the archive: a `response` record, a `revisit` of a payload already archived, a
server-not-modified `revisit` for a 304 answer, or a `resource` record for a browser-rendered DOM; the records
written for it and the index row that points at them. No I/O here: the look-ups are passed in."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from warcio.recordbuilder import RecordBuilder
from warcio.recordloader import ArcWarcRecord

from gxcrawl.archive.index import OriginalCapture
from gxcrawl.archive.records import (
    NOT_MODIFIED,
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
    warc_sha1,
)
from gxcrawl.archive.validate import clean_capture_row
from gxcrawl.archive.writer import RecordLocation

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CaptureDecision:
    record_type: str  # "response" | "revisit" | "resource"
    payload_sha256: str  # the payload the capture stands for (a 304's: the one it revalidated)
    payload_length: int
    original: OriginalCapture | None = None  # the capture holding the payload a revisit refers to
    not_modified: bool = False  # a 304 revisit (server-not-modified profile), not an identical payload


def decide_capture(
    ex: Exchange,
    *,
    payload_holder: Callable[[int], tuple[OriginalCapture, str, int] | None],
    original_by_digest: Callable[[str], OriginalCapture | None],
) -> CaptureDecision:
    """`payload_holder(capture_id)`: the response holding a capture's payload, with its sha256 and length (for a
    304 answering a conditional request made from that capture). `original_by_digest(sha256)`: the capture
    already holding this payload, if any (asked only for a non-empty payload)."""
    payload_sha256 = sha256_hex(ex.body)
    if ex.rendered:
        return CaptureDecision("resource", payload_sha256, len(ex.body))
    if ex.status == NOT_MODIFIED and ex.not_modified_of is not None:
        holder = payload_holder(ex.not_modified_of)
        if holder is not None:
            # the payload is the revalidated capture's: a server-not-modified revisit of the response holding it,
            # indexed with that payload's digest so read_payload() yields it
            holding, holder_sha256, holder_length = holder
            return CaptureDecision("revisit", holder_sha256, holder_length, holding, not_modified=True)
        logger.warning(
            "capture %s is not (a revisit of) an indexed response: the 304 answering a conditional "
            "request made from it is archived as a plain response record",
            ex.not_modified_of,
        )
    # an empty payload is not worth a revisit (and trips replay tools)
    original = original_by_digest(payload_sha256) if ex.body else None
    if original is not None:
        return CaptureDecision("revisit", payload_sha256, len(ex.body), original)
    return CaptureDecision("response", payload_sha256, len(ex.body))


def capture_records(
    builder: RecordBuilder, ex: Exchange, uri: str, date: str, decision: CaptureDecision
) -> list[ArcWarcRecord]:
    """The records of one fetch, the main one (response / revisit / resource) first, then the request (not for a
    rendered DOM: the browser's requests are not the crawl's) and the crawl metadata."""
    original = decision.original
    if decision.record_type == "resource":
        main = content_record(
            builder,
            uri,
            date,
            ex.body,
            record_type="resource",
            content_type=ex.header("Content-Type") or "text/html; charset=utf-8",
        )
    elif original is not None and decision.not_modified:
        main = not_modified_record(
            builder,
            ex,
            uri,
            date,
            refers_to_uri=original.url,
            refers_to_date=warc_date(original.fetched_at),
            refers_to_id=original.warc_record_id,
        )
    elif original is not None:
        main = revisit_record(
            builder,
            ex,
            uri,
            date,
            payload_digest=warc_sha1(ex.body),
            refers_to_uri=original.url,
            refers_to_date=warc_date(original.fetched_at),
            refers_to_id=original.warc_record_id,
        )
    else:
        main = response_record(builder, ex, uri, date)
    main_id = main.rec_headers.get_header("WARC-Record-ID")
    records = [main]
    if not ex.rendered:
        records.append(request_record(builder, ex, uri, date, main_id))
    records.append(metadata_record(builder, ex, uri, date, main_id))
    return records


def capture_row(
    ex: Exchange, uri: str, decision: CaptureDecision, main_id: str, location: RecordLocation
) -> dict[str, Any]:
    """The index row of the capture whose main record `main_id` was written at `location` (checked: a value the
    index cannot hold raises InvalidExchange)."""
    method = ex.method.upper()
    return clean_capture_row(
        dict(
            url=uri,
            final_url=target_uri(ex.final_url or ex.url),
            method=method,
            request_body_sha256=request_body_sha256(method, ex.request_body),
            fetched_at=ex.fetched_at.astimezone(UTC),
            status=ex.status,
            content_type=(ex.header("Content-Type") or None),
            payload_sha256=decision.payload_sha256,
            payload_length=decision.payload_length,
            record_type=decision.record_type,
            warc_record_id=main_id,
            warc_file=location.warc_file,
            warc_offset=location.offset,
            warc_length=location.length,
            revisit_of_id=decision.original.id if decision.original else None,
            portal=ex.portal,
            crawl_run_id=ex.crawl_run_id,
            referer=ex.referer,
            depth=ex.depth,
            duration=ex.duration,
            etag=ex.header("ETag"),
            last_modified=ex.header("Last-Modified"),
        )
    )
