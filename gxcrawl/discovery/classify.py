"""Is this link or page an annual report on open government information (政府信息公开工作年度报告)?

Pure functions over titles, URLs and body text (docs/portals.md, "Report titles and false positives"
and "Body fingerprint"). A distractor title always wins: the 年度报告格式 notice reposts carry
the whole template, so their bodies match the fingerprint too.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

REPORT = "report"
DISTRACTOR = "distractor"
UNKNOWN = "unknown"

# --- titles -------------------------------------------------------------------------------------------
# (pattern, reason): checked before the positive patterns (docs/portals.md, "Report titles and false positives")
DISTRACTOR_TITLES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), reason)
    for p, reason in (
        (r"年度报告格式|年报格式|报告格式", "format_notice"),
        # 编制 alone is not enough: 机构编制委员会办公室 publishes reports of its own
        (
            r"(编制|编报)(和|与)?(发布|公布|报送|工作)|关于.{0,30}(做好|编制|报送)|年度报告.{0,10}(工作的)?通知",
            "compilation_notice",
        ),
        (r"(政府)?网站.{0,6}(年度)?(工作)?(年度)?(报表|报告)", "website_report"),
        (r"法治政府", "rule_of_law_report"),
        (r"决算|预算", "budget"),
        (r"政府工作报告", "government_work_report"),
        (r"绩效", "performance_evaluation"),
        (r"考核|办法|制度|规定|指南", "rules"),
        (r"解读|图解|问答", "interpretation"),
        (r"统计公报|国民经济", "statistics"),
    )
)
_DISCLOSURE = r"(政府信息公开|政务信息公开|政务公开|信息公开)"
REPORT_TITLE = re.compile(_DISCLOSURE + r".{0,8}(工作)?(年度)?(工作)?(年度报告|年报|工作报告|报告)")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?")
# universities and schools report by academic year (2024—2025学年, 2023-2024学年度); the report year is the year the
# academic year starts in (its first year), as the education authorities number academic years
_ACADEMIC_YEAR = re.compile(r"((?:19|20)\d{2})年?(?:[-—–－‐~～至到]+((?:19|20)\d{2})年?)?学年(?:度)?")
_SPACE = re.compile(r"\s+")
# distractor words that also occur inside agency names (预算评审中心, 绩效管理办公室, 国民经济动员办公室, 法治政府建设
# 办公室, 考核办): there they do not make the title a distractor
_NAME_WORD_REASONS = frozenset({"budget", "performance_evaluation", "rules", "statistics", "rule_of_law_report"})
_AGENCY_END = re.compile(
    r"(中心|局|委员会|委|办公室|办公厅|办|院|所|站|处|队|厅|部|署|政府|镇|乡|街道|办事处|公司|学校|大学|"
    r"学院|馆|社|室|会|组|区|县|市|省)$"
)
# a report published together with the 网站工作年度报表 (…年度报告和政府网站工作年度报表): the website part is dropped
_CONJ = r"(?:和|及|与|暨|、|以及|并)"
_WEBSITE_PART = r"(?:本机关|本单位|政府|门户)*网站(?:工作)?(?:年度)?(?:工作)?(?:年度)?(?:报表|报告)"
_COMBINED_WEBSITE = re.compile(_CONJ + _WEBSITE_PART + "|" + _WEBSITE_PART + _CONJ)


def normalise(text: str) -> str:
    """NFKC, drop whitespace: titles split over lines and full-width digits compare equal."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))


@dataclass(frozen=True, slots=True)
class Verdict:
    label: str  # REPORT | DISTRACTOR | UNKNOWN
    year: int | None = None  # report year (the year reported on)
    reasons: tuple[str, ...] = field(default=())

    @property
    def is_report(self) -> bool:
        return self.label == REPORT


def title_year(title: str) -> int | None:
    """The report year named in a title: the first year; for an academic year (2024—2025学年) its first year."""
    text = normalise(title)
    found = [(m.start(), int(m.group(1))) for m in _YEAR.finditer(text)]
    found += [(m.start(), int(m.group(1))) for m in _ACADEMIC_YEAR.finditer(text)]
    return min(found)[1] if found else None


def _year_at_or_after(text: str, pos: int) -> int | None:
    starts = [m.start() for pattern in (_YEAR, _ACADEMIC_YEAR) for m in pattern.finditer(text, pos)]
    return min(starts) if starts else None


def _in_agency_name(text: str, start: int, end: int) -> bool:
    """The word at text[start:end] is part of the issuing agency's name: an agency name (ending like one) runs up
    to a year, and from that year on the title is a report title with no distractor word of its own."""
    k = _year_at_or_after(text, end)
    if k is None or not _AGENCY_END.search(text[:k]):
        return False
    rest = text[k:]
    return bool(REPORT_TITLE.search(rest)) and _distractor_reason(rest, names=False) is None


def _distractor_reason(text: str, *, names: bool = True) -> str | None:
    for pattern, reason in DISTRACTOR_TITLES:
        for m in pattern.finditer(text):
            if names and reason in _NAME_WORD_REASONS and _in_agency_name(text, m.start(), m.end()):
                continue
            return reason
    return None


def _without_combined_website_report(text: str) -> str:
    """`…年度报告和政府网站工作年度报表` -> `…年度报告` (only when a report title remains)."""
    m = _COMBINED_WEBSITE.search(text)
    if m is None:
        return text
    rest = text[: m.start()] + text[m.end() :]
    return rest if REPORT_TITLE.search(rest) else text


@functools.lru_cache(maxsize=16_384)  # a portal's menus repeat the same link texts on every page
def classify_title(title: str | None) -> Verdict:
    """Report, distractor or unknown from a link text / page title alone."""
    text = _without_combined_website_report(normalise(title or ""))
    if not text:
        return Verdict(UNKNOWN, reasons=("no title",))
    reason = _distractor_reason(text)
    if reason is not None:
        return Verdict(DISTRACTOR, title_year(text), (f"title:{reason}",))
    if REPORT_TITLE.search(text) or "政府信息公开年报" in text:
        year = title_year(text)
        if year is None:  # 政府信息公开年报 / 年度报告 without a year is a column name, not a report
            return Verdict(UNKNOWN, None, ("title: report wording without a year",))
        return Verdict(REPORT, year, ("title",))
    return Verdict(UNKNOWN, title_year(text), ("title: no report wording",))


# a list row whose text says nothing of what it links: a file name (附件1.pdf, P020240308….pdf), a year (2023年),
# an agency with a year and at most the words of the column (XX局2023年, XX镇2023年度政府信息公开). In a 年报 column
# such a row is fetched and judged by its content.
_BARE_TITLE = re.compile(
    r"^(?:附件\d*[:：]?)?[^<>\"'/\\]{0,80}\.(?:pdf|docx?|wps|ofd|xlsx?)$"
    r"|^(?:附件\d*[:：]?)?P0\d{6,}[\w\-]*$"
    r"|^(?:.{1,40}?)?(?:19|20)\d{2}(?:年度?|[-—–－~～至到]+(?:19|20)\d{2}学年度?|学年度?)?"
    r"(?:(?:政府|政务)?信息公开(?:工作)?)?(?:年报)?$",
    re.I,
)


def is_bare_title(text: str | None) -> bool:
    """A list row's text names no content (a file name, a year, an agency and a year): judge the target by content."""
    t = normalise(text or "")
    if not t:
        return False
    return bool(_BARE_TITLE.match(t)) and classify_title(t).label != DISTRACTOR


# --- report columns (年报 blocks) and 信息公开 roots --------------------------------------------------------
REPORT_COLUMN_SLUGS = re.compile(
    r"(?:^|[/_\-])(zfxxgknb|xxgknb|zfxxgkndbg\d*|xxgkndbg\d*|zfxxgkgzndbg\w*|ndbg|gknb|nbzl\w*|zfgknb|xxgk_nb|"
    r"zfxgknb|bmxxgknb|bmnb|niandubaogao|xxgkannualreport|ndxxgkbg|xxgknbzl|nb)(?:[/_\-.]|\d|$)",
    re.I,
)
REPORT_COLUMN_TEXT = re.compile(r"年报|年度报告|年度工作报告")
DISCLOSURE_TEXT = re.compile(r"政府信息公开|信息公开|政务公开")
DISCLOSURE_SLUGS = re.compile(r"/(zfxxgk|xxgk|zwgk|gongkai|zfxxgkzl|xxgkml|gk)(?:[/_.]|$)", re.I)
# columns where misfiled reports sit (docs/portals.md, "Discovery path")
NOTICE_TEXT = re.compile(r"通知公告|公示公告|公告公示|文件类信息公开|其他文件|工作动态")
WEBSITE_REPORT_TEXT = re.compile(r"网站.{0,6}(年度)?(工作)?(年度)?报表|网站.{0,4}年度报告|网站工作年度报告")


def is_report_column_link(text: str, url: str) -> bool:
    """A link into a 年报 block (not a report itself, not the 网站年度报表 sibling)."""
    t = normalise(text)
    if WEBSITE_REPORT_TEXT.search(t):
        return False
    if t and classify_title(t).label in (DISTRACTOR, REPORT):
        return False
    if REPORT_COLUMN_TEXT.search(t) and not _YEAR.search(t.replace("年报", "")) or t in {"年报", "年度报告"}:
        return True
    path = url.split("?", 1)[0]
    return bool(REPORT_COLUMN_SLUGS.search(path)) and not REPORT_TITLE.search(t)


def is_disclosure_link(text: str, url: str) -> bool:
    """A link to the 政府信息公开 / 政务公开 root or one of its blocks."""
    t = normalise(text)
    return bool(DISCLOSURE_TEXT.search(t) and len(t) <= 16) or (not t and bool(DISCLOSURE_SLUGS.search(url)))


GROUP_TEXT = re.compile(
    r"^((?:19|20)\d{2}\s*年度?(?:年报)?|.{1,24}(?:人民政府|政府|办公室|办公厅|局|委员会|委|办|镇|乡|街道|办事处|中心|管委会|"
    r"厅|署|院)|(?:本级|区级|县级|市级)?(?:政府)?(?:部门|乡镇|街道|镇街|县区|区县|县市区|各镇)(?:\(办\))?(?:信息公开)?(?:年报)?)$"
)


def is_group_link(text: str) -> bool:
    """A link to one group of a 年报 block: a year (2023年), an agency (XX局, XX镇人民政府) or a category
    (部门, 乡镇)."""
    t = normalise(text)
    return bool(t) and len(t) <= 26 and bool(GROUP_TEXT.match(t)) and classify_title(t).label != REPORT


def is_notice_column_link(text: str) -> bool:
    return bool(NOTICE_TEXT.search(normalise(text)))


# --- body fingerprint -----------------------------------------------------------------------------------
SECTION_ANCHORS: tuple[str, ...] = (
    "总体情况",
    "主动公开政府信息情况",
    "收到和处理政府信息公开申请情况",
    "政府信息公开行政复议、行政诉讼情况",
    "存在的主要问题及改进情况",
    "其他需要报告的事项",
)
TABLE_ANCHORS: tuple[str, ...] = (
    "本年新收政府信息公开申请数量",
    "上年结转政府信息公开申请数量",
    "第二十条第(一)项",
    "本年制发件数",
    "予以公开",
    "维持具体行政行为",
)
PRE2019_ANCHORS: tuple[str, ...] = (
    "概述",
    "主动公开政府信息的情况",
    "依申请公开政府信息",
    "收费及减免",
    "因政府信息公开申请行政复议",
    "存在的主要问题",
    "政府信息公开条例",
)


def body_fingerprint(text: str) -> tuple[int, int]:
    """(section anchors found, table anchors found) in a body text."""
    t = normalise(text).replace("、", "、")
    sections = sum(1 for a in SECTION_ANCHORS if normalise(a) in t)
    tables = sum(1 for a in TABLE_ANCHORS if normalise(a) in t)
    return sections, tables


def looks_like_report_body(text: str) -> bool:
    """≥3 of the six section anchors, or ≥3 table anchors, or (older reports) ≥3 pre-2019 anchors."""
    sections, tables = body_fingerprint(text)
    if sections >= 3 or tables >= 3:
        return True
    t = normalise(text)
    return sum(1 for a in PRE2019_ANCHORS if a in t) >= 3 and "政府信息公开" in t


def classify_page(
    title: str | None, text: str | None, *, url: str | None = None, has_attachments: bool = False
) -> Verdict:
    """A fetched page: title verdict backed by the body fingerprint.

    - distractor title -> distractor (format notices carry the whole template);
    - report title -> report when the body fingerprints, or the body is a stub with attachments
      (详见附件), or the body is a long free-form text (pre-2019 reports);
    - unknown title -> report only when the body fingerprints (misfiled reports with odd titles).
    """
    by_title = classify_title(title)
    if by_title.label == DISTRACTOR:
        return by_title
    # normalised once here: the helpers normalise again, which is idempotent and cheap on normalised text
    body = normalise(text or "")
    fingerprint = looks_like_report_body(body)
    year = by_title.year or _body_year(body) or url_report_year(url or "")
    if by_title.label == REPORT:
        if fingerprint:
            return Verdict(REPORT, year, ("title", "body"))
        if has_attachments:
            return Verdict(REPORT, year, ("title", "attachments"))
        if len(normalise(body)) >= 400:
            return Verdict(REPORT, year, ("title", "long body"))
        return Verdict(UNKNOWN, year, ("title without report body",))
    if fingerprint and _body_mentions_report(body):
        return Verdict(REPORT, year, ("body",))
    return Verdict(UNKNOWN, year, by_title.reasons)


def _body_mentions_report(text: str) -> bool:
    head = normalise(text)[:3000]
    if any(p.search(head[:200]) for p, _ in DISTRACTOR_TITLES[:3]):
        return False
    return bool(REPORT_TITLE.search(head)) or "政府信息公开条例" in head


def _body_year(text: str) -> int | None:
    head = normalise(text)[:600]
    m = re.search(r"((?:19|20)\d{2})年(?:度)?(?:政府|政务)?信息公开", head)
    if m:
        return int(m.group(1))
    m = re.search(r"((?:19|20)\d{2})年1月1日(?:起)?至\1?年?12月31日", head)
    return int(m.group(1)) if m else None


_URL_DATE = (
    re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_"),  # TRS t20230218_
    re.compile(r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),  # Hanweb /art/2024/1/16/
    re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})/"),  # Shanghai /20230331/
    re.compile(r"/((?:19|20)\d{2})-(\d{2})/(\d{2})/"),  # Xinhua 2023-01/19/
    re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),  # Sichuan /2024/1/29/
)


def url_date(url: str) -> str | None:
    """Publication date (YYYY-MM-DD) encoded in a CMS article URL, if any."""
    for pattern in _URL_DATE:
        m = pattern.search(url)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            if 1 <= mo <= 12 and 1 <= d <= 31:
                return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def url_report_year(url: str) -> int | None:
    """Reports come out January–June for the previous year; only then does the URL date say the year."""
    date = url_date(url)
    if date and int(date[5:7]) <= 6:
        return int(date[:4]) - 1
    m = re.search(r"fbtime=((?:19|20)\d{2})|[/p]nf?pv((?:19|20)\d{2})", url)
    if m:
        return int(m.group(1) or m.group(2))
    return None
