"""Real crawls through the real pipelines (parse with gxcrawl.report -> dedupe -> store), SQLite and PostgreSQL:
a known text at a new URL adds a source, a new text at a known URL is a new version, the same text at the
same URL again changes nothing; revisits for repeated payloads; texts archived as conversion records."""

from __future__ import annotations

import gzip
import html
from pathlib import Path

import pytest
from archive_support.crawl import run_crawl
from archive_support.server import LoopbackServer, Route
from sqlalchemy import select

from gxcrawl.archive import Archive
from gxcrawl.archive.check import check_archive
from gxcrawl.archive.models import Capture, Document, DocumentSource, DocumentVersion, Report, TextRecord

report = pytest.importorskip("gxcrawl.report")
if not hasattr(report, "parse_report"):  # pragma: no cover - until the parser lands
    pytest.skip("gxcrawl.report.parse_report not available yet", allow_module_level=True)


@pytest.fixture(params=["worker processes", "thread"])
def parse_settings(request: pytest.FixtureRequest) -> dict[str, object]:
    """Parsing in the worker pool (the default) and in a thread of the crawler (GX_PARSE_WORKERS=0) must store
    the same."""
    return {} if request.param == "worker processes" else {"GX_PARSE_WORKERS": 0}


def as_html(text: str, *, separator: str = "") -> bytes:
    paragraphs = separator.join(f"<p>{html.escape(line)}</p>" for line in text.splitlines())
    return f"<html><head><meta charset='utf-8'><title>年度报告</title></head><body>{paragraphs}</body></html>".encode()


def test_dedupe_and_versions_across_two_crawls(
    tmp_path: Path, database_url: str | None, seeds_dir: Path, parse_settings: dict[str, object]
) -> None:
    seeds = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))][:4]
    a_body = as_html(seeds[0])
    archive_dir = tmp_path / "archive"
    html_type = [("Content-Type", "text/html; charset=utf-8")]
    with LoopbackServer() as server:
        url = {
            "a": server.route("/r/a.html", Route(a_body)),
            "mirror": server.route("/r/mirror.html", Route(a_body)),  # same bytes elsewhere
            "reflowed": server.route("/r/reflowed.html", Route(as_html(seeds[0], separator="\n  "))),
            "changing": server.route("/r/changing.html", Route(as_html(seeds[1]))),
            "gzip": server.route(
                "/r/gz.html",
                Route(gzip.compress(as_html(seeds[2]), mtime=0), headers=[*html_type, ("Content-Encoding", "gzip")]),
            ),
        }
        pages = [{"url": u, "portal": "demo", "report": True} for u in url.values()]
        first = run_crawl(
            tmp_path,
            archive_dir,
            pages,
            database_url=database_url,
            name="first",
            settings={"CONCURRENT_REQUESTS": 1, **parse_settings},
        )
        server.routes["/r/changing.html"] = Route(as_html(seeds[3]))
        second = run_crawl(
            tmp_path,
            archive_dir,
            [pages[0], pages[3]],
            database_url=database_url,
            name="second",
            settings=parse_settings,
        )

    assert first.get("item_scraped_count") == 5, first["_log"][-3000:]
    for stats in (first, second):  # the mode asked for is the one that parsed
        assert (stats["gx/parse/workers"] == 0) == ("GX_PARSE_WORKERS" in parse_settings)
    assert first["gx/captures"] == 5 and first["gx/revisits"] == 1  # mirror.html repeats a.html's bytes
    assert first["gx/documents/new"] == 3 and first["gx/documents/sources"] == 5
    assert "gx/documents/versions" not in first and first["gx/texts"] == 5
    assert first["gx/reports/demo"] == 5 and first["gx/reports/new"] == 3
    assert second["gx/captures"] == 2 and second["gx/revisits"] == 1  # a.html unchanged
    assert second["gx/documents/new"] == 1 and second["gx/documents/versions"] == 1
    assert second["gx/documents/unchanged"] == 1 and second["gx/texts"] == 1

    archive = Archive.open(archive_dir, database_url)
    try:
        with archive.session() as session:
            documents = {d.text_sha256: d for d in session.scalars(select(Document))}
            assert len(documents) == 4
            a_doc = documents[report.text_sha256(report.report_text(a_body, url=url["a"]))]
            sources = session.scalars(select(DocumentSource).where(DocumentSource.document_id == a_doc.id)).all()
            assert sorted(s.url for s in sources) == sorted([url["a"], url["mirror"], url["reflowed"]])
            a_source = next(s for s in sources if s.url == url["a"])
            assert a_source.last_seen > a_source.first_seen  # seen again in the second crawl
            versions = session.scalars(
                select(DocumentVersion).where(DocumentVersion.url == url["changing"]).order_by(DocumentVersion.version)
            ).all()
            assert [v.version for v in versions] == [1, 2] and versions[0].document_id != versions[1].document_id
            assert [
                v.version for v in session.scalars(select(DocumentVersion).where(DocumentVersion.url == url["a"]))
            ] == [1]
            reports = session.scalars(select(Report)).all()
            assert len(reports) == 4
            for row in reports:
                assert row.parser_version == report.PARSER_VERSION
                assert row.record["text_sha256"] == session.get(Document, row.document_id).text_sha256
                assert row.record["schema"] == "gxcrawl.report/1"
            gzip_capture = session.scalar(select(Capture).where(Capture.url == url["gzip"]))
            texts = session.scalars(select(TextRecord)).all()
            assert len(texts) == 6
        # the conversion record holds the report text of the decoded page
        assert archive.read_text(gzip_capture.id) == report.report_text(as_html(seeds[2]), url=url["gzip"])
        assert check_archive(archive_dir, archive.engine).ok
    finally:
        archive.close()


def test_a_report_whose_parse_fails_costs_that_report_only(tmp_path: Path, seeds_dir: Path) -> None:
    """A worker out of memory (GX_PARSE_MEMORY_MB) and a document nothing can read: each is counted in
    gx/parse/failed/<error> and dropped; its capture stays archived; the other reports are stored."""
    seed = next(iter(sorted(seeds_dir.glob("*.txt")))).read_text(encoding="utf-8")
    row = "<tr><td>行政规范性文件</td><td>12</td><td>3</td><td>87</td></tr>"
    # 21 MB: parsing it peaks near 700 MB of address space, far over the 400 MB limit (half that page came within
    # 20 MB of it, and passed or failed by the worker's own size)
    huge = ("<html><body><p>一、总体情况</p><table>" + row * 300_000 + "</table></body></html>").encode()
    archive_dir = tmp_path / "archive"
    with LoopbackServer() as server:
        urls = [
            server.route("/r/ok.html", Route(as_html(seed))),
            server.route("/r/huge.html", Route(huge)),
            server.route(
                "/r/image.html",
                Route(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, headers=[("Content-Type", "image/png")]),
            ),
        ]
        stats = run_crawl(
            tmp_path,
            archive_dir,
            [{"url": u, "portal": "demo", "report": True} for u in urls],
            database_url=None,
            settings={"GX_PARSE_WORKERS": 1, "GX_PARSE_MEMORY_MB": 400},
        )
    assert stats["gx/parse/failed/MemoryError"] == 1, stats["_log"][-3000:]
    assert stats["gx/parse/failed/UnreadableDocument"] == 1
    assert stats["gx/captures"] == 3 and stats["gx/reports/demo"] == 1
    archive = Archive.open(archive_dir, None)
    try:
        with archive.session() as session:
            assert {c.url for c in session.scalars(select(Capture))} == set(urls)
            assert len(session.scalars(select(Report)).all()) == 1
    finally:
        archive.close()
