"""Shapes a report takes when its tables come out of a PDF (pdfplumber's tables, or the text around them):
rows the table finder missed, a cell drawn around other cells, a document title carrying the site's name.
Built from generated reports, whose truth is known."""

from __future__ import annotations

import re

import pytest
from generated_reports import compare_tables, generated_report

from gxcrawl.demo import reportgen
from gxcrawl.report import parse_report
from gxcrawl.report.formats import _containing_cells
from gxcrawl.report.pagehtml.title import label_title

_FEES_ROW = re.compile(r"<tr>(?:(?!</tr>).)*行政事业性收费.*?</tr>", re.S)
#: fee values unlike any other cell of the report (a signed change, a money amount)
_FEES = {"2019": {"prev_items": 49, "change": -1}, "2021": {"amount_wan_yuan": 12.5}}


def _fees_outside_the_table(truth: dict) -> str:
    """The page's table 二 without its 行政事业性收费 row, which is printed as a line after the tables (a row
    drawn without its rules, which the PDF's table finder did not take for a row)."""
    body = reportgen.render_body_html(truth)
    assert len(_FEES_ROW.findall(body)) == 1
    fees = truth["active"]["fees"] = dict(_FEES[truth["format"]["overall"]])
    line = "行政事业性收费 " + " ".join(str(fees[c]) for c in fees)
    body = _FEES_ROW.sub("", body)
    at = body.index("三、") if "三、" in body else len(body)
    return f"<html><body>{body[:at]}<p>{line}</p>{body[at:]}</body></html>"


@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_a_row_missing_from_the_tables_is_read_from_the_text(fmt: str) -> None:
    truth = generated_report(3, fmt)
    record = parse_report(_fees_outside_the_table(truth), url="report.html")
    assert record["active"]["fees"] == truth["active"]["fees"]
    wrong, missing = compare_tables(truth, record)
    assert not wrong and not missing, (wrong[:3], missing[:3])
    assert any("rows fees read from the text" in issue for issue in record["issues"]), record["issues"]
    assert not any("rows not found" in issue for issue in record["issues"])


def test_a_row_the_text_gives_only_in_part_is_not_taken() -> None:
    truth = generated_report(3, "2019")
    page = _fees_outside_the_table(truth).replace("行政事业性收费 49 -1", "行政事业性收费 见附件")
    assert "行政事业性收费 见附件" in page
    record = parse_report(page, url="report.html")
    assert "fees" not in record["active"] or all(v is None for v in record["active"]["fees"].values())
    assert any("rows not found: fees" in issue for issue in record["issues"]), record["issues"]


def test_a_cell_drawn_around_other_cells_is_found() -> None:
    group = (10.0, 100.0, 60.0, 400.0)  # a group label spanning rows: beside its rows' cells, around none
    rows = [(60.0, 100.0 + 30 * i, 200.0, 130.0 + 30 * i) for i in range(10)]
    around = (10.0, 100.0, 200.0, 250.0)  # where an inner rule was missing: drawn around five of them
    assert _containing_cells([group, *rows]) == set()
    assert _containing_cells([group, around, *rows]) == {around}


@pytest.mark.parametrize(
    ("label", "title"),
    [
        ("沭阳县发展和改革局2023年政府信息公开年度报告-沭阳县发改局", "沭阳县发展和改革局2023年政府信息公开年度报告"),
        (
            "某区交通局2019年政府信息公开工作年度报告_政府信息公开年报_某区人民政府",
            "某区交通局2019年政府信息公开工作年度报告",
        ),
        ("某市2021年政府信息公开工作年度报告 | 某市人民政府门户网站", "某市2021年政府信息公开工作年度报告"),
        ("某市2021年政府信息公开工作年度报告", "某市2021年政府信息公开工作年度报告"),
        ("Microsoft Word - 文档1", None),
    ],
)
def test_a_document_title_with_the_site_name_after_it(label: str, title: str | None) -> None:
    assert label_title(label) == title
