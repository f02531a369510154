"""Reading the archive is capped like the download: a gzip/deflate/br body decoding to 200 MB, archived as it came
off the wire, is refused on every read path (payload and response reads, replay, a 304's revalidation, reparse,
check) with a clear reason once it passes the limit, and never inflated whole."""

from __future__ import annotations

import tracemalloc
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from archive_support.crawl import run_crawl
from archive_support.server import LoopbackServer, Route

from gxcrawl.archive import Archive, PayloadTooLarge
from gxcrawl.archive.check import check_archive
from gxcrawl.archive.records import Exchange
from gxcrawl.corpus.reparse import reparse_archive

DECODED = 200 * 1024 * 1024
LIMIT = 4 * 1024 * 1024


def bomb(encoding: str) -> bytes:
    """A body that decodes to 200 MB, built a megabyte at a time (the test never holds it decoded)."""
    zeros = bytes(1 << 20)
    if encoding == "br":
        try:
            import brotli
        except ImportError:  # pragma: no cover
            import brotlicffi as brotli
        compressor = brotli.Compressor(quality=5)
        out = [compressor.process(zeros) for _ in range(DECODED >> 20)]
        return b"".join(out) + compressor.finish()
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16 if encoding == "gzip" else zlib.MAX_WBITS)
    out = [compressor.compress(zeros) for _ in range(DECODED >> 20)]
    return b"".join(out) + compressor.flush()


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_payload_reads_stop_at_the_limit(tmp_path: Path, encoding: str) -> None:
    body = bomb(encoding)
    page = zlib.compress(b"<html>fine</html>")
    with Archive.open(tmp_path, max_payload=LIMIT) as archive:
        bomb_id = archive.write_exchange(
            Exchange(
                url="http://127.0.0.1/bomb",
                status=200,
                body=body,
                fetched_at=datetime.now(UTC),
                response_headers=[("Content-Type", "text/html"), ("Content-Encoding", encoding)],
            )
        ).id
        page_id = archive.write_exchange(
            Exchange(
                url="http://127.0.0.1/page",
                status=200,
                body=page,
                fetched_at=datetime.now(UTC),
                response_headers=[("Content-Type", "text/html"), ("Content-Encoding", "deflate")],
            )
        ).id
        tracemalloc.start()
        try:
            for read in (archive.read_payload, archive.read_response):
                with pytest.raises(PayloadTooLarge, match=f"exceeds the read limit of {LIMIT} bytes"):
                    read(bomb_id)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 3 * LIMIT, f"reading the bomb allocated {peak} bytes"
        assert archive.read_payload(page_id) == b"<html>fine</html>"

        # reparse: that document fails with the reason, the others are parsed
        for capture_id, text in ((bomb_id, "bomb"), (page_id, "page")):
            archive.record_parsed(
                text_sha256=text * 8,
                url=f"http://127.0.0.1/{text}",
                portal="p",
                capture_id=capture_id,
                parser_version="old",
                record={"v": 1},
                text=text,
            )
        summary = reparse_archive(archive, lambda payload, **_: {"size": len(payload)}, "new", progress=False)
        assert summary.failed == 1 and summary.new_version == 1, summary
        assert "PayloadTooLarge" in summary.failures[0] and "read limit" in summary.failures[0]


def test_check_names_a_record_over_the_limit(tmp_path: Path) -> None:
    with Archive.open(tmp_path) as archive:
        archive.write_exchange(
            Exchange(url="http://127.0.0.1/large", status=200, body=b"x" * (LIMIT + 1), fetched_at=datetime.now(UTC))
        )
        assert check_archive(tmp_path, archive.engine).ok
        report = check_archive(tmp_path, archive.engine, max_payload=LIMIT)
    assert len(report.errors) == 1 and f"exceeds the read limit of {LIMIT} bytes" in report.errors[0], report.errors


@pytest.mark.timeout(300)
def test_replay_and_revalidation_refuse_a_bomb_the_live_crawl_refused(tmp_path: Path, database_url: str | None) -> None:
    archive_dir = tmp_path / "archive"
    limit = {"DOWNLOAD_MAXSIZE": LIMIT, "DOWNLOAD_WARNSIZE": 0}
    with LoopbackServer() as server:
        bomb_route = Route(
            bomb("gzip"), headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip"), ("ETag", '"bomb"')]
        )
        pages = [
            {"url": server.route("/bomb.html", bomb_route), "portal": "p"},
            {"url": server.route("/fine.html", Route(b"<html><body>fine</body></html>")), "portal": "p"},
        ]
        live = run_crawl(tmp_path, archive_dir, pages, database_url=database_url, settings=limit, name="live")
        assert live["gx/captures"] == 2  # the wire body fits; decoding it is refused downstream
        replay = run_crawl(
            tmp_path,
            archive_dir,
            pages,
            database_url=database_url,
            settings={**limit, "GX_REPLAY": True},
            name="replay",
        )
        assert replay.get("gx/replay/unreadable") == 1 and replay["gx/replay/hit"] == 1, replay["_log"][-3000:]
        assert "cannot be read" in replay["_log"] and "exceeds the read limit" in replay["_log"]

        bomb_route.status, bomb_route.body = 304, b""  # revalidated: the server says unchanged
        recrawl = run_crawl(tmp_path, archive_dir, pages, database_url=database_url, settings=limit, name="recrawl")
        assert recrawl["gx/recrawl/not_modified"] == 1 and recrawl.get("gx/recrawl/unreadable") == 1, recrawl["_log"][
            -3000:
        ]
