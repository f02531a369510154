"""Inputs that made exceptions escape the parser (found by fuzzing): each gives a record or a one-line
UnreadableDocument; a bug past them gives a record with an internal-error issue; `gxcrawl parse` goes on past a
bad file."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from hostile_support import TITLE, corrupt_member, docx, members, ofd, rezip

import gxcrawl.report as report
from gxcrawl.report import UnreadableDocument, parse_report, parse_report_and_text
from gxcrawl.report.cli import run_parse

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "gxcrawl" / "schemas" / "report.schema.json").read_text())
PAGE = (
    f"<html><head><meta charset='utf-8'><title>{TITLE}</title></head><body><div class='article'>"
    "<p>一、总体情况</p><p>本年度主动公开政府信息1268条。</p><p>二、主动公开政府信息情况</p></div></body></html>"
)


def _valid(record: dict) -> dict:
    jsonschema.validate(record, SCHEMA)
    assert not any(i.startswith(report.INTERNAL_ERROR) for i in record["issues"]), record["issues"]
    return record


def _ofd_page(edit) -> bytes:
    name = "Doc_0/Pages/Page_0/Content.xml"
    return rezip(ofd(), {name: edit(members(ofd())[name].decode()).encode()})


@pytest.mark.parametrize(
    "edit",
    [
        lambda x: x.replace('Boundary="20 20 170 5"', 'Boundary="5"'),
        lambda x: x.replace('Boundary="20 20 170 5"', ""),
        lambda x: x.replace('Boundary="20 20 170 5"', 'Boundary="a b c d"'),
        lambda x: x.replace('X="0"', 'X="abc"', 1).replace('Size="3.5"', 'Size="nan"', 1),
        lambda x: x.replace('Y="3.5"', 'Y="1e999"', 1),
    ],
    ids=["short-boundary", "no-boundary", "words", "bad-x-and-size", "infinite-y"],
)
def test_ofd_with_damaged_coordinates_is_still_read(edit) -> None:
    record = _valid(parse_report(_ofd_page(edit)))
    assert record["title"] == TITLE


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('w:gridSpan w:val="2"', 'w:gridSpan w:val="abc"'),
        ('w:gridSpan w:val="2"', 'w:gridSpan w:val="-7"'),
        ('w:gridSpan w:val="2"', 'w:gridSpan w:val="99999999999999999999"'),
        ("<w:tr>", '<w:tr><w:trPr><w:gridBefore w:val="x"/></w:trPr>'),
    ],
)
def test_docx_with_damaged_spans_is_still_read(old: str, new: str) -> None:
    document = members(docx())["word/document.xml"].decode()
    assert old in document
    record = _valid(parse_report(rezip(docx(), {"word/document.xml": document.replace(old, new, 1).encode()})))
    assert record["title"] == TITLE


@pytest.mark.parametrize(
    "core",
    [
        b'<?xml version="1.0"?><x/>',
        b'<?xml version="1.0"?><cp:coreProperties '
        b'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><b/></dc:title>'
        b"</cp:coreProperties>",
    ],
)
def test_docx_with_damaged_core_properties_loses_only_the_title_hint(core: bytes) -> None:
    record, text = parse_report_and_text(rezip(docx(), {"docProps/core.xml": core}))
    _valid(record)
    assert "1268" in text and record["title"] == TITLE  # the body is read, the title found in it


def test_docx_whose_core_properties_are_no_xml_is_a_clear_error() -> None:
    with pytest.raises(UnreadableDocument, match="python-docx") as caught:  # python-docx parses them on opening
        parse_report(rezip(docx(), {"docProps/core.xml": b"garbage"}))
    assert "\n" not in str(caught.value)


def test_ofd_member_with_a_broken_deflate_stream_is_a_clear_error() -> None:
    with pytest.raises(UnreadableDocument, match="Content.xml"):
        parse_report(corrupt_member(ofd(), "Doc_0/Pages/Page_0/Content.xml"))


@pytest.mark.parametrize(
    "page",
    [
        PAGE.replace("<title>", "<title>\x01\x08"),
        PAGE.replace("<title>", "<title>\x0b\x1f").replace("一、总体情况", "一、总体\x02情况"),
        PAGE.replace("</title>", "\ud800</title>").replace("1268条", "1268条\udcff"),
        "\ud83d" + PAGE,
        f"{TITLE}\n一、总体情况\ud800\n本年度主动公开政府信息1268条。\n",
    ],
)
def test_control_characters_and_lone_surrogates_in_str_input(page: str) -> None:
    record, text = parse_report_and_text(page)
    _valid(record)
    assert "一、总体" in text
    text.encode("utf-8")  # no surrogate survives


def test_an_unexpected_error_becomes_a_record_with_an_issue_and_is_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args, **_kwargs):
        raise KeyError("a bug in a later stage")

    monkeypatch.setattr(report, "read_report_tables", broken)
    with caplog.at_level(logging.ERROR, logger="gxcrawl.report"):
        record, text = parse_report_and_text(PAGE.encode(), url="https://www.example.gov.cn/r.html")
    jsonschema.validate(record, SCHEMA)
    assert record["issues"] == ["parser: internal error (KeyError) 'a bug in a later stage'"]
    assert record["text_sha256"] == report.text_sha256(text) and "1268" in text  # what loading got is kept
    assert any("r.html" in r.getMessage() and "internal error (KeyError)" in r.getMessage() for r in caplog.records)
    assert parse_report(PAGE.encode())["issues"] == record["issues"]


def test_memory_errors_and_wrong_argument_types_are_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def exhausted(*_args, **_kwargs):
        raise MemoryError

    monkeypatch.setattr(report, "read_report_tables", exhausted)
    with pytest.raises(MemoryError):
        parse_report(PAGE)
    with pytest.raises(TypeError):
        parse_report(12)  # type: ignore[arg-type]


def test_parse_cli_names_each_bad_file_and_parses_the_rest(tmp_path: Path) -> None:
    files = {
        "a.html": PAGE.encode(),
        "b.ofd": corrupt_member(ofd(), "Doc_0/Pages/Page_0/Content.xml"),
        "c.docx": rezip(docx(), {"docProps/core.xml": b'<?xml version="1.0"?><x/>'}),
        "d.jpg": b"\xff\xd8\xff\xe0" + bytes(range(256)) * 10,
        "e.html": PAGE.replace("<title>", "<title>\x01").encode("utf-8"),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    paths = [str(tmp_path / name) for name in files] + [str(tmp_path / "missing.html")]
    proc = subprocess.run(
        [sys.executable, "-m", "gxcrawl.cli", "parse", *paths], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert proc.returncode == 1
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [Path(r["source"]).name for r in records] == ["a.html", "c.docx", "e.html"]
    for record in records:
        jsonschema.validate({k: v for k, v in record.items() if k != "source"}, SCHEMA)
    # a file that parses but holds no report values is only noted; the failures are the other lines
    errors = [line for line in proc.stderr.strip().splitlines() if "no report values read" not in line]
    assert len(errors) == 3, proc.stderr
    for name, line in zip(["b.ofd", "d.jpg", "missing.html"], errors, strict=True):
        assert line.startswith("gxcrawl parse: ") and name in line
    assert "Traceback" not in proc.stderr


def test_parse_cli_goes_on_after_an_error_past_the_parser_s_guard(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import gxcrawl.report.cli as cli

    for name in ("a.html", "b.html", "c.html"):
        (tmp_path / name).write_text(PAGE, encoding="utf-8")

    def parse(data: bytes, *, url: str) -> dict:
        if url.endswith("b.html"):
            raise MemoryError("no room")
        return parse_report(data, url=url)

    monkeypatch.setattr(cli, "parse_report", parse)
    out, err = io.StringIO(), io.StringIO()
    code = run_parse([str(tmp_path / n) for n in ("a.html", "b.html", "c.html")], pretty=False, out=out, err=err)
    assert code == 1
    assert [Path(json.loads(line)["source"]).name for line in out.getvalue().splitlines()] == ["a.html", "c.html"]
    failures = [line for line in err.getvalue().splitlines() if "no report values read" not in line]
    assert failures == [f"gxcrawl parse: {tmp_path / 'b.html'}: cannot parse (MemoryError: no room)"]


def test_zip_that_needs_a_newer_zip_version_is_a_clear_error() -> None:
    data = bytearray(docx())
    central = data.find(b"PK\x01\x02")
    data[central + 6] = 64  # "version needed to extract": 6.4, which zipfile refuses on opening
    with pytest.raises(UnreadableDocument, match="ZIP"):
        parse_report(bytes(data))


def test_docx_whose_main_part_is_in_another_namespace_is_a_clear_error() -> None:
    document = members(docx())["word/document.xml"].decode()
    moved = document.replace('xmlns:w="http://', 'xmlns:w="urn:other:http://', 1)
    with pytest.raises(UnreadableDocument, match="WordprocessingML"):
        parse_report(rezip(docx(), {"word/document.xml": moved.encode()}))


@pytest.mark.parametrize("junk", [b"\x01", b"\x0c", b"\xef\xbf\xbe"])  # a control, a form feed, U+FFFE
def test_html_bytes_with_characters_lxml_refuses_in_text(junk: bytes) -> None:
    page = PAGE.encode().replace(b"<html>", junk + b"<html>").replace("本年度".encode(), junk + "本年度".encode())
    record, text = parse_report_and_text(page, url="https://www.example.gov.cn/r.html")
    _valid(record)
    assert "1268" in text
