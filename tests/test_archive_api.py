"""The Archive library on its own (no Scrapy): records, rotation, revisits, dedupe bookkeeping, migrations,
retries of transient database errors. SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import gzip
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import fresh_postgres_schema
from sqlalchemy import create_engine, inspect, select, text
from warcio.archiveiterator import ArchiveIterator

from gxcrawl.archive import Archive, ArchiveWriteError, Exchange
from gxcrawl.archive.check import check_archive
from gxcrawl.archive.database import init_schema, upgrade_schema
from gxcrawl.archive.models import Capture, Document, DocumentSource, DocumentVersion, Report
from gxcrawl.cli import main as gxcrawl_main

T0 = datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)


@pytest.fixture
def archive(tmp_path: Path, database_url: str | None):  # noqa: ANN201
    opened = Archive.open(tmp_path / "archive", database_url)
    yield opened
    opened.close()


def exchange(url: str, body: bytes, *, at: datetime = T0, **kwargs: object) -> Exchange:
    return Exchange(
        url=url,
        status=200,
        body=body,
        fetched_at=at,
        response_headers=[("Content-Type", "text/html; charset=utf-8")],
        **kwargs,
    )


def records_of(path: Path) -> list:
    with open(path, "rb") as stream:
        return [(r.rec_type, r.rec_headers, r.raw_stream.read()) for r in ArchiveIterator(stream)]


def test_response_revisit_and_text_round_trip(archive: Archive) -> None:
    body = gzip.compress(b"<p>report</p>", mtime=0)
    headers = [
        ("Content-Type", "text/html"),
        ("Content-Encoding", "gzip"),
        ("ETag", '"abc"'),
        ("Last-Modified", "Tue, 01 Jan 2026 00:00:00 GMT"),
    ]
    first = archive.write_exchange(
        Exchange(url="http://127.0.0.1/a", status=200, body=body, fetched_at=T0, response_headers=headers)
    )
    again = archive.write_exchange(
        Exchange(
            url="http://127.0.0.1/a", status=200, body=body, fetched_at=T0 + timedelta(days=1), response_headers=headers
        )
    )
    mirror = archive.write_exchange(
        Exchange(
            url="http://127.0.0.1/mirror",
            status=200,
            body=body,
            fetched_at=T0 + timedelta(days=2),
            response_headers=headers,
        )
    )
    assert (first.record_type, again.record_type, mirror.record_type) == ("response", "revisit", "revisit")
    assert again.revisit_of_id == first.id and mirror.revisit_of_id == first.id
    for ref in (first, again, mirror):
        assert archive.read_payload(ref.id) == b"<p>report</p>"
        assert archive.read_response(ref.id).wire_body == body
    info = archive.capture(first.id)
    assert info.etag == '"abc"' and info.last_modified.startswith("Tue") and info.content_type == "text/html"

    records = records_of(archive.root / again.warc_file)
    revisits = [h for kind, h, _ in records if kind == "revisit"]
    assert len(revisits) == 2
    assert revisits[0].get_header("WARC-Refers-To-Target-URI") == "http://127.0.0.1/a"
    assert revisits[0].get_header("WARC-Refers-To-Date") == "2026-01-02T03:04:05.123456Z"
    assert revisits[0].get_header("WARC-Profile").endswith("/warc/1.1/revisit/identical-payload-digest")
    response_header = next(h for kind, h, _ in records if kind == "response")
    assert revisits[0].get_header("WARC-Payload-Digest") == response_header.get_header("WARC-Payload-Digest")

    text_id = archive.write_text(first, "报告全文")
    assert isinstance(text_id, int) and archive.read_text(first.id) == "报告全文"
    conversion = next(h for kind, h, _ in records_of(archive.root / again.warc_file) if kind == "conversion")
    assert conversion.get_header("WARC-Refers-To") == first.warc_record_id
    assert conversion.get_header("WARC-Target-URI") == "urn:text:http://127.0.0.1/a"

    assert archive.latest_capture("http://127.0.0.1/a").id == again.id
    assert archive.latest_capture("http://127.0.0.1/a", at=T0 + timedelta(hours=1)).id == first.id
    assert archive.latest_capture("http://127.0.0.1/a", at=T0 - timedelta(hours=1)) is None
    assert check_archive(archive.root, archive.engine).ok


def test_empty_bodies_are_never_revisits_and_rendered_dom_is_a_resource(archive: Archive) -> None:
    a = archive.write_exchange(exchange("http://127.0.0.1/empty", b""))
    b = archive.write_exchange(exchange("http://127.0.0.1/empty", b"", at=T0 + timedelta(seconds=1)))
    assert a.record_type == b.record_type == "response"
    dom = "<html><body>渲染后的页面</body></html>".encode()
    rendered = archive.write_exchange(exchange("http://127.0.0.1/js-list", dom, rendered=True))
    assert rendered.record_type == "resource"
    kinds = [kind for kind, _, _ in records_of(archive.root / rendered.warc_file)]
    assert "resource" in kinds and kinds.count("response") == 2
    assert archive.read_payload(rendered.id) == dom
    # the same DOM rendered again is still a resource (a rendering is not a wire payload to dedupe)
    again = archive.write_exchange(exchange("http://127.0.0.1/js-list", dom, rendered=True))
    assert again.record_type == "resource"


def test_mark_blocked(archive: Archive) -> None:
    ref = archive.write_exchange(exchange("http://127.0.0.1/captcha", b"<p>verify you are human</p>"))
    archive.mark_blocked(ref.id, "captcha")
    assert archive.capture(ref.id).blocked_reason == "captcha"
    with pytest.raises(LookupError):
        archive.mark_blocked(10_000, "captcha")


def test_document_sources_and_versions(archive: Archive) -> None:
    a, b = "http://127.0.0.1/a", "http://127.0.0.1/b"
    first = archive.record_document(text_sha256="1" * 64, url=a, portal="p", capture_id=None, seen_at=T0)
    assert (first.new_document, first.new_source, first.new_version, first.version) == (True, True, False, 1)
    # the same text at the same URL again: nothing new, only last_seen moves
    same = archive.record_document(
        text_sha256="1" * 64, url=a, portal="p", capture_id=None, seen_at=T0 + timedelta(days=1)
    )
    assert not same.changed and same.document_id == first.document_id
    # the same text at a second URL: one document, two sources
    other = archive.record_document(text_sha256="1" * 64, url=b, portal="p", capture_id=None, seen_at=T0)
    assert other.document_id == first.document_id and other.new_source and not other.new_document
    # a new text at a known URL: a new version
    changed = archive.record_document(
        text_sha256="2" * 64, url=a, portal="p", capture_id=None, seen_at=T0 + timedelta(days=2)
    )
    assert changed.new_document and changed.new_version and changed.version == 2
    assert archive.store_report(document_id=first.document_id, parser_version="1.0.0", record={"title": "x"})
    assert not archive.store_report(document_id=first.document_id, parser_version="1.0.0", record={"title": "y"})
    with archive.session() as session:
        assert session.scalar(select(Document).where(Document.id == first.document_id)).last_seen == T0 + timedelta(
            days=1
        )
        assert len(session.scalars(select(DocumentSource)).all()) == 3
        versions = session.scalars(
            select(DocumentVersion).where(DocumentVersion.url == a).order_by(DocumentVersion.version)
        ).all()
        assert [v.document_id for v in versions] == [first.document_id, changed.document_id]
        assert session.scalar(select(Report)).record == {"title": "x"}


def test_rotation_warcinfo_per_file_and_unique_names(tmp_path: Path) -> None:
    archives = [Archive.open(tmp_path, warc_max_size=20_000) for _ in range(2)]
    try:

        def write(archive: Archive, tag: str) -> None:
            for n in range(30):
                archive.write_exchange(exchange(f"http://127.0.0.1/{tag}/{n}", f"{tag}{n}".encode() * 500))

        threads = [threading.Thread(target=write, args=(a, f"w{i}")) for i, a in enumerate(archives)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        for archive in archives:
            archive.close()
    files = sorted((tmp_path / "warcs").glob("*.warc.gz"))
    assert len(files) >= 4 and len({f.name for f in files}) == len(files)
    for path in files:
        kinds = [kind for kind, _, _ in records_of(path)]
        assert kinds[0] == "warcinfo" and kinds.count("warcinfo") == 1
        assert path.stat().st_size < 20_000 + 40_000  # rotated once past the limit, after a whole group
    reopened = Archive.open(tmp_path)
    try:
        report = check_archive(tmp_path, reopened.engine)
        assert report.ok and report.rows == 60, report.errors
    finally:
        reopened.close()


def test_alembic_migrations_build_the_same_schema_as_create_all(tmp_path: Path) -> None:
    created = create_engine(f"sqlite:///{tmp_path / 'created.sqlite'}")
    migrated = create_engine(f"sqlite:///{tmp_path / 'migrated.sqlite'}")
    init_schema(created)
    upgrade_schema(migrated)

    def shape(engine) -> dict:  # noqa: ANN001
        inspector = inspect(engine)
        return {
            t: (
                sorted(c["name"] for c in inspector.get_columns(t)),
                sorted(i["name"] for i in inspector.get_indexes(t)),
            )
            for t in inspector.get_table_names()
        }

    assert shape(created) == shape(migrated)
    # and the models have no change that lacks a migration
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from gxcrawl.archive.models import Base

    with migrated.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == [], f"models changed without a migration (alembic revision --autogenerate): {diff}"
    with created.connect() as a, migrated.connect() as b:
        assert a.scalar(text("select version_num from alembic_version")) == b.scalar(
            text("select version_num from alembic_version")
        )
    # `gxcrawl archive init` on an empty directory, then check
    assert gxcrawl_main(["archive", "--archive", str(tmp_path / "fresh"), "init"]) == 0
    assert gxcrawl_main(["archive", "--archive", str(tmp_path / "fresh"), "check"]) == 0


def test_locked_sqlite_is_retried(tmp_path: Path) -> None:
    from sqlalchemy import event

    archive = Archive.open(tmp_path)
    try:

        @event.listens_for(archive.engine, "connect")
        def short_timeout(dbapi_connection, _record) -> None:  # noqa: ANN001 - short waits: take the retry path
            dbapi_connection.execute("PRAGMA busy_timeout=100")

        archive.engine.dispose()
        # another writer holds the lock for 1.5 s (longer than one busy wait)
        blocker = sqlite3.connect(tmp_path / "index.sqlite", timeout=0, check_same_thread=False)
        blocker.execute("BEGIN EXCLUSIVE")
        releaser = threading.Timer(1.5, blocker.rollback)
        releaser.start()
        ref = archive.write_exchange(exchange("http://127.0.0.1/locked", b"still archived"))
        releaser.join()
        blocker.close()
        assert archive.read_payload(ref.id) == b"still archived"
    finally:
        archive.close()


def test_a_write_that_keeps_failing_raises(tmp_path: Path) -> None:
    archive = Archive.open(tmp_path)
    try:
        blocker = sqlite3.connect(tmp_path / "index.sqlite", timeout=0)
        blocker.execute("BEGIN EXCLUSIVE")
        from sqlalchemy import event

        @event.listens_for(archive.engine, "connect")
        def short_timeout(dbapi_connection, _record) -> None:  # noqa: ANN001
            dbapi_connection.execute("PRAGMA busy_timeout=50")

        archive.engine.dispose()
        with pytest.raises(ArchiveWriteError, match="failed after retries"):
            archive.write_exchange(exchange("http://127.0.0.1/never", b"x"))
        blocker.rollback()
        blocker.close()
    finally:
        archive.close()


def test_dropped_postgres_connection_is_retried(tmp_path: Path, postgres_url: str) -> None:
    archive = Archive.open(tmp_path, postgres_url)
    try:
        archive.write_exchange(exchange("http://127.0.0.1/before", b"before"))
        with archive.engine.connect() as connection:  # the pooled connection reads will reuse
            pids = [connection.scalar(text("select pg_backend_pid()"))]
        hot = archive.cursor_path.connection()  # the per-fetch statements' DBAPI connection
        cursor = hot.cursor()
        cursor.execute("select pg_backend_pid()")
        pids.append(cursor.fetchone()[0])
        cursor.close()
        hot.commit()
        # the server drops both (as a restart or a network cut would)
        admin = create_engine(postgres_url)
        with admin.begin() as connection:
            for pid in pids:
                assert connection.scalar(text("select pg_terminate_backend(:pid)"), {"pid": pid})
        admin.dispose()
        ref = archive.write_exchange(exchange("http://127.0.0.1/after", b"after"))
        assert archive.read_payload(ref.id) == b"after"
    finally:
        archive.close()


def test_check_names_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = Archive.open(tmp_path)
    try:
        good = archive.write_exchange(exchange("http://127.0.0.1/good", b"good"))
        bad = archive.write_exchange(exchange("http://127.0.0.1/bad", b"bad"))
        with archive.session() as session:
            session.get(Capture, bad.id).warc_offset += 7
            session.get(Capture, good.id).payload_sha256 = "0" * 64
    finally:
        archive.close()
    assert gxcrawl_main(["archive", "--archive", str(tmp_path), "check"]) == 1
    out = capsys.readouterr().out
    assert (
        f"capture {bad.id} (http://127.0.0.1/bad) -> {bad.warc_file}@{bad.warc_offset + 7}: no record starts there"
        in out
    )
    assert f"capture {good.id} (http://127.0.0.1/good)" in out and "payload sha256" in out
    assert "2 problem(s)" in out


def test_concurrent_writers_record_one_document(tmp_path: Path, database_url: str | None) -> None:
    """Two crawler processes meeting the same new text at once: one Document, both sightings recorded."""
    archives = [Archive.open(tmp_path / "archive", database_url) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list = []

    def sight(archive: Archive, url: str) -> None:
        barrier.wait()
        outcomes.append(
            archive.record_document(text_sha256="9" * 64, url=url, portal=None, capture_id=None, seen_at=T0)
        )

    try:
        for round_ in range(5):
            outcomes.clear()
            threads = [
                threading.Thread(target=sight, args=(a, f"http://127.0.0.1/{round_}/{i}"))
                for i, a in enumerate(archives)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            assert len(outcomes) == 2 and outcomes[0].document_id == outcomes[1].document_id
        with archives[0].session() as session:
            assert len(session.scalars(select(Document)).all()) == 1
            assert len(session.scalars(select(DocumentSource)).all()) == 10
    finally:
        for archive in archives:
            archive.close()


def test_check_names_a_missing_file_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Archive.open(tmp_path) as archive:
        refs = [archive.write_exchange(exchange(f"http://127.0.0.1/{n}", f"{n}".encode())) for n in range(5)]
        archive.write_text(refs[0], "text")
    (tmp_path / refs[0].warc_file).unlink()
    assert gxcrawl_main(["archive", "--archive", str(tmp_path), "check"]) == 1
    out = capsys.readouterr().out
    assert f"ERROR {refs[0].warc_file}: file missing from {tmp_path} (6 index row(s) point into it)" in out
    assert out.count("ERROR") == 1


def test_check_finds_a_payload_that_no_longer_matches_its_digest(tmp_path: Path) -> None:
    with Archive.open(tmp_path) as archive:
        ref = archive.write_exchange(exchange("http://127.0.0.1/tampered", b"<p>original numbers: 1234</p>"))
    path = tmp_path / ref.warc_file
    data = path.read_bytes()
    member = gzip.decompress(data[ref.warc_offset : ref.warc_offset + ref.warc_length])
    assert b"1234" in member
    tampered = gzip.compress(member.replace(b"1234", b"9999"), mtime=0)
    path.write_bytes(data[: ref.warc_offset] + tampered + data[ref.warc_offset + ref.warc_length :])
    with Archive.open(tmp_path) as archive:
        report = check_archive(tmp_path, archive.engine)
    problems = "\n".join(report.errors)
    assert f"{ref.warc_file}@{ref.warc_offset}: payload digest failed" in problems
    assert "payload sha256" in problems


def test_http2_fetch_is_stored_with_an_http1_status_line(archive: Archive) -> None:
    ref = archive.write_exchange(exchange("http://127.0.0.1/h2", b"<p>h2</p>", http_version="h2"))
    records = records_of(archive.root / ref.warc_file)
    response = next(h for kind, h, _ in records if kind == "response")
    assert response is not None
    stored = archive.read_response(ref.id)
    assert (stored.http_version, stored.status, stored.reason) == ("HTTP/1.1", 200, "OK")
    metadata = next(body for kind, _, body in records if kind == "metadata")
    assert b"protocol: h2\r\n" in metadata


def test_known_digests_never_hide_what_another_writer_archived(tmp_path: Path, database_url: str | None) -> None:
    """Two processes on one index: each one's digest cache knows only its own fetches, yet a payload the other
    archived still becomes a revisit (a cache miss asks the database), and a cache hit names the same original
    the database would."""
    first, second = (Archive.open(tmp_path / "archive", database_url) for _ in range(2))
    try:
        x = first.write_exchange(exchange("http://127.0.0.1/x", b"payload x"))
        y = second.write_exchange(exchange("http://127.0.0.1/y", b"payload y"))
        y_again_elsewhere = first.write_exchange(exchange("http://127.0.0.1/y", b"payload y", at=T0 + timedelta(1)))
        x_again_elsewhere = second.write_exchange(exchange("http://127.0.0.1/x", b"payload x", at=T0 + timedelta(1)))
        assert (x.record_type, y.record_type) == ("response", "response")
        assert (y_again_elsewhere.record_type, y_again_elsewhere.revisit_of_id) == ("revisit", y.id)
        assert (x_again_elsewhere.record_type, x_again_elsewhere.revisit_of_id) == ("revisit", x.id)
        # now both caches know both digests: hits give what a fresh process (empty cache) gets from the database
        fresh = Archive.open(tmp_path / "archive", database_url)
        try:
            for writer in (first, second, fresh):
                for url, body, original in (("x", b"payload x", x), ("y", b"payload y", y)):
                    ref = writer.write_exchange(exchange(f"http://127.0.0.1/{url}", body, at=T0 + timedelta(2)))
                    assert (ref.record_type, ref.revisit_of_id) == ("revisit", original.id)
                    stored = writer.capture(ref.id)
                    assert stored.revisit_of_id == original.id and writer.read_payload(ref.id) == body
            # a mirror URL: the first capture anywhere (nothing at the mirror itself yet), cached or not
            mirrored = [w.write_exchange(exchange("http://127.0.0.1/mirror", b"payload x")) for w in (first, fresh)]
            assert [ref.revisit_of_id for ref in mirrored] == [x.id, x.id]
        finally:
            fresh.close()
    finally:
        first.close()
        second.close()


def test_known_digests_are_bounded() -> None:
    from gxcrawl.archive.index import OriginalCapture
    from gxcrawl.archive.known_digests import KnownDigests

    known = KnownDigests(3)
    for n in range(5):
        known.put(f"{n}" * 64, "http://127.0.0.1/", OriginalCapture(n, "http://127.0.0.1/", T0, f"<urn:{n}>"))
    assert len(known) == 3
    assert known.get("0" * 64, "http://127.0.0.1/") is None and known.get("1" * 64, "http://127.0.0.1/") is None
    assert known.get("2" * 64, "http://127.0.0.1/").id == 2  # used: now the newest
    known.put("5" * 64, "http://127.0.0.1/", OriginalCapture(5, "http://127.0.0.1/", T0, "<urn:5>"))
    assert known.get("3" * 64, "http://127.0.0.1/") is None and known.get("2" * 64, "http://127.0.0.1/") is not None
    assert known.get("2" * 64, "http://127.0.0.1/other") is None  # keyed by (digest, URI)
    disabled = KnownDigests(0)
    disabled.put("2" * 64, "http://127.0.0.1/", OriginalCapture(2, "http://127.0.0.1/", T0, "<urn:2>"))
    assert len(disabled) == 0


def test_fetch_statements_store_exactly_what_core_stores(archive: Archive) -> None:
    """The per-fetch insert runs on the DBAPI cursor with the columns' own type processors: the stored row is
    byte for byte what SQLAlchemy Core's insert stores, and reads back as given (UTC-aware times)."""
    from gxcrawl.archive import index

    ref = archive.write_exchange(
        Exchange(
            url="http://127.0.0.1/报告?id=1",
            status=200,
            body=b"<p>body</p>",
            fetched_at=T0 + timedelta(hours=8),
            response_headers=[("Content-Type", "text/html"), ("ETag", '"e"'), ("Last-Modified", "Tue, 01 Jan 2026")],
            duration=0.125,
            portal="p",
            referer="http://127.0.0.1/list",
            depth=2,
        )
    )
    info = archive.capture(ref.id)
    assert info.fetched_at == T0 + timedelta(hours=8) and info.fetched_at.tzinfo is not None
    assert (info.url, info.etag, info.last_modified, info.portal) == (
        "http://127.0.0.1/%E6%8A%A5%E5%91%8A?id=1",
        '"e"',
        "Tue, 01 Jan 2026",
        "p",
    )
    columns = [c for c in index.CAPTURE_FETCH_COLUMNS if c != "warc_record_id"]
    with archive.engine.begin() as connection:
        fast_row = connection.execute(select(Capture.__table__).where(Capture.id == ref.id)).mappings().one()
        values = {c: fast_row[c] for c in index.CAPTURE_FETCH_COLUMNS} | {"warc_record_id": "<urn:uuid:core>"}
        core_id = index.insert_capture(connection, values)
        listed = ", ".join(columns)
        fast_raw, core_raw = (
            connection.exec_driver_sql(f"SELECT {listed} FROM capture WHERE id = {n}").one() for n in (ref.id, core_id)
        )
    assert tuple(fast_raw) == tuple(core_raw)
    assert dict(zip(columns, fast_raw, strict=True))["duration"] == 0.125


def _record_parsed_story(archive: Archive) -> list[object]:
    """Sightings of two report texts at three URLs over three days, with records given as dicts and as
    pre-encoded JSON: new document, same text again, a mirror, a changed text, the old text back."""
    from gxcrawl.archive import EncodedJSON

    outcomes: list[object] = []
    story = [
        ("a", "1" * 64, 0, {"title": "一"}),
        ("a", "1" * 64, 1, EncodedJSON('{"title": "\\u4e00"}')),
        ("mirror", "1" * 64, 1, {"title": "一"}),
        ("a", "2" * 64, 2, {"title": "二", "n": [1, None]}),
        ("a", "1" * 64, 3, {"title": "一"}),
    ]
    for path, digest, day, record in story:
        ref = archive.write_exchange(
            exchange(f"http://127.0.0.1/{path}", f"{digest}{day}".encode(), at=T0 + timedelta(days=day))
        )
        outcomes.append(
            archive.record_parsed(
                text_sha256=digest,
                url=f"http://127.0.0.1/{path}",
                portal="p",
                capture_id=ref.id,
                parser_version="9.9",
                record=record,
                text=f"text {digest[0]}",
            )
        )
    return outcomes


# every column but the WARC pointers (record ids are random UUIDs, so offsets and lengths differ between
# archives) and the wall-clock times of derived rows
INDEX_COLUMNS = {
    "capture": "id, url, final_url, method, request_body_sha256, fetched_at, status, content_type, payload_sha256, "
    "payload_length, record_type, revisit_of_id, portal, crawl_run_id, referer, depth, duration, etag, "
    "last_modified, blocked_reason",
    "document": "id, text_sha256, first_seen, last_seen, first_capture_id",
    "document_source": "id, document_id, url, portal, first_seen, last_seen, capture_id",
    "document_version": "id, url, version, document_id, first_seen, last_seen, capture_id",
    "report": "id, document_id, parser_version, record, capture_id",
    "text_record": "id, capture_id, kind, text_sha256",
}


def _index_rows(archive: Archive, tables: tuple[str, ...] = tuple(INDEX_COLUMNS)[1:]) -> dict[str, list[tuple]]:
    with archive.engine.connect() as connection:
        return {
            name: [
                tuple(r) for r in connection.exec_driver_sql(f"SELECT {INDEX_COLUMNS[name]} FROM {name} ORDER BY id")
            ]
            for name in tables
        }


def _every_kind_of_write(archive: Archive) -> list[object]:
    """Each archive call the crawl makes, each kind of capture: the parsed-report story, then a payload seen again
    (a revisit, first from the database, then from the digest cache), a mirror of it, a 304 answering a
    conditional request, a rendered DOM, an empty body, POSTs of two bodies, a block page, a text record and
    a document and report stored on their own."""
    results: list[object] = list(_record_parsed_story(archive))
    page = "<p>年度报告</p>".encode()
    first = archive.write_exchange(
        Exchange(
            url="http://127.0.0.1/r",
            status=200,
            body=page,
            fetched_at=T0,
            response_headers=[("Content-Type", "text/html"), ("ETag", '"v1"')],
            duration=0.25,
            portal="p",
            depth=1,
            referer="http://127.0.0.1/",
        )
    )
    again = archive.write_exchange(exchange("http://127.0.0.1/r", page, at=T0 + timedelta(days=1)))
    cached = archive.write_exchange(exchange("http://127.0.0.1/r", page, at=T0 + timedelta(days=2)))
    mirror = archive.write_exchange(exchange("http://127.0.0.1/mirror-r", page, at=T0 + timedelta(days=2)))
    not_modified = archive.write_exchange(
        Exchange(
            url="http://127.0.0.1/r",
            status=304,
            body=b"",
            fetched_at=T0 + timedelta(days=3),
            response_headers=[("ETag", '"v1"')],
            request_headers=[("If-None-Match", '"v1"')],
            not_modified_of=cached.id,
        )
    )
    rendered = archive.write_exchange(exchange("http://127.0.0.1/r", b"<html>dom</html>", rendered=True))
    empty = archive.write_exchange(exchange("http://127.0.0.1/empty", b""))
    empty_again = archive.write_exchange(exchange("http://127.0.0.1/empty", b"", at=T0 + timedelta(days=1)))
    posts = [
        archive.write_exchange(exchange("http://127.0.0.1/search", b"[]", method="POST", request_body=body))
        for body in (b"q=1", b"q=2")
    ]
    blocked = archive.write_exchange(exchange("http://127.0.0.1/captcha", b"<p>verify</p>"))
    archive.mark_blocked(blocked.id, "captcha")
    refs = [first, again, cached, mirror, not_modified, rendered, empty, empty_again, *posts, blocked]
    results += [(ref.id, ref.record_type, ref.revisit_of_id, ref.payload_sha256, ref.fetched_at) for ref in refs]
    results.append(archive.write_text(first, "extracted text"))
    outcome = archive.record_document(
        text_sha256="3" * 64, url="http://127.0.0.1/r", portal="p", capture_id=not_modified.id
    )
    results += [
        outcome,
        archive.store_report(
            document_id=outcome.document_id, parser_version="9.9", record={"title": "三"}, capture_id=not_modified.id
        ),
    ]
    return results


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_the_cursor_path_stores_exactly_what_core_stores(tmp_path: Path, backend: str) -> None:
    """The per-fetch and per-report statements run on the DBAPI cursor (cursor_path.py; on PostgreSQL the
    report's in one transaction of the otherwise autocommitting hot connection). The same calls through the
    reference path (`cursor_path=False`: SQLAlchemy Core) give the same results and the same index rows, byte for
    byte."""
    with contextlib.ExitStack() as stack:
        urls = [None, None] if backend == "sqlite" else [stack.enter_context(fresh_postgres_schema()) for _ in "ab"]
        _cursor_and_core_agree(tmp_path, *urls)


def _cursor_and_core_agree(tmp_path: Path, fast_url: str | None, core_url: str | None) -> None:
    fast = Archive.open(tmp_path / "fast", fast_url)
    core = Archive.open(tmp_path / "core", core_url, cursor_path=False)
    try:
        fast_results, core_results = _every_kind_of_write(fast), _every_kind_of_write(core)
        # the cursor path ran (a driver error would have dropped its connection); the reference never opened one
        assert fast.cursor_path.hot is not None and core.cursor_path.hot is None
        assert fast_results == core_results
        assert [
            (
                o.document.new_document,
                o.document.new_source,
                o.document.new_version,
                o.document.version,
                o.new_report,
                o.text_record_id is not None,
            )
            for o in fast_results[:5]
        ] == [
            (True, True, False, 1, True, True),
            (False, False, False, 1, False, False),
            (False, True, False, 1, False, True),
            (True, True, True, 2, True, True),
            (False, False, True, 3, False, True),
        ]
        assert [kind for _, kind, *_ in fast_results[5:16]] == [
            "response",
            "revisit",
            "revisit",
            "revisit",
            "revisit",
            "resource",
            "response",
            "response",
            "response",
            "revisit",
            "response",
        ]  # the second POST's answer is the first's payload again
        fast_rows, core_rows = _index_rows(fast, tuple(INDEX_COLUMNS)), _index_rows(core, tuple(INDEX_COLUMNS))
        assert fast_rows == core_rows
        assert len(fast_rows["capture"]) == 16 and fast_rows["capture"][-1][-1] == "captcha"
        stored = fast_rows["report"][0][
            3
        ]  # SQLite keeps the stored text (plain UTF-8); PostgreSQL's driver decodes JSON
        assert stored == ('{"title": "一"}' if fast_url is None else {"title": "一"})
        assert fast.read_text(5) == core.read_text(5) == "text 1"  # capture 5: the old text back on day 3
        assert (
            fast.read_payload(fast_results[9][0]) == core.read_payload(core_results[9][0]) == "<p>年度报告</p>".encode()
        )
    finally:
        fast.close()
        core.close()


def test_a_failed_record_parsed_leaves_nothing_and_the_next_fetch_still_autocommits(
    tmp_path: Path, postgres_url: str
) -> None:
    """PostgreSQL: the hot connection leaves autocommit for record_parsed's statements; when the step fails half-way
    (here the WARC text write) the transaction is rolled back, and the next writes run as before."""
    with Archive.open(tmp_path, postgres_url) as archive:
        first = archive.write_exchange(exchange("http://127.0.0.1/a", b"page a"))
        original_write = archive._write_text_record

        def disk_full(*args: object, **kwargs: object) -> object:
            raise OSError(28, "No space left on device")

        archive._write_text_record = disk_full  # type: ignore[method-assign]
        with pytest.raises(OSError, match="No space"):
            archive.record_parsed(
                text_sha256="a" * 64,
                url="http://127.0.0.1/a",
                portal="p",
                capture_id=first.id,
                parser_version="1",
                record={"title": "a"},
                text="text a",
            )
        assert {name: rows for name, rows in _index_rows(archive).items() if rows} == {}  # all or nothing

        archive._write_text_record = original_write  # type: ignore[method-assign]
        second = archive.write_exchange(exchange("http://127.0.0.1/b", b"page b"))
        outcome = archive.record_parsed(
            text_sha256="b" * 64,
            url="http://127.0.0.1/b",
            portal="p",
            capture_id=second.id,
            parser_version="1",
            record={"title": "b"},
            text="b",
        )
        assert outcome.document.new_document and outcome.text_record_id is not None
        hot = archive.cursor_path.hot
        assert hot is not None and hot.driver_connection.autocommit  # back to per-fetch commits
        third = archive.write_exchange(exchange("http://127.0.0.1/c", b"page c"))
    with Archive.open(tmp_path, postgres_url) as reopened:  # what was written is really committed
        assert reopened.capture(third.id).url == "http://127.0.0.1/c"
        assert len(_index_rows(reopened)["report"]) == 1


def test_record_parsed_story_on_every_backend(archive: Archive) -> None:
    outcomes = _record_parsed_story(archive)
    assert [o.document.version for o in outcomes] == [1, 1, 1, 2, 3]
    rows = _index_rows(archive)
    assert len(rows["document"]) == 2 and len(rows["report"]) == 2 and len(rows["text_record"]) == 4
    first_seen, last_seen = rows["document"][0][2:4]
    assert first_seen != last_seen  # the text seen again on day 3 moved last_seen


def test_sqlite_index_pragmas(tmp_path: Path) -> None:
    """WAL with synchronous=NORMAL (survives a killed process: tests/test_archive_kill.py) and a checkpoint every
    ~40 MB of WAL, on every connection the archive opens (the per-fetch one included)."""
    with Archive.open(tmp_path) as archive:
        archive.write_exchange(exchange("http://127.0.0.1/p", b"pragmas"))
        cursor = archive.cursor_path.connection().cursor()
        settings = [
            cursor.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "synchronous", "wal_autocheckpoint", "foreign_keys")
        ]
        cursor.close()
        assert settings == ["wal", 1, 10000, 1]
        with archive.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 10000


def test_not_modified_is_a_server_not_modified_revisit(archive: Archive) -> None:
    """A 304 answering a conditional request refers to the response holding the payload it revalidated
    (through an identical-payload revisit too); read_payload() of it is that payload, and the document seen
    through the original capture is last seen at the newest revisit there."""
    url = "http://127.0.0.1/report"
    body = "<p>年度报告</p>".encode()
    headers = [("Content-Type", "text/html; charset=utf-8"), ("ETag", '"v1"')]
    first = archive.write_exchange(Exchange(url=url, status=200, body=body, fetched_at=T0, response_headers=headers))
    same = archive.write_exchange(
        Exchange(url=url, status=200, body=body, fetched_at=T0 + timedelta(days=1), response_headers=headers)
    )
    assert same.record_type == "revisit"
    not_modified = archive.write_exchange(
        Exchange(
            url=url,
            status=304,
            body=b"",
            fetched_at=T0 + timedelta(days=2),
            response_headers=[("ETag", '"v1"')],
            request_headers=[("If-None-Match", '"v1"')],
            not_modified_of=same.id,
        )
    )
    assert not_modified.record_type == "revisit"
    assert not_modified.revisit_of_id == first.id  # the record holding the payload, not a revisit of it
    assert not_modified.payload_sha256 == first.payload_sha256
    assert archive.read_payload(not_modified.id) == body
    stored = archive.read_response(not_modified.id)
    assert (stored.status, stored.body) == (304, body)
    info = archive.capture(not_modified.id)
    assert (info.status, info.etag) == (304, '"v1"')

    records = records_of(archive.root / not_modified.warc_file)
    revisit = next(h for kind, h, _ in records if h.get_header("WARC-Record-ID") == not_modified.warc_record_id)
    assert revisit.get_header("WARC-Profile") == "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
    assert revisit.get_header("WARC-Refers-To") == first.warc_record_id
    assert revisit.get_header("WARC-Refers-To-Target-URI") == url
    assert revisit.get_header("WARC-Refers-To-Date") == "2026-01-02T03:04:05.123456Z"
    assert revisit.get_header("WARC-Payload-Digest") is None  # the server sent no payload
    request = next(
        h
        for kind, h, _ in records
        if kind == "request" and h.get_header("WARC-Concurrent-To") == not_modified.warc_record_id
    )
    assert request.get_header("WARC-Target-URI") == url
    assert check_archive(archive.root, archive.engine).ok

    # the spider parses the original capture's body after the 304: first seen when it was fetched, last seen
    # at the 304; a second sighting is unchanged
    outcome = archive.record_document(text_sha256="a" * 64, url=url, portal=None, capture_id=first.id)
    assert outcome.new_document and outcome.changed
    again = archive.record_document(text_sha256="a" * 64, url=url, portal=None, capture_id=first.id)
    assert not again.changed
    with archive.session() as session:
        source = session.scalars(select(DocumentSource).where(DocumentSource.document_id == outcome.document_id)).one()
        document = session.get(Document, outcome.document_id)
        version = session.scalars(select(DocumentVersion).where(DocumentVersion.url == url)).one()
        for row in (source, document, version):
            assert (row.first_seen, row.last_seen) == (T0, T0 + timedelta(days=2))


def test_not_modified_without_an_indexed_original_stays_a_plain_record(archive: Archive) -> None:
    ref = archive.write_exchange(
        Exchange(url="http://127.0.0.1/x", status=304, body=b"", fetched_at=T0, not_modified_of=987654)
    )
    assert (ref.record_type, ref.revisit_of_id) == ("response", None)
    assert archive.read_payload(ref.id) == b""
    assert check_archive(archive.root, archive.engine).ok
