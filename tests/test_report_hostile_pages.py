"""Hostile HTML pages: tables whose rowspan/colspan cells would grow the parser's grid without bound, pages of
thousands of tables, links repeated by the ten thousand. The work is capped (an issue says where) and the record is
still returned. Speed is measured by bench/parse_hostile.py, not here."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from gxcrawl.report import parse_report
from gxcrawl.report import tables as report_tables
from gxcrawl.report.page import load_page
from gxcrawl.report.tables import html_tables_text

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "gxcrawl" / "schemas" / "report.schema.json").read_text())
HEAD = (
    "<html><head><meta charset='utf-8'><title>某局2020年政府信息公开工作年度报告</title></head><body>"
    "<div class='article'><p>一、总体情况</p><p>本年度主动公开政府信息1268条。</p>"
)
TAIL = "</div></body></html>"
SPAN_ROW = "<tr>" + "<td rowspan=64 colspan=64>1</td>" * 10 + "</tr>"


def test_a_table_of_spanning_cells_is_cut_at_the_grid_limit_with_an_issue() -> None:
    page = (HEAD + "<table>" + SPAN_ROW * 400 + "</table>" + TAIL).encode()
    loaded = load_page(page)
    assert loaded.table_grid is not None
    # without the cap, 400 rows of ten 64x64 cells make a grid of about 16 million slots
    assert loaded.table_grid.count(report_tables.CELL_SEP) <= 2 * report_tables.MAX_GRID_WORK_PER_TABLE
    record = parse_report(page)
    jsonschema.validate(record, SCHEMA)
    assert any(i.startswith("tables: table 1 has more than") and "rowspan/colspan" in i for i in record["issues"])


def test_many_tables_are_read_up_to_the_page_limit_with_an_issue(monkeypatch) -> None:
    monkeypatch.setattr(report_tables, "MAX_TABLES", 50)
    page = (HEAD + "<table><tr><td>行政规范性文件</td><td>12</td></tr></table>" * 60 + TAIL).encode()
    record = parse_report(page)
    jsonschema.validate(record, SCHEMA)
    assert any("more than 50 tables" in i and "from table 51 on" in i for i in record["issues"]), record["issues"]


def test_the_grid_work_of_a_whole_page_is_capped(monkeypatch) -> None:
    monkeypatch.setattr(report_tables, "MAX_GRID_WORK", 100_000)
    page = (HEAD + ("<table>" + SPAN_ROW * 3 + "</table>") * 40 + TAIL).encode()
    record = parse_report(page)
    jsonschema.validate(record, SCHEMA)
    assert any("100000 grid cells" in i for i in record["issues"]), record["issues"]


def test_a_rowspan_ends_with_its_table() -> None:
    # rowspan=64 on the last rows carries nothing further: the grid is that of the table's own rows
    short = "<table><tr><td rowspan=2>甲</td><td>1</td></tr><tr><td>2</td></tr></table>"
    long = short.replace("rowspan=2", "rowspan=64")
    assert html_tables_text(long) == html_tables_text(short)
    assert html_tables_text(long + "<table><tr><td>乙</td></tr></table>").endswith("乙\n")


def test_forty_thousand_identical_links_give_one_attachment() -> None:
    links = "<ul>" + "<li><a href='/files/2020/report.pdf'>附件：2020年度报告.pdf</a></li>" * 40_000 + "</ul>"
    page = load_page((HEAD + links + TAIL).encode(), url="https://www.example.gov.cn/a/b.html")
    assert [a.url for a in page.attachments] == ["https://www.example.gov.cn/files/2020/report.pdf"]
