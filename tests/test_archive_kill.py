"""Kill -9 a crawl half-way, start it again: everything written before the kill reads back, no index row
points at a missing record, and no response is archived twice (the restart writes revisits)."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from archive_support.crawl import crawl_config, run_crawl, start_crawl
from archive_support.index import indexed_captures
from archive_support.server import LoopbackServer, Route
from sqlalchemy import create_engine, select
from warcio.archiveiterator import ArchiveIterator

from gxcrawl.archive import Archive
from gxcrawl.archive.check import check_archive
from gxcrawl.archive.models import Capture
from gxcrawl.archive.records import Exchange
from gxcrawl.archive.rotation import OPEN_MARKER_SUFFIX

PAGES = 40


def _all_records(archive_dir: Path) -> list[tuple[str, int, str, str, str]]:
    out = []
    for path in sorted((archive_dir / "warcs").glob("*.warc.gz")):
        with open(path, "rb") as stream:  # iterates cleanly or raises: that is the assertion
            iterator = ArchiveIterator(stream)
            for record in iterator:
                iterator.read_to_end(record)
                out.append(
                    (
                        path.name,
                        iterator.get_record_offset(),
                        record.rec_type,
                        record.rec_headers.get_header("WARC-Target-URI") or "",
                        record.rec_headers.get_header("WARC-Record-ID"),
                    )
                )
    return out


def test_kill_and_restart(tmp_path: Path, database_url: str | None) -> None:
    archive_dir = tmp_path / "archive"
    index_url = database_url or f"sqlite:///{archive_dir / 'index.sqlite'}"
    with LoopbackServer() as server:
        pages = []
        for n in range(PAGES):
            body = f"<html><body>page {n} {'x' * (n * 500)}</body></html>".encode()
            route = Route(
                gzip.compress(body, mtime=0),
                delay=0.15,
                headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
            )
            pages.append({"url": server.route(f"/slow/{n}.html", route), "portal": "slow"})
        config = crawl_config(
            tmp_path, archive_dir, pages, database_url=database_url, settings={"CONCURRENT_REQUESTS": 2}, name="first"
        )
        process = start_crawl(config, tmp_path / "first.log")
        try:
            deadline = time.monotonic() + 120
            while indexed_captures(index_url) < 8:
                assert process.poll() is None, (tmp_path / "first.log").read_text()[-3000:]
                assert time.monotonic() < deadline, "the first crawl never archived 8 pages"
                time.sleep(0.05)
            os.kill(process.pid, signal.SIGKILL)
        finally:
            process.wait(timeout=30)
        before_kill = indexed_captures(index_url)
        assert 8 <= before_kill < PAGES, before_kill
        markers = list((archive_dir / "warcs").glob("*" + OPEN_MARKER_SUFFIX))
        assert markers, "the killed writer's file should still be marked open"

        for route in server.routes.values():
            route.delay = 0
        stats = run_crawl(tmp_path, archive_dir, pages, database_url=database_url, name="second")

    assert not list((archive_dir / "warcs").glob("*" + OPEN_MARKER_SUFFIX))
    records = _all_records(archive_dir)
    responses = Counter(uri for _, _, kind, uri, _ in records if kind == "response")
    assert set(responses) == {p["url"] for p in pages}
    assert max(responses.values()) == 1, [u for u, n in responses.items() if n > 1]
    # pages indexed before the kill came back as revisits, not as second copies
    assert stats["gx/revisits"] >= before_kill - 1 and stats["gx/captures"] == PAGES

    archive = Archive.open(archive_dir, database_url)
    try:
        report = check_archive(archive_dir, archive.engine)
        assert report.ok, report.errors
        with archive.session() as session:
            captures = session.scalars(select(Capture)).all()
        ids = {(f"warcs/{name}", offset): rid for name, offset, _, _, rid in records}
        for capture in captures:
            assert ids[(capture.warc_file, capture.warc_offset)] == capture.warc_record_id
            assert archive.read_payload(capture.id).startswith(b"<html><body>page ")
    finally:
        archive.close()


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_truncated_last_record_is_cut_on_reopen(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    archive = Archive.open(tmp_path)
    refs = [
        archive.write_exchange(
            Exchange(
                url=f"http://127.0.0.1/{n}", status=200, body=f"body {n}".encode() * 100, fetched_at=datetime.now(UTC)
            )
        )
        for n in range(3)
    ]
    path = tmp_path / refs[0].warc_file
    good_size = path.stat().st_size
    # what a kill -9 in the middle of a record leaves: half a gzip member at the end, the file still marked open
    with open(path, "rb") as stream:
        stream.seek(refs[1].warc_offset)
        member = stream.read(refs[1].warc_length)
    archive.writer.rotator.current.stream.close()
    archive.writer.rotator.current = None
    archive.engine.dispose()
    with open(path, "ab") as stream:
        stream.write(member[: len(member) // 2])
    marker = path.with_name(path.name + OPEN_MARKER_SUFFIX)
    marker.write_text(f'{{"host": "{os.uname().nodename}", "pid": {_dead_pid()}}}')

    report = check_archive(tmp_path, archive.engine)
    assert any("truncated gzip member" in e and "killed writer" in e for e in report.errors), report.errors

    reopened = Archive.open(tmp_path)
    try:
        assert [r.cut_bytes for r in reopened.repaired] == [len(member) // 2]
        assert path.stat().st_size == good_size and not marker.exists()
        assert [reopened.read_payload(r.id) for r in refs] == [f"body {n}".encode() * 100 for n in range(3)]
        assert check_archive(tmp_path, reopened.engine).ok
        # the repaired file is left alone; new records go to a new file
        ref = reopened.write_exchange(
            Exchange(url="http://127.0.0.1/new", status=200, body=b"new", fetched_at=datetime.now(UTC))
        )
        assert ref.warc_file != refs[0].warc_file
    finally:
        reopened.close()


def test_an_index_that_cannot_be_written_stops_the_crawl(tmp_path: Path, database_url: str | None) -> None:
    archive_dir = tmp_path / "archive"
    index_url = database_url or f"sqlite:///{archive_dir / 'index.sqlite'}"
    with LoopbackServer() as server:
        pages = [{"url": server.route(f"/p/{n}.html", Route(f"<p>{n}</p>".encode(), delay=0.2))} for n in range(30)]
        config = crawl_config(
            tmp_path, archive_dir, pages, database_url=database_url, settings={"CONCURRENT_REQUESTS": 1}, name="broken"
        )
        process = start_crawl(config, tmp_path / "broken.log")
        try:
            deadline = time.monotonic() + 120
            while indexed_captures(index_url) < 3:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.05)
            # the index goes away under the crawler (a schema mistake, a dropped table): not transient
            engine = create_engine(index_url)
            with engine.begin() as connection:
                connection.exec_driver_sql("ALTER TABLE capture RENAME TO capture_gone")
            engine.dispose()
            assert process.wait(timeout=60) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    log = (tmp_path / "broken.log").read_text()
    assert "archive write failed, stopping the crawl" in log
    assert "'finish_reason': 'gx_archive_failed'" in log
    import json

    stats = json.loads((tmp_path / "broken-stats.json").read_text())
    assert stats["finish_reason"] == "gx_archive_failed" and "capture" in stats["gx/archive/error"]
    assert stats["downloader/response_count"] < 20  # it stopped instead of fetching pages it cannot keep


def test_records_flushed_but_never_indexed_are_indexed_on_reopen(tmp_path: Path) -> None:
    """A kill between flushing a record group and committing its row: the reopened archive indexes the
    record from the WARC, so the refetched page becomes a revisit instead of a second full copy."""
    from datetime import UTC, datetime

    from sqlalchemy import delete

    archive = Archive.open(tmp_path)
    run_id = archive.start_run("pages")
    body = gzip.compress(b"<p>orphan</p>", mtime=0)
    headers = [("Content-Type", "text/html"), ("Content-Encoding", "gzip"), ("ETag", '"e1"')]
    kept = archive.write_exchange(
        Exchange(url="http://127.0.0.1/kept", status=200, body=b"kept", fetched_at=datetime.now(UTC))
    )
    orphan = archive.write_exchange(
        Exchange(
            url="http://127.0.0.1/报告.html",
            status=200,
            body=body,
            fetched_at=datetime.now(UTC),
            response_headers=headers,
            portal="gd",
            referer="http://127.0.0.1/list",
            depth=2,
            duration=0.25,
            crawl_run_id=run_id,
        )
    )
    with archive.session() as session:  # as if the process died before this row was committed
        session.execute(delete(Capture).where(Capture.id == orphan.id))
    path = tmp_path / orphan.warc_file
    archive.writer.rotator.current.stream.close()
    archive.writer.rotator.current = None
    archive.engine.dispose()
    marker = path.with_name(path.name + OPEN_MARKER_SUFFIX)
    marker.write_text(f'{{"host": "{os.uname().nodename}", "pid": {_dead_pid()}}}')
    assert any("is not in the index" in note for note in check_archive(tmp_path, archive.engine).notes)

    reopened = Archive.open(tmp_path)
    try:
        restored = reopened.latest_capture("http://127.0.0.1/报告.html")
        assert restored is not None
        assert (restored.warc_file, restored.warc_offset, restored.warc_length) == (
            orphan.warc_file,
            orphan.warc_offset,
            orphan.warc_length,
        )
        assert (restored.portal, restored.etag, restored.status, restored.crawl_run_id) == ("gd", '"e1"', 200, run_id)
        assert restored.payload_sha256 == orphan.payload_sha256 and restored.fetched_at == orphan.fetched_at
        assert reopened.read_payload(restored.id) == b"<p>orphan</p>"
        assert reopened.capture(kept.id).url == "http://127.0.0.1/kept"
        again = reopened.write_exchange(
            Exchange(
                url="http://127.0.0.1/报告.html",
                status=200,
                body=body,
                fetched_at=datetime.now(UTC),
                response_headers=headers,
            )
        )
        assert again.record_type == "revisit" and again.revisit_of_id == restored.id
        report = check_archive(tmp_path, reopened.engine)
        assert report.ok and not report.notes, (report.errors, report.notes)
    finally:
        reopened.close()


def test_an_unreachable_index_stops_the_crawl_before_it_fetches(tmp_path: Path) -> None:
    with LoopbackServer() as server:
        pages = [{"url": server.route(f"/p/{n}.html", Route(b"<p>x</p>", delay=0.1))} for n in range(20)]
        stats = run_crawl(
            tmp_path,
            tmp_path / "archive",
            pages,
            name="unreachable",
            database_url="postgresql+psycopg://postgres@127.0.0.1:1/nowhere",
            settings={"CONCURRENT_REQUESTS": 1},
        )
    assert stats["finish_reason"] == "gx_archive_failed" and "127.0.0.1" in stats["gx/archive/error"]
    assert stats.get("downloader/response_count", 0) <= 2 and "gx/captures" not in stats
