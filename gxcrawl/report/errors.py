"""Errors raised by the report library."""

from __future__ import annotations


class UnreadableDocument(ValueError):
    """The input cannot be read as a report document (binary garbage, unknown format)."""
