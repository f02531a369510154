"""A loopback site whose pages can change between crawls, with ETag / Last-Modified and 304 answers.

Every request is logged with its headers, so tests assert on what the crawler actually sent (conditional
headers on a recrawl, nothing at all during a replay).
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    validators: bool = True          # send ETag + Last-Modified, answer If-None-Match / If-Modified-Since
    gzip: bool = False               # send gzip-encoded (deterministic: mtime 0)
    headers: list[tuple[str, str]] = field(default_factory=list)
    modified: float = 1_700_000_000.0  # Last-Modified (epoch seconds)

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'


@dataclass
class Hit:
    path: str
    status: int
    headers: dict[str, str]


class Site:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.pages: dict[str, Page] = {}
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)
                with site._lock:
                    site.hits.append(Hit(self.path, status, {k.lower(): v for k, v in self.headers.items()}))

            def do_GET(self) -> None:  # noqa: N802 - stdlib name
                page = site.pages.get(self.path)
                if page is None:
                    self._send(404, [("Content-Type", "text/plain")], b"not found")
                    return
                headers = [("Content-Type", page.content_type), *page.headers]
                if page.validators:
                    last_modified = formatdate(page.modified, usegmt=True)
                    headers += [("ETag", page.etag), ("Last-Modified", last_modified)]
                    if self.headers.get("If-None-Match") == page.etag or (
                        self.headers.get("If-None-Match") is None
                        and self.headers.get("If-Modified-Since") == last_modified
                    ):
                        self._send(304, [h for h in headers if h[0] != "Content-Type"], b"")
                        return
                body = page.body
                if page.gzip:
                    body = gzip.compress(body, mtime=0)
                    headers.append(("Content-Encoding", "gzip"))
                self._send(page.status, headers, body)

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.host, self.port = self.httpd.server_address[:2]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def hits_for(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path == path]

    def __enter__(self) -> Site:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self._thread.is_alive():
            self.httpd.shutdown()
        self.httpd.server_close()
