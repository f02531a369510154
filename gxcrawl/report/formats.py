"""Document formats other than HTML and text: PDF (pypdf), DOCX (python-docx), legacy DOC (antiword).

Each reader returns plain values; `page.load_page` turns them into a `Page`. Unreadable input raises
`UnreadableDocument` with a message that says what the bytes were and what would read them.
"""

from __future__ import annotations

import functools
import html
import io
import logging
import posixpath
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from lxml import etree

from gxcrawl.report.errors import UnreadableDocument

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


def unsupported_binary(data: bytes) -> str | None:
    for magic, what in _UNSUPPORTED_MAGIC:
        if data.startswith(magic):
            return what
    return None


def zip_kind(data: bytes) -> str:
    """'docx', or a description of the other ZIP-based format."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
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
        def from_font_resource(cls, pdf_font_dict: object) -> Font:  # type: ignore[override]
            cache = _pdf_fonts.get()
            if cache is None:
                return Font.from_font_resource(pdf_font_dict)
            hit = cache.get(id(pdf_font_dict))
            if hit is not None and hit[0] is pdf_font_dict:  # the object is kept in the cache: its id is not reused
                return hit[1]  # type: ignore[return-value]
            font = Font.from_font_resource(pdf_font_dict)
            cache[id(pdf_font_dict)] = (pdf_font_dict, font)
            return font

    _page.Font = DocumentFont  # type: ignore[misc]
    return True


@contextmanager
def _document_fonts() -> Iterator[None]:
    token = _pdf_fonts.set({})
    try:
        yield
    finally:
        _pdf_fonts.reset(token)


def read_pdf(data: bytes) -> DocumentText:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableDocument("an encrypted PDF that needs a password")
        _install_pdf_font_cache()
        with _document_fonts():
            pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
        title = (info.title or None) if info else None
    except UnreadableDocument:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError,
            RecursionError, NotImplementedError, AssertionError) as exc:
        raise UnreadableDocument(f"a PDF that pypdf cannot read ({type(exc).__name__}: {exc})") from exc
    text = "\n".join(p.strip("\n") for p in pages)
    return DocumentText(text=text, body_html=None, title=title if isinstance(title, str) else None)


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
        col = int(_attr(tr_pr.find(_W + "gridBefore") if tr_pr is not None else None, "val") or 0)
        cells = []
        for tc in tr.iter(_W + "tc"):
            if tc.getparent() is not tr and tc.getparent().tag != _W + "sdtContent":
                continue
            tc_pr = tc.find(_W + "tcPr")
            span = int(_attr(tc_pr.find(_W + "gridSpan") if tc_pr is not None else None, "val") or 1)
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


def read_docx(data: bytes) -> DocumentText:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types for a damaged package
        raise UnreadableDocument(f"a DOCX that python-docx cannot open ({type(exc).__name__}: {exc})") from exc
    out: list[str] = ["<div>"]
    _block_html(document.element.body, out)
    out.append("</div>")
    title = document.core_properties.title or None
    return DocumentText(text=None, body_html="".join(out), title=title)


# --- OFD (GB/T 33190: a ZIP of XML pages) ---------------------------------------------------------------

_XML_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "remove_comments": True}


def _xml(archive: zipfile.ZipFile, name: str) -> etree._Element:
    return etree.fromstring(archive.read(name), etree.XMLParser(**_XML_PARSER_OPTIONS))


def _first_text(root: etree._Element, local_name: str) -> str | None:
    found = next(root.iter(f"{{*}}{local_name}"), None)
    return found.text.strip() if found is not None and found.text else None


def _ofd_page_lines(content: etree._Element) -> list[str]:
    """Text objects of one page as lines: sorted by baseline, then x; a gap wider than a character -> tab."""
    runs: list[tuple[float, float, float, str]] = []
    for obj in content.iter("{*}TextObject"):
        box = (obj.get("Boundary") or "0 0 0 0").split()
        x0, y0 = float(box[0]), float(box[1])
        size = float(obj.get("Size") or 3.5)
        for code in obj.iter("{*}TextCode"):
            text = "".join(code.itertext())
            if text:
                runs.append((round(y0 + float(code.get("Y") or 0), 1), x0 + float(code.get("X") or 0), size, text))
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
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            ofd = _xml(archive, "OFD.xml")
            doc_root = (_first_text(ofd, "DocRoot") or "Doc_0/Document.xml").lstrip("/")
            document = _xml(archive, doc_root)
            lines: list[str] = []
            for page in document.iter("{*}Page"):
                base = page.get("BaseLoc")
                if not base:
                    continue
                path = base.lstrip("/") if base.startswith("/") else posixpath.join(posixpath.dirname(doc_root), base)
                lines.extend(_ofd_page_lines(_xml(archive, posixpath.normpath(path))))
            title = _first_text(ofd, "Title")
    except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError, OSError) as exc:
        raise UnreadableDocument(f"an OFD document gxcrawl cannot read ({type(exc).__name__}: {exc})") from exc
    return DocumentText(text="\n".join(lines), body_html=None, title=title)


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
            raise UnreadableDocument(f"antiword did not finish reading the .doc within {ANTIWORD_TIMEOUT_S:.0f} s") from exc
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
