"""Is this link or page an annual report on open government information (政府信息公开工作年度报告)?

Pure functions over titles, URLs and body text (portals.md §3.4 titles and false positives,
§3.5 body fingerprint). A distractor title always wins: the 年度报告格式 notice reposts carry
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
# (pattern, reason): checked before the positive patterns (portals.md §3.4 "False positives to reject")
DISTRACTOR_TITLES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), reason)
    for p, reason in (
        (r"年度报告格式|年报格式|报告格式", "format_notice"),
        # 编制 alone is not enough: 机构编制委员会办公室 publishes reports of its own
        (r"(编制|编报)(和|与)?(发布|公布|报送|工作)|关于.{0,30}(做好|编制|报送)|年度报告.{0,10}(工作的)?通知",
         "compilation_notice"),
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
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFKC, drop whitespace: titles split over lines and full-width digits compare equal."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))


@dataclass(frozen=True, slots=True)
class Verdict:
    label: str                      # REPORT | DISTRACTOR | UNKNOWN
    year: int | None = None         # report year (the year reported on)
    reasons: tuple[str, ...] = field(default=())

    @property
    def is_report(self) -> bool:
        return self.label == REPORT


def title_year(title: str) -> int | None:
    """The report year named in a title: the year just before 年度报告/年报, else the first year."""
    text = normalise(title)
    years = [int(m.group(1)) for m in _YEAR.finditer(text)]
    return years[0] if years else None


@functools.lru_cache(maxsize=16_384)  # a portal's menus repeat the same link texts on every page
def classify_title(title: str | None) -> Verdict:
    """Report, distractor or unknown from a link text / page title alone."""
    text = normalise(title or "")
    if not text:
        return Verdict(UNKNOWN, reasons=("no title",))
    for pattern, reason in DISTRACTOR_TITLES:
        if pattern.search(text):
            return Verdict(DISTRACTOR, title_year(text), (f"title:{reason}",))
    if REPORT_TITLE.search(text) or "政府信息公开年报" in text:
        year = title_year(text)
        if year is None:  # 政府信息公开年报 / 年度报告 without a year is a column name, not a report
            return Verdict(UNKNOWN, None, ("title: report wording without a year",))
        return Verdict(REPORT, year, ("title",))
    return Verdict(UNKNOWN, title_year(text), ("title: no report wording",))


# --- report columns (年报 blocks) and 信息公开 roots --------------------------------------------------------
REPORT_COLUMN_SLUGS = re.compile(
    r"(?:^|[/_\-])(zfxxgknb|xxgknb|zfxxgkndbg\d*|xxgkndbg\d*|zfxxgkgzndbg\w*|ndbg|gknb|nbzl\w*|zfgknb|xxgk_nb|"
    r"zfxgknb|bmxxgknb|bmnb|niandubaogao|xxgkannualreport|ndxxgkbg|xxgknbzl|nb)(?:[/_\-.]|\d|$)",
    re.I,
)
REPORT_COLUMN_TEXT = re.compile(r"年报|年度报告|年度工作报告")
DISCLOSURE_TEXT = re.compile(r"政府信息公开|信息公开|政务公开")
DISCLOSURE_SLUGS = re.compile(r"/(zfxxgk|xxgk|zwgk|gongkai|zfxxgkzl|xxgkml|gk)(?:[/_.]|$)", re.I)
# columns where misfiled reports sit (portals.md §3.3 "Plus misfiled reports")
NOTICE_TEXT = re.compile(r"通知公告|公示公告|公告公示|文件类信息公开|其他文件|工作动态")
WEBSITE_REPORT_TEXT = re.compile(r"网站.{0,6}(年度)?(工作)?(年度)?报表|网站.{0,4}年度报告|网站工作年度报告")


def is_report_column_link(text: str, url: str) -> bool:
    """A link into a 年报 block (not a report itself, not the 网站年度报表 sibling)."""
    t = normalise(text)
    if WEBSITE_REPORT_TEXT.search(t):
        return False
    if t and classify_title(t).label == DISTRACTOR:
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
    r"厅|署|院)|(?:本级|区级|县级|市级)?(?:政府)?(?:部门|乡镇|街道|镇街|县区|区县|县市区|各镇)(?:\(办\))?(?:信息公开)?(?:年报)?)$")


def is_group_link(text: str) -> bool:
    """A link to one group of a 年报 block: a year (2023年), an agency (XX局, XX镇人民政府) or a category (部门, 乡镇)."""
    t = normalise(text)
    return bool(t) and len(t) <= 26 and bool(GROUP_TEXT.match(t)) and classify_title(t).label != REPORT


def is_notice_column_link(text: str) -> bool:
    return bool(NOTICE_TEXT.search(normalise(text)))


# --- body fingerprint (portals.md §3.5) --------------------------------------------------------------------
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
PRE2019_ANCHORS: tuple[str, ...] = ("概述", "主动公开政府信息的情况", "依申请公开政府信息", "收费及减免",
                                    "因政府信息公开申请行政复议", "存在的主要问题", "政府信息公开条例")


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


def classify_page(title: str | None, text: str | None, *, url: str | None = None,
                  has_attachments: bool = False) -> Verdict:
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
    re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_"),            # TRS t20230218_
    re.compile(r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),    # Hanweb /art/2024/1/16/
    re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})/"),              # Shanghai /20230331/
    re.compile(r"/((?:19|20)\d{2})-(\d{2})/(\d{2})/"),            # Xinhua 2023-01/19/
    re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),        # Sichuan /2024/1/29/
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
