"""The one loopback HTTP server of the tests: a ThreadingHTTPServer in a daemon thread that answers GETs with
whatever `answer(request)` returns, and records every request that arrived (method, path, headers, when).

    class Site(MockServer):
        def answer(self, request: Arrival) -> Reply:
            return Reply(200, [("Content-Type", "text/html")], b"<p>hi</p>")

    with Site("127.0.0.2") as site:
        crawl(site.url("/"))
        assert [r.path for r in site.requests] == ["/"]

`answer` may also return a plain (status, headers, body) tuple. Content-Length is added (or, with
`Reply.chunked`, the body goes out in three chunks). Tests that need what http.server cannot send (an impossible
status line) use a raw socket of their own.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple, Self


class Reply(NamedTuple):
    status: int
    headers: list[tuple[str, str]]  # sent as given, repeated names kept (Content-Length is added)
    body: bytes  # the bytes on the wire (already compressed for a Content-Encoding)
    chunked: bool = False  # Transfer-Encoding: chunked instead of Content-Length


@dataclass(frozen=True)
class Arrival:
    method: str
    path: str  # as the client sent it (percent-encoded, with the query)
    headers: list[tuple[str, str]]
    at: float  # time.monotonic() when the request line was read

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


class MockServer:
    """Subclass and define `answer`, or pass `answer=`. `protocol` "HTTP/1.0" closes the connection after each
    answer (http.server's default); "HTTP/1.1" keeps it open."""

    def __init__(self, host: str = "127.0.0.1", *, answer: object = None, protocol: str = "HTTP/1.1") -> None:
        if answer is not None:
            self.answer = answer  # type: ignore[method-assign]
        self.requests: list[Arrival] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = protocol

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - stdlib name
                arrival = Arrival(self.command, self.path, list(self.headers.items()), time.monotonic())
                with server._lock:
                    server.requests.append(arrival)
                status, headers, body, chunked = Reply(*server.answer(arrival))
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                if chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                else:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if not chunked:
                    self.wfile.write(body)
                    return
                step = max(1, len(body) // 3)
                for start in range(0, len(body), step):
                    piece = body[start : start + step]
                    self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.host, self.port = self.httpd.server_address[:2]
        self.base = f"http://{self.host}:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def answer(self, request: Arrival) -> Reply | tuple[int, list[tuple[str, str]], bytes]:
        raise NotImplementedError

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self._thread.is_alive():
            self.httpd.shutdown()
        self.httpd.server_close()
