"""Checks across the reports of one agency (docs/quality.md, "Cross-year checks").

An agency is known across years by its identity: the portal its report was found on plus its name
normalised (NFKC, no whitespace or punctuation), so "XX市 财政局" in 2022 and "XX市财政局" in 2023 are one.

- X1: the applications still open at the end of year N (table 三, row 四 `carried_forward`) are the
  applications carried over into year N+1 (row 二 `carried_over`), column by column.
- X2: one agency publishes one report a year: a second, different document for the same agency and year
  is flagged (a report changed at its URL is a new version of one document and is not counted twice).

`cross_year_checks` is pure (plain values in, checks out); `refresh_cross_year_checks` recomputes the
`cross_year_check` table of the index from the reports stored there, which `gxcrawl quality` and
`gxcrawl export` do before they read it. In a record, these checks have scope `cross_year`.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, cast, delete, func, insert, select
from sqlalchemy.orm import Session

from gxcrawl.archive.models import CrossYearCheck, Document, DocumentSource, Report
from gxcrawl.corpus.query import ExportFilter, _document_conditions, iter_document_batches
from gxcrawl.corpus.records import peek_json_values
from gxcrawl.report.vocab import APPLICATION_COLS

SCOPE = "cross_year"
CONTINUITY = "X1"  # carried_forward(N) == carried_over(N+1), per column
DUPLICATE = "X2"  # a second different document for the same agency and year

_NOT_NAME = re.compile(r"[\s\W_]+", re.UNICODE)

Number = int | float


def normalise_agency(name: str | None) -> str:
    """The agency name as compared across years: NFKC, without whitespace or punctuation ("" when unknown)."""
    return _NOT_NAME.sub("", unicodedata.normalize("NFKC", name or ""))


def agency_identity(portal: str | None, agency: str | None) -> str | None:
    """portal/normalised-name, or None when either is unknown (such a report takes part in no cross-year check)."""
    name = normalise_agency(agency)
    return f"{portal}/{name}" if portal and name else None


@dataclass(frozen=True, slots=True)
class YearEntry:
    """What the cross-year checks need of one document."""

    document_id: int
    identity: str
    report_year: int
    carried_over: Mapping[str, Number | None]
    carried_forward: Mapping[str, Number | None]


@dataclass(frozen=True, slots=True)
class CrossCheck:
    """One cross-year check as seen from `document_id` (each check is stored once per document it concerns)."""

    document_id: int
    other_document_id: int
    check_id: str
    column: str | None
    status: str  # pass | fail | not_assessable
    left: Number | None
    right: Number | None
    identity: str
    report_year: int
    other_report_year: int
    other_text_sha256: str | None = None  # filled in when read back from the index

    def to_json(self) -> dict[str, Any]:
        """The check as it appears in a record's `checks` (scope `cross_year`)."""
        return {
            "id": self.check_id,
            "scope": SCOPE,
            "status": self.status,
            "left": self.left,
            "right": self.right,
            "column": self.column,
            "report_year": self.report_year,
            "other_report_year": self.other_report_year,
            "other_text_sha256": self.other_text_sha256,
        }


def _tidy(value: Any) -> Number | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if float(value).is_integer() else value


def cross_year_checks(entries: Iterable[YearEntry]) -> list[CrossCheck]:
    """X1 for every pair of documents of one identity in consecutive years, X2 for every pair in the same year."""
    return list(iter_cross_year_checks(entries))


def iter_cross_year_checks(entries: Iterable[YearEntry]) -> Iterator[CrossCheck]:
    """`cross_year_checks`, one at a time: the entries are held (grouped by identity and year), the checks are not."""
    by_identity: dict[str, dict[int, list[YearEntry]]] = defaultdict(lambda: defaultdict(list))
    for entry in entries:
        by_identity[entry.identity][entry.report_year].append(entry)
    for identity, years in by_identity.items():
        for year, docs in years.items():
            for a in docs:
                yield from (
                    CrossCheck(a.document_id, b.document_id, DUPLICATE, None, "fail", None, None, identity, year, year)
                    for b in docs
                    if b.document_id != a.document_id
                )
            for a in docs:
                for b in years.get(year + 1, ()):
                    yield from _continuity(a, b, identity)


def _continuity(earlier: YearEntry, later: YearEntry, identity: str) -> Iterator[CrossCheck]:
    """X1 per column, seen from both documents; a column neither report has a value for is left out."""
    for column in APPLICATION_COLS:
        left, right = _tidy(earlier.carried_forward.get(column)), _tidy(later.carried_over.get(column))
        if left is None and right is None:
            continue
        status = "not_assessable" if left is None or right is None else "pass" if left == right else "fail"
        for this, other in ((earlier, later), (later, earlier)):
            yield CrossCheck(
                this.document_id,
                other.document_id,
                CONTINUITY,
                column,
                status,
                left,
                right,
                identity,
                this.report_year,
                other.report_year,
            )


# --- the index ---------------------------------------------------------------------------------------------------
# read from each stored record's JSON text without decoding all of it (~30 KB): `applications` also names a
# section (a string), so every occurrence is read and the table (an object) kept
_PEEKED = {"agency": "first", "report_year": "first", "applications": "all"}


def iter_year_entries(session: Session, batch_size: int = 500) -> Iterator[YearEntry]:
    """One YearEntry per exported document (latest text at its URL) with an agency, a year and a portal."""
    for documents in iter_document_batches(session, _document_conditions(ExportFilter()), batch_size):
        ids = [d.id for d in documents]
        newest = select(func.max(Report.id)).where(Report.document_id.in_(ids)).group_by(Report.document_id)
        records = session.execute(
            select(Report.document_id, cast(Report.record, Text)).where(Report.id.in_(newest))
        ).all()
        portals: dict[int, str] = {}
        for doc_id, portal in session.execute(
            select(DocumentSource.document_id, DocumentSource.portal)
            .where(DocumentSource.document_id.in_(ids), DocumentSource.portal.is_not(None))
            .order_by(DocumentSource.first_seen, DocumentSource.id)
        ):
            portals.setdefault(doc_id, portal)  # the portal it was first found on
        for doc_id, text in records:
            values = peek_json_values(text, _PEEKED)
            year = next(iter(values["report_year"]), None)
            identity = agency_identity(portals.get(doc_id), next(iter(values["agency"]), None))
            if identity is None or not isinstance(year, int):
                continue
            table = next((v for v in values["applications"] if isinstance(v, dict)), {})
            yield YearEntry(
                doc_id, identity, year, _columns(table.get("carried_over")), _columns(table.get("carried_forward"))
            )


def _columns(row: Any) -> dict[str, Number]:
    """The numbers of a table 三 row, and nothing else of it (every report's entry is held during a refresh)."""
    if not isinstance(row, dict):
        return {}
    return {column: value for column in APPLICATION_COLS if (value := _tidy(row.get(column))) is not None}


def refresh_cross_year_checks(session: Session) -> int:
    """Recompute the index's cross-year checks from its reports (one transaction; the caller commits)."""
    session.execute(delete(CrossYearCheck))
    rows = (
        {
            "document_id": c.document_id,
            "other_document_id": c.other_document_id,
            "check_id": c.check_id,
            "column": c.column,
            "status": c.status,
            "left": c.left,
            "right": c.right,
            "identity": c.identity,
            "report_year": c.report_year,
            "other_report_year": c.other_report_year,
        }
        for c in iter_cross_year_checks(iter_year_entries(session))
    )
    stored = 0
    while batch := list(itertools.islice(rows, 5000)):  # the checks are streamed in, never all in memory
        session.execute(insert(CrossYearCheck), batch)
        stored += len(batch)
    return stored


def stored_cross_year_checks(session: Session, document_ids: Sequence[int]) -> dict[int, list[CrossCheck]]:
    """The stored cross-year checks of these documents, by document id, in a stable order."""
    out: dict[int, list[CrossCheck]] = {}
    if not document_ids:
        return out
    rows = session.execute(
        select(CrossYearCheck, Document.text_sha256)
        .join(Document, Document.id == CrossYearCheck.other_document_id)
        .where(CrossYearCheck.document_id.in_(document_ids))
        .order_by(
            CrossYearCheck.document_id, CrossYearCheck.check_id, CrossYearCheck.other_report_year, CrossYearCheck.id
        )
    )
    for row, other_sha in rows:
        out.setdefault(row.document_id, []).append(
            CrossCheck(
                row.document_id,
                row.other_document_id,
                row.check_id,
                row.column,
                row.status,
                _tidy(row.left),
                _tidy(row.right),
                row.identity,
                row.report_year,
                row.other_report_year,
                other_sha,
            )
        )
    return out


def refresh_cross_year(archive: Any) -> int:
    """`refresh_cross_year_checks` in a transaction of its own (short: a crawl writing the index is not held up
    for the length of an export or a site build)."""
    with archive.session() as session:
        return refresh_cross_year_checks(session)
