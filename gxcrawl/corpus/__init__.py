"""The corpus: replay, re-parse and export over the archive."""
