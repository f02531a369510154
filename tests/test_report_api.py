"""The public API's one-load variant gives exactly what its two single-purpose calls give."""

from __future__ import annotations

from pathlib import Path

import pytest

from gxcrawl.report import parse_report, parse_report_and_text, report_text

SEED_PAGES = sorted((Path(__file__).parent / "fixtures" / "seeds" / "html").glob("*.html"))


@pytest.mark.parametrize("page", SEED_PAGES, ids=lambda p: p.stem)
def test_parse_report_and_text_equals_the_two_calls(page: Path) -> None:
    data = page.read_bytes()
    url = f"http://www.example.gov.cn/{page.name}"
    record, text = parse_report_and_text(data, url=url, content_type="text/html")
    assert record == parse_report(data, url=url, content_type="text/html")
    assert text == report_text(data, url=url, content_type="text/html")
    assert record["applications"] and "总体情况" in text
