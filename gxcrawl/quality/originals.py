"""The archived original of a report, out of its WARC record, made safe to open from the site: the page's body keeps
its text, tables and links and loses everything that could run or load something: script and style elements,
frames, embedded objects, form controls, comments, event handlers (on* attributes), inline styles, resource
attributes (src, background, ...) and javascript:/vbscript:/data: links. The copy carries a Content-Security-Policy
that forbids scripts and loading anything, should a page ever get something past the cleaning.
(lxml_html_clean did the same in many passes over the tree, a third of the site's time: here lxml drops the
elements in C and one Python pass goes through the attributes.)"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree
from lxml.html import defs

from gxcrawl.archive.reader import RecordReader
from gxcrawl.report.page import decode

# dropped with their content: what runs, loads, embeds, submits, or is raw text to a browser (a raw-text element's
# content could be read as markup by a browser that parses it differently than lxml did)
_DROPPED = frozenset(
    {
        "script",
        "style",
        "link",
        "meta",
        "base",
        "title",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "param",
        "noscript",
        "noembed",
        "noframes",
        "xmp",
        "plaintext",
        "template",
        "textarea",
        "button",
        "input",
        "select",
        "option",
        "svg",
        "math",
        "video",
        "audio",
        "source",
        "track",
        "canvas",
        "portal",
        "image",
    }
)
_UNWRAPPED = frozenset({"form", "layer"})  # the tag goes, its content stays
# attributes kept: lxml's list of safe ones (no event handler, no style) minus every one that loads a resource
_KEPT_ATTRS = frozenset(defs.safe_attrs) - {
    "src",
    "action",
    "background",
    "longdesc",
    "usemap",
    "cite",
    "lowsrc",
    "dynsrc",
    "formaction",
    "data",
    "codebase",
    "classid",
    "archive",
}
_URL_ATTRS = frozenset({"href"})
_PLAIN_TAG = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*\Z")
# a browser ignores ASCII whitespace and control characters inside a scheme ("java\tscript:")
_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
_HEAD = (
    '<meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
    "style-src 'unsafe-inline'\"><title>archived copy</title><style>body{font-family:sans-serif;margin:1em}"
    "table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 4px}</style>"
)
MAX_ORIGINAL_BYTES = 20 * 1024 * 1024
_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)


def _unsafe_url(value: str) -> bool:
    return _NOISE.sub("", value).lower().startswith(_BAD_SCHEMES)


def clean_html(data: bytes, content_type: str | None) -> str:
    """The page decoded like a browser would, its body with nothing that runs or loads, as UTF-8 HTML."""
    text, _ = decode(data, content_type)
    # plain lxml elements (lxml.html's element classes are looked up in Python, element by element), comments and
    # processing instructions left out by the parser, the decoded text handed over as UTF-8 whatever it declares
    try:
        root = etree.fromstring(text.encode("utf-8"), _PARSER) if text.strip() else None
    except etree.LxmlError:  # nothing the parser can make a document of (only a comment, say)
        root = None
    body = root.find("body") if root is not None else None
    if body is None:
        body = etree.Element("body")
    etree.strip_elements(body, *_DROPPED, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    unwrapped = set()
    for element in body.iter():
        tag = element.tag
        if not isinstance(tag, str):  # an entity reference
            continue
        if tag in _UNWRAPPED or not _PLAIN_TAG.match(tag):  # o:p from Word, or "scr<script" from broken markup
            unwrapped.add(tag)
        attrib = element.attrib
        if attrib:
            for name in list(attrib):  # a copy: names are deleted while going through it
                if name not in _KEPT_ATTRS or (name in _URL_ATTRS and _unsafe_url(attrib[name])):
                    del attrib[name]
    if unwrapped:
        etree.strip_tags(body, *unwrapped)
    serialised = etree.tostring(body, encoding="unicode", method="html")
    return f"<!DOCTYPE html>\n<html><head>{_HEAD}</head>{serialised}</html>\n"


def write_original(reader: RecordReader, warc: dict, content_type: str | None, out_stem: Path) -> str | None:
    """Write the archived original of a report next to its page: `.html` (cleaned) for a page, the file itself
    for a PDF or an office document. Returns the file name written, None when the record cannot be read."""
    try:
        record = reader.read(warc["file"], int(warc["offset"]), int(warc["length"]))
    except (LookupError, OSError):
        return None
    payload = record.payload
    ctype = (content_type or "").split(";", 1)[0].strip().lower()
    if "html" in ctype or (not ctype and payload.lstrip()[:1] == b"<"):
        path = out_stem.with_suffix(".html")
        path.write_text(clean_html(payload, content_type), encoding="utf-8")
    else:
        suffix = {"application/pdf": ".pdf", "text/plain": ".txt"}.get(ctype, ".bin")
        path = out_stem.with_suffix(suffix)
        path.write_bytes(payload)
    return path.name
