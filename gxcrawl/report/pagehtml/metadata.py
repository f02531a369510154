"""Page metadata in the HTML: the 信息公开 label/value blocks (索引号/发布机构/…) and the header line.

`MetadataBuilder` (pagemeta) weighs the sources; this module finds them in the tree and the page text.
"""

from __future__ import annotations

import re

from gxcrawl.report import chrome
from gxcrawl.report.pagehtml.lines import render_lines
from gxcrawl.report.pagehtml.scan import METADATA_ANCHORS, Anchor
from gxcrawl.report.pagehtml.tree import NO_WS_RE, HtmlElement, inside, text_upto
from gxcrawl.report.pagemeta import RANK_HEADER, MetadataBuilder

_HEADER_DATE_RE = re.compile(
    r"(?:发布时间|发布日期|发表时间|公开日期|更新时间|时间|日期)[\s\u3000\xa0]*[:：][\s\u3000\xa0]*"
    r"(\d{2,4}[\s\u3000]*[-/.年][\s\u3000]*\d{1,2}[\s\u3000]*[-/.月][\s\u3000]*\d{1,2})"
)
_HEADER_SOURCE_RE = re.compile(
    r"(?:信息来源|来源)[\s\u3000\xa0]*[:：][\s\u3000\xa0]*([^\s\u3000\xa0:：|｜【】\[\]]{2,30})"
)
_HEADER_LABEL_CUT_RE = re.compile(r"(?:发布时间|发布日期|时间|日期|编辑|作者|点击|浏览|访问|字号|字体|责任编辑)$")


_METADATA_ANCHOR_RE = re.compile("|".join(METADATA_ANCHORS))


_METADATA_BLOCK_MAX_CHARS = 1500
_METADATA_STRONG = ("索引号", "发布机构", "发文机关", "发文字号", "成文日期", "发布单位")


def _label_count(text: str) -> tuple[int, bool]:
    flat = NO_WS_RE.sub("", text)
    labels = {lab for lab in chrome.METADATA_BLOCK_LABELS if lab in flat}
    strong = any(lab in flat for lab in _METADATA_STRONG)
    return len(labels), strong


def find_metadata_blocks(anchors: list[Anchor], keep: set[HtmlElement]) -> list[HtmlElement]:
    """The 信息公开 metadata tables/lists (索引号/发布机构/…): short blocks with several labels."""
    blocks: list[HtmlElement] = []
    seen: set[HtmlElement] = set()
    for anchor in anchors:
        if not _METADATA_ANCHOR_RE.search(anchor.text):
            continue
        owner = anchor.owner
        best: HtmlElement | None = None
        el: HtmlElement | None = owner
        for _ in range(8):
            if el is None or el in keep or el.tag in ("body", "html"):
                break
            if el.tag in ("table", "dl", "ul", "ol", "div", "section", "tbody"):
                text = text_upto(el, _METADATA_BLOCK_MAX_CHARS)
                if text is None or chrome.HEADING_RE.search(text):
                    break
                count, strong = _label_count(text)
                if count >= 2 and strong:
                    # the smallest block holding the labels: an outer one may hold the whole (short) article
                    best = el.getparent() if el.tag == "tbody" and el.getparent() is not None else el
                    break
            el = el.getparent()
        if best is not None and best not in seen:
            seen.add(best)
            blocks.append(best)
    # keep only outermost blocks
    return [b for b in blocks if not any(o is not b and inside(b, o) for o in blocks)]


def metadata_tokens(block: HtmlElement) -> list[str]:
    tokens: list[str] = []
    for line, _ in render_lines(block):
        tokens.extend(t for t in line.split("\t") if t.strip())
    return tokens


def header_line_metadata(text: str, meta: MetadataBuilder) -> None:
    m = _HEADER_DATE_RE.search(text)
    if m:
        meta.offer("published", m.group(1), RANK_HEADER + 5)
    s = _HEADER_SOURCE_RE.search(text)
    if s:
        value = _HEADER_LABEL_CUT_RE.sub("", s.group(1))
        meta.offer("source", value, RANK_HEADER + 5)
