"""A real Scrapy crawl over loopback, archived by the WARC capture hook: the WARC must hold what the server
sent, byte for byte, and the index must point at the right records (SQLite and PostgreSQL)."""

from __future__ import annotations

import gzip
from pathlib import Path

from archive_support.crawl import run_crawl
from archive_support.server import LoopbackServer, Route
from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from gxcrawl.archive import Archive
from gxcrawl.archive.models import Capture

PAGE = "<html><head><title>测试</title></head><body><p>{}</p></body></html>"


def _html(text: str) -> bytes:
    return PAGE.format(text).encode("utf-8")


def _warc_records(archive_dir: Path) -> list[dict]:
    """Every record of every WARC file, read with warcio alone, with offsets."""
    records = []
    for path in sorted((archive_dir / "warcs").glob("*.warc.gz")):
        with open(path, "rb") as stream:
            iterator = ArchiveIterator(stream)
            for record in iterator:
                wire = record.raw_stream.read()
                iterator.read_to_end(record)
                records.append(
                    {
                        "file": f"warcs/{path.name}",
                        "offset": iterator.get_record_offset(),
                        "length": iterator.get_record_length(),
                        "type": record.rec_type,
                        "uri": record.rec_headers.get_header("WARC-Target-URI"),
                        "id": record.rec_headers.get_header("WARC-Record-ID"),
                        "warc_headers": list(record.rec_headers.headers),
                        "http": record.http_headers,
                        "wire": wire,
                    }
                )
    return records


def test_crawl_archives_wire_bytes(tmp_path: Path, database_url: str | None) -> None:
    original = _html("gzip 压缩的页面 " * 50)
    gz = gzip.compress(original, mtime=0)
    with LoopbackServer() as server:
        urls = {
            "plain": server.route("/plain.html?a=1&b=二", Route(_html("plain page"))),
            "gzip": server.route(
                "/gzip.html",
                Route(gz, headers=[("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")]),
            ),
            "chunked": server.route("/chunked.html", Route(_html("chunked " * 100), chunked=True)),
            "cookies": server.route(
                "/cookies.html",
                Route(
                    _html("cookies"),
                    headers=[
                        ("Content-Type", "text/html"),
                        ("Set-Cookie", "a=1; Path=/"),
                        ("Set-Cookie", "b=2; Path=/"),
                    ],
                ),
            ),
            "chinese": server.route("/报告/2023年度报告.html", Route(_html("中文路径"))),
            "missing": server.url("/missing.html"),
        }
        archive_dir = tmp_path / "archive"
        stats = run_crawl(
            tmp_path, archive_dir, [{"url": u, "portal": "demo"} for u in urls.values()], database_url=database_url
        )
        sent = {
            path: server.sent_for(path)[0]
            for path in (
                "/plain.html?a=1&b=二",
                "/gzip.html",
                "/chunked.html",
                "/cookies.html",
                "/报告/2023年度报告.html",
            )
        }

    assert stats.get("gx/captures") == 6, stats["_log"][-3000:]
    records = _warc_records(archive_dir)
    assert records[0]["type"] == "warcinfo"
    by_uri = {}
    for rec in records:
        # WARC headers must be ASCII (pywb #961): Chinese paths percent-encoded
        for name, value in rec["warc_headers"]:
            assert value.isascii(), (name, value)
        by_uri.setdefault((rec["uri"], rec["type"]), rec)

    def response(url: str) -> dict:
        return by_uri[(url, "response")]

    # payloads byte-identical to what the server sent (gzip: the wire bytes, still encoded)
    assert response(urls["gzip"])["wire"] == gz
    assert response(urls["gzip"])["http"].get_header("Content-Encoding") == "gzip"
    assert response(urls["plain"])["wire"] == sent["/plain.html?a=1&b=二"].body
    assert response(urls["chunked"])["wire"] == sent["/chunked.html"].body
    # no stale Transfer-Encoding with a de-chunked body
    assert response(urls["chunked"])["http"].get_header("Transfer-Encoding") is None
    # repeated headers all kept
    cookies = [v for k, v in response(urls["cookies"])["http"].headers if k.lower() == "set-cookie"]
    assert cookies == ["a=1; Path=/", "b=2; Path=/"]
    # status line with reason phrase
    assert response(urls["plain"])["http"].statusline == "200 OK"
    assert by_uri[(urls["missing"], "response")]["http"].statusline == "404 Not Found"
    assert "%E6%8A%A5%E5%91%8A" in urls["chinese"] and (urls["chinese"], "response") in by_uri

    # request records: full path with query, headers actually sent, never zstd
    request = by_uri[(urls["plain"], "request")]
    assert request["http"].protocol == "GET"
    assert request["http"].statusline.startswith("/plain.html?a=1&b=%E4%BA%8C ")
    accept = request["http"].get_header("Accept-Encoding")
    assert accept == "gzip, deflate" and "zstd" not in accept and "br" not in accept
    server_saw = dict(sent["/plain.html?a=1&b=二"].request_headers)
    assert server_saw["Accept-Encoding"] == accept
    assert request["http"].get_header("User-Agent") == server_saw["User-Agent"]
    assert request["http"].get_header("Host") == server_saw["Host"]
    assert {k.lower(): v for k, v in request["http"].headers} == {k.lower(): v for k, v in server_saw.items()}

    # metadata record: portal, fetch duration, concurrent to the response
    metadata = by_uri[(urls["plain"], "metadata")]
    fields = dict(line.split(": ", 1) for line in metadata["wire"].decode().splitlines() if line)
    assert fields["portal"] == "demo" and int(fields["fetchTimeMs"]) >= 0 and fields["hopsFromSeed"] == "0"
    assert dict(metadata["warc_headers"])["WARC-Concurrent-To"] == response(urls["plain"])["id"]

    # the index points at exactly those records, and decoded payloads match the originals
    archive = Archive.open(archive_dir, database_url)
    try:
        with archive.session() as session:
            captures = session.scalars(select(Capture)).all()
        assert len(captures) == 6
        located = {(r["file"], r["offset"]): r for r in records}
        for capture in captures:
            rec = located[(capture.warc_file, capture.warc_offset)]
            assert rec["length"] == capture.warc_length
            assert rec["id"] == capture.warc_record_id and rec["uri"] == capture.url
            assert capture.portal == "demo" and capture.crawl_run_id is not None
        gzip_capture = next(c for c in captures if c.url == urls["gzip"])
        assert archive.read_payload(gzip_capture.id) == original
        stored = archive.read_response(gzip_capture.id)
        assert stored.wire_body == gz and stored.status == 200 and stored.reason == "OK"
        chinese = archive.latest_capture(server_url_unquoted(urls["chinese"]))
        assert chinese is not None and archive.read_payload(chinese.id) == _html("中文路径")
    finally:
        archive.close()


def server_url_unquoted(url: str) -> str:
    from urllib.parse import unquote

    return unquote(url)
