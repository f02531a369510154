"""Small archives with one broken record each, built on demand: a real archive (warcio records, SQLite index) of
three fetches, then the response record of the last one damaged in one way. The last one, so that the records
before it keep their offsets and every problem the checker finds is the damage itself."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from gxcrawl.archive import Archive, CaptureRef, Exchange

PAYLOAD = "<p>年度报告: 主动公开政府信息 1234 条</p>".encode()


@dataclass(frozen=True)
class BrokenArchive:
    root: Path
    warc: Path  # the WARC file holding the damaged record
    damaged: CaptureRef  # the capture whose response record was damaged (offset and length as indexed)
    intact: list[CaptureRef]


def _member(data: bytes, ref: CaptureRef) -> bytes:
    return gzip.decompress(data[ref.warc_offset : ref.warc_offset + ref.warc_length])


def _edit(member: bytes, old: bytes, new: bytes) -> bytes:
    if old not in member:
        raise AssertionError(f"{old!r} is not in the record to damage")
    return member.replace(old, new)


def _replace_member(data: bytes, ref: CaptureRef, member: bytes) -> bytes:
    return data[: ref.warc_offset] + gzip.compress(member, mtime=0) + data[ref.warc_offset + ref.warc_length :]


# each damage: the file's bytes and the capture to damage -> the damaged file's bytes
DAMAGES: dict[str, Callable[[bytes, CaptureRef], bytes]] = {
    # the record's content ends before its Content-Length, inside a gzip member that is itself intact (12 bytes
    # cut: the record's closing CRLF CRLF and 8 bytes of content)
    "truncated_record": lambda data, ref: _replace_member(data, ref, _member(data, ref)[:-12]),
    # the payload changed after the record was written: WARC-Payload-Digest (and the block digest) fail
    "bad_payload_digest": lambda data, ref: _replace_member(data, ref, _edit(_member(data, ref), b"1234", b"9999")),
    # an HTTP header changed, the payload did not: only WARC-Block-Digest fails
    "bad_block_digest": lambda data, ref: _replace_member(
        data, ref, _edit(_member(data, ref), b"Server: nginx", b"Server: NGINX")
    ),
    # the file ends in the middle of the record's gzip member
    "cut_gzip_member": lambda data, ref: data[: ref.warc_offset + ref.warc_length // 2],
}


def build_broken_archive(root: Path, damage: str) -> BrokenArchive:
    with Archive.open(root) as archive:
        refs = [
            archive.write_exchange(
                Exchange(
                    url=f"http://127.0.0.1/report/{n}",
                    status=200,
                    body=PAYLOAD + f"<p>{n}</p>".encode(),
                    fetched_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
                    response_headers=[("Content-Type", "text/html; charset=utf-8"), ("Server", "nginx")],
                )
            )
            for n in range(3)
        ]
    damaged = refs[-1]
    warc = root / damaged.warc_file
    data = warc.read_bytes()
    warc.write_bytes(DAMAGES[damage](data, damaged))
    return BrokenArchive(root=root, warc=warc, damaged=damaged, intact=refs[:-1])
