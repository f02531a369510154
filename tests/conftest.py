"""Shared fixtures: real services (PostgreSQL, Redis) with skip-or-fail, paths to fixtures.

A test that needs a service it cannot reach is skipped with the reason; with
GXCRAWL_REQUIRE_SERVICES=1 (set by .ci/run) the skip becomes a failure.
"""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

REQUIRE_SERVICES = os.environ.get("GXCRAWL_REQUIRE_SERVICES") == "1"

POSTGRES_URL = os.environ.get("GXCRAWL_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("GXCRAWL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def unavailable(reason: str) -> None:
    """Skip (or, under GXCRAWL_REQUIRE_SERVICES=1, fail) a test whose service is missing."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service unavailable: {reason}")
    pytest.skip(reason)


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def fresh_postgres_schema() -> Iterator[str]:
    """A database URL whose tables land in a new schema of the test database; the schema is dropped after."""
    if not _port_open("127.0.0.1", 5432):
        unavailable("PostgreSQL not reachable at 127.0.0.1:5432")
    try:
        import sqlalchemy as sa
    except ImportError:  # pragma: no cover
        unavailable("sqlalchemy not installed")
    schema = f"gx_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(POSTGRES_URL)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001
        unavailable(f"PostgreSQL at {POSTGRES_URL} refused: {exc}")
    # search_path makes every table land in the throwaway schema
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    try:
        yield url
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh schema in the test database; dropped afterwards."""
    with fresh_postgres_schema() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str | None:
    """Each test that takes it runs twice: on the archive's default SQLite index (None) and on PostgreSQL."""
    return None if request.param == "sqlite" else request.getfixturevalue("postgres_url")


@pytest.fixture
def redis_url() -> Iterator[str]:
    if not _port_open("127.0.0.1", 6379):
        unavailable("Redis not reachable at 127.0.0.1:6379")
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    try:
        yield REDIS_URL
    finally:
        client.flushdb()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The five real report texts in tests/fixtures/seeds."""
    candidate = FIXTURES / "seeds"
    if candidate.is_dir() and any(candidate.glob("*.txt")):
        return candidate
    raise FileNotFoundError("no seed reports found in tests/fixtures/seeds")
