"""Fuzzing: mutated HTML, text, DOCX, OFD and PDF bytes (and str with control characters and lone surrogates) never
make the parser raise anything but a one-line UnreadableDocument, and every record it returns is schema-valid and
made without the last-resort guard (its issue would name an internal error)."""

from __future__ import annotations

import io
import json
import zipfile
from functools import cache
from pathlib import Path

import jsonschema
from hostile_support import LINES, TITLE, docx, members, ofd, rezip
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gxcrawl.demo.docfiles import make_pdf
from gxcrawl.report import INTERNAL_ERROR, UnreadableDocument, parse_report_and_text

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "gxcrawl" / "schemas" / "report.schema.json").read_text())
SEEDS = Path(__file__).parent / "fixtures" / "seeds"
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# values that broke readers before: short boxes, words for numbers, huge and negative spans, controls
HOSTILE = [
    "5",
    "abc",
    "-1",
    "0",
    "99999999999999999999",
    "nan",
    "inf",
    "1e999",
    "",
    " ",
    "\x01",
    "\ufffe",
    '"',
    "<",
    "&#0;",
    "&#xD800;",
    "]]>",
    "rowspan=999999",
    "colspan=-5",
    "<table>",
    "</tr>",
    "<td rowspan=64>",
    "一、",
    "二、主动公开政府信息情况",
    "\t",
    "\n",
]


@cache
def _documents() -> dict[str, bytes]:
    html = min((SEEDS / "html").glob("*.html"), key=lambda p: p.stat().st_size).read_bytes()
    text = min(SEEDS.glob("*.txt"), key=lambda p: p.stat().st_size).read_bytes()
    return {"html": html, "text": text, "docx": docx(), "ofd": ofd(), "pdf": make_pdf(LINES, title=TITLE)}


def _check(data: bytes | str, url: str) -> None:
    try:
        record, text = parse_report_and_text(data, url=url)
    except UnreadableDocument as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    jsonschema.validate(record, SCHEMA)
    assert not [i for i in record["issues"] if i.startswith(INTERNAL_ERROR)], record["issues"]
    json.dumps(record, ensure_ascii=False).encode("utf-8")
    text.encode("utf-8")


@st.composite
def byte_mutations(draw: st.DrawFn, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "repeat", "token"]))
        at = draw(st.integers(0, max(len(out) - 1, 0)))
        if op == "flip" and out:
            out[at] ^= draw(st.integers(1, 255))
        elif op == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif op == "delete":
            del out[at : at + draw(st.integers(1, 64))]
        elif op == "truncate":
            del out[at:]
        elif op == "repeat":
            out[at:at] = bytes(out[at : at + draw(st.integers(1, 256))]) * draw(st.integers(2, 20))
        else:
            out[at:at] = draw(st.sampled_from(HOSTILE)).encode("utf-8", "surrogatepass")
    return bytes(out)


@st.composite
def xml_mutations(draw: st.DrawFn, xml: str) -> str:
    """Attribute values and text of an XML member replaced or interleaved with hostile values."""
    for _ in range(draw(st.integers(1, 4))):
        quotes = [i for i, ch in enumerate(xml) if ch == '"']
        if len(quotes) >= 2 and draw(st.booleans()):
            k = draw(st.integers(0, len(quotes) // 2 - 1)) * 2
            start, end = quotes[k], quotes[k + 1]
            value = draw(st.sampled_from(HOSTILE)).replace('"', "'").replace("<", "&lt;")
            xml = xml[: start + 1] + value + xml[end:]
        else:
            at = draw(st.integers(0, len(xml)))
            xml = xml[:at] + draw(st.sampled_from(HOSTILE)) + xml[at:]
    return xml


@FUZZ
@given(st.data())
def test_mutated_bytes_of_every_format(data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(sorted(_documents())))
    mutated = data.draw(byte_mutations(_documents()[kind]))
    _check(mutated, f"https://www.example.gov.cn/files/report.{kind}")


@FUZZ
@given(st.data())
def test_mutated_members_of_docx_and_ofd(data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(["docx", "ofd"]))
    original = _documents()[kind]
    parts = members(original)
    name = data.draw(st.sampled_from(sorted(n for n in parts if n.endswith((".xml", ".rels")))))
    xml = data.draw(xml_mutations(parts[name].decode("utf-8")))
    mutated = rezip(original, {name: xml.encode("utf-8", "surrogatepass")})
    _check(mutated, f"https://www.example.gov.cn/files/report.{kind}")


@FUZZ
@given(st.data())
def test_mutated_zip_headers(data: st.DataObject) -> None:
    """Sizes, methods and flags of the local and central headers: zipfile's own errors must not escape."""
    kind = data.draw(st.sampled_from(["docx", "ofd"]))
    out = bytearray(_documents()[kind])
    with zipfile.ZipFile(io.BytesIO(bytes(out))) as archive:
        offsets = [info.header_offset for info in archive.infolist()]
    central = out.find(b"PK\x01\x02")
    for _ in range(data.draw(st.integers(1, 4))):
        base = data.draw(st.sampled_from(offsets + [central]))
        at = base + data.draw(st.integers(4, 45))
        if at < len(out):
            out[at] = data.draw(st.integers(0, 255))
    _check(bytes(out), f"https://www.example.gov.cn/files/report.{kind}")


@FUZZ
@given(st.data())
def test_str_input_with_controls_and_surrogates(data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(["html", "text"]))
    text = _documents()[kind].decode("utf-8", "replace")
    pieces = st.sampled_from(HOSTILE + ["\ud800", "\udcff", "\x00", "\x0b\x0c", "\x1b", "\u2028"])
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, len(text)))
        text = text[:at] + data.draw(pieces) + text[at:]
    _check(text, None if data.draw(st.booleans()) else f"https://www.example.gov.cn/r.{kind}")
