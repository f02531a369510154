"""PDF text extraction builds each font once per document (pypdf alone rebuilds it on every page), and the text
is exactly what pypdf gives without that cache."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from pypdf.generic._font import Font

from gxcrawl.demo.docfiles import make_pdf
from gxcrawl.report.formats import _install_pdf_font_cache, read_pdf

LINES = [f"第{n}行 政府信息公开工作年度报告 主动公开政府信息情况 {n * 37}" for n in range(400)]


def _plain_pypdf_text(data: bytes) -> str:
    """What pypdf extracts by itself (outside read_pdf the cache is not in force)."""
    pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]
    return "\n".join(p.strip("\n") for p in pages)


@pytest.fixture()
def font_builds(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    built: list[object] = []
    original = Font.from_font_resource

    def counting(pdf_font_dict: object) -> Font:
        built.append(pdf_font_dict)
        return original(pdf_font_dict)

    monkeypatch.setattr(Font, "from_font_resource", staticmethod(counting))
    return built


def test_a_many_page_pdf_builds_its_font_once_and_reads_the_same_text(font_builds: list[object]) -> None:
    assert _install_pdf_font_cache(), "pypdf changed: the font cache is not installed"
    data = make_pdf(LINES, title="2023年度报告")
    pages = len(PdfReader(io.BytesIO(data)).pages)
    assert pages >= 5

    plain = _plain_pypdf_text(data)
    assert len(font_builds) >= pages  # pypdf alone: once per page (or more)
    fonts_in_document = {id(f) for f in font_builds}

    font_builds.clear()
    document = read_pdf(data)
    assert document.text == plain
    assert "第399行" in (document.text or "")
    assert len(font_builds) == len(fonts_in_document)  # once per font object, not per page


def test_the_cache_ends_with_the_document(font_builds: list[object]) -> None:
    first, second = make_pdf(LINES[:60], title="甲"), make_pdf(LINES[60:120], title="乙")
    read_pdf(first)
    builds_first = len(font_builds)
    read_pdf(second)
    assert len(font_builds) == 2 * builds_first  # nothing of the first document is reused for the second
    assert "第60行" in (read_pdf(second).text or "") and "第60行" not in (read_pdf(first).text or "")
