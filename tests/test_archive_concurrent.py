"""Two crawler processes archiving into the same directory and index at once: no file collides, every
capture is indexed once and reads back (SQLite's lock is retried; PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from archive_support.crawl import crawl_config, start_crawl
from archive_support.server import LoopbackServer, Route
from sqlalchemy import select

from gxcrawl.archive import Archive
from gxcrawl.archive.check import check_archive
from gxcrawl.archive.models import Capture


def test_two_crawlers_share_one_archive(tmp_path: Path, database_url: str | None) -> None:
    archive_dir = tmp_path / "archive"
    Archive.open(archive_dir, database_url).close()  # the schema exists before both start
    with LoopbackServer() as server:
        crawls = []
        for side in ("a", "b"):
            pages = [
                {"url": server.route(f"/{side}/{n}.html", Route(f"<p>{side}{n}</p>".encode() * 200)), "portal": side}
                for n in range(25)
            ]
            config = crawl_config(
                tmp_path,
                archive_dir,
                pages,
                database_url=database_url,
                settings={"GX_WARC_MAX_SIZE": 30_000},
                name=f"crawl-{side}",
            )
            crawls.append(start_crawl(config, tmp_path / f"crawl-{side}.log"))
        codes = [process.wait(timeout=180) for process in crawls]
    assert codes == [0, 0], [(tmp_path / f"crawl-{s}.log").read_text()[-2000:] for s in "ab"]

    files = list((archive_dir / "warcs").glob("*.warc.gz"))
    pids = {f.name.split("-")[2] for f in files}
    assert len(pids) == 2 and len(files) >= 4  # both processes rotated into files of their own
    archive = Archive.open(archive_dir, database_url)
    try:
        with archive.session() as session:
            captures = session.scalars(select(Capture)).all()
        assert len(captures) == 50 and {c.portal for c in captures} == {"a", "b"}
        for capture in captures:
            side, page = capture.url.rsplit("/", 2)[1:]
            assert archive.read_payload(capture.id) == f"<p>{side}{page.removesuffix('.html')}</p>".encode() * 200
        report = check_archive(archive_dir, archive.engine)
        assert report.ok and report.rows == 50, report.errors
    finally:
        archive.close()
