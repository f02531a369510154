"""Captures are requests: method + URL, and for a non-GET request the digest of its body (a search API answers
every page at one URL, by POST). What the index stores, how replay and revalidation look a request up, how a
reindex and an index made before the digest existed (migration 0001) get it back. SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import delete, inspect, update

from gxcrawl.archive import Archive, Exchange
from gxcrawl.archive.captures import replayable_capture, revalidation_capture
from gxcrawl.archive.database import alembic_config
from gxcrawl.archive.models import Capture
from gxcrawl.archive.records import request_body_sha256
from gxcrawl.archive.rotation import OPEN_MARKER_SUFFIX
from gxcrawl.cli import main as gxcrawl_main

T0 = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
API = "http://127.0.0.1/irs/front/search"
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def page_body(n: int) -> bytes:
    return json.dumps({"code": "abc", "pageNo": n, "pageSize": 4}, sort_keys=True).encode()


def post(n: int, *, at: datetime = T0, url: str = API) -> Exchange:
    return Exchange(
        url=url,
        status=200,
        body=f'{{"page": {n}}}'.encode(),
        fetched_at=at,
        method="POST",
        request_body=page_body(n),
        request_headers=[("Content-Type", "application/json")],
        response_headers=[("Content-Type", "application/json"), ("Last-Modified", "Mon, 02 Mar 2026")],
    )


def get(url: str, body: bytes, *, at: datetime = T0) -> Exchange:
    return Exchange(
        url=url,
        status=200,
        body=body,
        fetched_at=at,
        response_headers=[("Content-Type", "text/html"), ("ETag", f'"{len(body)}"')],
    )


def replayed(
    archive: Archive, url: str, *, method: str = "GET", body: bytes = b"", at: datetime | None = None
) -> bytes | None:
    """What replay answers the request with (the payload), None for a miss."""
    with archive.session() as session:
        capture = replayable_capture(session, url, at, method=method, body=body)
        capture_id = capture.id if capture is not None else None
    return archive.read_payload(capture_id) if capture_id is not None else None


# --- the digest -------------------------------------------------------------------------------------------------
def test_the_digest_is_the_body_sha256_for_a_non_get_request_only() -> None:
    body = page_body(2)
    assert request_body_sha256("GET", b"") is None
    assert request_body_sha256("get", body) is None  # a GET is its URL, whatever body a client attached
    assert request_body_sha256("POST", body) == hashlib.sha256(body).hexdigest()
    assert request_body_sha256("post", body) == request_body_sha256("POST", body)
    assert request_body_sha256("POST", page_body(3)) != request_body_sha256("POST", body)
    assert request_body_sha256("POST", b"") == request_body_sha256("POST", None) == EMPTY_SHA256
    assert request_body_sha256("PUT", body) == hashlib.sha256(body).hexdigest()


# --- what a capture row holds, and what replay picks ------------------------------------------------------------
def test_post_pages_of_one_url_are_captured_and_replayed_apart(tmp_path: Path, database_url: str | None) -> None:
    with Archive.open(tmp_path / "archive", database_url) as archive:
        refs = [archive.write_exchange(post(n, at=T0 + timedelta(seconds=n))) for n in (1, 2, 3)]
        page = archive.write_exchange(get(API, b"<p>the search page</p>", at=T0 + timedelta(seconds=9)))
        for n, ref in zip((1, 2, 3), refs, strict=True):
            info = archive.capture(ref.id)
            assert (info.method, info.request_body_sha256) == ("POST", hashlib.sha256(page_body(n)).hexdigest())
        assert (archive.capture(page.id).method, archive.capture(page.id).request_body_sha256) == ("GET", None)

        for n in (1, 2, 3):  # each page by its own body, though page 3 is the newest capture of the URL
            assert replayed(archive, API, method="POST", body=page_body(n)) == f'{{"page": {n}}}'.encode()
        # a GET of the URL is the GET's capture, and a POST is never answered by a GET's
        assert replayed(archive, API) == b"<p>the search page</p>"
        assert replayed(archive, API, method="POST", body=page_body(4)) is None
        assert replayed(archive, API, method="PUT", body=page_body(1)) is None
        # GX_REPLAY_AT still applies to the body's captures
        assert replayed(archive, API, method="POST", body=page_body(2), at=T0 + timedelta(seconds=1)) is None

        # a second crawl: page 2 changed; the newest capture of that body wins
        changed = post(2, at=T0 + timedelta(days=1))
        changed.body = b'{"page": "2, changed"}'
        archive.write_exchange(changed)
        assert replayed(archive, API, method="POST", body=page_body(2)) == b'{"page": "2, changed"}'
        assert replayed(archive, API, method="POST", body=page_body(1)) == b'{"page": 1}'


def test_identical_answers_to_two_bodies_stay_two_captures(tmp_path: Path, database_url: str | None) -> None:
    """Two pages past the end answer the same empty list: the second is a revisit, still found by its body."""
    with Archive.open(tmp_path / "archive", database_url) as archive:
        first, second = post(8), post(9, at=T0 + timedelta(seconds=1))
        first.body = second.body = b'{"list": []}'
        refs = [archive.write_exchange(first), archive.write_exchange(second)]
        assert [r.record_type for r in refs] == ["response", "revisit"]
        with archive.session() as session:
            found = [replayable_capture(session, API, method="POST", body=page_body(n)).id for n in (8, 9)]
        assert found == [r.id for r in refs]
        assert replayed(archive, API, method="POST", body=page_body(9)) == b'{"list": []}'


def test_revalidation_is_for_gets_from_gets_only(tmp_path: Path, database_url: str | None) -> None:
    with Archive.open(tmp_path / "archive", database_url) as archive:
        archive.write_exchange(post(1))  # a 200 with Last-Modified, by POST
        with archive.engine.connect() as connection:
            assert revalidation_capture(connection, API) is None  # a POST's validators never go on a GET
        page = archive.write_exchange(get(API, b"<p>page</p>", at=T0 + timedelta(seconds=1)))
        archive.write_exchange(post(2, at=T0 + timedelta(seconds=2)))  # newer, but a POST
        with archive.engine.connect() as connection:
            previous = revalidation_capture(connection, API)
        assert previous is not None and (previous.capture_id, previous.etag) == (page.id, '"11"')


def test_the_conditional_middleware_never_revalidates_a_post(tmp_path: Path) -> None:
    from scrapy.http import JsonRequest, Request

    from gxcrawl.crawl.meta import META_PREVIOUS_CAPTURE
    from gxcrawl.crawl.middlewares.conditional import ConditionalRequestMiddleware

    class Stats:
        def __init__(self) -> None:
            self.values: dict[str, int] = {}

        def inc_value(self, key: str, count: int = 1) -> None:
            self.values[key] = self.values.get(key, 0) + count

    with Archive.open(tmp_path / "archive") as archive:
        archive.write_exchange(post(1))
        archive.write_exchange(get("http://127.0.0.1/page.html", b"<p>page</p>"))
        middleware = ConditionalRequestMiddleware(lambda: archive, Stats())
        middleware.spider_opened(None)
        search = JsonRequest(API, data={"code": "abc", "pageNo": 1, "pageSize": 4})
        assert middleware.process_request(search) is None
        assert b"If-Modified-Since" not in search.headers and META_PREVIOUS_CAPTURE not in search.meta
        # a GET of the API's URL: its only 200s are POSTs, so nothing to revalidate
        plain = Request(API)
        middleware.process_request(plain)
        assert plain.meta[META_PREVIOUS_CAPTURE] is None and b"If-Modified-Since" not in plain.headers
        # while a GET with a GET capture is made conditional
        page = Request("http://127.0.0.1/page.html")
        middleware.process_request(page)
        assert page.meta[META_PREVIOUS_CAPTURE] is not None and page.headers[b"If-None-Match"] == b'"11"'
        assert middleware.stats.values == {"gx/recrawl/conditional": 1}


# --- reindexing from the WARC -----------------------------------------------------------------------------------
def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_reindexed_post_capture_gets_its_body_digest_from_the_request_record(
    tmp_path: Path, database_url: str | None
) -> None:
    """Records a killed writer flushed but never indexed are indexed from the WARC on reopen
    (reindex.index_orphans): method and body digest come from the request record."""
    archive = Archive.open(tmp_path, database_url)
    kept = archive.write_exchange(post(1))
    orphans = [
        archive.write_exchange(post(2, at=T0 + timedelta(seconds=1))),
        archive.write_exchange(get(API, b"<p>page</p>", at=T0 + timedelta(seconds=2))),
    ]
    with archive.session() as session:  # as if the process died before these rows were committed
        session.execute(delete(Capture).where(Capture.id.in_([o.id for o in orphans])))
    path = tmp_path / orphans[0].warc_file
    archive.writer.rotator.current.stream.close()
    archive.writer.rotator.current = None
    archive.engine.dispose()
    path.with_name(path.name + OPEN_MARKER_SUFFIX).write_text(
        f'{{"host": "{os.uname().nodename}", "pid": {_dead_pid()}}}'
    )

    with Archive.open(tmp_path, database_url) as reopened:
        with reopened.session() as session:
            rows = {c.warc_record_id: (c.method, c.request_body_sha256) for c in session.query(Capture)}
        assert rows == {
            kept.warc_record_id: ("POST", hashlib.sha256(page_body(1)).hexdigest()),
            orphans[0].warc_record_id: ("POST", hashlib.sha256(page_body(2)).hexdigest()),
            orphans[1].warc_record_id: ("GET", None),
        }
        assert replayed(reopened, API, method="POST", body=page_body(1)) == b'{"page": 1}'
        assert replayed(reopened, API, method="POST", body=page_body(2)) == b'{"page": 2}'
        assert replayed(reopened, API) == b"<p>page</p>"


# --- an index made before the digest existed --------------------------------------------------------------------
def make_old_index(root: Path, database_url: str | None) -> dict[str, Any]:
    """An archive whose index is at revision 0001 (no request_body_sha256 column): written, then downgraded
    (the migrations build exactly create_all's schema: test_archive_api)."""
    from alembic import command

    with Archive.open(root, database_url) as archive:
        refs = {n: archive.write_exchange(post(n, at=T0 + timedelta(seconds=n))) for n in (1, 2, 3)}
        page = archive.write_exchange(get("http://127.0.0.1/list.html", b"<p>list</p>"))
        url = archive.engine.url.render_as_string(hide_password=False)
        with archive.engine.begin() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.downgrade(config, "0001")
        columns = {c["name"] for c in inspect(archive.engine).get_columns("capture")}
        assert "request_body_sha256" not in columns and "method" in columns
    return {"posts": refs, "page": page}


def test_an_index_from_before_the_digest_is_upgraded_and_its_posts_get_their_digests(
    tmp_path: Path, database_url: str | None
) -> None:
    old = make_old_index(tmp_path, database_url)
    with Archive.open(tmp_path, database_url) as archive:  # upgrades to head, reads the digests back
        with archive.engine.connect() as connection:
            # upgraded to the newest migration, whichever that is
            head = ScriptDirectory.from_config(alembic_config(str(archive.engine.url))).get_current_head()
            assert connection.exec_driver_sql("select version_num from alembic_version").scalar() == head
        for n, ref in old["posts"].items():
            assert archive.capture(ref.id).request_body_sha256 == hashlib.sha256(page_body(n)).hexdigest()
            assert replayed(archive, API, method="POST", body=page_body(n)) == f'{{"page": {n}}}'.encode()
        assert archive.capture(old["page"].id).request_body_sha256 is None
        assert replayed(archive, "http://127.0.0.1/list.html") == b"<p>list</p>"
        # and it goes on archiving
        again = archive.write_exchange(post(4, at=T0 + timedelta(seconds=4)))
        assert archive.capture(again.id).request_body_sha256 == hashlib.sha256(page_body(4)).hexdigest()


def test_post_captures_whose_body_is_unknown_fall_back_to_their_url(tmp_path: Path, database_url: str | None) -> None:
    """A non-GET capture without a digest (an old index whose request records could not be read back) answers
    a POST of any body, as replay did before digests; a capture with a known digest is still preferred."""
    old = make_old_index(tmp_path, database_url)
    with Archive.open(tmp_path, database_url) as archive:
        with archive.session() as session:
            session.execute(update(Capture).where(Capture.method == "POST").values(request_body_sha256=None))
        # the newest capture of the URL answers every body, the GET page still answers the GET
        for n in (1, 2, 3, 7):
            assert replayed(archive, API, method="POST", body=page_body(n)) == b'{"page": 3}'
        assert replayed(archive, "http://127.0.0.1/list.html") == b"<p>list</p>"
        assert replayed(archive, API) is None  # a POST's capture never answers a GET
        with archive.session() as session:
            session.execute(
                update(Capture)
                .where(Capture.id == old["posts"][1].id)
                .values(request_body_sha256=hashlib.sha256(page_body(1)).hexdigest())
            )
        assert replayed(archive, API, method="POST", body=page_body(1)) == b'{"page": 1}'
        assert replayed(archive, API, method="POST", body=page_body(2)) == b'{"page": 3}'


def test_archive_init_upgrades_an_old_index_and_reads_the_digests(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = make_old_index(tmp_path, None)
    assert gxcrawl_main(["archive", "--archive", str(tmp_path), "init"]) == 0
    assert "request-body digests read from the WARC for 3 earlier non-GET capture(s)" in capsys.readouterr().out
    with Archive.open(tmp_path) as archive:
        assert {n: archive.capture(ref.id).request_body_sha256 for n, ref in old["posts"].items()} == {
            n: hashlib.sha256(page_body(n)).hexdigest() for n in old["posts"]
        }
    assert gxcrawl_main(["archive", "--archive", str(tmp_path), "check"]) == 0


def test_archive_init_finishes_a_backfill_an_interrupted_open_left_undone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import create_engine

    from gxcrawl.archive.database import upgrade_schema

    old = make_old_index(tmp_path, None)
    engine = create_engine(f"sqlite:///{tmp_path / 'index.sqlite'}")
    try:
        assert upgrade_schema(engine) == "0001"  # upgraded, then killed before the backfill
    finally:
        engine.dispose()
    with Archive.open(tmp_path) as archive:  # at 0002 already: Archive.open does not look again
        assert archive.capture(old["posts"][2].id).request_body_sha256 is None
    assert gxcrawl_main(["archive", "--archive", str(tmp_path), "init"]) == 0
    assert "for 3 earlier non-GET capture(s)" in capsys.readouterr().out
    with Archive.open(tmp_path) as archive:
        assert archive.capture(old["posts"][2].id).request_body_sha256 == hashlib.sha256(page_body(2)).hexdigest()
        assert replayed(archive, API, method="POST", body=page_body(2)) == b'{"page": 2}'
    assert gxcrawl_main(["archive", "--archive", str(tmp_path), "init"]) == 0
    assert "non-GET" not in capsys.readouterr().out  # nothing left to read


def test_archive_check_compares_method_and_body_digest_with_the_request_records(
    tmp_path: Path, database_url: str | None
) -> None:
    from gxcrawl.archive.check import check_archive

    with Archive.open(tmp_path, database_url) as archive:
        pages = [archive.write_exchange(post(n)).id for n in (1, 2, 3)]
        plain = archive.write_exchange(get("http://127.0.0.1/a.html", b"<p>a</p>")).id
        assert check_archive(archive.root, archive.engine).ok

        with archive.engine.begin() as connection:  # the index now names page 3's body for page 2
            connection.execute(
                update(Capture)
                .where(Capture.id == pages[1])
                .values(request_body_sha256=request_body_sha256("POST", page_body(3)))
            )
            connection.execute(update(Capture).where(Capture.id == pages[2]).values(request_body_sha256=None))
            connection.execute(update(Capture).where(Capture.id == plain).values(method="POST"))
        report = check_archive(archive.root, archive.engine)
    assert not report.ok
    digest_errors = [e for e in report.errors if "request-body sha256" in e]
    assert len(digest_errors) == 1 and f"capture {pages[1]} " in digest_errors[0]
    assert any(
        f"capture {plain} " in e and "method POST in the index, GET in its request record" in e for e in report.errors
    )
    assert len(report.errors) == 2
    assert any(f"capture {pages[2]} " in n and "digest unknown" in n for n in report.notes)
