"""Engine set-up, schema creation/upgrade (Alembic), and retries of transient database errors."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from gxcrawl.archive.models import Base

logger = logging.getLogger(__name__)

T = TypeVar("T")
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
DATABASE_URL_ENV = "GXCRAWL_DATABASE_URL"
WAL_SIZE_LIMIT = 64 * 1024 * 1024
CHECKPOINT_WAIT_MS = 2000


class ArchiveWriteError(RuntimeError):
    """The index could not be written even after retries: the crawl must stop rather than drop data."""


def resolve_database_url(root: Path, database_url: str | None) -> str:
    """Explicit URL -> $GXCRAWL_DATABASE_URL -> sqlite:///<root>/index.sqlite."""
    url = database_url or os.environ.get(DATABASE_URL_ENV) or ""
    return url or f"sqlite:///{(root / 'index.sqlite').resolve()}"


class EncodedJSON(str):
    """A JSON document already serialised (by `json.dumps`, e.g. in a worker process): stored in a JSON column as
    it is, not encoded again."""


def encode_json(value: Any) -> str:
    """JSON as plain UTF-8, not \\u escapes (a third of the size for Chinese text; the export copies it as it is);
    escaped after all when a string holds what UTF-8 cannot encode (a lone surrogate), so it can still be stored."""
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value)
    return text


def _json_serializer(value: Any) -> str:
    return value if isinstance(value, EncodedJSON) else encode_json(value)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, json_serializer=_json_serializer)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            # WAL: readers never block the writer; NORMAL sync survives a killed process (not power loss)
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # NORMAL syncs only at checkpoints: checkpoint every ~40 MB of WAL instead of 4 MB, so a crawl's
            # index writes pay a tenth of the fsyncs (index pages rewritten between checkpoints are copied once)
            cursor.execute("PRAGMA wal_autocheckpoint=10000")
            # a checkpoint that finds the WAL past this size truncates it back (else the file keeps its peak size)
            cursor.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    # pre-ping replaces pooled connections the server dropped (reads are not retried); the per-fetch writes
    # use one long-lived connection instead of the pool, so they do not pay the ping
    return create_engine(url, pool_pre_ping=True, json_serializer=_json_serializer)


def is_transient(exc: BaseException) -> bool:
    """SQLite busy/locked, a dropped PostgreSQL connection: worth retrying."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, OperationalError):
        # sqlite3 also reports schema mistakes as OperationalError: those never heal by waiting
        message = str(exc.orig).lower()
        return not any(s in message for s in ("no such table", "no such column", "syntax error", "has no column"))
    return False


def _short(state: Any) -> str:
    exc = state.outcome.exception() if state.outcome else None
    return str(getattr(exc, "orig", None) or exc).splitlines()[0] if exc else ""


def retrying(attempts: int = 6) -> Retrying:
    return Retrying(
        retry=retry_if_exception(is_transient),
        stop=stop_after_attempt(attempts),
        wait=wait_exponential(multiplier=0.1, max=5.0),
        reraise=True,
        before_sleep=lambda state: logger.warning(
            "transient database error (attempt %d), retrying: %s", state.attempt_number, _short(state)
        ),
    )


def with_retries(action: Callable[[], T], what: str, attempts: int = 6) -> T:
    """Run `action` (a whole transaction) with retries; raise ArchiveWriteError when it still fails."""
    try:
        for attempt in retrying(attempts):
            with attempt:
                return action()
    except (IntegrityError, DataError):
        # a conflicting concurrent insert, or a value the database refuses: the caller decides (read what the other
        # wrote; refuse that one record). Neither says the database is failing.
        raise
    except (OperationalError, DBAPIError) as exc:
        raise ArchiveWriteError(f"{what} failed after retries: {exc}") from exc
    raise AssertionError("unreachable")  # pragma: no cover


def alembic_config(engine_url: str) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", engine_url.replace("%", "%%"))
    return config


def init_schema(engine: Engine) -> None:
    """A fresh database: create every table, then stamp it at the newest migration."""
    from alembic import command

    Base.metadata.create_all(engine)
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.stamp(config, "head")


def upgrade_schema(engine: Engine) -> str | None:
    """Upgrade the index to the newest migration; returns the revision it was at before (None: unstamped)."""
    from alembic import command
    from alembic.migration import MigrationContext

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        previous = MigrationContext.configure(connection).get_current_revision()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return previous


# the revisions whose captures have no request-body digest (0002 added it)
_BEFORE_REQUEST_DIGESTS = frozenset({"0001"})


def predates_request_digests(revision: str | None) -> bool:
    """Whether an index at `revision` (before an upgrade) held captures indexed without a request-body digest:
    their non-GET captures are then given one from the WARC (reindex.backfill_request_digests)."""
    return revision in _BEFORE_REQUEST_DIGESTS


def ensure_schema(engine: Engine) -> str | None:
    """Create (create_all + stamp head) or upgrade the index schema as needed; returns the revision an existing
    index was at before (None: created now)."""

    def ensure() -> str | None:
        tables = set(inspect(engine).get_table_names())
        if "alembic_version" not in tables and "capture" not in tables:
            init_schema(engine)
            return None
        return upgrade_schema(engine)

    return with_retries(ensure, "creating/upgrading the index schema")


def checkpoint_sqlite(engine: Engine) -> None:
    """SQLite: copy the WAL into the database and truncate it to nothing (at close, so the -wal file does not keep
    a crawl's worth of pages); a no-op on other databases. A reader in the middle of a long transaction (an
    export) is waited for briefly, not for the 30 s busy timeout: the checkpoint then stays partial."""
    if engine.dialect.name != "sqlite":
        return
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={CHECKPOINT_WAIT_MS}")
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.exec_driver_sql("PRAGMA busy_timeout=30000")
    except DBAPIError as exc:
        logger.debug("WAL checkpoint at close skipped: %s", exc)


class IndexMissing(FileNotFoundError):
    """The archive holds WARC files but its index is missing or empty (deleted, or the wrong --database)."""


def missing_index(root: Path, engine: Engine, warc_subdir: str = "warcs") -> str | None:
    """Why the index cannot stand for the archive at `root` (None: it can), without creating anything."""
    if not root.is_dir():
        return f"no archive directory {root} (check --archive / GX_ARCHIVE_DIR)"
    warcs = sum(1 for _ in (root / warc_subdir).glob("*.warc.gz")) if (root / warc_subdir).is_dir() else 0
    if not warcs:
        return None
    where = engine.url.render_as_string(hide_password=True)
    state = "missing"
    sqlite_file = engine.url.database if engine.dialect.name == "sqlite" else None
    if (not sqlite_file or Path(sqlite_file).exists()) and "capture" in inspect(engine).get_table_names():
        with engine.connect() as connection:
            if connection.exec_driver_sql("SELECT 1 FROM capture LIMIT 1").first() is not None:
                return None
        state = "empty"
    return (
        f"{root} holds {warcs} WARC file(s) but its index ({where}) is {state}: rebuild it with "
        f"`gxcrawl archive reindex --archive {root}`, or point --database / GXCRAWL_DATABASE_URL at the right one"
    )
