"""A small real archive for the corpus tests: seed report pages written through the Archive API exactly as
the crawl's capture hook and pipelines write them (WARC capture, parse_report, dedupe, report row)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from gxcrawl.archive import Archive, Exchange
from gxcrawl.report import parse_report

T0 = datetime(2026, 1, 10, 8, 0, tzinfo=UTC)
HOST1, HOST2 = "http://127.0.0.1:8001", "http://127.0.0.2:8002"
ATTACHMENT_LINK = '<p>附件：<a href="/files/003.pdf">南通市民政局2020年年报.pdf</a></p>'
PDF = b"%PDF-1.4\n% not parsed here, only archived\n"


# what a crawl records about its portals when it starts (Archive.record_portals)
PORTALS = [
    {"id": "p1", "name": "荆门市掇刀区人民政府", "level": "county", "region_code": "420804"},
    {"id": "p2", "name": "南通市人民政府", "level": "city", "region_code": "320600"},
]


@dataclass
class Corpus:
    archive_dir: Path
    database_url: str | None
    records: dict[str, dict]  # url -> the parser's record of the page archived there (latest)

    def args(self, verb: str, *extra: str) -> list[str]:
        """argv for `gxcrawl <verb>` on this archive."""
        args = [verb, "--archive", str(self.archive_dir), *extra]
        return [*args, "--database", self.database_url] if self.database_url else args


def seed_page(seeds_dir: Path, prefix: str) -> bytes:
    return next((seeds_dir / "html").glob(f"{prefix}_*.html")).read_bytes()


def archive_page(
    archive: Archive,
    url: str,
    body: bytes,
    *,
    portal: str,
    at: datetime,
    content_type: str = "text/html; charset=utf-8",
) -> tuple[int, dict | None]:
    """What the capture hook and the pipelines do for one fetched report page."""
    ref = archive.write_exchange(
        Exchange(
            url=url,
            status=200,
            body=body,
            fetched_at=at,
            portal=portal,
            response_headers=[("Content-Type", content_type)],
        )
    )
    if not content_type.startswith("text/html"):
        return ref.id, None
    record = parse_report(body, url=url, content_type=content_type)
    outcome = archive.record_document(text_sha256=record["text_sha256"], url=url, portal=portal, capture_id=ref.id)
    archive.store_report(
        document_id=outcome.document_id, parser_version=record["parser_version"], record=record, capture_id=ref.id
    )
    return ref.id, record


def build_corpus(root: Path, seeds_dir: Path, database_url: str | None) -> Corpus:
    records: dict[str, dict] = {}
    page003 = seed_page(seeds_dir, "003").decode("utf-8")
    cut = page003.find("</p>", page003.find("六、其他需要报告的事项")) + 4
    page003 = (page003[:cut] + ATTACHMENT_LINK + page003[cut:]).encode("utf-8")
    with Archive.open(root, database_url) as archive:
        archive.record_portals(PORTALS)

        def add(url: str, prefix_or_body: str | bytes, portal: str, at: datetime) -> None:
            body = seed_page(seeds_dir, prefix_or_body) if isinstance(prefix_or_body, str) else prefix_or_body
            _, record = archive_page(archive, url, body, portal=portal, at=at)
            records[url] = record

        add(f"{HOST1}/a/000.html", "000", "p1", T0)
        add(f"{HOST2}/mirror/000.html", "000", "p2", T0 + timedelta(days=1))  # same text elsewhere: a source
        add(f"{HOST1}/b.html", "002", "p1", T0)
        add(f"{HOST1}/b.html", "004", "p1", T0 + timedelta(days=30))  # the text at b changed: version 2
        add(f"{HOST2}/c.html", page003, "p2", T0 + timedelta(days=2))
        archive_page(
            archive,
            f"{HOST2}/files/003.pdf",
            PDF,
            portal="p2",
            at=T0 + timedelta(days=2, seconds=5),
            content_type="application/pdf",
        )
        add(f"{HOST1}/d.html", "001", "p1", T0 + timedelta(days=60))
        add(f"{HOST1}/a/000.html", "000", "p1", T0 + timedelta(days=90))  # seen again, unchanged
    return Corpus(root, database_url, records)
