"""Page metadata: publication dates, 信息公开 label/value pairs, <meta> tags, URL dates.

Sources in order of trust (docs/portals.md, "Page chrome and metadata"): <meta> tags, the label/value metadata table,
the header line (发布时间:… 信息来源:…), the URL date. `MetadataBuilder` keeps, for every key,
the value of the most trusted source seen.
"""

from __future__ import annotations

import re
from datetime import date

from gxcrawl.report.chrome import LABEL_ONLY_RE, LABEL_RE, LABELS, TRUNCATED_LABEL_LINE_RE, TRUNCATED_LABELS

_FULLWIDTH = str.maketrans("０１２３４５６７８９／．－：", "0123456789/.-:")
_WS_RE = re.compile(r"[\s\u3000\xa0]+")

_DATE_RE = re.compile(
    r"(?<!\d)(?P<y>\d{4}|\d{2})[\s\u3000]*[-/.年][\s\u3000]*(?P<m>\d{1,2})[\s\u3000]*[-/.月][\s\u3000]*(?P<d>\d{1,2})(?!\d)"
)
_COMPACT_DATE_RE = re.compile(r"(?<!\d)(?P<y>20\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)")

# URL dates, most specific first: TRS t20210305_, Hanweb /art/2024/1/16/,
# Xinhua /2024-01/19/c_, Shanghai /20230331/, Shijiazhuang /202103/05/.
_URL_DATE_RES: tuple[re.Pattern[str], ...] = (
    re.compile(r"/t(?P<y>20\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)_"),
    re.compile(r"/art/(?P<y>20\d{2})/(?P<m>\d{1,2})/(?P<d>\d{1,2})/"),
    re.compile(r"/(?P<y>20\d{2})-(?P<m>[01]\d)/(?P<d>[0-3]\d)/"),
    re.compile(r"/(?P<y>20\d{2})(?P<m>[01]\d)/(?P<d>[0-3]\d)/"),
    re.compile(r"/(?P<y>20\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)/"),
    re.compile(r"/(?P<y>20\d{2})-(?P<m>[01]\d)-(?P<d>[0-3]\d)/"),
)

# <meta name=…> (lower-cased) -> (key, trust rank); lower rank wins.
META_NAMES: dict[str, tuple[str, int]] = {
    "articletitle": ("title", 0),
    "pubdate": ("published", 0),
    "publishdate": ("published", 0),
    "firstpublishedtime": ("published", 1),
    "contentsource": ("source", 0),
    "columnname": ("column", 0),
    "sitename": ("site", 0),
    "keywords": ("keywords", 1),
    "author": ("author", 1),
}
RANK_META = 0
RANK_TABLE = 10
RANK_HEADER = 20
RANK_URL = 30

# Within one source, the label that wins for a key (发布日期 beats 生成日期 for "published").
_LABEL_PREFERENCE: dict[str, int] = {
    "发布日期": 0,
    "公开日期": 1,
    "发布时间": 2,
    "发表时间": 3,
    "发文日期": 4,
    "生成日期": 5,
    "时间": 6,
    "日期": 7,
    "发布机构": 0,
    "发文机关": 1,
    "发布单位": 2,
    "信息分类": 0,
    "主题分类": 1,
    "分类": 2,
}

_INDEX_NO_RE = re.compile(r"^[\w.-]+/\d{4}[\w.-]*$")


def normalise_date(value: str) -> str | None:
    """'2023-01-31 10:11', '2021年1月29日', '21年01月29日', '2021/01/29', '20210129' -> 'YYYY-MM-DD'."""
    text = value.translate(_FULLWIDTH)
    for pattern in (_DATE_RE, _COMPACT_DATE_RE):
        for m in pattern.finditer(text):
            year = int(m["y"])
            if year < 100:
                year += 2000
            try:
                found = date(year, int(m["m"]), int(m["d"]))
            except ValueError:
                continue
            if 1990 <= found.year <= 2100:
                return found.isoformat()
    return None


def date_from_url(url: str | None) -> str | None:
    if not url:
        return None
    for pattern in _URL_DATE_RES:
        m = pattern.search(url)
        if m:
            try:
                return date(int(m["y"]), int(m["m"]), int(m["d"])).isoformat()
            except ValueError:
                continue
    return None


def _clean_label(label: str) -> str:
    return _WS_RE.sub("", label)


def label_values(text: str, *, allow_truncated: bool = False) -> list[tuple[str, str]]:
    """Label/value pairs of one line: '发布时间:21年01月29日 信息来源:民政局 编辑:兵团民政局'."""
    pairs: list[tuple[str, str]] = []
    spans: list[tuple[str, int, int]] = [
        (_clean_label(m["label"]), m.start(), m.end()) for m in LABEL_RE.finditer(text)
    ]
    m = TRUNCATED_LABEL_LINE_RE.match(text) if allow_truncated else None
    if m and (not spans or spans[0][1] >= m.end()):
        spans.insert(0, (m["label"], m.start(), m.end()))
    for i, (label, _start, end) in enumerate(spans):
        stop = spans[i + 1][1] if i + 1 < len(spans) else len(text)
        value = text[end:stop].strip(" \t\r\n\u3000\xa0【】[]|｜")
        pairs.append((label, value))
    return pairs


def merge_label_tokens(tokens: list[str]) -> list[str]:
    """Join a label-only token with the value token after it (table cells, <dt>/<dd>)."""
    merged: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if LABEL_ONLY_RE.match(token) and i + 1 < len(tokens) and not LABEL_ONLY_RE.match(tokens[i + 1]):
            label = token.strip(" \t\u3000\xa0:：【")
            merged.append(f"{label}：{tokens[i + 1]}")
            i += 2
            continue
        merged.append(token)
        i += 1
    return merged


class MetadataBuilder:
    """Collects metadata values; for each key keeps the most trusted one."""

    def __init__(self) -> None:
        self._best: dict[str, tuple[int, str]] = {}

    def offer(self, key: str | None, value: str, rank: int) -> None:
        if not key:
            return
        value = _WS_RE.sub(" ", value).strip()
        if not value:
            return
        if key in ("published", "written"):
            normalised = normalise_date(value)
            if normalised is None:
                return
            value = normalised
        if key == "index_no" and len(value) > 80:
            return
        if len(value) > 200:
            return
        current = self._best.get(key)
        if current is None or rank < current[0]:
            self._best[key] = (rank, value)

    def offer_label(self, label: str, value: str, rank: int) -> None:
        key = LABELS.get(label, TRUNCATED_LABELS.get(label))
        if label == "号" and not _INDEX_NO_RE.match(value.strip()):
            return
        self.offer(key, value, rank + _LABEL_PREFERENCE.get(label, 5))

    def offer_lines(self, lines: list[str], rank: int, *, allow_truncated: bool = False) -> None:
        for line in merge_label_tokens(lines):
            for label, value in label_values(line, allow_truncated=allow_truncated):
                self.offer_label(label, value, rank)

    def offer_meta(self, name: str, content: str) -> None:
        mapped = META_NAMES.get(name.lower())
        if mapped:
            self.offer(mapped[0], content, RANK_META + mapped[1])

    def get(self, key: str) -> str | None:
        found = self._best.get(key)
        return found[1] if found else None

    def build(self) -> dict[str, str]:
        result = {key: value for key, (_rank, value) in self._best.items()}
        if "agency" not in result and "source" in result:
            result["agency"] = result["source"]
        return result
