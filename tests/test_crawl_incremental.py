"""Incremental recrawl (gxcrawl/crawl/middlewares/conditional.py): a second crawl of the same site sends
conditional requests built from the index, turns 304s and identical payloads into "unchanged" (no new
document), records a changed report as a new version, and reports new/changed/unchanged counts."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from corpus_support.crawl import run_crawl
from corpus_support.site import Page, Site
from sqlalchemy import func, select
from warcio.archiveiterator import ArchiveIterator

from gxcrawl.archive import Archive, target_uri
from gxcrawl.archive.models import Capture, Document, DocumentSource, DocumentVersion
from gxcrawl.archive.records import warc_date
from gxcrawl.corpus.export import export_corpus
from gxcrawl.corpus.records import validation_errors

LIVE = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False}


def report_html(title: str, text: str) -> bytes:
    paragraphs = "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{paragraphs}</body></html>".encode()


def test_second_crawl_is_conditional_and_counts_what_changed(
    tmp_path: Path, seeds_dir: Path, database_url: str | None
) -> None:
    seeds = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    archive_dir = tmp_path / "archive"
    with Site() as site:
        site.pages.update(
            {
                "/robots.txt": Page(b"User-agent: *\nAllow: /\n", content_type="text/plain"),
                "/index.html": Page(
                    b"<html><body><a href='/report/a.html'>a</a><a href='/report/b.html'>b</a>"
                    b"<a href='/report/c.html'>c</a></body></html>"
                ),
                "/report/a.html": Page(report_html("甲", seeds[0])),  # ETag: will answer 304
                "/report/b.html": Page(report_html("乙", seeds[2]), validators=False, gzip=True),  # no validators
                "/report/c.html": Page(report_html("丙", seeds[3])),  # will change
            }
        )
        first = run_crawl(
            tmp_path / "first", archive_dir, [site.url("/index.html")], database_url=database_url, settings=LIVE
        )
        assert not any("if-none-match" in h.headers for h in site.hits), "a fresh archive has nothing to revalidate"
        etag_a = site.pages["/report/a.html"].etag
        etag_c = site.pages["/report/c.html"].etag
        site.pages["/report/c.html"] = Page(report_html("丙", seeds[3].replace("南通市民政局", "南通市民政局（修订）")))
        hits_before = len(site.hits)
        second = run_crawl(
            tmp_path / "second", archive_dir, [site.url("/index.html")], database_url=database_url, settings=LIVE
        )
        recrawl_hits = {h.path: h for h in site.hits[hits_before:]}

    assert len(first.reports) == 3, first.log[-3000:]
    assert {k: first.stats.get(f"gx/recrawl/{k}") for k in ("new", "changed", "unchanged")} == {
        "new": 5,
        "changed": 0,
        "unchanged": 0,
    }
    assert first.stats["gx/documents/new"] == 3

    # the server saw the validators the index held
    assert recrawl_hits["/report/a.html"].headers["if-none-match"] == etag_a
    assert "if-modified-since" in recrawl_hits["/report/a.html"].headers
    assert recrawl_hits["/report/a.html"].status == 304
    assert recrawl_hits["/report/c.html"].headers["if-none-match"] == etag_c
    assert recrawl_hits["/report/c.html"].status == 200
    assert "if-none-match" not in recrawl_hits["/report/b.html"].headers  # it never sent an ETag

    stats = second.stats
    assert {k: stats.get(f"gx/recrawl/{k}") for k in ("new", "changed", "unchanged")} == {
        "new": 0,
        "changed": 1,
        "unchanged": 4,
    }  # robots, index, a (304s); b (identical payload); c changed
    assert stats["gx/recrawl/not_modified"] == 3
    assert "recrawl: 0 new, 1 changed, 4 unchanged pages (3 answered 304 Not Modified)" in second.log
    # a 304 hands the spider the archived body: same page, same report as the first crawl
    a = site.url("/report/a.html")
    first_seen, second_seen = first.seen_by_url()[a], second.seen_by_url()[a]
    assert (second_seen["status"], second_seen["sha256"]) == (200, first_seen["sha256"])
    assert "not-modified" in second_seen["flags"]
    assert {r["url"]: r["record"] for r in second.reports}[a] == {r["url"]: r["record"] for r in first.reports}[a]
    # ... linked to the capture that holds that body, not to the empty 304 record
    assert {r["url"]: r["capture_id"] for r in second.reports}[a] == {r["url"]: r["capture_id"] for r in first.reports}[
        a
    ]
    # unchanged pages add no document; the changed report is one new document, a second version of its URL
    assert stats.get("gx/documents/new") == 1
    assert stats.get("gx/documents/versions") == 1

    with Archive.open(archive_dir, database_url) as archive, archive.session() as session:
        assert session.scalar(select(func.count(Document.id))) == 4
        b_captures = session.scalars(
            select(Capture).where(Capture.url == target_uri(site.url("/report/b.html"))).order_by(Capture.id)
        ).all()
        assert [c.record_type for c in b_captures] == ["response", "revisit"]
        assert b_captures[1].revisit_of_id == b_captures[0].id
        versions = session.scalars(
            select(DocumentVersion.version)
            .where(DocumentVersion.url == target_uri(site.url("/report/c.html")))
            .order_by(DocumentVersion.version)
        ).all()
        assert versions == [1, 2]

        # the export has one record per report, the latest text of c, with its version count
        out = io.StringIO()
        assert export_corpus(session, out, progress=False) == 3
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    for record in records:
        assert validation_errors(record) == []
    by_url = {r["url"]: r for r in records}
    c = by_url[target_uri(site.url("/report/c.html"))]
    c_first = {r["url"]: r["record"] for r in first.reports}[site.url("/report/c.html")]
    c_second = {r["url"]: r["record"] for r in second.reports}[site.url("/report/c.html")]
    assert c["versions"] == 2 and c_first["text_sha256"] != c_second["text_sha256"]
    assert c["text_sha256"] == c_second["text_sha256"]  # the latest version only
    assert by_url[target_uri(a)]["versions"] == 1


def test_304_is_archived_as_a_server_not_modified_revisit(
    tmp_path: Path, seeds_dir: Path, database_url: str | None
) -> None:
    """A 304 becomes a WARC/1.1 revisit (server-not-modified) of the capture it revalidated: warcio reads it,
    read_payload() of it is the original body, the report adds no document but moves last_seen forward,
    `gxcrawl archive check` passes, and offline replay still serves the original body."""
    seed = sorted(seeds_dir.glob("*.txt"))[0].read_text(encoding="utf-8")
    body = report_html("甲", seed)
    archive_dir = tmp_path / "archive"
    with Site() as site:
        site.pages.update(
            {
                "/robots.txt": Page(b"User-agent: *\nAllow: /\n", content_type="text/plain"),
                "/index.html": Page(b"<html><body><a href='/report/a.html'>a</a></body></html>"),
                "/report/a.html": Page(body),
            }
        )
        a = site.url("/report/a.html")
        first = run_crawl(
            tmp_path / "first", archive_dir, [site.url("/index.html")], database_url=database_url, settings=LIVE
        )
        hits_before = len(site.hits)
        second = run_crawl(
            tmp_path / "second", archive_dir, [site.url("/index.html")], database_url=database_url, settings=LIVE
        )
        recrawl_statuses = {h.path: h.status for h in site.hits[hits_before:]}
    assert recrawl_statuses == {"/robots.txt": 304, "/index.html": 304, "/report/a.html": 304}
    assert first.stats["gx/documents/new"] == 1, first.log[-3000:]
    assert not second.stats.get("gx/documents/new"), "an unchanged report is no new document"
    assert second.stats["gx/documents/unchanged"] == 1
    assert second.stats["gx/revisits"] == 3

    with Archive.open(archive_dir, database_url) as archive:
        with archive.session() as session:
            original, not_modified = session.scalars(
                select(Capture).where(Capture.url == target_uri(a)).order_by(Capture.id)
            ).all()
            source = session.scalars(select(DocumentSource).where(DocumentSource.url == target_uri(a))).one()
            document = session.get(Document, source.document_id)
            assert session.scalar(select(func.count(Document.id))) == 1
            revisits = session.scalars(select(Capture).where(Capture.record_type == "revisit")).all()
        assert (original.record_type, original.status) == ("response", 200)
        assert (not_modified.record_type, not_modified.status) == ("revisit", 304)
        assert not_modified.revisit_of_id == original.id
        assert not_modified.payload_sha256 == original.payload_sha256
        assert all(r.status == 304 and r.revisit_of_id is not None for r in revisits) and len(revisits) == 3
        assert archive.read_payload(not_modified.id) == archive.read_payload(original.id) == body
        # the report was seen again when the 304 came: last_seen moves, first_seen stays
        assert not_modified.fetched_at > original.fetched_at
        assert source.first_seen == original.fetched_at
        assert source.last_seen == not_modified.fetched_at
        assert document.last_seen == not_modified.fetched_at

    # the WARC record, as warcio reads it
    records = {}
    for path in sorted((archive_dir / "warcs").glob("*.warc.gz")):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream, check_digests=True):
                http = record.http_headers
                records[record.rec_headers.get_header("WARC-Record-ID")] = (
                    record.rec_type,
                    dict(record.rec_headers.headers),
                    http.get_statuscode() if http else None,
                    http,
                )
    rec_type, warc_headers, status, http_headers = records[not_modified.warc_record_id]
    assert rec_type == "revisit" and status == "304"
    assert warc_headers["WARC-Profile"] == "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
    assert warc_headers["WARC-Target-URI"] == target_uri(a)
    assert warc_headers["WARC-Refers-To-Target-URI"] == original.url
    assert warc_headers["WARC-Refers-To-Date"] == warc_date(original.fetched_at)
    assert warc_headers["WARC-Refers-To"] == original.warc_record_id
    assert http_headers.get_header("etag") == Page(body).etag  # the 304's own headers are the record content
    concurrent = sorted(
        t for t, h, _, _ in records.values() if h.get("WARC-Concurrent-To") == not_modified.warc_record_id
    )
    assert concurrent == ["metadata", "request"]

    check = subprocess.run(
        [
            str(Path(sys.executable).with_name("gxcrawl")),
            "archive",
            "--archive",
            str(archive_dir),
            *(["--database", database_url] if database_url else []),
            "check",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.rstrip().endswith("OK")

    # the server is gone: replay answers from the archive with the original body, not the 304
    replay = run_crawl(
        tmp_path / "replay",
        archive_dir,
        [site.url("/index.html")],
        database_url=database_url,
        settings={"GX_REPLAY": True},
    )
    replayed = replay.seen_by_url()[a]
    assert (replayed["status"], replayed["sha256"]) == (200, first.seen_by_url()[a]["sha256"])
