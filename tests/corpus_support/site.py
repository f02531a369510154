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

from mock_server import Arrival, MockServer, Reply


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    validators: bool = True  # send ETag + Last-Modified, answer If-None-Match / If-Modified-Since
    gzip: bool = False  # send gzip-encoded (deterministic: mtime 0)
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


class Site(MockServer):
    def __init__(self, host: str = "127.0.0.1") -> None:
        super().__init__(host)
        self.pages: dict[str, Page] = {}
        self.hits: list[Hit] = []
        self._hits_lock = threading.Lock()

    def answer(self, request: Arrival) -> Reply:
        reply = self._reply(request)
        with self._hits_lock:
            self.hits.append(Hit(request.path, reply.status, {k.lower(): v for k, v in request.headers}))
        return reply

    def _reply(self, request: Arrival) -> Reply:
        page = self.pages.get(request.path)
        if page is None:
            return Reply(404, [("Content-Type", "text/plain")], b"not found")
        headers = [("Content-Type", page.content_type), *page.headers]
        if page.validators:
            last_modified = formatdate(page.modified, usegmt=True)
            headers += [("ETag", page.etag), ("Last-Modified", last_modified)]
            if request.header("If-None-Match") == page.etag or (
                request.header("If-None-Match") is None and request.header("If-Modified-Since") == last_modified
            ):
                return Reply(304, [h for h in headers if h[0] != "Content-Type"], b"")
        body = page.body
        if page.gzip:
            body = gzip.compress(body, mtime=0)
            headers.append(("Content-Encoding", "gzip"))
        return Reply(page.status, headers, body)

    def hits_for(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path == path]
