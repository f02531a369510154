"""The real HTML reports (tests/fixtures/real/html, pingtan-html), printed to PDF by the system Chromium, are
read as right as the pages themselves: every value of their hand-typed truth, the format, year, title and agency.

A PDF printed from a page is not a PDF an agency exported from Word, but it has what makes PDFs hard: tables that
pdfplumber finds only in part, labels wrapped in their cells beside vertically centred values, rowspan cells
drawn around others, the page's <title> with the site's name in the document properties."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import unavailable
from printed_pdf import missing, print_pages
from real_truth import load_truth, score

from gxcrawl.report import parse_report

REAL = Path(__file__).resolve().parent / "fixtures" / "real"
PAGES = sorted([*REAL.glob("html/*.html"), *REAL.glob("pingtan-html/*.html")])

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if (why := missing()) is not None:
        unavailable(why)
    pdfs = print_pages(PAGES, tmp_path_factory.mktemp("printed"))
    return {f"{p.parent.name}/{p.stem}": pdf for p, pdf in zip(PAGES, pdfs, strict=True)}


@pytest.mark.parametrize("name", [f"{p.parent.name}/{p.stem}" for p in PAGES])
def test_a_real_page_printed_to_pdf_reads_as_the_page(printed: dict[str, Path], name: str) -> None:
    truth = load_truth(REAL / "truth" / f"{name}.json")
    pdf = printed[name]
    assert pdf.read_bytes().startswith(b"%PDF")
    record = parse_report(pdf.read_bytes(), url=f"http://127.0.0.1/{pdf.name}")
    result = score(truth, record, name)
    assert not result.wrong and not result.null, (result.wrong[:5], result.nulls[:10], record["issues"][:5])
    assert not result.identity_wrong, result.identity_wrong
