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
from collections.abc import Iterator
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
    name: str  # relative to the WARC directory's parent (the archive root), e.g. "warcs/x.warc.gz"
    path: Path
    stream: BinaryIO


class WarcRotator:
    """Hands out the file to write the next group of records to; starts a new one past `max_size`."""

    def __init__(
        self,
        root: Path,
        *,
        subdir: str = "warcs",
        prefix: str = "gxcrawl",
        max_size: int = 1_000_000_000,
        info: dict[str, str] | None = None,
    ) -> None:
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


READ_CHUNK = 1 << 16  # compressed bytes read at a time while scanning
INFLATE_LIMIT = 1 << 16  # decompressed bytes produced (and dropped) per zlib call: scanning holds no record
GZIP_MAGIC = b"\x1f\x8b\x08"  # a gzip member header (deflate): where a scan resumes after damage
TRUNCATED = "truncated gzip member (the file ends inside it)"


@dataclass(frozen=True, slots=True)
class Member:
    """One complete, intact gzip member (one WARC record, as the writer writes them)."""

    offset: int
    length: int


@dataclass(frozen=True, slots=True)
class Damage:
    """Bytes that are no complete gzip member: a damaged record in the middle of a file, or the incomplete
    record a killed writer left at its end (`truncated`)."""

    offset: int
    length: int
    reason: str

    @property
    def truncated(self) -> bool:
        return self.reason == TRUNCATED


def _member_end(stream: BinaryIO, start: int, data: bytes = b"") -> tuple[int | None, str, bytes]:
    """Inflate the gzip member at `start` (output dropped in bounded pieces, CRC and length checked by zlib):
    the offset just past it (or None and why it is not a complete member), and the bytes after it already read.
    `data`: the file's bytes from `start` already in hand (the stream is positioned just after them)."""
    if not data:
        stream.seek(start)
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    fed_end = start + len(data)  # file offset just past the last byte given to the inflater
    at_eof = False
    while True:
        if not data and not at_eof:
            data = stream.read(READ_CHUNK)
            fed_end += len(data)
            at_eof = not data
        try:
            out = inflater.decompress(data, INFLATE_LIMIT)
        except zlib.error as exc:
            return None, f"damaged gzip member ({exc})", b""
        if inflater.eof:
            rest = inflater.unused_data
            return fed_end - len(rest), "", rest
        data = inflater.unconsumed_tail
        if at_eof and not data and not out:
            return None, TRUNCATED, b""


def _find_magic(stream: BinaryIO, start: int) -> int | None:
    """The offset of the first gzip member header at or after `start`."""
    stream.seek(start)
    offset, carry = start, b""
    while chunk := stream.read(READ_CHUNK):
        window = carry + chunk
        found = window.find(GZIP_MAGIC)
        if found >= 0:
            return offset - len(carry) + found
        carry = window[-(len(GZIP_MAGIC) - 1) :]
        offset += len(chunk)
    return None


def _next_member(stream: BinaryIO, start: int) -> tuple[Member | None, int | None]:
    """The first complete member starting at or after `start` (resync after damage: gzip members are
    independent), and the first offset where a member only ends with the file (a truncated tail)."""
    truncated_at = None
    while (candidate := _find_magic(stream, start)) is not None:
        end, problem, _ = _member_end(stream, candidate)
        if end is not None:
            return Member(candidate, end - candidate), truncated_at
        if problem == TRUNCATED and truncated_at is None:
            truncated_at = candidate
        start = candidate + 1
    return None, truncated_at


def iter_members(path: Path) -> Iterator[Member | Damage]:
    """The file as a sequence of complete gzip members and damaged stretches, in file order. A damaged member
    costs only itself: the scan resumes at the next complete member. Memory stays flat whatever the record
    sizes (nothing decompressed is kept)."""
    size = path.stat().st_size
    with open(path, "rb") as stream:
        position, ahead = 0, b""  # `ahead`: bytes from `position` on, already read (one sequential pass)
        while position < size:
            end, problem, ahead = _member_end(stream, position, ahead)
            if end is not None:
                yield Member(position, end - position)
                position = end
                continue
            member, truncated_at = _next_member(stream, position + 1)
            stop = member.offset if member is not None else size
            if problem == TRUNCATED and member is not None:
                problem = "damaged gzip member (it runs into the records after it)"
            if problem == TRUNCATED or member is not None or truncated_at is None:
                yield Damage(position, stop - position, problem)
            else:  # a damaged record, then the truncated one a killed writer left
                yield Damage(position, truncated_at - position, problem)
                yield Damage(truncated_at, size - truncated_at, TRUNCATED)
            if member is None:
                return
            yield member
            position = member.offset + member.length


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
    damaged: tuple[Damage, ...] = ()  # damaged records left in place (reported, never cut)


def repair_unclean_files(directory: Path) -> list[RepairedFile]:
    """Cut the incomplete last record off every WARC whose writer died (kill -9, power loss) and drop its
    marker. Only an incomplete tail is cut: a damaged record in the middle of the file is logged and left in
    place, and the intact records after it stay where they are."""
    repaired: list[RepairedFile] = []
    if not directory.is_dir():
        return repaired
    for marker in sorted(directory.glob("*" + WARC_SUFFIX + OPEN_MARKER_SUFFIX)):
        if _writer_alive(marker):
            continue
        path = marker.with_name(marker.name[: -len(OPEN_MARKER_SUFFIX)])
        if path.exists():
            size = path.stat().st_size
            parts = list(iter_members(path))
            tail = parts[-1] if parts and isinstance(parts[-1], Damage) and parts[-1].truncated else None
            damaged = tuple(p for p in parts if isinstance(p, Damage) and p is not tail)
            end = tail.offset if tail is not None else size
            if end < size:
                with open(path, "r+b") as stream:
                    stream.truncate(end)
                    os.fsync(stream.fileno())
                logger.warning(
                    "repaired %s: cut %d bytes of a truncated record left by a killed writer", path, size - end
                )
            for part in damaged:
                logger.error(
                    "%s@%d: %d bytes damaged (%s); left in place, the records after it are kept "
                    "(run `gxcrawl archive check`)",
                    path,
                    part.offset,
                    part.length,
                    part.reason,
                )
            repaired.append(RepairedFile(path=path, kept_bytes=end, cut_bytes=size - end, damaged=damaged))
        marker.unlink(missing_ok=True)
    return repaired
