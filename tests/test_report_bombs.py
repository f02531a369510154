"""Zip bombs and PDF bombs in attachments, built by the tests: the parser checks sizes and ratios before it reads,
and returns a record whose issue names what it left out (no exception, no gigabytes)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from hostile_support import (
    corrupt_member,
    declare_size,
    deflate_bomb,
    docx,
    members,
    ofd,
    pdf,
    rezip,
    set_method,
    spaces,
    text_page,
)

from gxcrawl.report import UnreadableDocument, parse_report, report_text
from gxcrawl.report import formats as report_formats

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "gxcrawl" / "schemas" / "report.schema.json").read_text())


def _record_with_issue(data: bytes, *words: str) -> dict:
    record = parse_report(data, url="https://www.example.gov.cn/files/report.bin")
    jsonschema.validate(record, SCHEMA)
    assert any(all(w in issue for w in words) for issue in record["issues"]), record["issues"]
    return record


def test_the_documents_read_as_they_are() -> None:
    for data in (docx(), ofd()):
        record = parse_report(data)
        assert record["title"] and "年度报告" in record["title"]
        # a short document with no tables is said to be no report, but nothing of its container is refused
        assert not [issue for issue in record["issues"] if "member" in issue or "not read" in issue], record["issues"]


@pytest.mark.parametrize(("build", "member"), [(docx, "word/document.xml"), (ofd, "Doc_0/Pages/Page_0/Content.xml")])
def test_a_member_that_decodes_a_thousandfold_is_not_read(build, member: str) -> None:
    bomb = rezip(build(), {member: spaces(8 * 1024 * 1024)})
    assert len(bomb) < 100_000
    record = _record_with_issue(bomb, member, "zip bomb")
    assert record["format"]["overall"] == "unknown"


def test_a_member_that_declares_more_than_the_limit_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    # the central directory says 100 MiB: nothing is decompressed to find out
    lying = declare_size(docx(), "word/document.xml", 100 * 1024 * 1024)
    _record_with_issue(lying, "word/document.xml", "declares")


def test_a_member_that_declares_less_than_it_decodes_is_a_clear_error() -> None:
    # the declared size passes every limit; the stream is decoded (counted against the limits) and stops at the
    # declared size, where the CRC does not match: an error naming the member, before any XML is parsed
    name = "Doc_0/Pages/Page_0/Content.xml"
    big = rezip(ofd(), {name: spaces(8 * 1024 * 1024)})
    lying = declare_size(big, name, len(members(ofd())[name]))
    with pytest.raises(UnreadableDocument, match=name) as caught:
        parse_report(lying)
    assert "\n" not in str(caught.value)


def test_all_members_together_have_a_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_formats, "MAX_ZIP_TOTAL_BYTES", 3 * 1024 * 1024)
    two = rezip(
        docx(), {"word/media/a.xml": spaces(2 * 1024 * 1024 - 100), "word/media/b.xml": spaces(2 * 1024 * 1024 - 100)}
    )
    monkeypatch.setattr(report_formats, "MAX_ZIP_RATIO", 10**9)
    _record_with_issue(two, "members", "more than 3 MiB")


def test_a_container_of_too_many_members_is_not_read() -> None:
    _record_with_issue(rezip(docx(), extra=report_formats.MAX_ZIP_MEMBERS), "members", "not read")


def test_ofd_pages_that_all_name_one_large_member_are_read_up_to_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    parts = members(ofd())
    document = parts["Doc_0/Document.xml"].decode()
    page_ref = document[document.index("<ofd:Page ") : document.index("</ofd:Pages>")]
    many = rezip(ofd(), {"Doc_0/Document.xml": document.replace(page_ref, page_ref * 50).encode()})
    monkeypatch.setattr(report_formats, "MAX_ZIP_TOTAL_BYTES", 20 * len(parts["Doc_0/Pages/Page_0/Content.xml"]))
    record = _record_with_issue(many, "OFD's pages add up to more than", "Page_0/Content.xml")
    assert record["title"]


def test_a_pdf_page_whose_stream_decodes_past_the_limit_is_skipped_and_the_rest_read() -> None:
    size = report_formats.MAX_PDF_STREAM_BYTES + 8 * 1024 * 1024
    data = pdf([b"", text_page("Annual report 2021, page two")], compressed={0: deflate_bomb(size)})
    assert len(data) < 200_000
    _record_with_issue(data, "PDF page 1", "limits")
    assert "page two" in report_text(data)  # the next page is read


def test_a_pdf_of_too_many_pages_is_read_up_to_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_formats, "MAX_PDF_PAGES", 5)
    data = pdf([text_page(f"page {n}") for n in range(8)])
    _record_with_issue(data, "8 pages", "first 5")


@pytest.mark.parametrize("damage", ["zlib", "method"])
def test_an_ofd_member_that_cannot_be_decoded_is_a_clear_error(damage: str) -> None:
    name = "Doc_0/Pages/Page_0/Content.xml"
    data = corrupt_member(ofd(), name) if damage == "zlib" else set_method(ofd(), name, 99)
    with pytest.raises(UnreadableDocument) as caught:
        parse_report(data, url="a.ofd")
    assert name in str(caught.value) and "\n" not in str(caught.value)


def test_a_central_directory_too_large_to_list_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # zipfile would make an object of each entry before any member count could be checked
    monkeypatch.setattr(report_formats, "MAX_ZIP_DIRECTORY_BYTES", 64 * 1024)
    many = rezip(docx(), extra=2000)
    with pytest.raises(UnreadableDocument, match="central directory") as caught:
        parse_report(many, url="big.docx")
    assert "\n" not in str(caught.value)
    assert report_formats._zip_directory_size(docx()) < 1000


_OUT_OF_MEMORY = """
import resource, sys
from gxcrawl.report import parse_report
from gxcrawl.report.pagehtml.tree import parse_document

row = "<tr><td>行政规范性文件</td><td>12</td><td>3</td><td>87</td></tr>"
page = "<html><body><p>一、总体情况</p><table>" + row * 300_000 + "</table></body></html>"  # 21 MB: its tree ~300 MB
size = int(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmSize:"))) * 1024
resource.setrlimit(resource.RLIMIT_AS, (size + int(sys.argv[1]) * 2**20, resource.RLIM_INFINITY))
for name, parse in (("tree", parse_document), ("parse_report", parse_report)):
    try:
        parse(page)
    except MemoryError as exc:
        print(name, "MemoryError", exc)
    else:
        print(name, "parsed")
"""


@pytest.mark.parametrize("room_mb", [120, 200])
def test_a_page_whose_tree_needs_more_memory_than_there_is_raises_memory_error(room_mb: int) -> None:
    """libxml2 reports a failed allocation as a syntax error: read as 'no text', a page too big for its worker
    came back as an empty record. It is a MemoryError, wherever the memory runs out."""
    result = subprocess.run(
        [sys.executable, "-c", _OUT_OF_MEMORY, str(room_mb)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert [line.split()[:2] for line in lines] == [["tree", "MemoryError"], ["parse_report", "MemoryError"]], lines
