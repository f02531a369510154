"""Plain values -> WARC records (no I/O, no Scrapy types).

`Exchange` is one HTTP fetch as plain values; the functions below turn it into warcio records:
`response` (wire body, still Content-Encoded), `request`, `metadata`, `revisit`, and `resource` /
`conversion` records for rendered DOMs and extracted text. Writing them is `writer.py`'s job.
"""

from __future__ import annotations

import base64
import hashlib
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from http import HTTPStatus
from io import BytesIO
from urllib.parse import urlsplit

from w3lib.url import safe_url_string
from warcio.recordbuilder import RecordBuilder
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date

HeaderValue = str | bytes
HeaderPairs = Sequence[tuple[HeaderValue, HeaderValue]]

# Hop-by-hop framing already undone by the HTTP client: keeping it with a de-chunked body is the most
# reported WARC fidelity bug.
_FRAMING_HEADERS = frozenset({"transfer-encoding"})


@dataclass(slots=True)
class Exchange:
    """One fetch as plain values; `body` is the payload as it came off the wire (still Content-Encoded).

    `rendered=True` marks a browser-rendered DOM (not an HTTP payload): it is archived as a
    `resource` record, never as a `response`. `not_modified_of` (with status 304) names the capture a
    conditional request revalidated.
    """

    url: str
    status: int
    body: bytes
    fetched_at: datetime
    method: str = "GET"
    request_headers: HeaderPairs = ()
    request_body: bytes = b""
    reason: str | None = None
    http_version: str = "HTTP/1.1"
    response_headers: HeaderPairs = ()
    duration: float | None = None
    portal: str | None = None
    referer: str | None = None
    depth: int | None = None
    crawl_run_id: int | None = None
    final_url: str | None = None
    ip_address: str | None = None
    rendered: bool = False
    extra_metadata: dict[str, str] = field(default_factory=dict)
    # a 304 answering a conditional request: the id of the capture whose validators were sent (its payload
    # is what the server says is unchanged); the 304 is then archived as a server-not-modified revisit
    not_modified_of: int | None = None

    def header(self, name: str) -> str | None:
        """First response header value named `name` (case-insensitive), decoded as ISO-8859-1."""
        wanted = name.lower()
        for key, value in self.response_headers:
            if _text(key).lower() == wanted:
                return _text(value)
        return None


class RawStatusAndHeaders(StatusAndHeaders):  # type: ignore[misc]  # warcio ships no type information
    """HTTP headers serialised byte for byte (ISO-8859-1) instead of warcio's percent-encoding of
    non-ASCII values, so e.g. a GBK `Content-Disposition` filename stays as the server sent it."""

    def compute_headers_buffer(self, header_filter: Callable[[tuple[str, str]], object] | None = None) -> None:
        self.headers_buff = self.to_bytes(header_filter, encoding="iso-8859-1")


def _text(value: HeaderValue) -> str:
    return value.decode("iso-8859-1") if isinstance(value, bytes) else value


@lru_cache(maxsize=8192)  # the same URL is encoded for the response, the request, final_url, referers
def target_uri(url: str) -> str:
    """The ASCII form of `url` for WARC-Target-URI (IRIs percent-encoded; pywb #961)."""
    return safe_url_string(url, encoding="utf-8")


def warc_date(moment: datetime) -> str:
    """WARC/1.1 date with microseconds, UTC."""
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: pass a UTC-aware datetime")
    date: str = datetime_to_iso_date(moment.astimezone(UTC).replace(tzinfo=None), use_micros=True)
    return date


def reason_phrase(status: int, reason: str | None) -> str:
    if reason:
        return reason
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def warc_sha1(data: bytes) -> str:
    """WARC-Payload-Digest form (sha1, base32), as warcio writes it."""
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


_EMPTY_SHA256 = sha256_hex(b"")


def request_body_sha256(method: str, body: bytes | None) -> str | None:
    """What identifies a request besides its method and URL: None for a GET (the URL is the whole request), else
    the sha256 of the body as sent (an API taking every page at one URL, a POST search, differs only there).
    Hashes only a body that is there: a GET, or a request without a body, costs a comparison."""
    if method == "GET" or method.upper() == "GET":
        return None
    return sha256_hex(body) if body else _EMPTY_SHA256


def response_header_pairs(headers: HeaderPairs) -> list[tuple[str, str]]:
    """All header values (repeated ones kept, in order), minus stale framing headers."""
    return [(_text(k), _text(v)) for k, v in headers if _text(k).lower() not in _FRAMING_HEADERS]


def http_protocol(version: str | None) -> str:
    """The status-line protocol to store. HTTP/2 has no status line; replay tools parse HTTP/1.x ones, so an
    h2 fetch is stored as HTTP/1.1 (its real protocol goes into the metadata record)."""
    return version if version and version.upper().startswith("HTTP/1.") else "HTTP/1.1"


def _request_line(ex: Exchange, uri: str) -> str:
    parts = urlsplit(uri)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return f"{ex.method.upper()} {path} {http_protocol(ex.http_version)}"


def _request_headers(ex: Exchange, uri: str) -> list[tuple[str, str]]:
    pairs = [(_text(k), _text(v)) for k, v in ex.request_headers]
    if not any(k.lower() == "host" for k, _ in pairs):
        # the HTTP client adds Host itself; put it back so the record shows what was sent
        pairs.insert(0, ("Host", urlsplit(uri).netloc))
    return pairs


def response_record(builder: RecordBuilder, ex: Exchange, uri: str, date: str) -> ArcWarcRecord:
    http_headers = RawStatusAndHeaders(
        f"{ex.status} {reason_phrase(ex.status, ex.reason)}".rstrip(),
        response_header_pairs(ex.response_headers),
        protocol=http_protocol(ex.http_version),
    )
    warc_headers = {"WARC-Date": date}
    if ex.ip_address:
        warc_headers["WARC-IP-Address"] = ex.ip_address
    return builder.create_warc_record(
        uri,
        "response",
        payload=BytesIO(ex.body),
        length=len(ex.body),
        http_headers=http_headers,
        warc_headers_dict=warc_headers,
    )


def revisit_record(
    builder: RecordBuilder,
    ex: Exchange,
    uri: str,
    date: str,
    *,
    payload_digest: str,
    refers_to_uri: str,
    refers_to_date: str,
    refers_to_id: str,
) -> ArcWarcRecord:
    """A revisit (identical-payload-digest profile) keeping this fetch's own status line and headers."""
    http_headers = RawStatusAndHeaders(
        f"{ex.status} {reason_phrase(ex.status, ex.reason)}".rstrip(),
        response_header_pairs(ex.response_headers),
        protocol=http_protocol(ex.http_version),
    )
    warc_headers = {"WARC-Date": date, "WARC-Refers-To": refers_to_id}
    if ex.ip_address:
        warc_headers["WARC-IP-Address"] = ex.ip_address
    return builder.create_revisit_record(
        uri,
        payload_digest,
        refers_to_uri,
        refers_to_date,
        http_headers=http_headers,
        warc_headers_dict=warc_headers,
    )


NOT_MODIFIED = 304  # the answer to a conditional request: no payload of its own (a server-not-modified revisit)
SERVER_NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"


def not_modified_record(
    builder: RecordBuilder,
    ex: Exchange,
    uri: str,
    date: str,
    *,
    refers_to_uri: str,
    refers_to_date: str,
    refers_to_id: str,
) -> ArcWarcRecord:
    """A revisit (server-not-modified profile) for a 304 answer: the record content is the 304's own status
    line and headers; the payload is the one of the record it refers to. No WARC-Payload-Digest: the server
    sent no payload to digest (WARC 1.1, WARC-Payload-Digest)."""
    http_headers = RawStatusAndHeaders(
        f"{ex.status} {reason_phrase(ex.status, ex.reason)}".rstrip(),
        response_header_pairs(ex.response_headers),
        protocol=http_protocol(ex.http_version),
    )
    warc_headers = {
        "WARC-Date": date,
        "WARC-Profile": SERVER_NOT_MODIFIED_PROFILE,
        "WARC-Refers-To": refers_to_id,
        "WARC-Refers-To-Target-URI": refers_to_uri,
        "WARC-Refers-To-Date": refers_to_date,
    }
    if ex.ip_address:
        warc_headers["WARC-IP-Address"] = ex.ip_address
    return builder.create_warc_record(uri, "revisit", http_headers=http_headers, warc_headers_dict=warc_headers)


def request_record(builder: RecordBuilder, ex: Exchange, uri: str, date: str, concurrent_to: str) -> ArcWarcRecord:
    http_headers = RawStatusAndHeaders(_request_line(ex, uri), _request_headers(ex, uri), is_http_request=True)
    body = ex.request_body or b""
    return builder.create_warc_record(
        uri,
        "request",
        payload=BytesIO(body),
        length=len(body),
        http_headers=http_headers,
        warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": concurrent_to},
    )


def _warc_fields(fields: Iterable[tuple[str, object]]) -> bytes:
    lines = []
    for name, value in fields:
        if value is None or value == "":
            continue
        # one line per field: newlines in values would break application/warc-fields
        text = str(value).replace("\r", " ").replace("\n", " ")
        lines.append(f"{name}: {text}\r\n")
    return "".join(lines).encode("utf-8")


def metadata_record(builder: RecordBuilder, ex: Exchange, uri: str, date: str, concurrent_to: str) -> ArcWarcRecord:
    """Crawl provenance: portal, referer, depth, fetch duration (application/warc-fields)."""
    fields: list[tuple[str, object]] = [
        ("portal", ex.portal),
        ("via", target_uri(ex.referer) if ex.referer else None),
        ("hopsFromSeed", ex.depth),
        ("fetchTimeMs", None if ex.duration is None or not math.isfinite(ex.duration) else round(ex.duration * 1000)),
        ("crawlRun", ex.crawl_run_id),
        ("rendered", "browser" if ex.rendered else None),
        ("protocol", ex.http_version if ex.http_version != http_protocol(ex.http_version) else None),
    ]
    fields.extend(sorted(ex.extra_metadata.items()))
    body = _warc_fields(fields)
    return builder.create_warc_record(
        uri,
        "metadata",
        payload=BytesIO(body),
        length=len(body),
        warc_content_type="application/warc-fields",
        warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": concurrent_to},
    )


def content_record(
    builder: RecordBuilder,
    uri: str,
    date: str,
    data: bytes,
    *,
    record_type: str,
    content_type: str,
    refers_to_id: str | None = None,
) -> ArcWarcRecord:
    """A `resource` or `conversion` record (rendered DOM, extracted text)."""
    if record_type not in ("resource", "conversion"):
        raise ValueError(f"record_type must be 'resource' or 'conversion', not {record_type!r}")
    headers = {"WARC-Date": date}
    if refers_to_id:
        headers["WARC-Refers-To"] = refers_to_id
    return builder.create_warc_record(
        uri,
        record_type,
        payload=BytesIO(data),
        length=len(data),
        warc_content_type=content_type,
        warc_headers_dict=headers,
    )


def warcinfo_record(builder: RecordBuilder, filename: str, info: dict[str, str]) -> ArcWarcRecord:
    return builder.create_warcinfo_record(filename, info)
