"""A small loopback HTTP/1.1 server whose routes say exactly which bytes go on the wire.

Routes can send a gzip-encoded body, a chunked body, repeated headers, a delay; every response actually
sent is logged so tests compare the archive with what the server sent, not with what they expected.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote


@dataclass
class Route:
    body: bytes                      # bytes on the wire (already gzip-compressed for gzip routes)
    headers: list[tuple[str, str]] = field(default_factory=lambda: [("Content-Type", "text/html; charset=utf-8")])
    status: int = 200
    chunked: bool = False
    delay: float = 0.0


@dataclass
class Sent:
    path: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    request_headers: list[tuple[str, str]]


class LoopbackServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {}
        self.sent: list[Sent] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - stdlib name
                route = server.routes.get(self.path)
                if route is None:
                    body = b"not found"
                    self.send_response(404)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                if route.delay:
                    time.sleep(route.delay)
                self.send_response(route.status)
                for name, value in route.headers:
                    self.send_header(name, value)
                if route.chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                else:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                if route.chunked:
                    step = max(1, len(route.body) // 3)
                    for start in range(0, len(route.body), step):
                        piece = route.body[start:start + step]
                        self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                else:
                    self.wfile.write(route.body)
                with server._lock:
                    server.sent.append(Sent(self.path, route.status, list(route.headers), route.body,
                                            [(k, v) for k, v in self.headers.items()]))

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.host, self.port = self.httpd.server_address[:2]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        """Absolute URL; non-ASCII paths are percent-encoded as a browser would send them."""
        return f"http://{self.host}:{self.port}{quote(path, safe='/?=&%')}"

    def route(self, path: str, route: Route) -> str:
        self.routes[quote(path, safe="/?=&%")] = route
        return self.url(path)

    def sent_for(self, path: str) -> list[Sent]:
        wanted = quote(path, safe="/?=&%")
        return [s for s in self.sent if s.path == wanted]

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
