"""The digests one archive process has written or looked up, so that a repeated payload skips the database."""

from __future__ import annotations

from collections import OrderedDict

from gxcrawl.archive.index import OriginalCapture

KNOWN_DIGESTS = 50_000  # (digest, URI) pairs remembered per Archive: ~10 MB


class KnownDigests:
    """(payload sha256, target URI) -> the capture a revisit refers to, for digests this process has written or
    looked up (bounded LRU). A hit is the answer the database gave (or, for a capture written here, would give:
    captures are never deleted and the first one wins); a miss still asks the database, so a digest another
    process archived still becomes a revisit."""

    def __init__(self, size: int = KNOWN_DIGESTS) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[str, str], OriginalCapture] = OrderedDict()

    def get(self, payload_sha256: str, uri: str) -> OriginalCapture | None:
        key = (payload_sha256, uri)
        original = self._entries.get(key)
        if original is not None:
            self._entries.move_to_end(key)
        return original

    def put(self, payload_sha256: str, uri: str, original: OriginalCapture) -> None:
        if self.size <= 0:
            return
        self._entries[(payload_sha256, uri)] = original
        self._entries.move_to_end((payload_sha256, uri))
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
