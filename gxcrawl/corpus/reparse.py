"""`gxcrawl reparse`: run the current parser over every archived document and update the stored reports.

The payload is read back from the WARC through the Archive API (never refetched). A document whose
stored report came from an older parser version gets a new Report row for the current version; a
report whose result differs under the same version is replaced. Prints what changed: counts, the
tables whose values moved, and per rule which checks newly pass or fail. Documents are handled in
keyset batches (bounded memory); parsing happens outside any database transaction.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO

from sqlalchemy import func, select

from gxcrawl.archive import index
from gxcrawl.archive.models import Capture, Document
from gxcrawl.corpus.query import iter_document_batches, latest_reports, open_existing_archive
from gxcrawl.corpus.records import TABLES
from gxcrawl.corpus.writers import with_progress

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
# keys that say how/when a record was made rather than what the document says
_VOLATILE_KEYS = frozenset({"parser_version", "parsed_at"})

Parser = Callable[..., dict[str, Any]]


@dataclass(slots=True)
class ReparseSummary:
    documents: int = 0
    unchanged: int = 0
    new_version: int = 0  # stored under the current parser version for the first time
    replaced: int = 0  # same parser version, different result
    values_changed: int = 0  # of new_version + replaced: table values differ from the previous record
    failed: int = 0  # unreadable payload or parser error: the stored report is kept
    no_capture: int = 0  # no archived payload to read back
    text_hash_changed: int = 0
    tables_changed: Counter[str] = field(default_factory=Counter)
    newly_pass: Counter[str] = field(default_factory=Counter)
    newly_fail: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)  # the first few, for the message

    def print(self, out: TextIO, parser_version: str) -> None:
        updated = self.new_version + self.replaced
        print(
            f"gxcrawl reparse (parser {parser_version}): {self.documents} document(s); "
            f"{updated} updated ({self.new_version} new parser version, {self.replaced} re-parsed same version), "
            f"{self.unchanged} unchanged, {self.failed} failed, {self.no_capture} without archived payload",
            file=out,
        )
        print(
            f"  values changed in {self.values_changed} report(s)"
            + (
                ": " + ", ".join(f"{t} {n}" for t, n in sorted(self.tables_changed.items()))
                if self.tables_changed
                else ""
            ),
            file=out,
        )
        if self.text_hash_changed:
            print(
                f"  normalised-text hash differs from the stored one in {self.text_hash_changed} report(s) "
                "(documents keep their dedupe key)",
                file=out,
            )
        for label, counter in (("newly pass", self.newly_pass), ("newly fail", self.newly_fail)):
            detail = ", ".join(f"{rule} {n}" for rule, n in sorted(counter.items())) or "none"
            print(f"  checks {label}: {detail}", file=out)
        for message in self.failures:
            print(f"  failed: {message}", file=out)


def _stable(record: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in _VOLATILE_KEYS}


def _check_statuses(record: Mapping[str, Any]) -> dict[tuple[str, str], str]:
    return {
        (str(c.get("id")), str(c.get("scope"))): str(c.get("status"))
        for c in record.get("checks") or ()
        if isinstance(c, Mapping)
    }


def compare_records(old: Mapping[str, Any], new: Mapping[str, Any], summary: ReparseSummary) -> None:
    """Add what moved between two records of the same document to `summary`."""
    moved = [t for t in TABLES if (old.get(t) or {}) != (new.get(t) or {})]
    if moved or old.get("format") != new.get("format"):
        summary.values_changed += 1
    summary.tables_changed.update(moved)
    if old.get("text_sha256") != new.get("text_sha256"):
        summary.text_hash_changed += 1
    before, after = _check_statuses(old), _check_statuses(new)
    for key, status in after.items():
        previous = before.get(key)
        if status == "pass" and previous != "pass":
            summary.newly_pass[key[0]] += 1
        elif status == "fail" and previous != "fail":
            summary.newly_fail[key[0]] += 1


@dataclass(frozen=True, slots=True)
class _Job:
    document_id: int
    capture_id: int | None
    url: str | None
    content_type: str | None
    stored_version: str | None
    stored_record: dict[str, Any] | None


def _jobs(archive: Any, batch_size: int) -> Iterator[list[_Job]]:
    """Batches of what to re-parse, each read in its own short transaction (none stays open while parsing)."""
    last_id = 0
    while True:
        with archive.session() as session:
            documents = next(iter_document_batches(session, [Document.id > last_id], batch_size), [])
            if not documents:
                return
            last_id = documents[-1].id
            ids = [d.id for d in documents]
            reports = latest_reports(session, ids)
            chosen = {
                d.id: (r.capture_id if (r := reports.get(d.id)) and r.capture_id else d.first_capture_id)
                for d in documents
            }
            # parsed as the pipeline parses: at the final URL (after redirects), with the served Content-Type
            captures = {
                c.id: (c.final_url or c.url, c.content_type)
                for c in session.scalars(select(Capture).where(Capture.id.in_(set(chosen.values()) - {None})))
            }
            batch = []
            for d in documents:
                report = reports.get(d.id)
                url, content_type = captures.get(chosen[d.id] or -1, (None, None))
                batch.append(
                    _Job(
                        d.id,
                        chosen[d.id] if url else None,
                        url,
                        content_type,
                        report.parser_version if report else None,
                        dict(report.record) if report else None,
                    )
                )
        yield batch


def reparse_archive(
    archive: Any, parse: Parser, parser_version: str, *, batch_size: int = BATCH_SIZE, progress: bool = True
) -> ReparseSummary:
    """Re-parse every document of `archive` with `parse` (gxcrawl.report.parse_report's signature)."""
    summary = ReparseSummary()
    total = None
    if progress and sys.stderr.isatty():
        with archive.session() as session:
            total = session.scalar(select(func.count(Document.id)))

    def batches() -> Iterator[_Job]:
        for batch in _jobs(archive, batch_size):
            yield from batch

    pending: list[tuple[_Job, dict[str, Any], bool]] = []
    jobs: Iterator[_Job] = batches()
    if total is not None:
        jobs = with_progress(jobs, total=total, desc="reparse", unit="doc")
    for job in jobs:
        summary.documents += 1
        if job.capture_id is None:
            summary.no_capture += 1
            continue
        try:
            payload = archive.read_payload(job.capture_id)
            record = parse(payload, url=job.url, content_type=job.content_type)
        except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run; it is reported
            summary.failed += 1
            if len(summary.failures) < 10:
                summary.failures.append(f"document {job.document_id} ({job.url}): {type(exc).__name__}: {exc}")
            logger.warning("reparse failed for document %s (%s): %s", job.document_id, job.url, exc)
            continue
        record = {**record, "parser_version": parser_version}
        old = job.stored_record
        same_version = job.stored_version == parser_version
        if old is not None and same_version and _stable(old) == _stable(record):
            summary.unchanged += 1
            continue
        if same_version:
            summary.replaced += 1
        else:
            summary.new_version += 1
        if old is not None:
            compare_records(old, record, summary)
        pending.append((job, record, same_version))
        if len(pending) >= batch_size:
            _store(archive, pending, parser_version)
    _store(archive, pending, parser_version)
    return summary


def _store(archive: Any, pending: list[tuple[_Job, dict[str, Any], bool]], parser_version: str) -> None:
    """Write a batch of updated reports in one transaction, then forget them."""
    if not pending:
        return
    with archive.session() as session:
        for job, record, replace in pending:
            index.store_report(
                session,
                document_id=job.document_id,
                parser_version=parser_version,
                record=record,
                capture_id=job.capture_id,
                replace=replace,
            )
    pending.clear()


def run_reparse(args: argparse.Namespace) -> int:
    from gxcrawl.report import PARSER_VERSION, parse_report

    archive = open_existing_archive(args.archive, args.database)
    try:
        summary = reparse_archive(archive, parse_report, PARSER_VERSION)
    finally:
        archive.close()
    summary.print(sys.stdout, PARSER_VERSION)
    return 1 if summary.failed and summary.failed == summary.documents else 0
