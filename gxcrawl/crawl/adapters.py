"""Scrapy Request/Response <-> the archive's plain values (the one place these types meet)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from scrapy.http import Request, Response
from scrapy.http.headers import Headers
from scrapy.responsetypes import responsetypes

from gxcrawl.archive import Exchange, StoredResponse
from gxcrawl.crawl.meta import META_PORTAL


def header_pairs(headers: Headers) -> list[tuple[bytes, bytes]]:
    """Every header value, repeated ones (two Set-Cookie) kept as separate pairs."""
    return [(name, value) for name, values in headers.items() for value in values]


def request_portal(request: Request) -> str | None:
    portal = request.meta.get(META_PORTAL)
    return str(portal) if portal else None


def exchange_from_scrapy(
    request: Request, response: Response, *, fetched_at: datetime | None = None, crawl_run_id: int | None = None
) -> Exchange:
    """The fetch as it came off the wire (call from `response_downloaded`: body still Content-Encoded).
    A scrapy-playwright response (flag "playwright") is a rendered DOM and is marked `rendered`."""
    rendered = "playwright" in (response.flags or [])
    referer = request.headers.get(b"Referer")
    latency = request.meta.get("download_latency")
    extra: dict[str, str] = {}
    if response.flags:
        extra["scrapyFlags"] = " ".join(str(f) for f in response.flags)
    return Exchange(
        url=request.url,
        final_url=response.url,
        method=request.method,
        request_headers=[] if rendered else header_pairs(request.headers),
        request_body=request.body or b"",
        status=response.status,
        reason=None,  # Scrapy drops the server's reason phrase; records.reason_phrase fills the standard one
        http_version=getattr(response, "protocol", None) or "HTTP/1.1",
        response_headers=header_pairs(response.headers),
        body=response.body,
        fetched_at=fetched_at or datetime.now(UTC),
        duration=float(latency) if latency is not None else None,
        portal=request_portal(request),
        referer=referer.decode("iso-8859-1") if referer else None,
        depth=request.meta.get("depth", 0),  # DepthMiddleware sets it on followed requests only
        crawl_run_id=crawl_run_id,
        ip_address=str(response.ip_address) if getattr(response, "ip_address", None) else None,
        rendered=rendered,
        extra_metadata=extra,
    )


def response_from_stored(stored: StoredResponse, request: Request, **kwargs: Any) -> Response:
    """Rebuild a Scrapy response from the archive as the downloader would have returned it (wire body +
    headers with Content-Encoding), so the usual middlewares (decompression, cookies...) still apply."""
    headers = Headers()
    for name, value in stored.headers:
        headers.appendlist(name, value)
    body = stored.wire_body
    if stored.record_type == "resource":  # a rendered DOM has no Content-Encoding
        body = stored.body
    cls = responsetypes.from_args(headers=headers, url=stored.url, body=body)
    return cls(
        url=request.url,
        status=stored.status,
        headers=headers,
        body=body,
        request=request,
        protocol=stored.http_version,
        **kwargs,
    )
