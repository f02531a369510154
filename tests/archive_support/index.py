"""Reading a crawl's index from outside the crawl (its process may still be writing)."""

from __future__ import annotations

from sqlalchemy import create_engine, func, select

from gxcrawl.archive.models import Capture


def indexed_captures(url: str) -> int:
    """How many captures the index at `url` holds now (0 before the crawl has created its tables)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(Capture)) or 0
    except Exception:  # noqa: BLE001 - the table may not exist yet
        return 0
    finally:
        engine.dispose()
