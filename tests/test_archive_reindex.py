"""A deleted index: export, reparse and replay stop with a one-line error naming the fix instead of answering
from a new empty index; `gxcrawl archive reindex` rebuilds it from the WARC files so export gives the same
records again (SQLite, PostgreSQL). And the SQLite WAL is checkpointed and truncated when the archive closes."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from archive_support.crawl import run_crawl
from archive_support.server import LoopbackServer, Route
from sqlalchemy import create_engine, text

from gxcrawl.archive import Archive
from gxcrawl.archive.models import Base
from gxcrawl.archive.records import Exchange

ROOT = Path(__file__).resolve().parent.parent


def _report_html(title: str, seed: Path) -> bytes:
    paragraphs = "".join(f"<p>{line}</p>" for line in seed.read_text(encoding="utf-8").splitlines() if line.strip())
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{paragraphs}</body></html>".encode()


def _gxcrawl(*args: str, database_url: str | None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GXCRAWL_DATABASE_URL": database_url or ""}
    return subprocess.run(
        [sys.executable, "-m", "gxcrawl.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def _export(archive_dir: Path, out: Path, database_url: str | None) -> list[dict]:
    result = _gxcrawl("export", "--archive", str(archive_dir), "--out", str(out), database_url=database_url)
    assert result.returncode == 0, result.stderr
    return sorted((json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()), key=lambda r: r["url"])


def _delete_index(archive_dir: Path, database_url: str | None) -> None:
    if database_url is None:
        for suffix in ("", "-wal", "-shm"):
            (archive_dir / f"index.sqlite{suffix}").unlink(missing_ok=True)
        return
    engine = create_engine(database_url)
    with engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


@pytest.mark.timeout(400)
def test_a_deleted_index_is_detected_and_rebuilt(tmp_path: Path, seeds_dir: Path, database_url: str | None) -> None:
    archive_dir = tmp_path / "archive"
    seeds = sorted(seeds_dir.glob("*.txt"))[:3]
    with LoopbackServer() as server:
        pages = [
            {
                "url": server.route(
                    f"/report/{n}.html", Route(_report_html(f"某局{2020 + n}年政府信息公开工作年度报告", seed))
                ),
                "portal": "p",
                "report": True,
            }
            for n, seed in enumerate(seeds)
        ]
        pages.append({"url": server.route("/other.html", Route(b"<html><body>other</body></html>")), "portal": "p"})
        stats = run_crawl(tmp_path, archive_dir, pages, database_url=database_url, name="live")
        assert stats["gx/texts"] == 3, stats["_log"][-3000:]
        before = _export(archive_dir, tmp_path / "before.jsonl", database_url)
        assert len(before) == 3

        _delete_index(archive_dir, database_url)
        for verb in (["export", "--out", str(tmp_path / "empty.jsonl")], ["reparse"]):
            result = _gxcrawl(verb[0], "--archive", str(archive_dir), *verb[1:], database_url=database_url)
            assert result.returncode == 2, (verb, result.stdout, result.stderr)
            [line] = result.stderr.strip().splitlines()
            assert "index" in line and "gxcrawl archive reindex" in line, line
        assert not (archive_dir / "index.sqlite").exists()  # no empty index made in passing
        replay = run_crawl(
            tmp_path, archive_dir, pages, database_url=database_url, settings={"GX_REPLAY": True}, name="replay"
        )
        assert replay["finish_reason"] == "gx_replay_failed" and replay["gx/failed"] == "gx_replay_failed"
        assert "gxcrawl archive reindex" in replay["_log"] and not replay.get("gx/replay/hit")

    result = _gxcrawl("archive", "--archive", str(archive_dir), "reindex", database_url=database_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 capture(s), 3 text(s), 3 report(s) added" in result.stdout, result.stdout
    after = _export(archive_dir, tmp_path / "after.jsonl", database_url)
    assert after == before
    result = _gxcrawl("archive", "--archive", str(archive_dir), "check", database_url=database_url)
    assert result.returncode == 0, result.stdout
    # run again: nothing to add
    result = _gxcrawl("archive", "--archive", str(archive_dir), "reindex", database_url=database_url)
    assert "0 capture(s), 0 text(s), 0 report(s) added" in result.stdout, result.stdout


def test_the_sqlite_wal_is_truncated_when_the_archive_closes(tmp_path: Path) -> None:
    archive = Archive.open(tmp_path)
    for n in range(300):
        archive.write_exchange(
            Exchange(
                url=f"http://127.0.0.1/{n}", status=200, body=f"page {n}".encode() * 200, fetched_at=datetime.now(UTC)
            )
        )
    wal = tmp_path / "index.sqlite-wal"
    assert wal.stat().st_size > 0
    reader = sqlite3.connect(tmp_path / "index.sqlite")  # another process reading the index (an export)
    try:
        assert reader.execute("SELECT count(*) FROM capture").fetchone() == (300,)
        archive.close()
        assert wal.stat().st_size == 0
        assert reader.execute("SELECT count(*) FROM capture").fetchone() == (300,)
    finally:
        reader.close()
