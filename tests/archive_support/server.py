"""A small loopback HTTP/1.1 server whose routes say exactly which bytes go on the wire.

Routes can send a gzip-encoded body, a chunked body, repeated headers, a delay; every response sent is logged so
tests compare the archive with what the server sent, not with what they expected.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from urllib.parse import quote

from mock_server import Arrival, MockServer, Reply


@dataclass
class Route:
    body: bytes  # bytes on the wire (already gzip-compressed for gzip routes)
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


class LoopbackServer(MockServer):
    def __init__(self, host: str = "127.0.0.1") -> None:
        super().__init__(host)
        self.routes: dict[str, Route] = {}
        self.sent: list[Sent] = []
        self._sent_lock = threading.Lock()

    def answer(self, request: Arrival) -> Reply:
        route = self.routes.get(request.path)
        if route is None:
            return Reply(404, [("Content-Type", "text/plain")], b"not found")
        if route.delay:
            time.sleep(route.delay)
        with self._sent_lock:
            self.sent.append(Sent(request.path, route.status, list(route.headers), route.body, request.headers))
        return Reply(route.status, route.headers, route.body, route.chunked)

    def url(self, path: str) -> str:
        """Absolute URL; non-ASCII paths are percent-encoded as a browser would send them."""
        return super().url(quote(path, safe="/?=&%"))

    def route(self, path: str, route: Route) -> str:
        self.routes[quote(path, safe="/?=&%")] = route
        return self.url(path)

    def sent_for(self, path: str) -> list[Sent]:
        wanted = quote(path, safe="/?=&%")
        return [s for s in self.sent if s.path == wanted]
