"""Report text for people (archived) and for machines (the dedupe hash).

`text_sha256` hashes the report from its first statutory heading to its end, after NFKC, with every
whitespace character, table separator (``|``, tabs, markdown rules) and chrome line dropped. Page
headers (site name, title block, 发布时间/字体/打印 lines) vary between an HTML page and the text copied
from it, so they are left out; every word and number of the six sections is in.
"""

from __future__ import annotations

import hashlib
import re

from gxcrawl.report.cells import nfkc
from gxcrawl.report.sections import find_headings

_DROP = re.compile(r"[\s|\u200b\u200c\u200d\u2060\ufeff]+")
_MD_RULE = re.compile(r"(?m)^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$")
_CHROME_LINE = re.compile(
    r"(?m)^[^\n]{0,40}(?:打印本页|关闭窗口|【打印】|【关闭】|版权所有|网站地图|主办单位|ICP备|字体[:：]?\s*[【\[]|"
    r"您当前的位置|当前位置[:：]|分享到)[^\n]{0,60}$"
)
#: the chrome words alone: a plain search for them is cheap, the line pattern only runs when one is there
_CHROME_WORD = re.compile(
    r"打印本页|关闭窗口|【打印】|【关闭】|版权所有|网站地图|主办单位|ICP备|字体|您当前的位置|当前位置[:：]|分享到"
)
_BLANK_RUN = re.compile(r"\n{3,}")


#: headings are looked for in this much text only (a report is 5-100 kB; a 20 MB page must not crawl)
HEADING_WINDOW = 1_000_000


def normalise_for_hash(text: str, *, already_nfkc: bool = False) -> str:
    if not already_nfkc:
        text = nfkc(text)
    if "---" in text:
        text = _MD_RULE.sub("", text)
    headings = find_headings(text[:HEADING_WINDOW])
    if headings:
        text = text[headings[0].start :]
    if _CHROME_WORD.search(text):
        text = _CHROME_LINE.sub("", text)
    return _DROP.sub("", text)


def text_sha256(text: str, *, already_nfkc: bool = False) -> str:
    """Hex sha256 of the normalised report text: the same report in any layout gets one hash."""
    return hashlib.sha256(normalise_for_hash(text, already_nfkc=already_nfkc).encode("utf-8")).hexdigest()


def tidy(text: str) -> str:
    """The body text as people read it: lines right-stripped, runs of blank lines collapsed."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip("\n") + ("\n" if text.strip() else "")
