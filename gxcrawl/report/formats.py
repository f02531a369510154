"""Document formats other than HTML and text: PDF (pdfplumber, pypdf), DOCX (python-docx), legacy DOC (antiword).

Each reader returns plain values; `page.load_page` turns them into a `Page`. Unreadable input raises
`UnreadableDocument` with a message that says what the bytes were and what would read them.
"""

from __future__ import annotations

import functools
import html
import io
import logging
import math
import posixpath
import re
import shutil
import subprocess
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lxml import etree

from gxcrawl.report.errors import UnreadableDocument, raise_if_out_of_memory

if TYPE_CHECKING:  # the PDF and DOCX readers are imported when a document needs them
    from docx.document import Document
    from pdfplumber.table import Table
    from pypdf.generic import DictionaryObject

ANTIWORD_TIMEOUT_S = 30.0

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

# Binary formats we recognise but cannot read, with the message to give.
_UNSUPPORTED_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "a JPEG image (a scanned page needs OCR, which gxcrawl does not do)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image (a scanned page needs OCR, which gxcrawl does not do)"),
    (b"GIF8", "a GIF image"),
    (b"Rar!\x1a\x07", "a RAR archive (unpack it and parse the documents inside)"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive (unpack it and parse the documents inside)"),
    (b"\x1f\x8b", "gzip-compressed data (decompress it first)"),
    (b"{\\rtf", "an RTF document (convert it to DOCX or PDF first)"),
)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


@dataclass(frozen=True, slots=True)
class DocumentText:
    text: str | None  # plain text (PDF, DOC); None when body_html carries the document
    body_html: str | None
    title: str | None
    issues: tuple[str, ...] = ()  # what was not read, and why (a zip bomb's member, pages over the limit)


# --- ZIP containers (DOCX, OFD): limits checked before anything is parsed --------------------------------------
# A report's DOCX or OFD decodes to a few MB (its images are stored, not compressed); a zip bomb to GBs.

#: members of one container
MAX_ZIP_MEMBERS = 10_000
#: decoded bytes of one member, and of all members together
MAX_ZIP_MEMBER_BYTES = 64 * 1024 * 1024
MAX_ZIP_TOTAL_BYTES = 256 * 1024 * 1024
#: decoded/compressed size of a member above ZIP_RATIO_FLOOR decoded bytes (XML deflates 5-30x; bombs 1000x)
MAX_ZIP_RATIO = 200
ZIP_RATIO_FLOOR = 1024 * 1024
_ZIP_CHUNK = 1024 * 1024


class ZipTooLarge(Exception):
    """A ZIP container over the limits; the message names the member and says what is too large."""


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MiB"


def check_zip(archive: zipfile.ZipFile, what: str) -> None:
    """Raise ZipTooLarge when the container `archive` (a `what`: DOCX, OFD) would decode to too much.

    The declared sizes are checked first (nothing decompressed); then every member is decompressed as a stream
    and counted, chunk by chunk, up to the limits: declared sizes can lie. Raises UnreadableDocument for a member
    that is damaged or compressed with a method zipfile cannot decode.
    """
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ZipTooLarge(f"the {what} has {len(infos)} members (more than {MAX_ZIP_MEMBERS}); not read")
    declared_total = 0
    for info in infos:
        _check_member_size(info, info.file_size, what, declared=True)
        declared_total += info.file_size
        if declared_total > MAX_ZIP_TOTAL_BYTES:
            raise ZipTooLarge(
                f"the {what}'s members declare more than {_mib(MAX_ZIP_TOTAL_BYTES)} decoded "
                f"(at member {info.filename!r}); not read (a zip bomb?)"
            )
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        size = 0
        try:
            with archive.open(info) as member:
                while chunk := member.read(_ZIP_CHUNK):
                    size += len(chunk)
                    total += len(chunk)
                    _check_member_size(info, size, what, declared=False)
                    if total > MAX_ZIP_TOTAL_BYTES:
                        raise ZipTooLarge(
                            f"the {what}'s members decode to more than {_mib(MAX_ZIP_TOTAL_BYTES)} "
                            f"(at member {info.filename!r}); not read (a zip bomb?)"
                        )
        except (
            zipfile.BadZipFile,
            zlib.error,
            NotImplementedError,
            EOFError,
            OSError,
            ValueError,
            RuntimeError,
        ) as exc:  # RuntimeError: an encrypted member
            raise UnreadableDocument(
                f"a ZIP container ({what}) whose member {info.filename!r} cannot be decoded "
                f"({type(exc).__name__}: {exc})"
            ) from exc


def _check_member_size(info: zipfile.ZipInfo, size: int, what: str, *, declared: bool) -> None:
    how = "declares" if declared else "decodes to"
    if size > MAX_ZIP_MEMBER_BYTES:
        raise ZipTooLarge(
            f"the {what}'s member {info.filename!r} {how} more than {_mib(MAX_ZIP_MEMBER_BYTES)}; "
            "not read (a zip bomb?)"
        )
    if size > ZIP_RATIO_FLOOR and size > MAX_ZIP_RATIO * max(info.compress_size, 1):
        raise ZipTooLarge(
            f"the {what}'s member {info.filename!r} {how} {size} bytes from {info.compress_size} "
            f"(more than {MAX_ZIP_RATIO}x); not read (a zip bomb?)"
        )


def _too_large(exc: ZipTooLarge) -> DocumentText:
    return DocumentText(text="", body_html=None, title=None, issues=(f"document: {exc}",))


def unsupported_binary(data: bytes) -> str | None:
    for magic, what in _UNSUPPORTED_MAGIC:
        if data.startswith(magic):
            return what
    return None


#: bytes of a ZIP's central directory (zipfile makes an object of every entry in it before anything can be checked;
#: MAX_ZIP_MEMBERS entries with long names fit)
MAX_ZIP_DIRECTORY_BYTES = 16 * 1024 * 1024


def _zip_directory_size(data: bytes) -> int | None:
    """The central directory's size from the end-of-central-directory record (ZIP64 too); None if not found."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return None
    size = int.from_bytes(data[end + 12 : end + 16], "little")
    if size == 0xFFFFFFFF:  # ZIP64: the size is in the ZIP64 end record before it
        end64 = data.rfind(b"PK\x06\x06", max(0, end - 65_557), end)
        if end64 < 0 or end64 + 48 > len(data):
            return None
        size = int.from_bytes(data[end64 + 40 : end64 + 48], "little")
    return size


def zip_kind(data: bytes) -> str:
    """'docx', or a description of the other ZIP-based format."""
    directory = _zip_directory_size(data)
    if directory is not None and directory > MAX_ZIP_DIRECTORY_BYTES:
        raise UnreadableDocument(
            f"a ZIP container whose central directory is {directory} bytes (more than "
            f"{_mib(MAX_ZIP_DIRECTORY_BYTES)}, or {MAX_ZIP_MEMBERS} members); not read"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise UnreadableDocument(f"a damaged ZIP container (truncated DOCX/OFD?): {exc}") from exc
    if "word/document.xml" in names:
        return "docx"
    if "OFD.xml" in names:
        return "ofd"
    if any(n.startswith("xl/") for n in names):
        return "an Excel XLSX workbook (not supported)"
    return "a ZIP archive (unpack it and parse the documents inside)"


# --- PDF ---------------------------------------------------------------------------------------------


# pypdf builds a Font, parsing its ToUnicode CMap, for every font of every page, although the pages of a document
# share their font objects: half of a report PDF's extraction time. One document's fonts are kept here while it is
# read (a context variable: parse threads each read their own document).
_pdf_fonts: ContextVar[dict[int, tuple[object, object]] | None] = ContextVar("gx_pdf_fonts", default=None)


@functools.cache
def _install_pdf_font_cache() -> bool:
    """Have pypdf's page text extraction build each font object once per document (and only while `read_pdf`
    runs). Returns False, leaving pypdf as it is, when pypdf no longer looks the way this was written for."""
    try:
        from pypdf import _page
        from pypdf.generic._font import Font
    except ImportError:
        return False
    if getattr(_page, "Font", None) is not Font or not callable(getattr(Font, "from_font_resource", None)):
        return False

    class DocumentFont(Font):
        @classmethod
        def from_font_resource(cls, pdf_font_dict: DictionaryObject) -> Font:
            cache = _pdf_fonts.get()
            if cache is None:
                return Font.from_font_resource(pdf_font_dict)
            hit = cache.get(id(pdf_font_dict))
            if hit is not None and hit[0] is pdf_font_dict:  # the object is kept in the cache: its id is not reused
                return hit[1]  # type: ignore[return-value]
            font = Font.from_font_resource(pdf_font_dict)
            cache[id(pdf_font_dict)] = (pdf_font_dict, font)
            return font

    _page.Font = DocumentFont  # type: ignore[attr-defined]  # pypdf._page does not re-export Font
    return True


@contextmanager
def _document_fonts() -> Iterator[None]:
    token = _pdf_fonts.set({})
    try:
        yield
    finally:
        _pdf_fonts.reset(token)


#: pages read of one PDF (reports have 5-60); the rest are left out with an issue
MAX_PDF_PAGES = 1000
#: decoded bytes of one PDF stream (pypdf's own default is 75 MB; a report page's content stream is < 1 MB)
MAX_PDF_STREAM_BYTES = 32 * 1024 * 1024


@contextmanager
def _pdf_limits() -> Iterator[None]:
    """pypdf's decompression limits, lowered, for this context only (pypdf without Configuration: its own)."""
    try:
        from pypdf import apply_configuration
    except ImportError:
        yield
        return
    limits = dict.fromkeys(
        (
            "zlib_maximum_output_length",
            "lzw_maximum_output_length",
            "run_length_maximum_output_length",
            "brotli_maximum_output_length",
            "array_based_stream_maximum_output_length",
        ),
        MAX_PDF_STREAM_BYTES,
    )
    from pypdf import Configuration

    known = {k: v for k, v in limits.items() if hasattr(Configuration, k)}
    with apply_configuration(None, **known):
        yield


def read_pdf(data: bytes) -> DocumentText:
    """A PDF's text, with its ruled tables as HTML tables when pdfplumber finds any (see `read_pdf_layout`),
    else the plain text pypdf extracts."""
    if _has_rules(data):
        layout = read_pdf_layout(data)
        if layout is not None:
            return layout
    return read_pdf_text(data)


_PATH_OP = re.compile(rb"\s(?:re|l)\s")
#: path operators (lines, rectangles) on one page that make a ruled table worth looking for
RULED_PAGE_OPS = 12


def _has_rules(data: bytes) -> bool:
    """Does some page draw lines or rectangles (a ruled table)? A cheap look at the content streams, so
    that PDFs of plain text never pay for pdfminer's layout analysis."""
    from pypdf import PdfReader

    try:
        for page in PdfReader(io.BytesIO(data)).pages:
            contents = page.get_contents()
            if contents is not None and len(_PATH_OP.findall(contents.get_data())) >= RULED_PAGE_OPS:
                return True
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - a damaged file: read_pdf_text gives the error message
        return False
    return False


def read_pdf_text(data: bytes) -> DocumentText:
    """The PDF's text as pypdf extracts it: a table row's cells on one line, wherever they were."""
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    issues: list[str] = []
    try:
        with _pdf_limits():
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise UnreadableDocument("an encrypted PDF that needs a password")
            _install_pdf_font_cache()
            count = len(reader.pages)
            if count > MAX_PDF_PAGES:
                issues.append(f"document: the PDF has {count} pages; only the first {MAX_PDF_PAGES} read")
            pages: list[str] = []
            with _document_fonts():
                for number in range(min(count, MAX_PDF_PAGES)):
                    try:
                        pages.append(reader.pages[number].extract_text() or "")
                    except LimitReachedError as exc:  # a decompression bomb in this page's streams
                        issues.append(f"document: PDF page {number + 1} is over pypdf's limits ({exc}); not read")
            info = reader.metadata
            title = (info.title or None) if info else None
    except UnreadableDocument:
        raise
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        OSError,
        RecursionError,
        NotImplementedError,
        AssertionError,
        zlib.error,
    ) as exc:
        raise UnreadableDocument(f"a PDF that pypdf cannot read ({type(exc).__name__}: {exc})") from exc
    text = "\n".join(p.strip("\n") for p in pages)
    return DocumentText(
        text=text, body_html=None, title=title if isinstance(title, str) else None, issues=tuple(issues)
    )


# Page furniture outside tables: a page number line ("- 3 -", "第3页", "3/10", "第 3 页 共 10 页").
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[/,，]?\s*共\s*\d{1,4}\s*页)?|"
    r"\d{1,4}\s*/\s*\d{1,4}|\d{1,4}|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)\s*$"
)
#: a character this much smaller than its neighbour and raised above its baseline is a superscript
#: (a footnote marker), not part of the number or label beside it
_SUPERSCRIPT_SIZE = 0.85
PDF_LAYOUT_MAX_PAGES = 200


def _drop_superscripts(chars: list[dict[str, Any]]) -> set[int]:
    """ids of the chars that are superscripts: smaller than the char printed just before or after them (in
    the content stream, which is writing order), beside it, and raised above its baseline."""
    out: set[int] = set()
    for i, ch in enumerate(chars):
        for j in (i - 1, i + 1):
            if not 0 <= j < len(chars):
                continue
            other = chars[j]
            size = other["size"]
            if (
                ch["size"] <= _SUPERSCRIPT_SIZE * size
                and ch["bottom"] < other["bottom"] - 0.15 * size
                and ch["top"] >= other["top"] - 0.6 * size
                and not other["text"].isspace()
                and (abs(ch["x0"] - other["x1"]) < size or abs(other["x0"] - ch["x1"]) < size)
            ):
                out.add(id(ch))
                break
    return out


def _pdf_table_html(table: Table, last_header: list[str]) -> str:
    """A pdfplumber table as an HTML table with rowspan/colspan taken from the cells' geometry.

    A table continued on the next page repeats its header rows: rows equal to the first rows of the table
    before (`last_header`, updated here) are left out."""
    rows = table.rows
    texts = table.extract()
    xs = sorted({round(v, 1) for row in rows for cell in row.cells if cell for v in (cell[0], cell[2])})
    ys = sorted({round(v, 1) for row in rows for cell in row.cells if cell for v in (cell[1], cell[3])})

    def index(values: list[float], v: float) -> int:
        v = round(v, 1)
        return min(range(len(values)), key=lambda i: abs(values[i] - v))

    # the cells' text only: a continuation may find fewer grid columns (no row there needs them)
    lines = ["|".join(" ".join(t.split()) for t in row if t and t.strip()) for row in texts]
    repeated = 0
    while repeated < min(len(lines), len(last_header)) and lines[repeated] == last_header[repeated]:
        repeated += 1
    if not repeated:
        last_header[:] = lines[:4]
    containers = _containing_cells([cell for row in rows for cell in row.cells if cell])
    out: list[str] = ["<table>"]
    for r, row in enumerate(rows):
        if r < repeated:
            continue
        out.append("<tr>")
        for c, cell in enumerate(row.cells):
            if cell is None:
                continue
            colspan = max(1, index(xs, cell[2]) - index(xs, cell[0]))
            rowspan = max(1, index(ys, cell[3]) - index(ys, cell[1]))
            attrs = (f' colspan="{colspan}"' if colspan > 1 else "") + (f' rowspan="{rowspan}"' if rowspan > 1 else "")
            # a cell drawn around other cells (a rule the table finder missed) holds their text run together
            text = "" if cell in containers else html.escape(" ".join((texts[r][c] or "").split()), quote=False)
            out.append(f"<td{attrs}>{text}</td>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def _containing_cells(cells: list[tuple[float, float, float, float]]) -> set[tuple[float, float, float, float]]:
    """Cells (x0, top, x1, bottom) with another cell of the table inside them. A real cell never holds another;
    pdfplumber makes such a cell where an inner rule is missing, and its text is that of every cell inside it."""
    slack = 0.5
    out = set()
    for outer in cells:
        for inner in cells:
            if (
                inner != outer
                and inner[0] >= outer[0] - slack
                and inner[1] >= outer[1] - slack
                and inner[2] <= outer[2] + slack
                and inner[3] <= outer[3] + slack
            ):
                out.add(outer)
                break
    return out


def _text_html(text: str) -> list[str]:
    return [
        f"<p>{html.escape(line.strip(), quote=False)}</p>"
        for line in text.split("\n")
        if line.strip() and not _PAGE_NUMBER.match(line)
    ]


def read_pdf_layout(data: bytes) -> DocumentText | None:
    """The PDF read with its page geometry (pdfplumber on pdfminer.six): ruled tables become HTML tables cell
    by cell (a value sits in the column its cell is in, whatever else is on the line: a wrapped label, a
    page number, a footnote marker), the text around them paragraphs, page numbers dropped.

    None when the PDF has no ruled table pdfplumber can find (the caller falls back to pypdf's text), when
    pdfplumber cannot read it, or beyond PDF_LAYOUT_MAX_PAGES pages."""
    try:
        import pdfplumber
        from pdfminer.pdfparser import PDFSyntaxError
        from pdfminer.psparser import PSException
    except ImportError:  # pragma: no cover - a dependency
        return None
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    parts: list[str] = ["<div>"]
    tables_found = 0
    last_header: list[str] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > PDF_LAYOUT_MAX_PAGES:
                return None
            info = pdf.metadata or {}
            for page in pdf.pages:
                supers = _drop_superscripts(page.chars)
                if supers:
                    page = page.filter(lambda obj: id(obj) not in supers)  # noqa: B023
                tables = sorted(page.find_tables(), key=lambda t: t.bbox[1])
                top = 0.0
                for table in tables:
                    x0, t_top, x1, t_bottom = table.bbox
                    if t_top > top:
                        parts.extend(_text_html(page.crop((0, top, page.width, t_top)).extract_text() or ""))
                    parts.append(_pdf_table_html(table, last_header))
                    top = max(top, t_bottom)
                    tables_found += 1
                if top < page.height:
                    parts.extend(_text_html(page.crop((0, top, page.width, page.height)).extract_text() or ""))
    except (PDFSyntaxError, PSException):
        return None
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - pdfminer raises many types on damaged or encrypted files: pypdf then reads it
        return None
    if not tables_found:
        return None
    parts.append("</div>")
    title = info.get("Title") if isinstance(info.get("Title"), str) else None
    return DocumentText(text=None, body_html="".join(parts), title=title or None)


# --- DOCX --------------------------------------------------------------------------------------------


def _run_text(p: etree._Element) -> str:
    """A paragraph's text as escaped HTML: w:t text, w:tab as space, w:br/w:cr as <br>."""
    out: list[str] = []
    walker = etree.iterwalk(p, events=("start",))
    for _event, el in walker:
        tag = el.tag
        if tag == _MC_FALLBACK or tag == _W + "tbl":
            walker.skip_subtree()
        elif tag == _W + "t":
            if el.text:
                out.append(html.escape(el.text, quote=False))
        elif tag == _W + "tab":
            out.append(" ")
        elif tag in (_W + "br", _W + "cr"):
            out.append("<br>")
    return "".join(out)


def _attr(el: etree._Element | None, name: str) -> str | None:
    return None if el is None else el.get(_W + name)


#: grid columns one Word cell may span or skip (Word's own maximum is 63 columns)
MAX_DOCX_SPAN = 64


def _int_attr(el: etree._Element | None, name: str, default: int, low: int) -> int:
    """An integer attribute (gridSpan, gridBefore) within [low, MAX_DOCX_SPAN]; `default` when absent or no number."""
    value = _attr(el, name)
    try:
        number = int(value) if value else default
    except ValueError:
        number = default
    return max(low, min(number, MAX_DOCX_SPAN))


def _block_html(container: etree._Element, out: list[str]) -> None:
    for child in container.iterchildren():
        tag = child.tag
        if tag == _W + "p":
            text = _run_text(child)
            if text.strip():
                out.append(f"<p>{text}</p>")
        elif tag == _W + "tbl":
            _table_html(child, out)
        elif tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                _block_html(content, out)


def _table_html(tbl: etree._Element, out: list[str]) -> None:
    """A Word table as an HTML table with real rowspan/colspan (vMerge/gridSpan)."""
    rows: list[list[tuple[int, int, str | None, etree._Element]]] = []
    for tr in tbl.iterchildren(_W + "tr"):
        tr_pr = tr.find(_W + "trPr")
        col = _int_attr(tr_pr.find(_W + "gridBefore") if tr_pr is not None else None, "val", 0, 0)
        cells = []
        for tc in tr.iter(_W + "tc"):
            if (parent := tc.getparent()) is not tr and parent is not None and parent.tag != _W + "sdtContent":
                continue
            tc_pr = tc.find(_W + "tcPr")
            span = _int_attr(tc_pr.find(_W + "gridSpan") if tc_pr is not None else None, "val", 1, 1)
            vmerge_el = tc_pr.find(_W + "vMerge") if tc_pr is not None else None
            vmerge = None if vmerge_el is None else (_attr(vmerge_el, "val") or "continue")
            cells.append((col, span, vmerge, tc))
            col += max(span, 1)
        rows.append(cells)
    continues = {(r, col) for r, cells in enumerate(rows) for col, _s, vm, _tc in cells if vm == "continue"}
    out.append("<table>")
    for r, cells in enumerate(rows):
        out.append("<tr>")
        for col, span, vmerge, tc in cells:
            if vmerge == "continue":
                continue
            rowspan = 1
            if vmerge == "restart":
                while (r + rowspan, col) in continues:
                    rowspan += 1
            attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{span}"' if span > 1 else "")
            inner: list[str] = []
            _block_html(tc, inner)
            out.append(f"<td{attrs}>{''.join(inner)}</td>")
        out.append("</tr>")
    out.append("</table>")


def _open_zip(data: bytes, what: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise UnreadableDocument(f"a damaged ZIP container (truncated {what}?): {exc}") from exc


def read_docx(data: bytes) -> DocumentText:
    import docx

    try:
        with _open_zip(data, "DOCX") as archive:
            check_zip(archive, "DOCX")
    except ZipTooLarge as exc:
        return _too_large(exc)
    try:
        document = docx.Document(io.BytesIO(data))
    except MemoryError:
        raise
    except Exception as exc:  # python-docx raises many types for a damaged package
        raise UnreadableDocument(f"a DOCX that python-docx cannot open ({type(exc).__name__}: {exc})") from exc
    body = document.element.find(_W + "body")  # None when the main part is no WordprocessingML (wrong namespace)
    if body is None:
        raise UnreadableDocument("a DOCX whose main document part has no WordprocessingML body")
    out: list[str] = ["<div>"]
    _block_html(body, out)
    out.append("</div>")
    return DocumentText(text=None, body_html="".join(out), title=_docx_title(document))


def _docx_title(document: Document) -> str | None:
    """The core properties' title; None when the core part is missing or damaged (python-docx then raises
    AttributeError, ValueError, ... when the property is read, not when the document is opened)."""
    try:
        title = document.core_properties.title
    except Exception:  # the title is a hint: a damaged core part costs the hint, not the document
        return None
    return title if isinstance(title, str) and title else None


# --- OFD (GB/T 33190: a ZIP of XML pages) ---------------------------------------------------------------


def _xml(archive: zipfile.ZipFile, name: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        return etree.fromstring(archive.read(name), parser)
    except etree.XMLSyntaxError as exc:
        raise_if_out_of_memory(exc)
        raise


def _first_text(root: etree._Element, local_name: str) -> str | None:
    found = next(root.iter(f"{{*}}{local_name}"), None)
    return found.text.strip() if found is not None and found.text else None


def _number(value: str | None, default: float) -> float:
    """An OFD coordinate or size; `default` when absent, no number, or not finite."""
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        return default
    return number if math.isfinite(number) else default


def _ofd_page_lines(content: etree._Element) -> list[str]:
    """Text objects of one page as lines: sorted by baseline, then x; a gap wider than a character -> tab."""
    runs: list[tuple[float, float, float, str]] = []
    for obj in content.iter("{*}TextObject"):
        box = (obj.get("Boundary") or "").split()  # "x y w h"; a short or damaged box counts as 0
        x0 = _number(box[0], 0.0) if box else 0.0
        y0 = _number(box[1], 0.0) if len(box) > 1 else 0.0
        size = _number(obj.get("Size"), 3.5)
        for code in obj.iter("{*}TextCode"):
            text = "".join(code.itertext())
            if text:
                runs.append((round(y0 + _number(code.get("Y"), 0.0), 1), x0 + _number(code.get("X"), 0.0), size, text))
    runs.sort()
    lines: list[str] = []
    current_y: float | None = None
    parts: list[str] = []
    end_x = 0.0
    for y, x, size, text in runs:
        if current_y is None or abs(y - current_y) > size / 2:
            if parts:
                lines.append("".join(parts))
            parts, current_y = [text], y
        else:
            parts.append(("\t" if x - end_x > size else "") + text)
        end_x = x + len(text) * size
    if parts:
        lines.append("".join(parts))
    return lines


def read_ofd(data: bytes) -> DocumentText:
    issues: list[str] = []
    try:
        with _open_zip(data, "OFD") as archive:
            check_zip(archive, "OFD")
            ofd = _xml(archive, "OFD.xml")
            doc_root = (_first_text(ofd, "DocRoot") or "Doc_0/Document.xml").lstrip("/")
            document = _xml(archive, doc_root)
            lines: list[str] = []
            parsed = 0  # page XML bytes parsed: pages may all name one large member
            for page in document.iter("{*}Page"):
                base = page.get("BaseLoc")
                if not base:
                    continue
                path = base.lstrip("/") if base.startswith("/") else posixpath.join(posixpath.dirname(doc_root), base)
                name = posixpath.normpath(path)
                parsed += archive.getinfo(name).file_size
                if parsed > MAX_ZIP_TOTAL_BYTES:
                    issues.append(
                        f"document: the OFD's pages add up to more than {_mib(MAX_ZIP_TOTAL_BYTES)} of "
                        f"XML (at page {name!r}); the rest not read"
                    )
                    break
                lines.extend(_ofd_page_lines(_xml(archive, name)))
            title = _first_text(ofd, "Title")
    except ZipTooLarge as exc:
        return _too_large(exc)
    except UnreadableDocument:
        raise
    except (
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        etree.XMLSyntaxError,
        OSError,
        EOFError,
        zlib.error,
        NotImplementedError,
        RuntimeError,
    ) as exc:  # RuntimeError: an encrypted member
        raise UnreadableDocument(f"an OFD document gxcrawl cannot read ({type(exc).__name__}: {exc})") from exc
    return DocumentText(text="\n".join(lines), body_html=None, title=title, issues=tuple(issues))


# --- DOC (OLE) -----------------------------------------------------------------------------------------


def read_doc(data: bytes) -> DocumentText:
    exe = shutil.which("antiword")
    if exe is None:
        raise UnreadableDocument(
            "a legacy Word .doc (OLE) file: reading it needs the 'antiword' program "
            "(Debian/Ubuntu: apt-get install antiword)"
        )
    with tempfile.NamedTemporaryFile(suffix=".doc") as handle:
        handle.write(data)
        handle.flush()
        try:
            proc = subprocess.run(
                [exe, "-m", "UTF-8.txt", "-w", "0", handle.name],
                capture_output=True,
                timeout=ANTIWORD_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise UnreadableDocument(
                f"antiword did not finish reading the .doc within {ANTIWORD_TIMEOUT_S:.0f} s"
            ) from exc
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        if proc.returncode < 0:
            detail = f"antiword crashed (signal {-proc.returncode})"
        else:
            detail = message[-1] if message else f"exit status {proc.returncode}"
        raise UnreadableDocument(
            f"an OLE file antiword cannot read as a Word document (WPS/XLS/damaged .doc?): {detail}"
        )
    text = proc.stdout.decode("utf-8", "replace")
    return DocumentText(text=text, body_html=None, title=None)
