"""gxcrawl.report — read 政府信息公开工作年度报告 into the report record of docs/record.md.

Pipeline: ``page.load_page`` (decode, strip chrome, metadata) -> ``sections`` (six sections, title, agency,
year, date) -> ``tables`` (cascade html -> text -> glued) -> ``version`` (format per table) ->
``validate`` (H1–H6, S3, S5) -> ``model.Report.to_json()``.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from typing import TYPE_CHECKING, Any

from gxcrawl.report import sections as _sections
from gxcrawl.report.cells import nfkc
from gxcrawl.report.errors import UnreadableDocument
from gxcrawl.report.model import Report
from gxcrawl.report.pre2019 import read_sheet as read_pre2019_sheet
from gxcrawl.report.tables import read_report_tables
from gxcrawl.report.text import HEADING_WINDOW, text_sha256, tidy
from gxcrawl.report.validate import run_checks
from gxcrawl.report.version import is_not_a_report, overall_format, statutory_format

if TYPE_CHECKING:  # page.py loads PDF/DOCX tooling: imported when a document is loaded, not with the package
    from gxcrawl.report.page import Page

PARSER_VERSION = "1.3.5"

#: the start of the issue of a record whose parse failed with an unexpected error
INTERNAL_ERROR = "parser: internal error"

#: text beyond this many characters is not searched for tables (reports are 5–100 kB of text)
MAX_TABLE_TEXT = 2_000_000

logger = logging.getLogger(__name__)

__all__ = [
    "PARSER_VERSION",
    "UnreadableDocument",
    "parse_page",
    "parse_report",
    "parse_report_and_text",
    "report_text",
    "text_sha256",
]


def _load(data: bytes | str, url: str | None, content_type: str | None) -> Page:
    from gxcrawl.report.page import load_page

    return load_page(data, url=url, content_type=content_type)


def parse_report(data: bytes | str, *, url: str | None = None, content_type: str | None = None) -> dict[str, Any]:
    """Parse one report document (HTML page, text, markdown, PDF/DOCX/DOC) into a report record.

    Raises UnreadableDocument for binary input that is no readable document; an empty or non-report
    input gives a record with ``format.overall == "unknown"`` and empty tables. Any other error of the
    parser gives a record with the issue ``parser: internal error (<type>) ...`` (and is logged); only
    MemoryError is raised as it is.
    """
    return _parse(data, url, content_type, with_text=False)[0]


def report_text(data: bytes | str, *, url: str | None = None, content_type: str | None = None) -> str:
    """The report body as text for people (chrome stripped), to archive next to the capture."""
    return tidy(_load(data, url, content_type).text)


def parse_report_and_text(
    data: bytes | str, *, url: str | None = None, content_type: str | None = None
) -> tuple[dict[str, Any], str]:
    """``(parse_report(...), report_text(...))`` with the document loaded once (decoding, chrome stripping
    and PDF/DOCX extraction are most of the cost), for callers that archive the text next to the record."""
    return _parse(data, url, content_type, with_text=True)


def _parse(
    data: bytes | str, url: str | None, content_type: str | None, *, with_text: bool
) -> tuple[dict[str, Any], str]:
    if not isinstance(data, bytes | bytearray | memoryview | str):  # the caller's error, not the parser's
        raise TypeError(f"parse_report() takes bytes or str, not {type(data).__name__}")
    page = None
    try:
        page = _load(data, url, content_type)
        return parse_page(page).to_json(), tidy(page.text) if with_text else ""
    except (UnreadableDocument, MemoryError):
        raise
    except Exception as exc:  # a parser bug must cost the record its values, not the caller its run
        return _internal_error(exc, url, page)


def _internal_error(exc: Exception, url: str | None, page: Page | None) -> tuple[dict[str, Any], str]:
    """The last resort: a record that says the parser failed, with what loading got (text, metadata) if it ran."""
    message = " ".join(str(exc).split())[:200]
    issue = f"{INTERNAL_ERROR} ({type(exc).__name__}) {message}".rstrip()
    logger.error("%s: %s", url or "a document", issue)
    logger.debug("the parser's traceback", exc_info=exc)
    report = Report(parser_version=PARSER_VERSION)
    report.sections = dict.fromkeys(_sections_keys())
    report.issues.append(issue)
    text = ""
    if page is not None:
        try:
            text = tidy(page.text)
            report.text_sha256 = text_sha256(nfkc(page.text))
            report.page = {
                "metadata": dict(page.metadata or {}),
                "attachments": [{"url": a.url, "text": a.text} for a in (page.attachments or ())],
            }
        except Exception:  # the page itself is what broke: the record stays without it
            text = ""
    if not report.text_sha256:
        report.text_sha256 = text_sha256("")
    return report.to_json(), text


_YEAR_FIRST_TITLE = re.compile(
    r"^\s*(?:19|20)\d{2}\s*年度?\s*(?:关于)?\s*(.{2,40}?)\s*(?:政府信息公开|政务公开|信息公开)"
)
_TITLE_AGENCY_TAIL = re.compile(r"[\s\u3000]*(?:关于|的|《)+$")


def _agency(title: str | None, preamble: str, metadata: dict[str, str]) -> str | None:
    """The body named in the title (before the year), else the page's 发布机构 (or the preamble's)."""
    from_title = _sections.find_agency(title, "", {})
    led = _YEAR_FIRST_TITLE.match(unicodedata.normalize("NFKC", title or ""))
    if led:  # "2025 年上海市人民政府办公厅政府信息公开工作年度报告": the body follows the year
        from_title = led.group(1).strip()
    if from_title:
        from_title = _TITLE_AGENCY_TAIL.sub("", from_title).strip() or None
    if from_title and len(from_title) >= 2:
        return from_title
    return _sections.find_agency(None, preamble, metadata)


def parse_page(page: Page) -> Report:
    """The pipeline after page loading; separate so callers holding a Page do not load it twice.

    A record without a single value always says why in `issues` (never an empty record with no issue)."""
    report = _parse_page(page)
    if not report.issues and not report.has_values():
        report.issues.append("document: no report tables found")
    return report


def _parse_page(page: Page) -> Report:
    nfkc_text = nfkc(page.text or "")
    text = nfkc_text.replace("−", "-")
    report = Report(parser_version=PARSER_VERSION)
    report.page = {
        "metadata": dict(page.metadata or {}),
        "attachments": [{"url": a.url, "text": a.text} for a in (page.attachments or ())],
    }
    report.text_sha256 = text_sha256(nfkc_text, already_nfkc=True)
    report.issues.extend(page.issues)
    if not text.strip():
        report.sections = dict.fromkeys(_sections_keys())
        report.issues.append("document: no text found")
        return report

    headings = _sections.find_headings(text[:HEADING_WINDOW])
    preamble = text[: headings[0].start] if headings else text[:3000]
    # the same lines as printed (NFKC keeps line breaks), for a title "as printed"
    preamble_lines = preamble.split("\n")
    printed_lines = (page.text or "").split("\n")[: len(preamble_lines)]
    if printed_lines:  # the preamble may end inside a line (a heading on the title's line): cut it there too
        last = printed_lines[-1]
        printed_lines[-1] = last[: len(preamble_lines[-1])] if len(nfkc(last)) == len(last) else preamble_lines[-1]
    printed = "\n".join(printed_lines)
    report.sections = _sections.section_texts(text, headings)
    page_title = " ".join(page.title.split()) if page.title else None
    text_title = _sections.find_title(preamble, printed)

    def norm(s: str | None) -> str:
        return unicodedata.normalize("NFKC", s) if s else ""

    title: str | None
    if page_title and "报告" in page_title and not (text_title and norm(page_title) in norm(text_title)):
        title = page_title
    else:
        title = text_title or page_title
    report.title = " ".join(title.split()) if title else None
    metadata = {k: unicodedata.normalize("NFKC", v) for k, v in (page.metadata or {}).items()}
    report.agency = _agency(report.title, preamble, dict(page.metadata or {}))
    report.published = _sections.find_published(preamble, text, metadata)
    report.report_year = _sections.find_report_year(
        norm(report.title), text, report.sections.get("overview"), report.published
    )

    if is_not_a_report(report.title):
        report.issues.append(
            f"document: the title {report.title!r} names a notice or page about reports, not a report; no tables read"
        )
        report.sections = dict.fromkeys(_sections_keys())
        return report

    table_text = text if len(text) <= MAX_TABLE_TEXT else text[:MAX_TABLE_TEXT]
    if len(text) > MAX_TABLE_TEXT:
        report.issues.append(
            f"document: text is {len(text)} characters; tables searched in the first {MAX_TABLE_TEXT} only"
        )
    tables = read_report_tables(table_text, page.body_html, normalised=True, grid=page.table_grid)
    wanted = statutory_format(tables, table_text, report.report_year)
    if wanted and any(
        tables.get(name) is None or tables[name].version != wanted for name in ("active", "applications")
    ):
        reread = read_report_tables(table_text, page.body_html, normalised=True, grid=page.table_grid, version=wanted)
        if reread:
            tables = reread
    if tables and not any(t.numeric_cells() for t in tables.values()):
        report.issues.append("document: tables have labels but no numbers (a blank template); no values read")
        tables = {}
    report.format, format_issues = overall_format(tables, text, report.title)
    overall = report.format["overall"]
    if overall in ("pre2019", "unknown"):
        report.tables = {}
        sheet = read_pre2019_sheet(table_text)
        if sheet is not None:
            report.format = dict.fromkeys(("active", "applications", "overall"), "pre2019")
            report.pre2019, report.pre2019_cells = sheet.values, sheet.cells
            report.issues.extend(sheet.issues)
        elif overall == "pre2019":
            report.pre2019 = {}
            report.issues.append(
                "document: no report tables found (a pre-2019 report without its statistics sheet "
                "in the text: an attachment or image?)"
            )
        elif len(headings) < 3:
            report.sections = dict.fromkeys(_sections_keys())  # not a report: no statutory sections
            report.issues.append("document: not a report (no statutory sections and no report tables found)")
        else:
            report.issues.append(
                "document: no report tables found (table 二/三/四 images or attachments?); format unknown"
            )
        return report
    appeals = tables.get("appeals")
    if appeals is not None:
        appeals.version = overall
    report.tables = tables
    report.issues.extend(format_issues)
    if overall == "2021" and "other" in (tables["applications"].values if "applications" in tables else {}):
        report.issues.append(
            "applications: (六)其他处理 is printed as one row (its sub-rows 1–3 merged); its values are under `other`"
        )
    for name in ("active", "applications", "appeals"):
        table = tables.get(name)
        if table is None:
            report.issues.append(f"{name}: table not found")
        else:
            report.issues.extend(table.issues)
    if report.report_year is not None:
        if overall == "2021" and report.report_year < 2021:
            report.issues.append(f"format: 2021-format tables in a report for {report.report_year}")
        if overall == "2019" and report.report_year >= 2021:
            report.issues.append(f"format: 2019-format tables in a report for {report.report_year}")
    report.checks = run_checks(tables, overall)
    return report


def _sections_keys() -> tuple[str, ...]:
    from gxcrawl.report.vocab import SECTION_KEYS

    return SECTION_KEYS
