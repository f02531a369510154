"""Format detection (docs/report-format.md, "Formats and how one is detected"): per table from its headers, then
the document as a whole."""

from __future__ import annotations

import re

from gxcrawl.report import vocab
from gxcrawl.report.model import TableRead

_NOT_A_REPORT = re.compile(vocab.NOT_A_REPORT_TITLE)
_PRE2019_SECTION = re.compile(r"(?:一\s*、\s*概述|依申请公开政府信息(?:的)?情况|收费及减免|政府信息公开情况统计表)")


def is_not_a_report(title: str | None) -> bool:
    """A notice about reports, the format notice, an explainer or an index page (by its title)."""
    if not title:
        return False
    return _NOT_A_REPORT.search(title.replace(" ", "")) is not None and not re.search(
        r"年度报告$|年报$|报告\s*\(\s*\d{4}\s*年度?\s*\)$", title.strip()
    )


#: column headers of table 二 that only one format prints (labels wrapped or spaced are matched too)
_ACTIVE_HEADERS = {
    "2019": ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
    "2021": ("本年制发件数", "本年废止件数", "现行有效件数"),
}


def year_format(report_year: int | None) -> str | None:
    """The statutory format of a report year: 2021 from report year 2021 on, 2019 for 2019–2020, pre2019 before."""
    if report_year is None:
        return None
    return "2021" if report_year >= 2021 else "2019" if report_year >= 2019 else "pre2019"


def header_proof(text: str) -> str | None:
    """The format table 二's column headers prove: two or more headers of one format and none of the other."""
    flat = "".join(text.split())
    counts = {fmt: sum(1 for h in headers if h in flat) for fmt, headers in _ACTIVE_HEADERS.items()}
    for fmt, other in (("2019", "2021"), ("2021", "2019")):
        if counts[fmt] >= 2 and counts[other] == 0:
            return fmt
    return None


def statutory_format(tables: dict[str, TableRead], text: str, report_year: int | None) -> str | None:
    """The format tables 二/三 are to be read in, when the document has statistical tables: what table 二's
    headers clearly prove, else what the report year prescribes (one misspelled, wrapped or merged label
    does not change the format). None: keep the format the labels suggest (no tables, no year, pre-2019)."""
    if not tables:
        return None
    proof = header_proof(text)
    if proof:
        return proof
    expected = year_format(report_year)
    return expected if expected in ("2019", "2021") else None


def overall_format(tables: dict[str, TableRead], text: str, title: str | None) -> tuple[dict[str, str], list[str]]:
    """{"active", "applications", "overall"} and issue sentences (mixed versions)."""
    issues: list[str] = []
    active = tables["active"].version if "active" in tables else "unknown"
    apps = tables["applications"].version if "applications" in tables else "unknown"
    if active != "unknown" and apps != "unknown":
        overall = apps
        if active != apps:
            issues.append(f"format: table 二 reads as the {active} format but table 三 as the {apps} format")
    else:
        overall = apps if apps != "unknown" else active
    if overall == "unknown" and "appeals" in tables:
        overall = "unknown"
    if overall == "unknown":
        flat = text.replace(" ", "")
        post = sum(1 for a in vocab.POST2019_ANCHORS if a in flat)
        pre = sum(1 for w in vocab.PRE2019_WORDS if w in flat)
        if post == 0 and (pre >= 2 or _PRE2019_SECTION.search(flat)) and re.search("政府信息公开", flat):
            return {"active": "pre2019", "applications": "pre2019", "overall": "pre2019"}, issues
    return {"active": active, "applications": apps, "overall": overall}, issues
