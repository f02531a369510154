"""Hostile documents built on the spot: zip bombs, PDF bombs, damaged members (for the parser's hardening tests)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable

from gxcrawl.demo.docfiles import Cell, Table, make_docx, make_ofd

TITLE = "某市某局2021年政府信息公开工作年度报告"
LINES = [TITLE, "一、总体情况", "本年度主动公开政府信息1268条。", "二、主动公开政府信息情况"]


def docx() -> bytes:
    table = Table(rows=[[Cell("信息内容", colspan=2)], [Cell("规章"), Cell("3")]])
    return make_docx(["\n".join(LINES), table], title=TITLE)


def ofd() -> bytes:
    return make_ofd(LINES, title=TITLE)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(
    data: bytes, replace: dict[str, bytes | Callable[[io.BufferedWriter], None]] | None = None, *, extra: int = 0
) -> bytes:
    """`data`'s members again, some replaced or added: by bytes, or by a function that streams a member's content
    into the archive (a bomb need not be held in memory); `extra` tiny members added."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        for name in names + [n for n in replace if n not in names]:
            new = replace[name] if name in replace else src.read(name)
            target = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            target.compress_type = zipfile.ZIP_DEFLATED
            if callable(new):
                with dst.open(target, "w", force_zip64=True) as member:
                    new(member)
            else:
                dst.writestr(target, new)
        for n in range(extra):
            dst.writestr(f"extra/{n}.txt", b"x")
    return out.getvalue()


def spaces(size: int) -> Callable[[io.BufferedWriter], None]:
    """A member of `size` bytes of blanks after an XML declaration: deflates about 1000:1."""

    def write(member: io.BufferedWriter) -> None:
        member.write(b'<?xml version="1.0"?>\n<x>')
        chunk = b" " * (1024 * 1024)
        left = size
        while left > 0:
            member.write(chunk[:left])
            left -= len(chunk)
        member.write(b"</x>")

    return write


def declare_size(data: bytes, name: str, size: int) -> bytes:
    """`data` with the central directory's decoded size of member `name` set to `size` (a lie)."""
    raw = bytearray(data)
    encoded = name.encode()
    at = raw.find(b"PK\x01\x02")
    while at >= 0:
        name_len = struct.unpack_from("<H", raw, at + 28)[0]
        if raw[at + 46 : at + 46 + name_len] == encoded:
            struct.pack_into("<I", raw, at + 24, size)
        at = raw.find(b"PK\x01\x02", at + 4)
    return bytes(raw)


def set_method(data: bytes, name: str, method: int) -> bytes:
    """`data` with member `name`'s compression method set to `method` (in its local and central headers)."""
    raw = bytearray(data)
    encoded = name.encode()
    for signature, method_at, name_at in ((b"PK\x03\x04", 8, 30), (b"PK\x01\x02", 10, 46)):
        at = raw.find(signature)
        while at >= 0:
            name_len = struct.unpack_from("<H", raw, at + (26 if name_at == 30 else 28))[0]
            if raw[at + name_at : at + name_at + name_len] == encoded:
                struct.pack_into("<H", raw, at + method_at, method)
            at = raw.find(signature, at + 4)
    return bytes(raw)


def corrupt_member(data: bytes, name: str) -> bytes:
    """`data` with the deflate stream of member `name` overwritten near its start (a zlib error on reading)."""
    raw = bytearray(data)
    encoded = name.encode()
    at = raw.find(b"PK\x03\x04")
    while at >= 0:
        name_len, extra_len = struct.unpack_from("<HH", raw, at + 26)
        if raw[at + 30 : at + 30 + name_len] == encoded:
            start = at + 30 + name_len + extra_len
            raw[start + 2 : start + 22] = b"\xff" * 20
            return bytes(raw)
        at = raw.find(b"PK\x03\x04", at + 4)
    raise KeyError(name)


def pdf(pages: list[bytes], *, compressed: dict[int, bytes] | None = None) -> bytes:
    """A PDF of one page per content stream in `pages` (Helvetica as /F1); `compressed[i]`: page i's stream is
    that FlateDecode data instead."""
    compressed = compressed or {}
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for number, content in enumerate(pages):
        if number in compressed:
            body = compressed[number]
            objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream")
        else:
            objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> "
            b">> /Contents %d 0 R >>" % len(objects)
        )
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % len(kids)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def text_page(text: str) -> bytes:
    return b"BT /F1 12 Tf 50 700 Td (" + text.encode("latin-1") + b") Tj ET"


def deflate_bomb(size: int) -> bytes:
    """`size` bytes of a PDF content stream (blanks) deflated: about 1000:1."""
    compressor = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    parts = [compressor.compress(chunk[: min(len(chunk), size - done)]) for done in range(0, size, len(chunk))]
    parts.append(compressor.flush())
    return b"".join(parts)
