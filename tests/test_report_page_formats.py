"""PDF, DOCX and legacy DOC inputs of gxcrawl.report.page, built in the test from real writers/bytes."""

from __future__ import annotations

import io
import shutil
import struct
import zipfile

import docx
import pytest

from gxcrawl.report.errors import UnreadableDocument
from gxcrawl.report.page import load_page, sniff_kind

TITLE = "XX县人民政府2023年政府信息公开工作年度报告"


# --- PDF: a minimal valid PDF with a CID font (Identity-H) and a ToUnicode map, as PDF printers emit ---


def make_pdf(pages: list[list[str]], *, title: str | None = None) -> bytes:
    chars = sorted({c for page in pages for line in page for c in line})
    blocks = [chars[i : i + 100] for i in range(0, len(chars), 100)]
    bfchar = "\n".join(
        f"{len(b)} beginbfchar\n" + "\n".join(f"<{ord(c):04X}> <{ord(c):04X}>" for c in b) + "\nendbfchar"
        for b in blocks
    )
    cmap = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{bfchar}\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
    ).encode("ascii")

    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(data: bytes) -> bytes:
        return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"

    catalog = add(b"")  # filled below
    pages_obj = add(b"")
    descriptor = add(
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 4 /FontBBox [0 -200 1000 900] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>"
    )
    cid_font = add(
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        b"/FontDescriptor %d 0 R /DW 1000 >>" % descriptor
    )
    to_unicode = add(stream(cmap))
    font = add(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H "
        b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (cid_font, to_unicode)
    )
    page_ids = []
    for lines in pages:
        ops = [b"BT /F1 12 Tf 16 TL 50 800 Td"]
        for line in lines:
            ops.append(b"<" + "".join(f"{ord(c):04X}" for c in line).encode("ascii") + b"> Tj T*")
        ops.append(b"ET")
        content = add(stream(b"\n".join(ops)))
        page_ids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (pages_obj, content, font)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    kids = b" ".join(b"%d 0 R" % p for p in page_ids)
    objects[pages_obj - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))
    info = None
    if title:
        info = add(b"<< /Title <FEFF" + title.encode("utf-16-be").hex().upper().encode("ascii") + b"> >>")

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
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objects) + 1, catalog)
    if info:
        trailer += b" /Info %d 0 R" % info
    out.write(b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def test_pdf_text_per_page() -> None:
    data = make_pdf(
        [
            [TITLE, "一、总体情况", "本年度主动公开政府信息1268条。"],
            ["六、其他需要报告的事项", "本年度未收取信息处理费。"],
        ],
        title=TITLE,
    )
    page = load_page(data, url="http://x.gov.cn/P020240118.pdf", content_type="application/pdf")
    assert page.kind == "pdf"
    assert page.body_html is None and page.encoding is None
    lines = page.text.splitlines()
    assert lines[0] == TITLE
    assert "一、总体情况" in lines and "六、其他需要报告的事项" in lines
    assert lines.index("一、总体情况") < lines.index("六、其他需要报告的事项")
    assert "本年度主动公开政府信息1268条。" in lines
    assert page.title == TITLE


def test_pdf_detected_by_magic_without_hints() -> None:
    data = make_pdf([[TITLE, "一、总体情况"]])
    assert sniff_kind(data) == "pdf"
    page = load_page(data)
    assert page.kind == "pdf" and page.title == TITLE  # from the first title-like line


def test_truncated_pdf_is_unreadable() -> None:
    data = make_pdf([[TITLE, "一、总体情况"]])
    with pytest.raises(UnreadableDocument, match="PDF"):
        load_page(data[:200], url="http://x.gov.cn/a.pdf")


# --- DOCX -------------------------------------------------------------------------------------------


def make_docx() -> bytes:
    document = docx.Document()
    document.core_properties.title = TITLE
    document.add_paragraph(TITLE)
    document.add_paragraph("一、总体情况")
    document.add_paragraph("全年主动公开政府信息1268条。")
    document.add_paragraph("二、主动公开政府信息情况")
    table = document.add_table(rows=4, cols=4)
    table.cell(0, 0).merge(table.cell(0, 3)).text = "第二十条第（一）项"
    header = ["信息内容", None, "本年废止件数", "现行有效件数"]
    for col, text in enumerate(header):
        if text:
            table.cell(1, col).text = text
    cell = table.cell(1, 1)
    cell.text = "本年新"
    cell.add_paragraph("制作数量")  # header text split over two paragraphs
    merged = table.cell(2, 0).merge(table.cell(3, 0))  # vertical merge (vMerge restart/continue)
    merged.text = "规章及规范性文件"
    for row, values in ((2, ("1", "0", "5")), (3, ("12", "3", "87"))):
        for col, value in enumerate(values, start=1):
            table.cell(row, col).text = value
    document.add_paragraph("六、其他需要报告的事项")
    document.add_paragraph("无。")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_body_html_has_real_merged_cells() -> None:
    page = load_page(make_docx(), url="http://x.gov.cn/files/nb.docx")
    assert page.kind == "docx"
    assert page.title == TITLE
    html = page.body_html
    assert html is not None
    assert '<td colspan="4">' in html
    assert '<td rowspan="2">' in html
    assert html.count("<tr>") == 4
    lines = page.text.splitlines()
    assert lines[0] == TITLE
    assert "第二十条第（一）项" in lines
    assert "信息内容\t本年新制作数量\t本年废止件数\t现行有效件数" in lines
    assert "规章及规范性文件\t1\t0\t5" in lines
    assert "12\t3\t87" in lines  # the continued merged cell is not repeated (the parser expands the grid)
    assert lines[-2:] == ["六、其他需要报告的事项", "无。"]


def test_damaged_docx_is_unreadable() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<not-xml")
    with pytest.raises(UnreadableDocument, match="DOCX"):
        load_page(buffer.getvalue())


def test_other_zip_formats_are_named() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(UnreadableDocument, match="XLSX"):
        load_page(buffer.getvalue(), url="http://x.gov.cn/a.xlsx")


# --- OFD ----------------------------------------------------------------------------------------------

OFD_NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


def make_ofd(pages: list[list[tuple[float, float, str]]], *, title: str) -> bytes:
    """An OFD package (GB/T 33190): OFD.xml -> Doc_0/Document.xml -> one Content.xml per page whose
    TextObjects are placed at (x, y) in millimetres."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "OFD.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {OFD_NS} Version="1.0" DocType="OFD"><ofd:DocBody>'
            f"<ofd:DocInfo><ofd:Title>{title}</ofd:Title></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
            "</ofd:DocBody></ofd:OFD>",
        )
        refs = "".join(f'<ofd:Page ID="{i + 1}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
        archive.writestr("Doc_0/Document.xml", f"<ofd:Document {OFD_NS}><ofd:Pages>{refs}</ofd:Pages></ofd:Document>")
        for i, runs in enumerate(pages):
            objects = "".join(
                f'<ofd:TextObject ID="{100 + n}" Boundary="{x} {y} 170 5" Font="2" Size="3.5">'
                f'<ofd:TextCode X="0" Y="3.5">{text}</ofd:TextCode></ofd:TextObject>'
                for n, (x, y, text) in enumerate(runs)
            )
            archive.writestr(
                f"Doc_0/Pages/Page_{i}/Content.xml",
                f'<ofd:Page {OFD_NS}><ofd:Content><ofd:Layer ID="1">{objects}</ofd:Layer></ofd:Content></ofd:Page>',
            )
    return buffer.getvalue()


def test_ofd_text_in_reading_order_with_table_cells_tab_separated() -> None:
    data = make_ofd(
        [
            [(20, 30, "一、总体情况"), (20, 20, TITLE), (20, 40, "规章"), (80, 40, "0"), (120, 40, "3")],
            [(20, 20, "六、其他需要报告的事项"), (20, 25, "无。")],
        ],
        title=TITLE,
    )
    page = load_page(data, url="http://x.gov.cn/P0202402142583820.ofd")
    assert page.kind == "ofd"
    assert page.text.splitlines() == [TITLE, "一、总体情况", "规章\t0\t3", "六、其他需要报告的事项", "无。"]
    assert page.title == TITLE


def test_damaged_ofd_is_unreadable() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("OFD.xml", "<ofd:OFD")
    with pytest.raises(UnreadableDocument, match="OFD"):
        load_page(buffer.getvalue(), url="http://x.gov.cn/a.ofd")


# --- DOC (OLE) ----------------------------------------------------------------------------------------


def make_ole(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (v3, 512-byte sectors). Streams are padded to the 4096-byte mini-stream
    cutoff so that all of them live in the regular FAT."""
    sector, end, free = 512, 0xFFFFFFFE, 0xFFFFFFFF
    sectors: list[bytes] = []
    fat: list[int] = []

    def place(payload: bytes) -> int:
        first = len(sectors)
        count = len(payload) // sector
        for i in range(count):
            sectors.append(payload[i * sector : (i + 1) * sector])
            fat.append(first + i + 1 if i + 1 < count else end)
        return first

    entries = [("Root Entry", 5, end, 0)]
    for name, payload in streams.items():
        padded = payload.ljust(max(4096, len(payload) + (-len(payload) % sector)), b"\0")
        entries.append((name, 2, place(padded), len(padded)))
    directory = b""
    for index, (name, kind, start, size) in enumerate(entries):
        encoded = (name + "\0").encode("utf-16-le")
        child = 1 if index == 0 and len(entries) > 1 else free
        right = index + 1 if 0 < index < len(entries) - 1 else free
        directory += (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(encoded), kind, 1, free, right, child)
            + b"\0" * 36
            + struct.pack("<IQ", start, size)
        )
    directory = directory.ljust(len(directory) + (-len(directory) % sector), b"\0")
    dir_first = place(directory)
    fat_first = len(sectors)
    fat.append(0xFFFFFFFD)
    assert len(fat) <= 128, "test documents are small"
    sectors.append(struct.pack("<128I", *(fat + [free] * (128 - len(fat)))))
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, dir_first, 0, 4096, end, 0, end, 0)
        + struct.pack("<109I", fat_first, *([free] * 108))
    )
    assert len(header) == 512
    return header + b"".join(sectors)


def test_ole_that_is_not_word_is_unreadable_with_a_clear_message() -> None:
    if shutil.which("antiword") is None:
        pytest.skip("antiword not installed (apt-get install antiword; .ci/run installs it)")
    data = make_ole({"Workbook": b"\x09\x08" + b"\0" * 600})
    assert sniff_kind(data) == "doc"
    with pytest.raises(UnreadableDocument, match="antiword"):
        load_page(data, url="http://x.gov.cn/a.doc")


def test_doc_without_antiword_names_the_fix(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty PATH: antiword cannot be found
    data = make_ole({"WordDocument": b"\xec\xa5" + b"\0" * 600})
    with pytest.raises(UnreadableDocument, match="apt-get install antiword"):
        load_page(data, url="http://x.gov.cn/a.doc")


def make_doc(paragraphs: list[str]) -> bytes:
    """A minimal Word 97 binary document: FIB, UTF-16 text, one-piece piece table (Clx), an empty
    stylesheet and one section, in an OLE container. Enough for antiword to read."""
    text = "\r".join(paragraphs) + "\r"
    encoded = text.encode("utf-16-le")
    fc_text = 0x800
    fib = bytearray(fc_text)
    struct.pack_into("<HH", fib, 0x00, 0xA5EC, 0x00C1)  # wIdent, nFib (Word 97)
    struct.pack_into("<H", fib, 0x0A, 0x0200)  # fWhichTblStm: tables live in "1Table"
    struct.pack_into("<II", fib, 0x18, fc_text, fc_text + len(encoded))  # fcMin, fcMac
    struct.pack_into("<H", fib, 0x20, 0x000E)  # csw
    struct.pack_into("<H", fib, 0x3E, 0x0016)  # cslw
    struct.pack_into("<I", fib, 0x40, fc_text + len(encoded))  # cbMac
    struct.pack_into("<I", fib, 0x4C, len(text))  # ccpText
    struct.pack_into("<H", fib, 0x9A, 0x005D)  # cbRgFcLcb
    table = bytearray()

    def put(offset: int, blob: bytes) -> None:
        struct.pack_into("<II", fib, offset, len(table), len(blob))
        table.extend(blob)

    put(0x00A2, struct.pack("<H", 18) + struct.pack("<HHHHHH3H", 0, 10, 0, 0, 0, 0, 0, 0, 0))  # STSH
    put(0x00CA, struct.pack("<II", 0, len(text)) + struct.pack("<HIHI", 0, 0xFFFFFFFF, 0, 0))  # PlcfSed
    pieces = struct.pack("<II", 0, len(text)) + struct.pack("<HIH", 0, fc_text, 0)  # uncompressed piece
    put(0x01A2, b"\x02" + struct.pack("<I", len(pieces)) + pieces)  # Clx with one Pcdt
    return make_ole({"WordDocument": bytes(fib) + encoded, "1Table": bytes(table)})


def test_doc_read_with_antiword() -> None:
    if shutil.which("antiword") is None:
        pytest.skip("antiword not installed (apt-get install antiword; .ci/run installs it)")
    data = make_doc([TITLE, "一、总体情况", "全年主动公开政府信息1268条。", "六、其他需要报告的事项", "无。"])
    page = load_page(data, url="http://x.gov.cn/files/nb.doc", content_type="application/msword")
    assert page.kind == "doc"
    lines = [line for line in page.text.splitlines() if line.strip()]
    assert lines == [TITLE, "一、总体情况", "全年主动公开政府信息1268条。", "六、其他需要报告的事项", "无。"]
    assert page.title == TITLE
