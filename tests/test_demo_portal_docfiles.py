"""The demo portal's hand-built attachment files are real documents that standard readers open."""

from __future__ import annotations

import io
import zipfile

import pytest

from gxcrawl.demo.docfiles import Table, blocks_text_lines, html_blocks, make_docx, make_ofd, make_pdf

FRAGMENT = (
    '<table border="0"><tr><td class="content">'
    "<p><strong>云溪市民政局<br/>2023年政府信息公开工作年度报告</strong></p><p>一、总体情况</p>"
    '<table><tr><td rowspan="2">信息内容</td><td colspan="2">本年</td></tr><tr><td>制发</td><td>废止</td></tr>'
    "<tr><td>规章</td><td>1</td><td>&nbsp;</td></tr></table>"
    "<p>二、主动公开政府信息情况</p></td></tr></table><p>云溪市民政局</p>"
)


def test_layout_tables_are_unwrapped_in_document_order() -> None:
    blocks = html_blocks(FRAGMENT)
    assert [type(b).__name__ for b in blocks] == ["str", "str", "Table", "str", "str"]
    assert blocks[0] == "云溪市民政局\n2023年政府信息公开工作年度报告"
    table = blocks[2]
    assert isinstance(table, Table)
    assert [(c.text, c.rowspan, c.colspan) for c in table.rows[0]] == [("信息内容", 2, 1), ("本年", 1, 2)]
    lines = blocks_text_lines(blocks)
    assert lines[:3] == ["云溪市民政局", "2023年政府信息公开工作年度报告", "一、总体情况"]
    assert "" in lines  # the blank cell stays a (blank) cell


def test_docx_has_merged_cells_python_docx_understands() -> None:
    docx = pytest.importorskip("docx")
    doc = docx.Document(io.BytesIO(make_docx(html_blocks(FRAGMENT), title="标题")))
    (table,) = doc.tables
    grid = [[c.text for c in row.cells] for row in table.rows]
    assert grid == [["信息内容", "本年", "本年"], ["信息内容", "制发", "废止"], ["规章", "1", ""]]
    assert [p.text for p in doc.paragraphs if p.text][:2] == ["标题", "云溪市民政局"]


def test_pdf_text_layer_gives_the_chinese_back() -> None:
    pypdf = pytest.importorskip("pypdf")
    lines = ["二〇二三年政府信息公开工作年度报告", "一、总体情况", "自然人", "35", "x" * 95] + [
        f"第{i}行" for i in range(80)
    ]
    reader = pypdf.PdfReader(io.BytesIO(make_pdf(lines, title="年度报告")))
    assert len(reader.pages) == 2
    assert reader.metadata.title == "年度报告"
    text = "".join(p.extract_text() for p in reader.pages)
    for expected in ("二〇二三年政府信息公开工作年度报告", "一、总体情况", "自然人", "第79行"):
        assert expected in text
    assert "x" * 95 in text.replace("\n", "")  # long lines are wrapped, not cut


def test_ofd_package_holds_the_text() -> None:
    data = make_ofd(["一、总体情况", "规章 & 规范性文件"], title="报告<1>")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert {"OFD.xml", "Doc_0/Document.xml", "Doc_0/PublicRes.xml", "Doc_0/Pages/Page_0/Content.xml"} <= set(
            zf.namelist()
        )
        assert "报告&lt;1&gt;" in zf.read("OFD.xml").decode("utf-8")
        content = zf.read("Doc_0/Pages/Page_0/Content.xml").decode("utf-8")
    assert "一、总体情况" in content and "规章 &amp; 规范性文件" in content
