"""gxcrawl.report.page on hostile input: empty, binary garbage, lying charsets, malformed and huge pages."""

from __future__ import annotations

import random

import pytest

from gxcrawl.report.errors import UnreadableDocument
from gxcrawl.report.page import decode, load_page

REPORT = (
    "<p>XX县2022年政府信息公开工作年度报告</p><p>一、总体情况</p><p>全年主动公开政府信息1268条，其中政策文件46件。</p>"
)


@pytest.mark.parametrize("data", [b"", b"   \r\n\t ", "", "\n\n"])
def test_empty_input_gives_an_empty_page(data: bytes | str) -> None:
    page = load_page(data)
    assert page.text == "" and page.body_html is None and page.title is None
    assert page.metadata == {} and page.attachments == ()


def test_empty_pdf_response_keeps_its_kind() -> None:
    assert load_page(b"", url="http://x.gov.cn/a.pdf").kind == "pdf"


def test_random_bytes_are_unreadable() -> None:
    rng = random.Random(7)
    with pytest.raises(UnreadableDocument, match="binary data"):
        load_page(rng.randbytes(50_000), url="http://x.gov.cn/x.bin")


def test_high_bytes_without_nul_are_unreadable() -> None:
    rng = random.Random(8)
    data = bytes(rng.choice((0x80, 0xFF, *range(0xA0, 0xFF))) for _ in range(20_000))
    with pytest.raises(UnreadableDocument, match="not text in any encoding"):
        load_page(data)


@pytest.mark.parametrize(
    ("magic", "word"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"\x89PNG\r\n\x1a\n\0\0", "PNG"),
        (b"Rar!\x1a\x07\x00", "RAR"),
        (b"{\\rtf1\\ansi", "RTF"),
    ],
)
def test_known_binaries_are_named(magic: bytes, word: str) -> None:
    with pytest.raises(UnreadableDocument, match=word):
        load_page(magic + b"\x00" * 100)


def test_gbk_page_that_declares_utf8_is_read_as_gb18030() -> None:
    page_html = f"<html><head><meta charset='utf-8'></head><body><div id='zoom'>{REPORT}</div></body></html>"
    data = page_html.encode("gbk")
    text, encoding = decode(data, "text/html; charset=UTF-8")
    assert encoding == "gb18030"
    page = load_page(data, content_type="text/html; charset=UTF-8")
    assert page.encoding == "gb18030"
    assert "一、总体情况" in page.text.splitlines()
    assert "\ufffd" not in page.text


def test_utf8_page_that_declares_gbk_is_read_as_utf8() -> None:
    page_html = (
        "<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'></head>"
        f"<body>{REPORT}</body></html>"
    )
    page = load_page(page_html.encode("utf-8"))
    assert page.encoding == "utf-8"
    assert "一、总体情况" in page.text.splitlines()


def test_gb2312_declared_page_with_gb18030_only_characters() -> None:
    # 㙓 (U+3653) is outside GB2312/GBK's common range but inside GB18030: browsers read GB2312 as GB18030
    page_html = f"<html><head><meta charset='gb2312'></head><body>{REPORT}<p>㙓村</p></body></html>"
    page = load_page(page_html.encode("gb18030"))
    assert page.encoding == "gb18030"
    assert "㙓村" in page.text


def test_http_charset_wins_over_meta_and_bom_wins_over_both() -> None:
    page_html = f"<html><head><meta charset='utf-8'></head><body>{REPORT}</body></html>"
    assert load_page(page_html.encode("gb18030"), content_type="text/html; charset=gbk").encoding == "gb18030"
    bom = "\ufeff" + page_html
    page = load_page(bom.encode("utf-16-le"), content_type="text/html; charset=gbk")
    assert page.encoding == "utf-16-le" and "一、总体情况" in page.text.splitlines()


def test_str_with_xml_declaration() -> None:
    page = load_page(f'<?xml version="1.0" encoding="gb2312"?><html><body>{REPORT}</body></html>')
    assert "一、总体情况" in page.text.splitlines()


def test_malformed_html() -> None:
    html = (
        "<html><body><div id='zoom'><p>一、总体情况<p>全年主动公开<b>信息<i>1268条</b>。</i>"
        "<table><tr><td>规章<td>0<tr><td>行政规范性文件<td>12</table></div></div></div>"
        "</html></html><p>六、其他需要报告的事项</p></body></html>"
    )
    page = load_page(html)
    lines = page.text.splitlines()
    assert "一、总体情况" in lines
    assert "规章\t0" in lines and "行政规范性文件\t12" in lines


def test_deeply_nested_page_does_not_crash() -> None:
    html = "<html><body>" + "<div>" * 5000 + REPORT + "</div>" * 5000 + "</body></html>"
    page = load_page(html)
    assert page.kind == "html"


def test_page_with_only_chrome_gives_no_body() -> None:
    html = (
        "<html><body><div class='location'>当前位置：首页 &gt; 政务公开</div>"
        "<div class='footer'>主办单位：XX县人民政府办公室 网站标识码：1304000009 冀ICP备05029117号-1</div>"
        "</body></html>"
    )
    assert load_page(html).text == ""


@pytest.mark.timeout(120)
def test_twenty_megabyte_page() -> None:
    row = "<tr><td>行政规范性文件</td><td>12</td><td>3</td><td>87</td></tr>"
    rows = row * (20_000_000 // len(row.encode("utf-8")))
    html = (
        "<html><head><meta charset='utf-8'></head><body>"
        f"<div class='TRS_Editor'>{REPORT}<table>{rows}</table></div></body></html>"
    )
    data = html.encode("utf-8")
    assert len(data) >= 19_000_000
    page = load_page(data)
    lines = page.text.splitlines()
    assert lines[1] == "一、总体情况"
    assert lines[-1] == "行政规范性文件\t12\t3\t87"


@pytest.mark.timeout(120)
def test_twenty_megabyte_text() -> None:
    line = "全年主动公开政府信息1268条，其中政策文件46件，政策解读37篇。\n"
    text = "【字体: 打印本页\n一、总体情况\n" + line * (20_000_000 // len(line.encode("utf-8")))
    page = load_page(text.encode("utf-8"))
    assert page.text.startswith("一、总体情况\n")


def test_truncated_gbk_page_declared_utf8_still_reads_as_gb18030() -> None:
    page_html = f"<html><head><meta charset='utf-8'></head><body><div id='zoom'>{REPORT}</div></body></html>"
    data = page_html.encode("gbk") + "附".encode("gbk")[:1]  # cut in the middle of a character
    text, encoding = decode(data, "text/html; charset=utf-8")
    assert encoding == "gb18030"
    assert "一、总体情况" in load_page(data).text.splitlines()
