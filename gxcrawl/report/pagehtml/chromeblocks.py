"""Chrome at element level: tool bars, breadcrumbs, share widgets and hidden blocks inside the body, and
footer/nav areas whose links are not the report's attachments. (Line-level chrome is `chrome.chrome_line_mask`.)
"""

from __future__ import annotations

import re

from gxcrawl.report import chrome
from gxcrawl.report.pagehtml.scan import HIDDEN_RE
from gxcrawl.report.pagehtml.tree import HtmlElement, attr_tokens, drop_element, inside, text_upto

_AREA_RE = re.compile(
    r"(?:^|[_-])(?:foot|footer|copyright|nav|navbar|menu|header|topbar|sidebar|yqlj|friend\w*)(?:$|[_-])",
    re.IGNORECASE,
)


def strip_chrome_elements(body: HtmlElement, protected: set[HtmlElement], chrome_like: list[HtmlElement]) -> None:
    """Drop tool bars, breadcrumbs, share widgets, hidden blocks… inside the body (never a heading's block)."""
    doomed: list[HtmlElement] = [el for el in body.iter(*chrome.DROP_TAGS) if el is not body]
    for el in chrome_like:
        if el is body or el in protected or not inside(el, body):
            continue
        style = el.get("style")
        hidden = bool(style and HIDDEN_RE.search(style))
        if hidden or (text_upto(el, chrome.CHROME_BLOCK_MAX_CHARS) is not None and el.find(".//table") is None):
            doomed.append(el)
    for el in doomed:
        drop_element(el)


def in_chrome_area(el: HtmlElement, known: dict[HtmlElement, bool] | None = None) -> bool:
    """Whether an ancestor of `el` is a footer/nav/header/select or marked as chrome; `known` keeps the answer
    per ancestor, so that many links deep in one tree do not walk the same ancestors again."""
    known = {} if known is None else known
    walked: list[HtmlElement] = []
    answer = False
    for anc in el.iterancestors():
        if anc in known:
            answer = known[anc]
            break
        walked.append(anc)
        if anc.tag in ("footer", "nav", "header", "select") or any(_AREA_RE.search(t) for t in attr_tokens(anc)):
            answer = True
            break
    # every walked ancestor below a chrome one is inside chrome; without one, none of them is
    for anc in walked:
        known[anc] = answer
    return answer
