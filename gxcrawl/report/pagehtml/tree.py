"""lxml tree helpers shared by the HTML stages: parsing, element text, white space, ancestry, removal."""

from __future__ import annotations

import re
from typing import TypeAlias

from lxml import etree

from gxcrawl.report.errors import raise_if_out_of_memory

HtmlElement: TypeAlias = etree._Element

BLOCK_TAGS: frozenset[str] = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "html",
        "legend",
        "li",
        "listing",
        "main",
        "menu",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "ul",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "td",
        "th",
        "caption",
        "colgroup",
        "xmp",
        "plaintext",
    }
)
CONTAINER_TAGS: frozenset[str] = frozenset(
    {"div", "td", "article", "section", "main", "form", "body", "table", "center", "blockquote", "html"}
)


_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_CJK_NEWLINE_RE = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n[ \t\n\r\f]*(?=[{_CJK}])")
_WS_RUN_RE = re.compile(r"[ \t\n\r\f]+")
_WS_ANY_RE = re.compile(r"[ \t\n\r\f]")
NO_WS_RE = re.compile(r"[\s\u3000\xa0]+")


def collapse(text: str) -> str:
    """HTML white-space collapsing; a line break between two CJK characters disappears."""
    if _WS_ANY_RE.search(text) is None:  # fast path: most table cells
        return text
    if "\n" in text:
        text = _CJK_NEWLINE_RE.sub("", text)
    return _WS_RUN_RE.sub(" ", text).strip(" ")


def element_text(el: HtmlElement) -> str:
    # tostring's text method: the same string as "".join(itertext()) (no comments/PIs, no own tail) at ~4x
    # the speed; XPath string() costs ~20-50 µs even on a tiny element
    text: str = etree.tostring(el, method="text", encoding=str, with_tail=False)
    return text


def text_upto(el: HtmlElement, limit: int) -> str | None:
    """The element's text, or None as soon as it is longer than `limit` (no need to read a whole page)."""
    parts: list[str] = []
    size = 0
    for part in el.itertext():
        size += len(part)
        if size > limit:
            return None
        parts.append(part)
    return "".join(parts)


def attr_tokens(el: HtmlElement) -> list[str]:
    tokens = (el.get("class") or "").split()
    ident = el.get("id")
    if ident:
        tokens.append(ident)
    return tokens


def is_attached(el: HtmlElement, root: HtmlElement) -> bool:
    # not getroottree(): a removed element still reports the document's root
    top = el
    for top in el.iterancestors():  # noqa: B007 - the last ancestor is what we want
        pass
    return top is root


def inside(el: HtmlElement, ancestor: HtmlElement) -> bool:
    return el is ancestor or any(a is ancestor for a in el.iterancestors())


def lowest_common_ancestor(elements: list[HtmlElement]) -> HtmlElement:
    paths = [[*reversed(list(e.iterancestors())), e] for e in elements]
    common = paths[0][0]
    for nodes in zip(*paths, strict=False):
        if all(n is nodes[0] for n in nodes):
            common = nodes[0]
        else:
            break
    return common


def climb_to_container(el: HtmlElement) -> HtmlElement:
    while el.tag not in CONTAINER_TAGS and (parent := el.getparent()) is not None:
        el = parent
    return el


def parse_document(text: str) -> HtmlElement | None:
    # Bytes + explicit encoding: lxml refuses str with an <?xml encoding?> declaration. Plain etree
    # elements (no lxml.html element classes): their per-element class lookup costs ~20% on big pages.
    parser = etree.HTMLParser(encoding="utf-8", remove_pis=True)
    try:
        return etree.fromstring(text.encode("utf-8", "replace"), parser)
    except etree.XMLSyntaxError as exc:
        raise_if_out_of_memory(exc)
        return None
    except ValueError:
        return None


def parse_fragment(html: str) -> HtmlElement | None:
    doc = parse_document(f"<html><body><div>{html}</div></body></html>")
    if doc is None:
        return None
    div = doc.find("body/div")
    if div is not None and (parent := div.getparent()) is not None:
        parent.remove(div)  # detach so that the page around it cannot leak in
    return div


def drop_element(el: HtmlElement) -> None:
    """Remove an element but keep its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


#: characters lxml parses into a tree but refuses in any text set later (a dropped element's tail, a heading)
_XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_compatible(text: str) -> str:
    if _XML_INVALID_RE.search(text) is None:
        return text
    return _XML_INVALID_RE.sub(lambda m: " " if m.group() in "\x0b\x0c" else "", text)
