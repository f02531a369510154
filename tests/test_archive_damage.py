"""Damaged and truncated WARC files: records over 1 MiB, flipped bytes in the middle of a file, the incomplete
record a killed writer leaves. Recovery cuts only an incomplete tail; `check` names each damaged record once;
every intact record (also after the damage) stays readable and indexed. The files are built by the tests."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from archive_support.crawl import run_crawl
from archive_support.server import LoopbackServer, Route
from sqlalchemy import delete, select

from gxcrawl.archive import Archive, RecordNotFound
from gxcrawl.archive.check import check_archive
from gxcrawl.archive.models import Capture
from gxcrawl.archive.reader import read_record
from gxcrawl.archive.records import Exchange
from gxcrawl.archive.rotation import OPEN_MARKER_SUFFIX

ROOT = Path(__file__).resolve().parent.parent
GXCRAWL = [sys.executable, "-m", "gxcrawl.cli"]


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _mark_open_by_dead_writer(path: Path) -> Path:
    marker = path.with_name(path.name + OPEN_MARKER_SUFFIX)
    marker.write_text(f'{{"host": "{os.uname().nodename}", "pid": {_dead_pid()}}}')
    return marker


def _big_body(seed: int, size: int = 2_500_000) -> bytes:
    """An HTML page of `size` bytes that gzip shrinks only to about half: its record is a >1 MiB member."""
    noise = hashlib.shake_256(str(seed).encode()).hexdigest(size // 2)
    return f"<html><body><p>big page {seed}</p>{noise}</body></html>".encode()


def _write(archive: Archive, url: str, body: bytes) -> int:
    return archive.write_exchange(
        Exchange(
            url=url,
            status=200,
            body=body,
            fetched_at=datetime.now(UTC),
            response_headers=[("Content-Type", "text/html")],
        )
    ).id


def _gxcrawl(*args: str, database_url: str | None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GXCRAWL_DATABASE_URL": database_url or ""}
    return subprocess.run([*GXCRAWL, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.mark.timeout(300)
def test_records_over_one_mebibyte_and_a_truncated_big_tail(tmp_path: Path, database_url: str | None) -> None:
    """A killed writer's half-written 2.5 MB record at the end of a file of >1 MiB records: `check` finishes and
    names it, the restarted crawl cuts it and archives the page again, `check` and `export` then finish clean."""
    archive_dir = tmp_path / "archive"
    archive = Archive.open(archive_dir, database_url)
    bodies = {f"http://127.0.0.1/big/{n}": _big_body(n) for n in range(2)}
    ids = {url: _write(archive, url, body) for url, body in bodies.items()}
    path = archive_dir / archive.capture(ids["http://127.0.0.1/big/0"]).warc_file
    assert min(archive.capture(i).warc_length for i in ids.values()) > 1 << 20  # records over 1 MiB, compressed
    # the record a writer killed half-way leaves: the first half of a big member, the file still marked open
    half = _half_record(tmp_path / "scratch", "http://127.0.0.1/big/killed", _big_body(9))
    good_size = path.stat().st_size
    archive.writer.rotator.current.stream.close()  # the writer dies: no close, the marker stays
    archive.writer.rotator.current = None
    archive.engine.dispose()
    with open(path, "ab") as stream:
        stream.write(half)
    _mark_open_by_dead_writer(path)

    result = _gxcrawl("archive", "--archive", str(archive_dir), "check", database_url=database_url)
    assert result.returncode == 1, result.stdout + result.stderr
    problems = [line for line in result.stdout.splitlines() if line.startswith("ERROR")]
    assert len(problems) == 1 and "truncated gzip member" in problems[0] and "killed writer" in problems[0], problems

    # the restarted crawl fetches the killed page (2.5 MB) again, and the two others
    with LoopbackServer() as server:
        pages = []
        for name, body in (
            ("killed", _big_body(9)),
            ("0", bodies["http://127.0.0.1/big/0"]),
            ("small", b"<html><body>small</body></html>"),
        ):
            pages.append({"url": server.route(f"/big/{name}", Route(body)), "portal": "big"})
        stats = run_crawl(tmp_path, archive_dir, pages, database_url=database_url, name="restart")
    assert stats["gx/warc/repaired_files"] == 1 and stats["gx/warc/repaired_bytes_cut"] == len(half)
    assert stats["gx/captures"] == 3
    assert path.stat().st_size == good_size

    result = _gxcrawl("archive", "--archive", str(archive_dir), "check", database_url=database_url)
    assert result.returncode == 0, result.stdout + result.stderr
    result = _gxcrawl(
        "export", "--archive", str(archive_dir), "--out", str(tmp_path / "out.jsonl"), database_url=database_url
    )
    assert result.returncode == 0, result.stderr
    reopened = Archive.open(archive_dir, database_url)
    try:
        for url, capture_id in ids.items():
            assert reopened.read_payload(capture_id) == bodies[url]
        with reopened.session() as session:
            killed = session.scalars(select(Capture).where(Capture.url.like("%/big/killed"))).one()
        assert reopened.read_payload(killed.id) == _big_body(9)
    finally:
        reopened.close()


def _half_record(scratch: Path, url: str, body: bytes) -> bytes:
    """The first half of the gzip member a writer writes for `url`."""
    with Archive.open(scratch) as archive:
        ref = archive.write_exchange(Exchange(url=url, status=200, body=body, fetched_at=datetime.now(UTC)))
    with open(scratch / ref.warc_file, "rb") as stream:
        stream.seek(ref.warc_offset)
        return stream.read(ref.warc_length // 2)


def _flip(path: Path, offset: int) -> None:
    with open(path, "r+b") as stream:
        stream.seek(offset)
        byte = stream.read(1)
        stream.seek(offset)
        stream.write(bytes([byte[0] ^ 0x5A]))


@pytest.mark.timeout(300)
def test_flipped_bytes_cost_only_their_records(tmp_path: Path, database_url: str | None) -> None:
    """Five flipped bytes in the middle of a 1.7 MB file with a stale open-marker and a truncated tail: the next
    start cuts only the tail, every intact record (before and after the damage) reads back and is indexed (also
    ones whose rows were lost), and `check` reports the five damaged records and nothing else."""
    archive = Archive.open(tmp_path, database_url)
    bodies = {
        f"http://127.0.0.1/p/{n}": hashlib.shake_256(str(n).encode()).hexdigest(6000).encode() for n in range(200)
    }
    ids = {url: _write(archive, url, body) for url, body in bodies.items()}
    captures = {url: archive.capture(capture_id) for url, capture_id in ids.items()}
    path = tmp_path / captures["http://127.0.0.1/p/0"].warc_file
    assert {c.warc_file for c in captures.values()} == {captures["http://127.0.0.1/p/0"].warc_file}
    archive.writer.rotator.current.stream.close()
    archive.writer.rotator.current = None
    archive.engine.dispose()
    assert path.stat().st_size > 1_600_000

    damaged_urls = [f"http://127.0.0.1/p/{n}" for n in (20, 60, 100, 140, 180)]
    for url in damaged_urls:
        _flip(path, captures[url].warc_offset + captures[url].warc_length // 2)
    # rows a killed writer never committed, after the damage: found again from the WARC
    lost = ["http://127.0.0.1/p/150", "http://127.0.0.1/p/199"]
    with archive.engine.begin() as connection:
        connection.execute(delete(Capture).where(Capture.id.in_([ids[u] for u in lost])))
    archive.engine.dispose()

    report = check_archive(tmp_path, archive.engine)
    assert len(report.errors) == 5, report.errors
    for url, error in zip(damaged_urls, report.errors, strict=True):
        assert "damaged record" in error and f"capture {ids[url]} " in error, error
    archive.engine.dispose()

    size = path.stat().st_size
    with open(path, "ab") as stream:  # and the half record the killed writer was writing
        stream.write(_half_record(tmp_path / "scratch", "http://127.0.0.1/p/killed", bodies["http://127.0.0.1/p/1"]))
    tail = path.stat().st_size - size
    marker = _mark_open_by_dead_writer(path)

    reopened = Archive.open(tmp_path, database_url)
    try:
        assert not marker.exists()
        [repaired] = reopened.repaired
        assert repaired.cut_bytes == tail and path.stat().st_size == size
        assert len(repaired.damaged) == 5
        with reopened.session() as session:
            indexed = {c.url: c.id for c in session.scalars(select(Capture))}
        assert set(indexed) == set(bodies)  # the lost rows are back
        for url, body in bodies.items():
            if url in damaged_urls:
                with pytest.raises(RecordNotFound):
                    reopened.read_payload(indexed[url])
            else:
                assert reopened.read_payload(indexed[url]) == body
        report = check_archive(tmp_path, reopened.engine)
        assert len(report.errors) == 5 and all("damaged record" in e for e in report.errors), report.errors
    finally:
        reopened.close()


def test_a_flipped_byte_in_a_member_is_an_error_never_another_payload(tmp_path: Path) -> None:
    """Flipped bytes all over the compressed middle of many members: a read by offset raises RecordNotFound, or
    gives the very payload written (a flip in deflate data nothing decodes, e.g. the code of an unused symbol).
    warcio alone returned another payload for about one flip in 40 here: the CRC sits in the trailer, which it
    does not reach, and a member that fails in its first block it parses as an uncompressed record."""
    archive = Archive.open(tmp_path)
    bodies = {f"http://127.0.0.1/p/{n}": hashlib.shake_256(str(n).encode()).hexdigest(6000).encode() for n in range(24)}
    ids = {url: _write(archive, url, body) for url, body in bodies.items()}
    flips = errors = 0
    path = tmp_path / "flipped.warc.gz"
    for url, capture_id in ids.items():
        capture = archive.capture(capture_id)
        with open(tmp_path / capture.warc_file, "rb") as stream:
            stream.seek(capture.warc_offset)
            member = stream.read(capture.warc_length)
        for offset in range(len(member) // 4, 3 * len(member) // 4, 5):
            flipped = bytearray(member)
            flipped[offset] ^= 0x5A
            path.write_bytes(flipped)
            flips += 1
            try:
                assert read_record(path, 0, len(flipped)).payload == bodies[url], (url, offset)
            except RecordNotFound as exc:
                assert "damaged record" in str(exc) or "not a WARC record" in str(exc), exc
                errors += 1
    archive.close()
    assert flips > 24 * 500 and errors > 0.99 * flips
