"""The six statutory sections, title, agency, report year and publication date of a report text.

Headings are matched by keyword sets after their ordinal (docs/report-format.md, "Sections"), in order, so a heading
glued to the text before it ("…如下:一、总体情况2020年,…") is found as well as one on its own line.
Works on NFKC-normalised text (see `cells.normalise`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from gxcrawl.report import vocab

_GAP = r"[^。\n\d|\t]"  # heading text never spans a sentence end, a line, a number or a cell
_SECTION_RES = {
    key: (
        re.compile(rf"{ordinal}\s*[、.]\s*(?:{pattern.replace('[^。' + chr(10) + ']', _GAP)})"),
        re.compile(rf"(?m)^[ \t]*(?:{pattern.replace('[^。' + chr(10) + ']', _GAP)})"),
    )
    for key, ordinal, pattern in (
        (k, o, vocab.SECTION_PATTERNS[k]) for k, o in zip(vocab.SECTION_KEYS, vocab.SECTION_ORDINALS, strict=True)
    )
}
_HEADING_REST = re.compile(r"(?:[^\n。\d]{0,12}?(?:情况|事项|方面|措施))?")
_DATE_LINE = re.compile(r"^\s*(?:\d{2,4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{1,2}-\d{1,2})\s*$")
_SIGNATURE_MAX = 40

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_PERIOD = re.compile(
    r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日[^。\n]{0,8}?至\s*((?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日"
)
_REPORT_OF = re.compile(r"((?:19|20)\d{2})\s*年度?[^。\n]{0,12}?政府信息公开(?:工作)?(?:年度)?报告")
_META_DATE = re.compile(
    r"(?:发布时间|发布日期|发文日期|发表时间|成文日期|印发日期|公开日期|日期)\s*[:]\s*"
    r"(\d{2,4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})"
)
_SIGN_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_AGENCY_META = re.compile(r"(?:发布机构|发文机关|发布单位)\s*[:]\s*([^\s:|]{2,40})")
_TITLE_SKIP = re.compile(r"^(?:名称|称|标题|题|索引|号|发布|来源|信息|文号|主题|生成|发文|分类|您当前|当前位置|首页)")
_REPORT_WORD = re.compile(r"(?:年度报告|工作报告|年报)")
_TITLE_TAIL = r"(?:工作)?(?:年度)?(?:报告|年报)(?:\s*[(（]\s*(?:19|20)\d{2}\s*年度?\s*[)）])?"
_AGENCY_END = re.compile(
    r"(?:局|委|委员会|办|办公室|政府|人民政府|镇|乡|街道|街道办事处|院|厅|中心|部|署|所|站|会|处|馆|队|公司|区|县|市|州|盟|旗)$"
)


@dataclass(frozen=True, slots=True)
class Heading:
    key: str
    start: int  # where the heading starts
    end: int  # where its text ends (section text starts)


def find_headings(text: str) -> list[Heading]:
    """The statutory headings found in `text`, in document order (at most one per section)."""
    return list(_find_headings(text))


@lru_cache(maxsize=4)  # parse_page and text_sha256 look for the headings of the same text
def _find_headings(text: str) -> tuple[Heading, ...]:
    found: list[Heading] = []
    pos = 0
    for key in vocab.SECTION_KEYS:
        with_ordinal, bare = _SECTION_RES[key]
        match = with_ordinal.search(text, pos) or bare.search(text, pos)
        if match is None:
            continue
        rest = _HEADING_REST.match(text, match.end())
        end = rest.end() if rest else match.end()
        found.append(Heading(key, match.start(), end))
        pos = end
    return tuple(found)


def _strip_signature(body: str) -> str:
    lines = body.rstrip().split("\n")
    if lines and _DATE_LINE.match(lines[-1]):
        lines.pop()
        while lines and not lines[-1].strip():
            lines.pop()
        if lines and len(lines[-1].strip()) <= _SIGNATURE_MAX and not re.search(r"[。;,:]", lines[-1]):
            lines.pop()
    return "\n".join(lines).strip()


def section_texts(text: str, headings: list[Heading]) -> dict[str, str | None]:
    out: dict[str, str | None] = dict.fromkeys(vocab.SECTION_KEYS)
    for i, heading in enumerate(headings):
        stop = headings[i + 1].start if i + 1 < len(headings) else len(text)
        body = text[heading.end : stop]
        if i + 1 == len(headings):
            body = _strip_signature(body)
        body = body.strip(" \t\n|:")
        out[heading.key] = body or None
    return out


_MARKDOWN_HEADING = re.compile(r"^\s*#{1,6}\s+")


def _clean_line(line: str) -> str:
    """A line's words; a markdown heading's marks ("# 某县2025年…报告", from text conversions) are no part of it."""
    return " ".join(_MARKDOWN_HEADING.sub("", line).replace("\t", " ").split())


def find_title(preamble: str, printed: str | None = None) -> str | None:
    """The report title in the text before the first heading (joined when printed on two lines).

    `preamble` is NFKC-normalised text, matched against; `printed` the same lines as printed (the title
    is returned as printed, e.g. with full-width parentheses).
    """
    norm_lines = preamble.split("\n")
    printed_lines = printed.split("\n") if printed is not None else norm_lines
    if len(printed_lines) != len(norm_lines):
        printed_lines = norm_lines
    pairs = [(_clean_line(n), _clean_line(o)) for n, o in zip(norm_lines, printed_lines, strict=True)]
    pairs = [p for p in pairs if p[0]]
    lines = [n for n, _ in pairs]
    shown = [o for _, o in pairs]
    for i, line in enumerate(lines[:40]):
        if _TITLE_SKIP.match(line) or len(line) > 80 or re.search(r"[,。;:]", line):
            continue
        if not _REPORT_WORD.search(line):
            # a title wrapped before its last words ("…政府信息公开" / "工作年度报告")
            if i + 1 < len(lines) and re.fullmatch(_TITLE_TAIL, lines[i + 1]) and "信息公开" in line:
                return shown[i] + shown[i + 1]
            continue
        if re.match(r"^(?:19|20)\d{2}", line) and i > 0:
            prev = lines[i - 1]
            if len(prev) <= 30 and _AGENCY_END.search(prev) and not _TITLE_SKIP.match(prev):
                return shown[i - 1] + shown[i]
        return shown[i]
    return None


def find_agency(title: str | None, preamble: str, metadata: dict[str, str]) -> str | None:
    if metadata.get("agency"):
        return metadata["agency"].strip() or None
    match = _AGENCY_META.search(preamble)
    if match:
        return match.group(1)
    if title:
        cut = [m.start() for m in (_YEAR.search(title), re.search("政府信息公开", title)) if m]
        if cut:
            name = title[: min(cut)].strip(" (（")
            if 2 <= len(name) <= 40:
                return name
    return None


def find_report_year(title: str | None, text: str, overview: str | None, published: str | None) -> int | None:
    """The year reported on: title, statistics period, "…2020年度政府信息公开工作报告", first year of 总体情况."""
    for source in (title or "",):
        match = _YEAR.search(source)
        if match:
            return int(match.group(1))
    head = text[:20000]
    match = _PERIOD.search(head)
    if match and match.group(1) == match.group(2):
        return int(match.group(1))
    match = _REPORT_OF.search(head)
    if match:
        return int(match.group(1))
    if overview:
        match = _YEAR.search(overview[:300])
        if match:
            return int(match.group(1))
    if published:
        return int(published[:4]) - 1
    return None


def _iso(year: str, month: str, day: str) -> str | None:
    y = int(year)
    if y < 100:
        y += 2000
    m, d = int(month), int(day)
    if not (1990 <= y <= 2100 and 1 <= m <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def find_published(preamble: str, text: str, metadata: dict[str, str]) -> str | None:
    value = metadata.get("published")
    if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    match = _META_DATE.search(preamble)
    if match:
        iso = _iso(*match.groups())
        if iso:
            return iso
    tail = text[-400:]
    dates = list(_SIGN_DATE.finditer(tail))
    if dates:
        return _iso(*dates[-1].groups())
    return None
