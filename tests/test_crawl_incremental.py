"""Incremental recrawl (gxcrawl/crawl/middlewares/conditional.py): a second crawl of the same site sends
conditional requests built from the index, turns 304s and identical payloads into "unchanged" (no new
document), records a changed report as a new version, and reports new/changed/unchanged counts."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from corpus_support.crawl import run_crawl
from corpus_support.site import Page, Site
from sqlalchemy import func, select

from gxcrawl.archive import Archive, target_uri
from gxcrawl.archive.models import Capture, Document, DocumentVersion
from gxcrawl.corpus.export import export_corpus
from gxcrawl.corpus.records import validation_errors

LIVE = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False}


def report_html(title: str, text: str) -> bytes:
    paragraphs = "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{paragraphs}</body></html>".encode()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str | None:
    return None if request.param == "sqlite" else request.getfixturevalue("postgres_url")


def test_second_crawl_is_conditional_and_counts_what_changed(
        tmp_path: Path, seeds_dir: Path, database_url: str | None) -> None:
    seeds = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    archive_dir = tmp_path / "archive"
    with Site() as site:
        site.pages.update({
            "/robots.txt": Page(b"User-agent: *\nAllow: /\n", content_type="text/plain"),
            "/index.html": Page(b"<html><body><a href='/report/a.html'>a</a><a href='/report/b.html'>b</a>"
                                b"<a href='/report/c.html'>c</a></body></html>"),
            "/report/a.html": Page(report_html("甲", seeds[0])),                     # ETag: will answer 304
            "/report/b.html": Page(report_html("乙", seeds[2]), validators=False, gzip=True),  # no validators
            "/report/c.html": Page(report_html("丙", seeds[3])),                     # will change
        })
        first = run_crawl(tmp_path / "first", archive_dir, [site.url("/index.html")], database_url=database_url,
                          settings=LIVE)
        assert not any("if-none-match" in h.headers for h in site.hits), "a fresh archive has nothing to revalidate"
        etag_a = site.pages["/report/a.html"].etag
        etag_c = site.pages["/report/c.html"].etag
        site.pages["/report/c.html"] = Page(report_html("丙", seeds[3].replace("南通市民政局", "南通市民政局（修订）")))
        hits_before = len(site.hits)
        second = run_crawl(tmp_path / "second", archive_dir, [site.url("/index.html")], database_url=database_url,
                           settings=LIVE)
        recrawl_hits = {h.path: h for h in site.hits[hits_before:]}

    assert len(first.reports) == 3, first.log[-3000:]
    assert {k: first.stats.get(f"gx/recrawl/{k}") for k in ("new", "changed", "unchanged")} == {
        "new": 5, "changed": 0, "unchanged": 0}
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
        "new": 0, "changed": 1, "unchanged": 4}  # robots, index, a (304s); b (identical payload); c changed
    assert stats["gx/recrawl/not_modified"] == 3
    assert "recrawl: 0 new, 1 changed, 4 unchanged pages (3 answered 304 Not Modified)" in second.log
    # a 304 hands the spider the archived body: same page, same report as the first crawl
    a = site.url("/report/a.html")
    first_seen, second_seen = first.seen_by_url()[a], second.seen_by_url()[a]
    assert (second_seen["status"], second_seen["sha256"]) == (200, first_seen["sha256"])
    assert "not-modified" in second_seen["flags"]
    assert {r["url"]: r["record"] for r in second.reports}[a] == {r["url"]: r["record"] for r in first.reports}[a]
    # ... linked to the capture that holds that body, not to the empty 304 record
    assert {r["url"]: r["capture_id"] for r in second.reports}[a] == {r["url"]: r["capture_id"] for r in first.reports}[a]
    # unchanged pages add no document; the changed report is one new document, a second version of its URL
    assert stats.get("gx/documents/new") == 1
    assert stats.get("gx/documents/versions") == 1

    with Archive.open(archive_dir, database_url) as archive, archive.session() as session:
        assert session.scalar(select(func.count(Document.id))) == 4
        b_captures = session.scalars(select(Capture).where(Capture.url == target_uri(site.url("/report/b.html")))
                                     .order_by(Capture.id)).all()
        assert [c.record_type for c in b_captures] == ["response", "revisit"]
        assert b_captures[1].revisit_of_id == b_captures[0].id
        versions = session.scalars(select(DocumentVersion.version).where(
            DocumentVersion.url == target_uri(site.url("/report/c.html"))).order_by(DocumentVersion.version)).all()
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
