"""The index's fast path: the per-fetch statements straight on one long-lived DBAPI connection.

Through `Connection.execute` the two statements of every fetch (the digest look-up and the capture insert) cost
about five times the database work itself; that was most of the archive's overhead over plain warcio
(bench/archive.py). Here each statement is compiled once for the dialect, with the bind/result type processors
Core would apply, and run on the cursor. The SQLAlchemy Core path stays the reference: `CursorPath(enabled=False)`
sends every step through it, and tests/test_archive_api.py checks that both paths leave the same index rows.
"""

from __future__ import annotations

import contextlib
import logging
from collections import namedtuple
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Dialect, Engine

logger = logging.getLogger(__name__)

T = TypeVar("T")


class _Prepared:
    """One statement compiled for a dialect, with its bind/result type processors (what Core applies per
    execute, looked up once here)."""

    def __init__(self, statement: Any, dialect: Dialect, supplied: list[str], *, insert_columns: bool = False) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=supplied if insert_columns else None)
        self.sql = str(compiled)
        self.positions: list[str] | None = list(compiled.positiontup or []) if compiled.positional else None
        # every parameter of the statement; the ones the caller does not supply are literals (LIMIT 1, ...)
        all_params = compiled.construct_params(dict.fromkeys(supplied))
        if not set(supplied) <= set(all_params) or (insert_columns and set(all_params) != set(supplied)):
            # a column default or extra bind Core would fill in: not supported on this path
            raise ValueError(f"unexpected parameters in {self.sql!r}: {sorted(set(all_params) ^ set(supplied))}")
        self.fixed = {name: value for name, value in all_params.items() if name not in supplied}
        self.bind_processors = {
            name: processor
            for name, bind in compiled.binds.items()
            if name in all_params and (processor := bind.type.dialect_impl(dialect).bind_processor(dialect))
        }
        self.result_processors = [
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in getattr(statement, "selected_columns", ())
        ]

    def params(self, values: dict[str, Any]) -> Any:
        params = {**self.fixed, **values}
        for name, processor in self.bind_processors.items():
            params[name] = processor(params[name])
        return tuple(params[name] for name in self.positions) if self.positions is not None else params

    def row(self, raw: Any) -> tuple[Any, ...]:
        return tuple(
            processor(value) if processor else value
            for processor, value in zip(self.result_processors, raw, strict=True)
        )


class _Rows:
    """The little of a Result that the index functions use."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self._rows = rows

    def first(self) -> Any:
        return self._rows[0] if self._rows else None

    def scalar_one(self) -> Any:
        if len(self._rows) != 1:
            raise LookupError(f"expected one row, got {len(self._rows)}")
        return self._rows[0][0]


class DbapiStatements:
    """Prebuilt statements straight on a DBAPI connection: each is compiled once for the dialect (with its
    bind/result type processors) and run on the cursor. `on(dbapi_connection)` gives an object with
    `Connection.execute(statement, params)`'s shape, so the index functions (gxcrawl.archive.index) run on it
    unchanged. The caller owns the transaction; errors are the driver's own (`dialect.loaded_dbapi.Error`)."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        # keyed by the statement object: only module-level statements, which live as long as their module
        self._prepared: dict[tuple[int, tuple[str, ...]], tuple[_Prepared, type | None]] = {}

    def on(self, dbapi_connection: Any) -> OnCursor:
        return OnCursor(self, dbapi_connection)

    def execute(self, dbapi_connection: Any, statement: Any, params: dict[str, Any]) -> _Rows:
        key = (id(statement), tuple(params))
        entry = self._prepared.get(key)
        if entry is None:
            prepared = _Prepared(statement, self.dialect, list(params), insert_columns=statement.is_insert)
            # rows of a SELECT by column name, as Core gives them; an INSERT ... RETURNING id is read by position
            columns = [c.key or f"_{i}" for i, c in enumerate(getattr(statement, "selected_columns", ()))]
            row_type = namedtuple("Row", columns, rename=True) if columns else None  # noqa: PYI024
            entry = self._prepared[key] = (prepared, row_type)
        prepared, row_type = entry
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(prepared.sql, prepared.params(params))
            raw = cursor.fetchall() if cursor.description is not None else []
        finally:
            cursor.close()
        if row_type is None:
            return _Rows([tuple(r) for r in raw])
        if prepared.result_processors:
            return _Rows([row_type(*prepared.row(r)) for r in raw])
        return _Rows([row_type(*r) for r in raw])


class OnCursor:
    """`DbapiStatements` bound to one DBAPI connection."""

    def __init__(self, statements: DbapiStatements, dbapi_connection: Any) -> None:
        self._statements = statements
        self._connection = dbapi_connection

    def execute(self, statement: Any, params: dict[str, Any]) -> _Rows:
        return self._statements.execute(self._connection, statement, params)


class CursorPath:
    """The archive's long-lived DBAPI connection (engine.raw_connection(), kept out of the pool) and the
    statements run on it. `enabled=False` is the switch to the reference path: every step runs its Core fallback.
    Not thread-safe: the archive holds its lock around each transaction."""

    def __init__(self, engine: Engine, *, enabled: bool = True) -> None:
        self.engine = engine
        self.enabled = enabled
        self.statements = DbapiStatements(engine.dialect)
        self.hot: Any = None  # the DBAPI connection, opened at the first step
        # PostgreSQL: each statement commits on its own (the capture insert is a single statement, so atomic): no
        # BEGIN and COMMIT round trips per fetch; steps of several statements leave autocommit for one transaction
        self._autocommit = engine.dialect.name == "postgresql"

    def connection(self) -> Any:
        if self.hot is None:
            hot = self.engine.raw_connection()
            if self._autocommit and hot.driver_connection is not None:
                hot.driver_connection.autocommit = True
            self.hot = hot
        return self.hot

    def drop(self) -> None:
        hot, self.hot = self.hot, None
        if hot is not None:
            with contextlib.suppress(Exception):
                hot.rollback()
            with contextlib.suppress(Exception):
                hot.invalidate()  # never back to the pool: it may have failed, or be in autocommit mode

    def transaction(self) -> CursorTransaction:
        return CursorTransaction(self)


class CursorTransaction:
    """The steps of one archive call (a fetch's digest look-up and insert, a parsed report's statements) on the
    cursor path; a step that commits ends the transaction (PostgreSQL: otherwise autocommit). On the first
    database error it steps aside: that step and the rest are redone through their Core fallbacks, which retry
    transient errors, raise Core's IntegrityError, and raise ArchiveWriteError for a write that keeps failing."""

    def __init__(self, path: CursorPath) -> None:
        self.path = path
        self.broken = not path.enabled
        self.pending = False

    def __enter__(self) -> CursorTransaction:
        return self

    def run(self, step: Callable[[OnCursor], T], fallback: Callable[[], T], *, commit: bool = False) -> T:
        """`step(statements on the hot connection)`, else `fallback()`; with `commit`, the statements run so far
        commit together (on PostgreSQL the hot connection leaves autocommit for them: one transaction, then back)."""
        if not self.broken:
            path = self.path
            try:
                connection = path.connection()
                self.pending = True
                driver = connection.driver_connection if commit and path._autocommit else None
                if driver is not None:
                    driver.autocommit = False  # the driver opens a transaction at the first statement
                result = step(path.statements.on(connection))
                if commit:
                    connection.commit()
                    if driver is not None:
                        driver.autocommit = True
                    self.pending = False
                return result
            except path.engine.dialect.loaded_dbapi.Error as exc:
                logger.debug("fast index path failed, redoing the step through the retrying path: %s", exc)
                self._drop()
        return fallback()

    def _drop(self) -> None:
        self.broken = True
        self.pending = False
        self.path.drop()

    def __exit__(self, *exc: object) -> None:
        if self.pending:  # an error between look-up and insert: leave nothing half-done
            self._drop()
