"""HTTP serving: one ThreadingHTTPServer per site, each on its own loopback address.

Per-host behaviours live here (robots.txt, slowness, 503 + Retry-After, gzip, conditional GETs);
per-page behaviours are the site's route handlers.
"""

from __future__ import annotations

import gzip
import hashlib
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from gxcrawl.demo import families
from gxcrawl.demo.world import Request, Response, Site

MAX_BODY = 1 << 20


@dataclass(frozen=True, slots=True)
class Access:
    site: str
    method: str
    path: str  # with query
    status: int
    started: float  # time.time() when the request line was read
    seconds: float  # time spent answering (slow-host delay included)
    body_sha1: str = ""  # of the request body (POST pages differ only there)


class AccessLog:
    """Every request the portal answered, in order. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.entries: list[Access] = []

    def add(self, entry: Access) -> None:
        with self._lock:
            self.entries.append(entry)

    def paths(self, site_id: str) -> list[str]:
        with self._lock:
            return [e.path for e in self.entries if e.site == site_id]


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, site: Site, log: AccessLog, slow_delay: float) -> None:
        self.site = site
        self.log = log
        self.slow_delay = slow_delay
        self.fail_lock = threading.Lock()
        self.failures_left = site.fail_first
        super().__init__((site.host, site.port), _Handler)
        site.port = self.server_address[1]


def _not_found(site: Site) -> Response:
    return site.html(
        f"<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1>"
        f"<hr><center>{site.name}</center></body></html>",
        404,
    )


def dispatch(server: SiteServer, req: Request, raw_path: str) -> Response:
    site = server.site
    if req.path == "/robots.txt":
        if site.robots_txt is None:
            return families.soft_404(site)
        return Response(200, site.robots_txt.encode("utf-8"), "text/plain; charset=utf-8")
    if server.failures_left > 0:
        with server.fail_lock:
            if server.failures_left > 0:
                server.failures_left -= 1
                return Response(
                    503,
                    b"<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
                    "text/html",
                    [("Retry-After", "1")],
                )
    handler = site.routes.get(raw_path) or site.routes.get(req.path)
    if handler is not None:
        return handler(req)
    for prefixed in site.prefix_routes:
        resp = prefixed(req)
        if resp is not None:
            return resp
    return _not_found(site)


class _Handler(BaseHTTPRequestHandler):
    server: SiteServer
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""

    timeout = 30  # an idle keep-alive connection is dropped after this many seconds

    def handle(self) -> None:
        # a TLS ClientHello on this plain-HTTP port: hang up at once, as a host whose https is broken does
        try:
            first = self.connection.recv(1, socket.MSG_PEEK)
        except OSError:
            return
        if first == b"\x16":
            return
        super().handle()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet; the AccessLog records requests
        return

    def _serve(self, method: str) -> None:
        site = self.server.site
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, MAX_BODY)) if length else b""
        parts = urlsplit(self.path)
        path = parts.path or "/"
        raw_path = path + ("?" + parts.query if parts.query else "")
        req = Request(method, path, parse_qs(parts.query, keep_blank_values=True), self.headers, body, site)
        started, t0 = time.time(), time.perf_counter()
        if site.slow and self.server.slow_delay > 0:
            time.sleep(self.server.slow_delay)
        try:
            resp = dispatch(self.server, req, raw_path)
        except Exception as exc:  # noqa: BLE001 - a bug in one page must not kill the site
            resp = Response(500, f"internal error: {exc!r}".encode(), "text/plain; charset=utf-8")
        self.server.log.add(
            Access(
                site.id,
                method,
                raw_path,
                resp.status,
                started,
                time.perf_counter() - t0,
                hashlib.sha1(body).hexdigest() if body else "",
            )
        )
        self._write(method, resp)

    def _write(self, method: str, resp: Response) -> None:
        status, body = resp.status, resp.body
        headers = list(resp.headers)
        if resp.last_modified and status == 200:
            tag = families.etag(body)
            headers += [("Last-Modified", families.http_date(resp.last_modified)), ("ETag", tag)]
            if self.headers.get("If-None-Match") == tag:
                status, body = 304, b""
        if (
            self.server.site.gzip
            and status == 200
            and len(body) > 1024
            and "gzip" in self.headers.get("Accept-Encoding", "")
            and resp.content_type.startswith(("text/", "application/json"))
        ):
            body = gzip.compress(body, compresslevel=5, mtime=0)
            headers += [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
        self.send_response(status)
        if status != 304:
            self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._serve("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve("HEAD")

    def do_POST(self) -> None:  # noqa: N802
        self._serve("POST")


def start_servers(sites: list[Site], log: AccessLog, slow_delay: float) -> list[tuple[SiteServer, threading.Thread]]:
    started: list[tuple[SiteServer, threading.Thread]] = []
    try:
        for site in sites:
            server = SiteServer(site, log, slow_delay)
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.2}, name=f"demo-portal-{site.id}", daemon=True
            )
            thread.start()
            started.append((server, thread))
    except BaseException:
        stop_servers(started)
        raise
    return started


def stop_servers(started: list[tuple[SiteServer, threading.Thread]]) -> None:
    for server, _thread in started:
        server.shutdown()
    for server, thread in started:
        server.server_close()
        thread.join(timeout=5)
