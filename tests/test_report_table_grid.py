"""Page.table_grid: page loading reads the table grid from the tree it already holds, so that the parser does not
parse body_html a second time. The grid must be exactly what the parser would read from body_html itself, and
a Page without it (built by hand, or from an older loader) must parse to the same record."""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path

import pytest

from gxcrawl.demo import reportgen
from gxcrawl.report import parse_page
from gxcrawl.report.page import Page, load_page
from gxcrawl.report.tables import html_tables_text

FIXTURES = Path(__file__).resolve().parent / "fixtures"
INDEX = json.loads((FIXTURES / "pages" / "index.json").read_text(encoding="utf-8"))["pages"]


def _documents() -> list[tuple[str, bytes | str, str | None, str | None]]:
    docs: list[tuple[str, bytes | str, str | None, str | None]] = [
        (e["file"], (FIXTURES / "pages" / e["file"]).read_bytes(), e["url"], e["content_type"]) for e in INDEX
    ]
    docs += [
        (p.name, p.read_bytes(), "https://example.gov.cn/a.html", "text/html")
        for p in sorted((FIXTURES / "seeds" / "html").glob("*.html"))
    ]
    for seed in range(6):
        rng = random.Random(seed)
        truth = reportgen.generate_report(
            rng,
            fmt=("2019", "2021")[seed % 2],
            report_year=2022 - seed % 2,
            agency="某某市民政局",
            defects=0.2 * (seed % 3),
        )
        page = (
            "<html><head><meta charset='utf-8'><title>" + truth["title"] + "</title></head><body>"
            "<div class='article'>" + reportgen.render_body_html(truth) + "</div></body></html>"
        )
        docs.append((f"reportgen-{seed}", page.encode("utf-8"), "https://example.gov.cn/a/t1.html", "text/html"))
    return docs


DOCUMENTS = _documents()


@pytest.mark.parametrize("name,data,url,content_type", DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_grid_is_what_the_parser_reads_from_body_html(
    name: str, data: bytes | str, url: str | None, content_type: str | None
) -> None:
    page = load_page(data, url=url, content_type=content_type)
    assert page.body_html is not None and page.table_grid is not None
    expected = html_tables_text(page.body_html) if "<table" in page.body_html.lower() else ""
    assert page.table_grid == expected
    without = dataclasses.replace(page, table_grid=None)
    assert without == page  # not compared: a derived value
    assert parse_page(without).to_json() == parse_page(page).to_json()


def test_grid_stays_out_of_repr_and_text_pages_have_none() -> None:
    page = load_page(DOCUMENTS[0][1], url=DOCUMENTS[0][2], content_type=DOCUMENTS[0][3])
    assert page.table_grid and "table_grid" not in repr(page)
    text_page = load_page("一、总体情况\n本年新制作数量\t1\n", url="report.txt")
    assert text_page.table_grid is None
    assert Page(text="x", body_html="<table><tr><td>1</td></tr></table>", title=None).table_grid is None
