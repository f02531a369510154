"""The archive: every fetch in WARC (warcio), indexed in SQL (SQLAlchemy). Knows nothing about Scrapy or reports."""

from __future__ import annotations

from gxcrawl.archive.api import Archive, CaptureInfo, CaptureRef, ParsedOutcome, StoredResponse
from gxcrawl.archive.database import ArchiveWriteError, EncodedJSON, IndexMissing
from gxcrawl.archive.index import DocumentOutcome
from gxcrawl.archive.reader import PayloadTooLarge, RecordNotFound
from gxcrawl.archive.records import Exchange, target_uri, warc_sha1
from gxcrawl.archive.validate import InvalidExchange

__all__ = [
    "Archive",
    "ArchiveWriteError",
    "CaptureInfo",
    "CaptureRef",
    "DocumentOutcome",
    "EncodedJSON",
    "Exchange",
    "IndexMissing",
    "InvalidExchange",
    "ParsedOutcome",
    "PayloadTooLarge",
    "RecordNotFound",
    "StoredResponse",
    "target_uri",
    "warc_sha1",
]
