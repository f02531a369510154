"""What the quality report shows, read from the archive index: one pass over the reports (the export's reading of
the index, in keyset batches), plus blocked pages, unrendered pages and crawl runs. No Scrapy, no HTML here.

Reports are handed on in batches (the export's rows, with the versions at their URLs read in one query per batch);
what the index page needs is accumulated in Totals, whose size depends on portals and years, not on reports.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from gxcrawl.archive.models import UNRENDERED, Capture, CrawlRun, Document, DocumentVersion
from gxcrawl.corpus.crossyear import SCOPE
from gxcrawl.corpus.query import BATCH_SIZE, iter_export_rows
from gxcrawl.corpus.records import ExportRow
from gxcrawl.quality.portals import PortalInfo, unknown_portal

HARD_PASS = ("pass", "pass_if_blank_is_zero")


def report_slug(text_sha256: str) -> str:
    """The report page's file name stem: the report's text hash, whole (stable across builds, never shared)."""
    return text_sha256


@dataclass(slots=True)
class ReportSummary:
    slug: str
    portal: str
    report_year: int | None
    agency: str | None
    title: str | None
    format: str
    hard_failed: int  # H checks that fail
    hard_checked: int  # H checks in the record
    hard_passed_all: bool  # every H check passes (pass or pass_if_blank_is_zero); False without any
    soft_failed: int
    cross_failed: int
    received: float | None  # applications: new_received.total, when a number
    granted: float | None  # applications: granted.total, when a number


def _number(value: Any) -> float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def summarise(record: dict[str, Any], portal: str) -> ReportSummary:
    checks = record.get("checks") or []
    hard = [c for c in checks if c.get("scope") != SCOPE and str(c.get("id", "")).startswith("H")]
    return ReportSummary(
        slug=report_slug(record["text_sha256"]),
        portal=portal,
        report_year=record.get("report_year"),
        agency=record.get("agency"),
        title=record.get("title"),
        format=(record.get("format") or {}).get("overall") or "unknown",
        hard_failed=sum(c["status"] == "fail" for c in hard),
        hard_checked=len(hard),
        hard_passed_all=bool(hard) and all(c["status"] in HARD_PASS for c in hard),
        soft_failed=sum(
            c["status"] == "fail" for c in checks if c.get("scope") != SCOPE and str(c.get("id", "")).startswith("S")
        ),
        cross_failed=sum(c["status"] == "fail" for c in checks if c.get("scope") == SCOPE),
        received=_number(((record.get("applications") or {}).get("new_received") or {}).get("total")),
        granted=_number(((record.get("applications") or {}).get("granted") or {}).get("total")),
    )


@dataclass(slots=True)
class MatrixCell:
    reports: int = 0
    failed: int = 0  # reports with a failing hard check


@dataclass
class Totals:
    """Everything the index page and the plots show, accumulated report by report (one counter per portal and
    year, never one entry per report)."""

    cells: dict[tuple[str, int | None], MatrixCell] = field(default_factory=lambda: defaultdict(MatrixCell))
    reports: int = 0
    failed: int = 0  # reports failing a hard check
    cross_failed: int = 0  # reports failing a cross-year check
    per_year_level: Counter = field(default_factory=Counter)  # (year, level) -> reports
    hard_checked_per_year: Counter = field(default_factory=Counter)  # year -> reports with hard checks
    hard_passed_per_year: Counter = field(default_factory=Counter)  # year -> reports passing all of them
    received_per_year: Counter = field(default_factory=Counter)  # year -> sum of new_received.total
    granted_per_year: Counter = field(default_factory=Counter)  # year -> sum of granted.total

    def add(self, summary: ReportSummary, level: str) -> None:
        cell = self.cells[(summary.portal, summary.report_year)]
        cell.reports += 1
        cell.failed += summary.hard_failed > 0
        self.reports += 1
        self.failed += summary.hard_failed > 0
        self.cross_failed += summary.cross_failed > 0
        year = summary.report_year
        if year is None:
            return
        self.per_year_level[(year, level)] += 1
        if summary.hard_checked:
            self.hard_checked_per_year[year] += 1
            self.hard_passed_per_year[year] += summary.hard_passed_all
        if summary.received is not None:
            self.received_per_year[year] += summary.received
        if summary.granted is not None:
            self.granted_per_year[year] += summary.granted


@dataclass(slots=True)
class ReportInput:
    """What one report page is made of: the export row (record still JSON text, not decoded) and the versions at
    its URL. Small to send to a worker process."""

    row: ExportRow
    versions: list[dict[str, Any]]

    @property
    def portal(self) -> str:
        return self.row.fields.get("portal") or "?"


def iter_report_batches(
    session: Session, rows: Iterable[ExportRow] | None = None, batch_size: int = BATCH_SIZE
) -> Iterator[list[ReportInput]]:
    """Every distinct report of the index (`rows`: what the export writes), `batch_size` at a time, each with the
    versions at its URL (one query per batch)."""
    batch: list[ExportRow] = []
    for row in iter_export_rows(session, batch_size=batch_size) if rows is None else rows:
        batch.append(row)
        if len(batch) >= batch_size:
            yield _with_versions(session, batch)
            batch = []
    if batch:
        yield _with_versions(session, batch)


def _with_versions(session: Session, rows: Sequence[ExportRow]) -> list[ReportInput]:
    versions = url_versions(session, {row.fields["url"] for row in rows})
    return [ReportInput(row, versions.get(row.fields["url"], [])) for row in rows]


def url_versions(session: Session, urls: set[str]) -> dict[str, list[dict[str, Any]]]:
    """url -> the texts published at it, oldest version first."""
    out: dict[str, list[dict[str, Any]]] = {}
    rows = session.execute(
        select(
            DocumentVersion.url,
            DocumentVersion.version,
            DocumentVersion.first_seen,
            DocumentVersion.last_seen,
            Document.text_sha256,
        )
        .join(Document, Document.id == DocumentVersion.document_id)
        .where(DocumentVersion.url.in_(urls))
        .order_by(DocumentVersion.url, DocumentVersion.version)
    )
    for url, v, first, last, sha in rows:
        out.setdefault(url, []).append(
            {"version": v, "first_seen": first, "last_seen": last, "slug": report_slug(sha), "text_sha256": sha}
        )
    return out


def _newest_capture_of_its_url() -> Any:
    newer = aliased(Capture)
    return ~select(newer.id).where(newer.url == Capture.url, newer.fetched_at > Capture.fetched_at).exists()


def blocked_by_portal(session: Session) -> dict[str, Counter]:
    """portal -> reason -> URLs whose newest capture is a blocked page (a page blocked once and fetched since is
    no longer counted): the whole archive, every run."""
    out: dict[str, Counter] = defaultdict(Counter)
    for portal, reason, count in session.execute(
        select(Capture.portal, Capture.blocked_reason, func.count(func.distinct(Capture.url)))
        .where(Capture.blocked_reason.is_not(None), Capture.blocked_reason != UNRENDERED, _newest_capture_of_its_url())
        .group_by(Capture.portal, Capture.blocked_reason)
    ):
        out[portal or "?"][reason] += count
    return out


def unrendered_by_portal(session: Session, archive_root: Path) -> dict[str, int]:
    """portal -> URLs whose newest capture is a page fetched plainly for want of a browser: the whole archive,
    every run (its captures are flagged). The newest crawl's coverage.json adds what an archive written before
    captures were flagged knows only from there."""
    urls: dict[str, set[str]] = defaultdict(set)
    for portal, url in session.execute(
        select(Capture.portal, Capture.url).where(Capture.blocked_reason == UNRENDERED, _newest_capture_of_its_url())
    ):
        urls[portal or "?"].add(url)
    try:
        coverage = json.loads((archive_root / "coverage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        coverage = {}
    for page in coverage.get("unrendered") or []:
        if isinstance(page, dict) and page.get("url"):
            urls[page.get("portal") or "?"].add(page["url"])
    return {portal: len(found) for portal, found in urls.items()}


def crawl_runs(session: Session) -> list[dict[str, Any]]:
    runs = []
    for run in session.scalars(select(CrawlRun).order_by(CrawlRun.id)):
        stats = run.stats or {}
        runs.append(
            {
                "id": run.id,
                "spider": run.spider,
                "started_at": run.started_at,
                "finished_at": run.finished_at,
                "finish_reason": run.finish_reason,
                "captures": stats.get("gx/captures", 0),
                "new_documents": stats.get("gx/documents/new", 0),
            }
        )
    return runs


@dataclass(slots=True)
class MatrixRow:
    portal: PortalInfo
    cells: dict[int | None, MatrixCell]
    blocked: int
    unrendered: int

    @property
    def reports(self) -> int:
        return sum(c.reports for c in self.cells.values())

    @property
    def failed(self) -> int:
        return sum(c.failed for c in self.cells.values())


def matrix_rows(
    totals: Totals, directory: dict[str, PortalInfo], blocked: dict[str, Counter], unrendered: dict[str, int]
) -> list[MatrixRow]:
    """One row per portal with reports, blocked or unrendered pages, sorted by province, level and name."""
    by_portal: dict[str, dict[int | None, MatrixCell]] = defaultdict(dict)
    for (portal, year), cell in totals.cells.items():
        by_portal[portal][year] = cell
    ids = set(by_portal) | set(blocked) | set(unrendered)
    rows = [
        MatrixRow(
            directory.get(pid) or unknown_portal(pid),
            by_portal.get(pid, {}),
            sum(blocked.get(pid, Counter()).values()),
            unrendered.get(pid, 0),
        )
        for pid in ids
    ]
    rows.sort(
        key=lambda r: (
            r.portal.region_code is None,
            (r.portal.region_code or "")[:2],
            r.portal.level_rank,
            r.portal.name,
            r.portal.id,
        )
    )
    return rows
