"""Links on a page, including the ones a plain link extractor never sees
(docs/portals.md, "Links hidden from a plain link extractor").

Hanweb lists keep their records in `<script type="text/xml">` datastore CDATA; TRS templates
`document.write` attachment lists from JS strings (`var file_appendix='<a href=…>'`); gkmlpt and
JPaaS return JSON whose values hold URLs or whole HTML fragments. All of these are unwrapped
here into plain `Anchor`s. Pure functions: no network, no Scrapy.
"""

from __future__ import annotations

import functools
import html
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree
from w3lib.url import canonicalize_url

ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".wps", ".ofd", ".xls", ".xlsx", ".et", ".zip", ".rar")
REPORT_ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".wps", ".ofd")
# extension-less download endpoints (VSB download.jsp, Hanweb downfile.jsp, gkmlpt /attachment/)
DOWNLOAD_ENDPOINT = re.compile(r"download\.jsp|downfile\.jsp|/attachment/|downloadfile|/download\?|getfile", re.I)
SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#", "data:")


@dataclass(frozen=True, slots=True)
class Anchor:
    url: str  # absolute
    text: str  # link text (or title attribute), whitespace collapsed
    source: str = "html"  # "html" | "script" | "xml" | "json"
    context: str = ""  # text of the enclosing list row (dates, agencies)


def parse_html(data: bytes | str) -> etree._Element:
    """An lxml tree for any HTML-ish input; empty or broken input gives an empty <html>."""
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace") if data else ""
    if not data.strip():
        return lxml.html.fromstring("<html></html>")
    try:
        return lxml.html.document_fromstring(data)
    except (etree.ParserError, ValueError):
        return lxml.html.fromstring("<html></html>")


def element_text(node: etree._Element) -> str:
    """All the text inside `node`, as lxml.html's text_content() gives it, for any lxml element (the text
    serialisation: no comments, no own tail, and faster than text_content's XPath)."""
    return etree.tostring(node, method="text", encoding=str, with_tail=False)


def _collapse(text: str | None) -> str:
    return " ".join((text or "").split())


def _absolute(href: str, base_url: str) -> str | None:
    href = (href or "").strip()
    if not href or href.lower().startswith(SKIP_SCHEMES):
        return None
    url = urljoin(base_url, href)
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    return url.split("#", 1)[0]


ROW_TEXT_CHARS = 300
_WORD = re.compile(r"\S+")


def capped_text(node: etree._Element, limit: int) -> str:
    """`_collapse(node.text_content())[:limit]`, reading only as much of the node as that needs (a row holding
    every link of a huge page is read up to `limit` characters, not whole, for each of its links)."""
    words: list[str] = []
    size = 0
    glued = False  # the last piece ended inside a word: the next piece's first word continues it
    for piece in node.itertext():
        for m in _WORD.finditer(piece):
            word = m.group()
            if glued and m.start() == 0 and words:
                words[-1] += word
                size += len(word)
            else:
                words.append(word)
                size += len(word) + (len(words) > 1)
            if size > limit:
                return " ".join(words)[:limit]
        if piece:
            glued = not piece[-1].isspace() and bool(words) and (glued or _WORD.search(piece) is not None)
    return " ".join(words)[:limit]


def _row_text(a: etree._Element, rows: dict[etree._Element, str]) -> str:
    row = a.getparent()
    for _ in range(3):
        if row is None:
            break
        if row.tag in ("li", "tr", "dd", "dl", "p"):
            text = rows.get(row)
            if text is None:
                text = rows[row] = capped_text(row, ROW_TEXT_CHARS)
            return text
        row = row.getparent()
    return ""


def html_anchors(tree: etree._Element, base_url: str, *, source: str = "html") -> Iterator[Anchor]:
    """`<a href>` anchors. The title attribute wins over truncated link text ("XX县2022年政府信息…")."""
    rows: dict[etree._Element, str] = {}  # a row's text, read once for all its links
    for a in tree.iter("a"):
        href = a.get("href")
        url = _absolute(href or "", base_url)
        if url is None:
            continue
        text = _collapse(element_text(a))
        title = _collapse(a.get("title"))
        if title and (not text or len(title) > len(text) or text.endswith(("…", "...", "..", "．．．"))):
            text = title
        yield Anchor(url, text, source, _row_text(a, rows))


_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_JS_STRING = re.compile(r"""(['"])((?:\\.|(?!\1).)*?<a\s[^'"]*?href=(?:\\.|(?!\1).)*?)\1""", re.S | re.I)
_QUOTED_URL = re.compile(
    r"""["']((?:https?://|/|\./|\.\./)[^"'\s<>]*?\.(?:s?html?|jhtml|pdf|docx?|wps|ofd)(?:\?[^"'\s<>]*)?)["']""",
    re.I,
)


# an href whose value the fragment holds whole: quoted with its closing quote, or unquoted up to a space or `>`
_WHOLE_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"<>]*)"|'([^'<>]*)'|([^\s"'<>]+)(?=[\s>]))""", re.I)


# a "value" that is the quotes of a JS concatenation (`href=" + pageName + "`)
_JOINED = re.compile(r"^\s*\+|\+\s*$")


def _fragment_anchors(fragment: str, base_url: str, source: str) -> Iterator[Anchor]:
    if "<a" not in fragment.lower():
        return
    try:
        node = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return
    if source != "script":
        yield from html_anchors(node, base_url, source=source)
        return
    # a pager script writes links from string pieces (`"<a href=\"index" + "_" + i + ".html\">"`): a piece's href
    # is cut off, and the parser would still make a URL of it (`…/index`, `…/index.`)
    whole = {
        _absolute(html.unescape(v), base_url)
        for m in _WHOLE_HREF.finditer(fragment)
        for v in m.groups()
        if v and not _JOINED.search(v)
    }
    yield from (anchor for anchor in html_anchors(node, base_url, source=source) if anchor.url in whole)


def script_anchors(tree: etree._Element, base_url: str) -> Iterator[Anchor]:
    """Anchors inside `<script>`: XML datastore CDATA, JS strings holding `<a href>`, JSON configs,
    and quoted article/attachment URLs."""
    for script in tree.iter("script"):
        code = script.text or ""
        if not code.strip():
            continue
        yield from text_anchors(code, base_url, source="script")


def text_anchors(code: str, base_url: str, *, source: str = "script") -> Iterator[Anchor]:
    """Anchors in a script/XML/JSON body (also used for dataproxy.jsp XML and JSON API answers)."""
    found = False
    for m in _CDATA.finditer(code):
        for anchor in _fragment_anchors(m.group(1), base_url, source):
            found = True
            yield anchor
    for m in _JS_STRING.finditer(code):
        fragment = (
            m.group(2).encode("utf-8", "backslashreplace").decode("unicode_escape", "replace")
            if "\\" in m.group(2)
            else m.group(2)
        )
        for anchor in _fragment_anchors(fragment, base_url, source):
            found = True
            yield anchor
    if not found:
        for m in _QUOTED_URL.finditer(code):
            if m.group(1).endswith("=") or _concatenated(code, m.start(), m.end()):
                continue  # `"/list.html?page=" + n`: the start of a URL, not a URL
            url = _absolute(m.group(1), base_url)
            if url:
                yield Anchor(url, "", source)


def _concatenated(code: str, start: int, end: int) -> bool:
    """Is the string literal code[start:end] joined to an expression by `+` on either side?"""
    return code[end : end + 40].lstrip().startswith("+") or code[max(0, start - 40) : start].rstrip().endswith("+")


def json_anchors(data: object, base_url: str) -> Iterator[Anchor]:
    """URLs and HTML fragments in a decoded JSON document (gkmlpt articles, JPaaS data.html, gov.cn feeds,
    site-search hits). Search titles carry highlight tags (`<em>`) and entities; both are undone."""
    if isinstance(data, dict):
        title = ""
        for key in ("title", "TITLE", "titleO", "gk_doctitle", "doctitle", "name", "aT"):
            if isinstance(data.get(key), str):
                title = _collapse(html.unescape(re.sub(r"<[^>]+>", "", data[key])))
                break
        for key, value in data.items():
            if isinstance(value, str):
                if key.lower() in ("url", "post_url", "docpuburl", "link", "href", "au") and value.strip():
                    url = _absolute(value, base_url)
                    if url:
                        yield Anchor(url, title, "json")
                elif "<a" in value.lower():
                    yield from _fragment_anchors(value, base_url, "json")
            else:
                yield from json_anchors(value, base_url)
    elif isinstance(data, list):
        for value in data:
            yield from json_anchors(value, base_url)


def json_config(code: str, name: str) -> dict[str, Any] | None:
    """A JS object literal assigned to `name` (e.g. `window._CONFIG = {...}`), parsed leniently."""
    m = re.search(
        re.escape(name) + r"\s*=\s*(\{.*?\})\s*;?\s*(?:</script>|$|\n\s*(?:var|window|let|const)\b)", code, re.S
    )
    if not m:
        return None
    return loads_js_object(m.group(1))


def loads_js_object(literal: str) -> dict[str, Any] | None:
    """JSON, or a JS object literal with bare keys and single quotes."""
    try:
        value = json.loads(literal)
        return value if isinstance(value, dict) else None
    except json.JSONDecodeError:
        pass
    text = re.sub(r"'((?:\\.|[^'\\])*)'", lambda m: json.dumps(m.group(1).replace("\\'", "'")), literal)
    text = re.sub(r"([{,]\s*)([A-Za-z_$][\w$]*)\s*:", r'\1"\2":', text)
    text = re.sub(r",\s*([}\]])", r"\1", text)
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def all_anchors(tree: etree._Element, base_url: str) -> list[Anchor]:
    """HTML anchors, then anchors found only in scripts; one entry per URL (first text wins unless empty)."""
    return dedupe(list(html_anchors(tree, base_url)) + list(script_anchors(tree, base_url)))


def capped_anchors(tree: etree._Element, base_url: str, limit: int) -> tuple[list[Anchor], bool]:
    """`all_anchors` reading at most `limit` links (HTML first, then scripts) and whether the page had more: the
    work on one page is bounded whatever its size."""
    found = list(
        itertools.islice(itertools.chain(html_anchors(tree, base_url), script_anchors(tree, base_url)), limit + 1)
    )
    return dedupe(found[:limit]), len(found) > limit


# a portal's menus link the same URLs from every page
_canonical_url = functools.lru_cache(maxsize=65_536)(canonicalize_url)


def dedupe(anchors: Iterable[Anchor]) -> list[Anchor]:
    out: dict[str, Anchor] = {}
    for anchor in anchors:
        key = _canonical_url(anchor.url)
        old = out.get(key)
        if old is None or (not old.text and anchor.text):
            out[key] = anchor
    return list(out.values())


def is_attachment_url(url: str, text: str = "") -> bool:
    """A document download: known extension in the path or the link text, or a download endpoint."""
    path = urlsplit(url).path.lower()
    if path.endswith(ATTACHMENT_EXTENSIONS):
        return True
    if DOWNLOAD_ENDPOINT.search(url):
        return True
    return _collapse(text).lower().endswith(ATTACHMENT_EXTENSIONS) and not path.endswith((".html", ".htm", ".shtml"))


_DATA_LINKS = etree.XPath("//*[@data-src or @data-href or @data-url]")

# --- attachments bound by script ------------------------------------------------------------------------------
# Report pages whose download link exists only as a template binding or a click handler: avalon
# `ms-attr-href="qzbFile"` / Vue `:href="item.url"` with the value in an inline JSON or JS object, `data-*` attributes,
# `onclick="downloadFile('…')"`, `href="javascript:window.open('…pdf')"`.
BOUND_DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".wps", ".ofd", ".xls", ".xlsx")
_BINDING_ATTRS = (
    "ms-attr-href",
    "ms-href",
    "ms-attr-src",
    ":href",
    "v-bind:href",
    "ng-href",
    "x-bind:href",
    ":src",
    "v-bind:src",
    "th:href",
    "ms-attr-data-href",
)
_HANDLER_ATTRS = ("onclick", "ondblclick", "href", "ms-click", "@click", "v-on:click", "ng-click", "ms-on-click")
_QUOTED = re.compile(r"""(['"])((?:\\.|(?!\1).){1,500}?)\1""", re.S)
_CONCAT_PREFIX = re.compile(r"""^\s*(['"])((?:\\.|(?!\1).)*)\1\s*\+\s*(.+)$""", re.S)
_JS_KEYWORDS = frozenset(
    {
        "item",
        "el",
        "this",
        "vm",
        "data",
        "row",
        "file",
        "v",
        "i",
        "index",
        "true",
        "false",
        "null",
        "undefined",
        "window",
        "return",
        "encodeURI",
        "encodeURIComponent",
        "location",
    }
)


def _unescape_js(value: str) -> str:
    if "\\" not in value:
        return value
    value = value.replace("\\/", "/")
    try:
        return value.encode("utf-8", "backslashreplace").decode("unicode_escape")
    except UnicodeDecodeError:
        return value.replace("\\/", "/")


def _document_url(value: str, base_url: str) -> str | None:
    """An absolute URL when `value` names a document (a known extension, or a download endpoint), else None."""
    if not _DOCUMENT_HINT.search(value):
        return None
    value = html.unescape(_unescape_js(value.strip()))
    if not value or len(value) > 1000 or any(c in value for c in "<>{}\n\"'") or value.lower().startswith(SKIP_SCHEMES):
        return None
    path = urlsplit(value).path.lower()
    if not (path.endswith(BOUND_DOCUMENT_EXTENSIONS) or DOWNLOAD_ENDPOINT.search(value)):
        return None
    return _absolute(value, base_url)


def _script_values(codes: list[str], key: str) -> Iterator[str]:
    """String values given to `key` in the page's scripts and inline JSON (`key: '…'`, `"key": "…"`, `key = "…"`)."""
    pattern = re.compile(
        r"""(?:^|[^\w$])["']?""" + re.escape(key) + r"""["']?\s*[:=]\s*(['"])((?:\\.|(?!\1).){0,1000}?)\1"""
    )
    for code in codes:
        for m in pattern.finditer(code):
            yield m.group(2)


def _script_assignments(codes: list[str], key: str) -> Iterator[str]:
    """Expressions (not string literals) assigned to `key`: `qzbFile = apps1[i].url.replace(…)`."""
    pattern = re.compile(r"(?:^|[^\w$])" + re.escape(key) + r"\s*[:=]\s*([A-Za-z_$][\w$.\[\]]{0,200})")
    for code in codes:
        for m in pattern.finditer(code):
            yield m.group(1)


def _binding_keys(expression: str) -> list[str]:
    """The data keys a template expression reads: `qzbFile`, `item.url` -> `url`, `{{ el.fileUrl }}` -> `fileUrl`."""
    stripped = _QUOTED.sub(" ", expression)
    keys = []
    for m in re.finditer(r"[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*|\[\s*['\"][^'\"]+['\"]\s*\])*", stripped):
        last = re.split(r"[.\[\]'\"\s]+", m.group(0).strip(" ]'\""))
        name = [part for part in last if part][-1]
        if name not in _JS_KEYWORDS:
            keys.append(name)
    for m in re.finditer(r"\[\s*(['\"])([^'\"]+)\1\s*\]", expression):
        keys.append(m.group(2))
    return keys


_ALL_ATTRIBUTES = etree.XPath("//@*")
_BOUND_PREFIXES = ("data-", "ms-", ":", "v-", "@", "ng-", "x-bind", "th:")


def _bound_nodes(tree: etree._Element) -> list[etree._Element]:
    """Elements with a data-*, template-binding or click-handler attribute, or a `javascript:` / `{{…}}` href
    (one pass over the attributes: an XPath testing names is three times slower)."""
    out: list[etree._Element] = []
    for value in _ALL_ATTRIBUTES(tree):
        name = value.attrname
        if (
            name.startswith(_BOUND_PREFIXES)
            or name in ("onclick", "ondblclick")
            or (name == "href" and ("{{" in value or value.lstrip()[:11].lower() == "javascript:"))
        ):
            node = value.getparent()
            if not out or out[-1] is not node:
                out.append(node)
    return out


_DOCUMENT_HINT = re.compile(r"\.(?:pdf|docx?|wps|ofd|xlsx?)\b|download|downfile|getfile|/attachment/", re.I)
_METHODS = frozenset(
    {
        "replace",
        "indexOf",
        "trim",
        "toString",
        "length",
        "split",
        "join",
        "slice",
        "substring",
        "concat",
        "toLowerCase",
        "toUpperCase",
        "i",
        "j",
        "k",
        "n",
    }
)


def bound_attachment_anchors(tree: etree._Element, base_url: str) -> list[Anchor]:
    """Document URLs that only a script makes into links (see above); text is the element's own text, else ""."""
    out: list[Anchor] = []
    codes: list[str] | None = None
    values: dict[str, list[str]] = {}

    def bound_values(key: str, depth: int = 0) -> list[str]:
        """Values of `key` in the scripts; `qzbFile = apps[i].url…` follows the keys of the assigned expression."""
        if key in values:
            return values[key]
        values[key] = []  # a cycle (`qzbFile: qzbFile`) ends here
        got = list(_script_values(codes or [], key))
        if depth < 2:
            for expression in _script_assignments(codes or [], key):
                for part in re.split(r"[^\w$]+", expression):
                    if part and part != key and part not in _JS_KEYWORDS and part not in _METHODS:
                        got += bound_values(part, depth + 1)
        values[key] = got
        return got

    for node in _bound_nodes(tree):
        attrib = node.attrib
        text = ""
        for name, value in attrib.items():
            lname = name.lower()
            found: list[str] = []
            if lname.startswith("data-") and lname not in ("data-src", "data-href", "data-url"):
                url = _document_url(value, base_url)
                if url:
                    found.append(url)
            elif lname in _HANDLER_ATTRS and "(" in value:
                if lname == "href" and not value.strip().lower().startswith("javascript:"):
                    continue
                found += [u for m in _QUOTED.finditer(value) if (u := _document_url(m.group(2), base_url))]
            elif lname in _BINDING_ATTRS or (lname == "href" and "{{" in value):
                literal = [u for m in _QUOTED.finditer(value) if (u := _document_url(m.group(2), base_url))]
                if literal:
                    found += literal
                else:
                    if codes is None:
                        codes = [code for code in _inline_codes(tree) if _DOCUMENT_HINT.search(code)]
                    if not codes:
                        continue
                    # `'/files/' + row.fileName`: the literal prefix goes before the bound value
                    prefix = _CONCAT_PREFIX.match(value)
                    head = _unescape_js(prefix.group(2)) if prefix else ""
                    expression = prefix.group(3) if prefix else value
                    for key in _binding_keys(expression.replace("{{", " ").replace("}}", " ")):
                        found += [u for v in bound_values(key) if (u := _document_url(head + v, base_url))]
            if found:
                if not text:
                    own = _collapse(element_text(node)) if node.tag != "script" else ""
                    text = "" if "{{" in own else own
                out += [Anchor(url, text, "script") for url in found]
    return dedupe(out)


def _inline_codes(tree: etree._Element) -> list[str]:
    """The text of every inline script (JS, JSON, templates) on the page."""
    return [script.text for script in tree.iter("script") if script.text and script.text.strip()]


def attachment_anchors(
    tree: etree._Element, base_url: str, anchors: list[Anchor] | None = None, *, bound: bool = True
) -> list[Anchor]:
    """Document attachments linked from a page (also from `file_appendix`-style script strings, and those bound by
    script: `bound_attachment_anchors`).

    TRS pages give both `href` and `OLDSRC`; the `href` is tried first. Pass the page's
    `all_anchors` when already computed; `bound=False` skips the script-bound ones (a few ms on a big page).
    """
    anchors = all_anchors(tree, base_url) if anchors is None else anchors
    out = [a for a in anchors if is_attachment_url(a.url, a.text)]
    for node in _DATA_LINKS(tree):
        for attr in ("data-src", "data-href", "data-url"):
            url = _absolute(node.get(attr) or "", base_url)
            if url and is_attachment_url(url):
                out.append(Anchor(url, capped_text(node, ROW_TEXT_CHARS), "html"))  # a wrapper may hold the page
    if bound:
        out += bound_attachment_anchors(tree, base_url)
    return dedupe(out)
