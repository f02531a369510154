"""Real attachment files written with the standard library only: a text PDF, a DOCX and an OFD.

The PDF uses a Type0 font with Identity-H encoding (CID = Unicode code point) and a ToUnicode CMap,
so text extractors (pypdf, pdfminer) get the Chinese text back. The font is not embedded (viewers
substitute a CJK font); what matters here is that the text layer is real.

The DOCX is a minimal WordprocessingML package built from an HTML body fragment: paragraphs stay
paragraphs and `<table>`s become Word tables with gridSpan/vMerge for colspan/rowspan.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from xml.sax.saxutils import escape

# --- PDF ------------------------------------------------------------------------------------------------

_PAGE_W, _PAGE_H = 595, 842
_FONT_SIZE = 11
_LEADING = 16
_LINES_PER_PAGE = (_PAGE_H - 120) // _LEADING
_CHARS_PER_LINE = 40


def _to_unicode_cmap(codes: set[int]) -> bytes:
    """ToUnicode CMap for exactly the code points the document uses, as real subset fonts embed it
    (a whole-BMP map makes every extractor rebuild 60,000 entries per page: unrealistically slow)."""
    ranges: list[str] = []
    run: list[int] = []
    for code in sorted(codes) + [-1]:
        # a bfrange may not cross a change of the high byte
        if run and (code != run[-1] + 1 or code >> 8 != run[0] >> 8):
            ranges.append(f"<{run[0]:04X}> <{run[-1]:04X}> <{run[0]:04X}>")
            run = []
        if code >= 0:
            run.append(code)
    chunks = []
    for i in range(0, len(ranges), 100):
        part = ranges[i : i + 100]
        chunks.append(f"{len(part)} beginbfrange\n" + "\n".join(part) + "\nendbfrange")
    text = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(chunks)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    )
    return text.encode("ascii")


def _wrap(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        line = line.replace("\t", " ").rstrip()
        if not line:
            continue
        while len(line) > _CHARS_PER_LINE:
            out.append(line[:_CHARS_PER_LINE])
            line = line[_CHARS_PER_LINE:]
        out.append(line)
    return out


def _hex(text: str) -> str:
    # non-BMP characters cannot be one 2-byte CID; they do not occur in reports
    return "".join(f"{ord(ch):04X}" if ord(ch) <= 0xFFFF and not 0xD800 <= ord(ch) <= 0xDFFF else "3000" for ch in text)


def _pdf_string_utf16(text: str) -> str:
    return "<FEFF" + _hex(text) + ">"


def make_pdf(lines: list[str], *, title: str) -> bytes:
    """A PDF whose text layer holds `lines` (long lines wrapped), one page per ~45 lines."""
    wrapped = _wrap(lines) or [" "]
    pages = [wrapped[i : i + _LINES_PER_PAGE] for i in range(0, len(wrapped), _LINES_PER_PAGE)]
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below, once the page tree's number is known
    pages_obj = add(b"")
    cmap = _to_unicode_cmap({int(_hex(ch), 16) for line in wrapped for ch in line} | {0x3000})
    to_unicode = add(b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream")
    descriptor = add(
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"
    )
    cid_font = add(
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        b"/FontDescriptor %d 0 R /DW 1000 >>" % descriptor
    )
    font = add(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H "
        b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (cid_font, to_unicode)
    )
    page_ids = []
    for page_lines in pages:
        ops = [f"BT /F1 {_FONT_SIZE} Tf {_LEADING} TL 50 {_PAGE_H - 60} Td"]
        for line in page_lines:
            ops.append(f"<{_hex(line)}> Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("ascii")
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        page_ids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 %d 0 R >> >> "
                b"/Contents %d 0 R >>" % (pages_obj, _PAGE_W, _PAGE_H, font, content)
            )
        )
    info = add(("<< /Title " + _pdf_string_utf16(title) + " /Producer (gxcrawl demo portal) >>").encode("ascii"))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    kids = b" ".join(b"%d 0 R" % p for p in page_ids)
    objects[pages_obj - 1] = b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % len(page_ids)

    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, catalog, info, xref)
    )
    return out.getvalue()


# --- OFD (GB/T 33190, the national fixed-layout format) ------------------------------------------------------------

_OFD_NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


def make_ofd(lines: list[str], *, title: str) -> bytes:
    """A minimal OFD package: OFD.xml -> Document.xml -> one Content.xml per page of TextObjects."""
    wrapped = _wrap(lines) or [" "]
    per_page = 50
    pages = [wrapped[i : i + per_page] for i in range(0, len(wrapped), per_page)]
    files: dict[str, str] = {}
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    files["OFD.xml"] = (
        f'{head}<ofd:OFD {_OFD_NS} Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
        f"<ofd:DocID>{zlib.crc32(title.encode()):012d}</ofd:DocID><ofd:Title>{escape(title)}</ofd:Title>"
        "<ofd:Creator>gxcrawl demo portal</ofd:Creator></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
        "</ofd:DocBody></ofd:OFD>"
    )
    next_id = 10
    page_refs = []
    for n, page_lines in enumerate(pages):
        objs = []
        for k, line in enumerate(page_lines):
            next_id += 1
            y = 20 + k * 5
            objs.append(
                f'<ofd:TextObject ID="{next_id}" Boundary="20 {y} 170 5" Font="2" Size="3.5">'
                f'<ofd:TextCode X="0" Y="3.5">{escape(line)}</ofd:TextCode></ofd:TextObject>'
            )
        files[f"Doc_0/Pages/Page_{n}/Content.xml"] = (
            f'{head}<ofd:Page {_OFD_NS}><ofd:Content><ofd:Layer ID="{next_id + 1}">'
            + "".join(objs)
            + "</ofd:Layer></ofd:Content></ofd:Page>"
        )
        next_id += 1
        page_refs.append(f'<ofd:Page ID="{n + 3}" BaseLoc="Pages/Page_{n}/Content.xml"/>')
    files["Doc_0/Document.xml"] = (
        f"{head}<ofd:Document {_OFD_NS}><ofd:CommonData><ofd:MaxUnitID>{next_id}</ofd:MaxUnitID>"
        "<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
        "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData><ofd:Pages>"
        + "".join(page_refs)
        + "</ofd:Pages></ofd:Document>"
    )
    files["Doc_0/PublicRes.xml"] = (
        f'{head}<ofd:Res {_OFD_NS} BaseLoc="Res"><ofd:Fonts><ofd:Font ID="2" FontName="宋体" FamilyName="宋体"/>'
        "</ofd:Fonts></ofd:Res>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data.encode("utf-8"))
    return buf.getvalue()


# --- HTML fragment -> blocks ---------------------------------------------------------------------------------


@dataclass
class Cell:
    text: str = ""
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Table:
    rows: list[list[Cell]] = field(default_factory=list)


_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "pre", "tr"}
_VOID_TAGS = {"br", "img", "meta", "hr", "input", "link", "col", "wbr"}


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str | None]
    children: list[_Node | str] = field(default_factory=list)

    def has_table_inside(self) -> bool:
        return any(isinstance(c, _Node) and (c.tag == "table" or c.has_table_inside()) for c in self.children)

    def text(self) -> str:
        out = []
        for c in self.children:
            if isinstance(c, str):
                out.append(c)
            elif c.tag == "br":
                out.append("\n")
            else:
                out.append(c.text())
        return "".join(out)


class _TreeBuilder(HTMLParser):
    """A forgiving element tree (the fragment comes from our own renderers, but is CMS-shaped)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root", {})
        self._stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, dict(attrs))
        self._stack[-1].children.append(node)
        if tag not in _VOID_TAGS:
            self._stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._stack[-1].children.append(_Node(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._stack) - 1, 0, -1):
            if self._stack[i].tag == tag:
                del self._stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self._stack[-1].children.append(data)


def _int(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def _table(node: _Node) -> Table:
    table = Table()

    def rows(n: _Node) -> None:
        for c in n.children:
            if not isinstance(c, _Node):
                continue
            if c.tag == "tr":
                table.rows.append(
                    [
                        Cell(cell.text(), _int(cell.attrs.get("rowspan")), _int(cell.attrs.get("colspan")))
                        for cell in c.children
                        if isinstance(cell, _Node) and cell.tag in ("td", "th")
                    ]
                )
            elif c.tag in ("thead", "tbody", "tfoot"):
                rows(c)

    rows(node)
    return table


def html_blocks(fragment: str) -> list[str | Table]:
    """Paragraphs (str) and tables (Table) in document order.

    A table that holds another table is a layout wrapper (Word/CMS templates): it is walked through as if
    it were not there, so its paragraphs and inner tables keep their order.
    """
    builder = _TreeBuilder()
    builder.feed(fragment)
    builder.close()
    blocks: list[str | Table] = []
    para: list[str] = []

    def flush() -> None:
        text = "".join(para).strip()
        if text:
            blocks.append(text)
        para.clear()

    def walk(node: _Node) -> None:
        for c in node.children:
            if isinstance(c, str):
                para.append(c)
            elif c.tag == "br":
                para.append("\n")
            elif c.tag == "table" and not c.has_table_inside():
                flush()
                table = _table(c)
                if any(cell.text.strip() for row in table.rows for cell in row):
                    blocks.append(table)
            elif c.tag in _BLOCK_TAGS or c.tag in ("table", "td", "th"):
                flush()
                walk(c)
                flush()
            else:
                walk(c)

    walk(builder.root)
    flush()
    return blocks


def blocks_text_lines(blocks: list[str | Table]) -> list[str]:
    """Lines of text: paragraphs as they are; table cells one per line (the cell-per-line layout)."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    lines.append(" ".join(cell.text.split()))
        else:
            lines.extend(part.strip() for part in block.splitlines() if part.strip())
    return lines


# --- DOCX ------------------------------------------------------------------------------------------------------

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _run(text: str) -> str:
    parts = text.split("\n")
    runs = []
    for i, part in enumerate(parts):
        if i:
            runs.append("<w:r><w:br/></w:r>")
        runs.append(f'<w:r><w:t xml:space="preserve">{escape(part)}</w:t></w:r>')
    return "".join(runs)


def _paragraph(text: str) -> str:
    return f"<w:p>{_run(text)}</w:p>"


def _table_xml(table: Table) -> str:
    # lay the cells on a grid so rowspans become vMerge continuation cells
    grid: dict[tuple[int, int], tuple[str, Cell]] = {}
    width = 0
    for r, row in enumerate(table.rows):
        c = 0
        for cell in row:
            while (r, c) in grid:
                c += 1
            for dr in range(cell.rowspan):
                grid[(r + dr, c)] = ("start" if dr == 0 else "cont", cell)
                for dc in range(1, cell.colspan):
                    grid[(r + dr, c + dc)] = ("span", cell)
            c += cell.colspan
            width = max(width, c)
    nrows = max([r for r, _ in grid] + [len(table.rows) - 1]) + 1
    out = ["<w:tbl><w:tblPr><w:tblBorders>"]
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        out.append(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>')
    out.append("</w:tblBorders></w:tblPr><w:tblGrid>")
    out.extend('<w:gridCol w:w="1200"/>' for _ in range(width))
    out.append("</w:tblGrid>")
    for r in range(nrows):
        out.append("<w:tr>")
        c = 0
        while c < width:
            kind, cell = grid.get((r, c), ("empty", Cell()))
            if kind == "span":
                c += 1
                continue
            props = []
            if cell.colspan > 1 and kind != "empty":
                props.append(f'<w:gridSpan w:val="{cell.colspan}"/>')
            if cell.rowspan > 1 and kind == "start":
                props.append('<w:vMerge w:val="restart"/>')
            elif kind == "cont":
                props.append("<w:vMerge/>")
            text = cell.text.strip() if kind == "start" else ""
            out.append(f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr>{_paragraph(text)}</w:tc>")
            c += cell.colspan if kind != "empty" else 1
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def make_docx(blocks: list[str | Table], *, title: str) -> bytes:
    body = [_paragraph(title)]
    for block in blocks:
        if isinstance(block, Table):
            body.append(_table_xml(block))
            body.append("<w:p/>")
        else:
            body.extend(_paragraph(line) for line in block.splitlines() if line.strip())
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {_W}><w:body>'
        + "".join(body)
        + '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>'
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/>'
        '<Relationship Id="rId2" '
        'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
        'Target="docProps/core.xml"/>'
        "</Relationships>"
    )
    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>gxcrawl demo portal</dc:creator></cp:coreProperties>"
    )
    buf = io.BytesIO()
    # fixed timestamps keep the bytes deterministic for a given content
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in (
            ("[Content_Types].xml", content_types),
            ("_rels/.rels", rels),
            ("docProps/core.xml", core),
            ("word/document.xml", document),
        ):
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data.encode("utf-8"))
    return buf.getvalue()
