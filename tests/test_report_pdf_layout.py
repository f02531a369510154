"""PDF tables read by page geometry: a value is read from the ruled cell it sits in, so a label wrapped
over three lines, a page number, a footnote marker or a table split across pages (header rows repeated)
cannot push a row to 8 or 10 values for 7 columns (what line-by-line text extraction gives)."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from generated_reports import compare_tables, generated_report
from pdf_support import report_pdf

from gxcrawl.demo import reportgen
from gxcrawl.report import formats, parse_report
from gxcrawl.report.errors import UnreadableDocument


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_pdf_tables_read_every_value(seed: int, fmt: str) -> None:
    truth = generated_report(seed, fmt)
    pdf = report_pdf(truth, label_width=90.0 + 20 * seed, value_marker=True, push_tables_down=seed)
    record = parse_report(pdf, url="report.pdf")
    wrong, missing = compare_tables(truth, record)
    assert not wrong and not missing, (wrong[:5], missing[:5])
    assert record["format"] == truth["format"]
    assert record["issues"] == []


def test_the_same_pdfs_as_plain_text_lose_rows() -> None:
    # the layout the test builds is the one that defeats line-by-line extraction: labels wrapped around the
    # values, page numbers and markers in the lines (pypdf's text reads rows with 8 or 10 values)
    losses = 0
    for seed in range(4):
        truth = generated_report(seed, "2021")
        text = formats.read_pdf_text(report_pdf(truth, label_width=90.0, value_marker=True)).text or ""
        record = parse_report(text, url="report.txt")
        _, missing = compare_tables(truth, record)
        losses += len(missing)
        assert any("values for 7 columns" in issue for issue in record["issues"])
    assert losses > 0


def test_a_table_split_across_pages_with_its_header_repeated() -> None:
    for push in range(12):
        truth = generated_report(5, "2019")
        pdf = report_pdf(truth, push_tables_down=push)
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            headers = sum("本列数据" in (p.extract_text() or "") for p in doc.pages)
        if headers > 1:  # table 三's header printed on two pages: the table broke across them
            break
    else:
        pytest.fail("no layout split table 三 across pages")
    record = parse_report(pdf, url="report.pdf")
    wrong, missing = compare_tables(truth, record)
    assert not wrong and not missing, (wrong[:5], missing[:5])


def test_superscript_footnote_markers_are_not_digits_of_the_value() -> None:
    truth = generated_report(3, "2021")
    record = parse_report(report_pdf(truth, value_marker=True, footnote=True), url="report.pdf")
    assert record["applications"]["new_received"]["total"] == truth["applications"]["new_received"]["total"]


@pytest.mark.parametrize("seed", range(6))
def test_pdf_with_defects_is_right_or_null(seed: int) -> None:
    truth = generated_report(seed, "2019" if seed % 2 else "2021", defects=1.0)
    record = parse_report(report_pdf(truth, label_width=100.0), url="report.pdf")
    wrong, missing = compare_tables(truth, record)
    assert not wrong, wrong[:5]
    if missing:
        assert record["issues"]


def test_a_pdf_without_ruled_tables_is_read_as_text() -> None:
    from gxcrawl.demo.docfiles import make_pdf

    truth = generated_report(1, "2021")
    data = make_pdf(reportgen.render_text(truth, "pipe_rows").splitlines(), title=truth["title"])
    assert not formats._has_rules(data)  # plain text: pdfminer's layout analysis is not even tried
    assert formats.read_pdf_layout(data) is None
    assert formats._has_rules(report_pdf(truth))
    record = parse_report(data, url="report.pdf")
    assert record["applications"]["new_received"]["total"] == truth["applications"]["new_received"]["total"]


def test_a_damaged_pdf_is_still_a_clear_error() -> None:
    with pytest.raises(UnreadableDocument):
        parse_report(b"%PDF-1.7\n" + b"\x00garbage" * 50, url="broken.pdf")
