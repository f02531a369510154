"""Errors raised by the report library."""

from __future__ import annotations

from lxml import etree


class UnreadableDocument(ValueError):
    """The input cannot be read as a report document (binary garbage, unknown format)."""


def raise_if_out_of_memory(exc: etree.LxmlError) -> None:
    """libxml2 reports an allocation that failed as a syntax error (ERR_NO_MEMORY). Raise it as the MemoryError it
    is, so that a document too big for its worker's memory fails as such instead of coming back as empty text."""
    if any(entry.type_name == "ERR_NO_MEMORY" for entry in exc.error_log):
        raise MemoryError(f"libxml2 ran out of memory ({exc})") from exc
