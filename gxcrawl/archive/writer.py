"""Write groups of WARC records (WARC/1.1, one gzip member per record) and say where each landed.

A group (response + request + metadata) always lands in one file; the stream is flushed after the group
so an index row written afterwards never points at bytes still in a buffer. A group that fails half-way
is cut off again, so the file never keeps a partial record followed by good ones.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from warcio.recordloader import ArcWarcRecord
from warcio.warcwriter import WARCWriter

from gxcrawl.archive.records import warcinfo_record
from gxcrawl.archive.rotation import WarcRotator


@dataclass(frozen=True, slots=True)
class RecordLocation:
    warc_file: str  # relative to the archive root
    offset: int
    length: int
    record_id: str


class RecordWriter:
    """Writes record groups through a `WarcRotator`. Thread-safe."""

    def __init__(self, rotator: WarcRotator, *, fsync: bool = False) -> None:
        self.rotator = rotator
        self.fsync = fsync
        self._lock = threading.Lock()
        self._builder = WARCWriter(None, gzip=True, warc_version="1.1")

    @property
    def builder(self) -> WARCWriter:
        """The record builder (warcio) matching this writer's WARC version."""
        return self._builder

    def write_group(self, records: Sequence[ArcWarcRecord]) -> list[RecordLocation]:
        with self._lock:
            warc, _ = self.rotator.file_for_next_group()
            stream = warc.stream
            start = stream.tell()
            writer = WARCWriter(stream, gzip=True, warc_version="1.1")
            locations: list[RecordLocation] = []
            try:
                if start == 0:  # a fresh file (or one whose first group failed) starts with warcinfo
                    writer.write_record(warcinfo_record(self._builder, os.path.basename(warc.name), self.rotator.info))
                for record in records:
                    offset = stream.tell()
                    writer.write_record(record)
                    locations.append(
                        RecordLocation(
                            warc_file=warc.name,
                            offset=offset,
                            length=stream.tell() - offset,
                            record_id=record.rec_headers.get_header("WARC-Record-ID"),
                        )
                    )
                stream.flush()
                if self.fsync:
                    os.fsync(stream.fileno())
            except BaseException:
                # leave no partial record behind good ones: cut back to where the group started
                stream.seek(start)
                stream.truncate(start)
                stream.flush()
                raise
            return locations

    def close(self) -> None:
        with self._lock:
            self.rotator.close()
