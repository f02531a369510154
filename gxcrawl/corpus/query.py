"""Reading the archive index for the corpus, in keyset batches: constant memory at any corpus size.

A "distinct report" is a Document (one normalised text). It is exported when it is the latest text
at one of its URLs (older versions are superseded) or has no URL history at all. Each batch of
documents costs a fixed handful of queries (reports, sources, captures, versions, attachments),
never one query per document and never a list of the whole table.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Text, and_, cast, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from gxcrawl.archive.models import Capture, Document, DocumentSource, DocumentVersion, Report
from gxcrawl.corpus.records import ExportRow, export_fields, peek_json_values

BATCH_SIZE = 500
# read from each stored record's JSON text, searching from the near end: report_year comes early, and
# parser_version and the attachment list (the parser's under "page", or one a pipeline appends at the top
# level, which would then be the last) are written last. A full scan of a ~30 KB text costs ~80 us.
PEEKED_KEYS = {"report_year": "first", "parser_version": "last", "attachments": "last"}


def open_existing_archive(root: str | Path, database_url: str | None = None) -> Any:
    """Archive.open for reading: a clear error instead of silently creating an empty index (also when the WARC
    files are there but the index was deleted: IndexMissing names `gxcrawl archive reindex`)."""
    from gxcrawl.archive import Archive

    if (
        not database_url
        and not os.environ.get("GXCRAWL_DATABASE_URL")
        and not (Path(root) / "index.sqlite").is_file()
        and not any((Path(root) / "warcs").glob("*.warc.gz"))
    ):
        raise FileNotFoundError(
            f"no archive index at {Path(root) / 'index.sqlite'}: crawl first (gxcrawl demo / scrapy crawl portals), "
            "or pass --archive DIR or --database URL"
        )
    return Archive.open(root, database_url, require_index=True)


@dataclass(frozen=True, slots=True)
class ExportFilter:
    portals: tuple[str, ...] = ()  # a source of the document is on one of these portals (): any)
    years: tuple[int, int] | None = None  # record["report_year"] in this inclusive range
    since: datetime | None = None  # document first seen on or after

    def year_matches(self, year: Any) -> bool:
        return self.years is None or (isinstance(year, int) and self.years[0] <= year <= self.years[1])


def _document_conditions(flt: ExportFilter) -> list[Any]:
    later = aliased(DocumentVersion)
    latest_at_url = select(func.max(later.version)).where(later.url == DocumentVersion.url).scalar_subquery()
    conditions: list[Any] = [
        or_(
            exists().where(DocumentVersion.document_id == Document.id, DocumentVersion.version == latest_at_url),
            ~exists().where(DocumentVersion.document_id == Document.id),
        ),
        exists().where(Report.document_id == Document.id),
    ]
    if flt.portals:
        conditions.append(
            exists().where(DocumentSource.document_id == Document.id, DocumentSource.portal.in_(flt.portals))
        )
    if flt.since is not None:
        conditions.append(Document.first_seen >= flt.since)
    return conditions


def count_documents(session: Session, flt: ExportFilter | None = None) -> int:
    """How many documents the export will look at (the progress bar's total; --year is applied later)."""
    return session.scalar(select(func.count(Document.id)).where(*_document_conditions(flt or ExportFilter()))) or 0


def report_portals(session: Session) -> set[str]:
    """The portals the archive has reports from (the sources of documents that have a parsed record)."""
    rows = session.scalars(
        select(DocumentSource.portal)
        .distinct()
        .where(DocumentSource.portal.is_not(None), exists().where(Report.document_id == DocumentSource.document_id))
    )
    return set(rows)


def report_years(session: Session, flt: ExportFilter | None = None) -> list[int]:
    """The distinct report years of the documents `flt` selects (its `years` ignored), read from the stored
    records in keyset batches."""
    flt = flt or ExportFilter()
    years: set[int] = set()
    for documents in iter_document_batches(session, _document_conditions(flt)):
        texts = session.scalars(
            select(cast(Report.record, Text)).where(Report.id.in_(_newest_report_ids([d.id for d in documents])))
        )
        for text in texts:
            year = next(iter(peek_json_values(text, {"report_year": "first"})["report_year"]), None)
            if isinstance(year, int):
                years.add(year)
    return sorted(years)


def iter_document_batches(
    session: Session, conditions: Sequence[Any] = (), batch_size: int = BATCH_SIZE
) -> Iterator[list[Document]]:
    """Documents in id order, `batch_size` at a time (keyset pagination: no OFFSET, no open cursor)."""
    last_id = 0
    while True:
        batch = list(
            session.scalars(
                select(Document).where(Document.id > last_id, *conditions).order_by(Document.id).limit(batch_size)
            )
        )
        if not batch:
            return
        yield batch
        last_id = batch[-1].id
        session.expunge_all()  # keep the identity map from growing with the corpus


def _newest_report_ids(document_ids: Sequence[int]) -> Any:
    return select(func.max(Report.id)).where(Report.document_id.in_(document_ids)).group_by(Report.document_id)


def latest_reports(session: Session, document_ids: Sequence[int]) -> dict[int, Report]:
    """The most recently stored Report row of each document."""
    rows = session.scalars(select(Report).where(Report.id.in_(_newest_report_ids(document_ids))))
    return {report.document_id: report for report in rows}


def portal_metadata(session: Session) -> dict[str, dict[str, Any]]:
    """Portal id -> {name, level, region_code}: as the crawls recorded them in the index, and for a portal no crawl
    recorded (an index from before the `portal` table) as the bundled registry describes it."""
    from gxcrawl.archive.index import portal_metadata as recorded
    from gxcrawl.discovery.registry import load_registry

    known = {p.id: {"name": p.name, "level": p.level, "region_code": p.region_code} for p in load_registry()}
    return {**known, **recorded(session)}


def iter_export_rows(
    session: Session, flt: ExportFilter | None = None, *, batch_size: int = BATCH_SIZE
) -> Iterator[ExportRow]:
    """One ExportRow per distinct report (latest version, latest parse, all sources), in document order.

    Core selects only (no ORM objects); the record stays JSON text, and the few values needed from it
    (report_year, parser_version, attachment links) are read from that text without decoding the rest.
    """
    from gxcrawl.corpus.crossyear import stored_cross_year_checks  # it reads documents through this module

    flt = flt or ExportFilter()
    portals = portal_metadata(session)
    for documents in iter_document_batches(session, _document_conditions(flt), batch_size):
        ids = [d.id for d in documents]
        cross_year = stored_cross_year_checks(session, ids)
        reports = {
            row.document_id: row
            for row in session.execute(
                select(
                    Report.document_id,
                    Report.parser_version,
                    Report.capture_id,
                    cast(Report.record, Text).label("record_json"),
                ).where(Report.id.in_(_newest_report_ids(ids)))
            )
        }
        # the few values needed from each record, read from its JSON text without decoding all of it
        peeked = {doc_id: peek_json_values(r.record_json, PEEKED_KEYS) for doc_id, r in reports.items()}

        sources: dict[int, list[dict[str, Any]]] = {}
        for source in session.execute(
            select(
                DocumentSource.document_id,
                DocumentSource.url,
                DocumentSource.portal,
                DocumentSource.first_seen,
                DocumentSource.last_seen,
            )
            .where(DocumentSource.document_id.in_(ids))
            .order_by(DocumentSource.first_seen, DocumentSource.id)
        ).mappings():
            sources.setdefault(source["document_id"], []).append(dict(source))

        chosen = {d.id: (r.capture_id or d.first_capture_id) for d in documents if (r := reports.get(d.id))}
        captures = _captures_by_id(session, set(chosen.values()) - {None})

        # versions are counted at the URL of the exported capture
        versions = dict(
            session.execute(
                select(DocumentVersion.url, func.max(DocumentVersion.version))
                .where(DocumentVersion.url.in_({c["url"] for c in captures.values()}))
                .group_by(DocumentVersion.url)
            ).all()
        )

        links = {doc_id: _attachment_links(values["attachments"]) for doc_id, values in peeked.items()}
        attachment_captures = _latest_captures(session, {a["url"] for ls in links.values() for a in ls})

        for document in documents:
            report = reports.get(document.id)
            if report is None:
                continue
            values = peeked[document.id]
            if not flt.year_matches(next(iter(values["report_year"]), None)):
                continue
            capture = captures.get(chosen[document.id] or -1)
            if capture is None:
                continue  # a report with no archived capture cannot say where it came from; never invent one
            fields = export_fields(
                url=capture["url"],
                final_url=capture["final_url"],
                portal=capture["portal"],
                portal_info=portals.get(capture["portal"] or ""),
                fetched_at=capture["fetched_at"],
                content_type=capture["content_type"],
                sources=sources.get(document.id)
                or [
                    {
                        "url": capture["url"],
                        "portal": capture["portal"],
                        "first_seen": document.first_seen,
                        "last_seen": document.last_seen,
                    }
                ],
                versions=max(1, versions.get(capture["url"]) or 1),
                warc={"file": capture["warc_file"], "offset": capture["warc_offset"], "length": capture["warc_length"]},
                attachments=[_attachment(a, attachment_captures.get(a["url"])) for a in links[document.id]],
                parser_version=report.parser_version,
            )
            yield ExportRow(
                report.record_json,
                fields,
                next(iter(values["parser_version"]), None),
                [c.to_json() for c in cross_year.get(document.id, ())],
            )


def iter_export_records(
    session: Session, flt: ExportFilter | None = None, *, batch_size: int = BATCH_SIZE
) -> Iterator[dict[str, Any]]:
    """The export records themselves (decoded dicts), for library users and CSV."""
    for row in iter_export_rows(session, flt, batch_size=batch_size):
        yield row.record()


_CAPTURE_COLUMNS = (
    Capture.id,
    Capture.url,
    Capture.final_url,
    Capture.portal,
    Capture.fetched_at,
    Capture.content_type,
    Capture.warc_file,
    Capture.warc_offset,
    Capture.warc_length,
    Capture.record_type,
    Capture.revisit_of_id,
    Capture.payload_sha256,
    Capture.status,
)


def _captures_by_id(session: Session, capture_ids: set[int]) -> dict[int, Any]:
    """Capture rows by id; a revisit (no payload of its own) is replaced by the response it refers to."""
    if not capture_ids:
        return {}
    rows = {
        r["id"]: r for r in session.execute(select(*_CAPTURE_COLUMNS).where(Capture.id.in_(capture_ids))).mappings()
    }
    originals = {r["revisit_of_id"] for r in rows.values() if r["record_type"] == "revisit" and r["revisit_of_id"]}
    if originals:
        found = {
            r["id"]: r for r in session.execute(select(*_CAPTURE_COLUMNS).where(Capture.id.in_(originals))).mappings()
        }
        for capture_id, row in list(rows.items()):
            if row["record_type"] == "revisit" and row["revisit_of_id"] in found:
                rows[capture_id] = found[row["revisit_of_id"]]
    return rows


def _attachment_links(found: list[Any]) -> list[dict[str, Any]]:
    """Attachment links from every `attachments` list of the record (the pipeline's, with content type and
    digest, and the parser's page links), one per URL, the most informative entry kept."""
    by_url: dict[str, dict[str, Any]] = {}
    for listed in found:
        for link in listed if isinstance(listed, list) else ():
            if isinstance(link, dict) and isinstance(link.get("url"), str):
                known = by_url.setdefault(link["url"], {})
                known.update({k: v for k, v in link.items() if v is not None and known.get(k) is None})
    return list(by_url.values())


def _attachment(link: dict[str, Any], capture: Any) -> dict[str, Any]:
    """Attachment with content type and digest from its archived capture when it was fetched."""
    return {
        "url": link["url"],
        "content_type": link.get("content_type") or (capture["content_type"] if capture else None),
        "sha256": link.get("sha256") or (capture["payload_sha256"] if capture else None),
    }


def _latest_captures(session: Session, urls: set[str]) -> dict[str, Any]:
    if not urls:
        return {}
    newest = (
        select(Capture.url, func.max(Capture.fetched_at).label("at"))
        .where(Capture.url.in_(urls), Capture.record_type != "revisit", Capture.status == 200)
        .group_by(Capture.url)
        .subquery()
    )
    rows = session.execute(
        select(*_CAPTURE_COLUMNS).join(newest, and_(Capture.url == newest.c.url, Capture.fetched_at == newest.c.at))
    ).mappings()
    return {c["url"]: c for c in rows}
