"""WARC file naming, size rotation (one warcinfo record per file) and repair of files a killed writer left open.

Names are `<prefix>-<UTC timestamp>-<pid>-<serial>-<random>.warc.gz`, created with O_EXCL, so concurrent
writers (threads, processes, hosts sharing a directory) never collide. While a file is being written a
`<name>.open` marker holds the writer's host and pid; a marker whose process is gone means the file may end
in a truncated gzip member, which `repair_unclean_files` cuts off.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

logger = logging.getLogger(__name__)

WARC_SUFFIX = ".warc.gz"
OPEN_MARKER_SUFFIX = ".open"


def new_warc_name(prefix: str, serial: int) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    return f"{prefix}-{stamp}-{os.getpid()}-{serial:05d}-{secrets.token_hex(3)}{WARC_SUFFIX}"


@dataclass(slots=True)
class OpenWarc:
    name: str       # relative to the WARC directory's parent (the archive root), e.g. "warcs/x.warc.gz"
    path: Path
    stream: BinaryIO


class WarcRotator:
    """Hands out the file to write the next group of records to; starts a new one past `max_size`."""

    def __init__(self, root: Path, *, subdir: str = "warcs", prefix: str = "gxcrawl", max_size: int = 1_000_000_000,
                 info: dict[str, str] | None = None) -> None:
        if max_size <= 0:
            raise ValueError(f"max_size must be positive, not {max_size}")
        self.root = root
        self.directory = root / subdir
        self.subdir = subdir
        self.prefix = prefix
        self.max_size = max_size
        self.info = dict(info or {})
        self.current: OpenWarc | None = None
        self._serial = 0

    def file_for_next_group(self) -> tuple[OpenWarc, bool]:
        """The open file to append to, and whether it was just created (needs its warcinfo record)."""
        if self.current is not None and self.current.stream.tell() < self.max_size:
            return self.current, False
        self.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        while True:
            self._serial += 1
            name = new_warc_name(self.prefix, self._serial)
            path = self.directory / name
            try:
                stream = open(path, "xb")  # noqa: SIM115 - kept open across writes; closed in close()
            except FileExistsError:
                continue
            break
        marker = path.with_name(path.name + OPEN_MARKER_SUFFIX)
        marker.write_text(json.dumps({"host": socket.gethostname(), "pid": os.getpid()}))
        self.current = OpenWarc(name=f"{self.subdir}/{name}", path=path, stream=stream)
        return self.current, True

    def close(self) -> None:
        if self.current is None:
            return
        current, self.current = self.current, None
        current.stream.flush()
        os.fsync(current.stream.fileno())
        current.stream.close()
        current.path.with_name(current.path.name + OPEN_MARKER_SUFFIX).unlink(missing_ok=True)


def complete_members_end(path: Path) -> int:
    """Byte offset just past the last complete gzip member of `path` (0 if none)."""
    good_end = 0
    position = 0
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            data = chunk
            while data:
                try:
                    inflater.decompress(data, 1 << 20)
                    while inflater.unconsumed_tail:  # drain output in bounded pieces
                        inflater.decompress(inflater.unconsumed_tail, 1 << 20)
                except zlib.error:
                    return good_end
                if inflater.eof:
                    used = len(data) - len(inflater.unused_data)
                    position += used
                    good_end = position
                    data = inflater.unused_data
                    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
                else:
                    position += len(data)
                    data = b""
    return good_end


def _writer_alive(marker: Path) -> bool:
    try:
        owner = json.loads(marker.read_text())
    except (OSError, ValueError):
        return False
    if owner.get("host") != socket.gethostname():
        return True  # another host's writer: we cannot tell, leave it alone
    try:
        os.kill(int(owner["pid"]), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, KeyError, ValueError, TypeError):
        return True
    return True


@dataclass(frozen=True, slots=True)
class RepairedFile:
    path: Path
    kept_bytes: int
    cut_bytes: int


def repair_unclean_files(directory: Path) -> list[RepairedFile]:
    """Cut the truncated tail off every WARC whose writer died (kill -9, power loss) and drop its marker."""
    repaired: list[RepairedFile] = []
    if not directory.is_dir():
        return repaired
    for marker in sorted(directory.glob("*" + WARC_SUFFIX + OPEN_MARKER_SUFFIX)):
        if _writer_alive(marker):
            continue
        path = marker.with_name(marker.name[: -len(OPEN_MARKER_SUFFIX)])
        if path.exists():
            size = path.stat().st_size
            end = complete_members_end(path)
            if end < size:
                with open(path, "r+b") as stream:
                    stream.truncate(end)
                    os.fsync(stream.fileno())
                logger.warning("repaired %s: cut %d bytes of a truncated record left by a killed writer",
                               path, size - end)
            repaired.append(RepairedFile(path=path, kept_bytes=end, cut_bytes=size - end))
        marker.unlink(missing_ok=True)
    return repaired
