"""A real `scrapy crawl portals` over real saved portal pages (tests/fixtures/real/pingtan-html/ and html/, full pages
with all their chrome, and report bodies reconstructed from a portal clone in a minimal page), served on loopback at
their original paths (a page with no known original URL under its fixture name), with a registry entry for that host.

The pages are reports with their text in the page: each must be found, with its year, and (where the archive kept
the page's text too) its archived text must be the report's body.
A fourth page is the second one as the same template publishes a scanned report (its
全真版 mode): the body is empty and the PDF is bound by script only (`ms-attr-href="qzbFile"`, the URL in the
`apps` array the page's script copies into the avalon model; the file name alone, relative to the page, as the
CMS writes it when the file sits beside the page). That report is the PDF, fetched and parsed.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from archive_support.server import LoopbackServer, Route
from crawl_process import FAST as CRAWL_FAST
from crawl_process import ROOT, SCRAPY
from sqlalchemy import select

from gxcrawl.archive import Archive, target_uri
from gxcrawl.archive.models import DocumentSource, Report
from gxcrawl.demo.docfiles import make_pdf

REAL = ROOT / "tests" / "fixtures" / "real"
FAST = [*CRAWL_FAST, "-s", "ROBOTSTXT_OBEY=0"]
HOST = "127.0.0.91"
HTML = [("Content-Type", "text/html; charset=utf-8")]

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def _sources() -> list[dict[str, str]]:
    with open(REAL / "SOURCES.tsv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [r for r in rows if r["file"].startswith(("pingtan-html/", "html/"))]


def _body_text(txt_file: Path) -> str:
    """The body line of the archive's page.txt of the same report (after its `==== 正文 ====` line)."""
    text = txt_file.read_text(encoding="utf-8")
    return text.split("==== 正文 ====", 1)[1].strip().lstrip("=").strip()


def _scanned_variant(page: str, pdf_name: str) -> str:
    """The page as the template serves a scanned report: an empty body, the PDF only in the script's `apps` list."""
    body = re.search(r"<div class=TRS_Editor>.*?</div>\s*</div>", page, re.S)
    assert body, "the saved page's body container"
    page = page[: body.start()] + "<div class=TRS_Editor></div></div>" + page[body.end() :]
    apps = f"var apps = [{{name: '金井片区管理局年报原件.pdf', url: '{pdf_name}'}}]"
    page, n = re.subn(r"var apps = \[\s*\]", lambda _: apps, page, count=1)
    assert n == 1, "the template's apps array"
    return page


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("real-pages")
    sources = _sources()
    assert len(sources) >= 4
    assert sources[1]["file"] == "pingtan-html/002.html"
    with LoopbackServer(HOST) as server:
        pages = []
        for row in sources:
            data = (REAL / row["file"]).read_bytes()
            # a page reconstructed from a clone has no known original URL: it is served under its fixture name
            path = urlsplit(row["original_url"]).path or f"/{row['file']}"
            pages.append(
                {
                    "url": server.route(path, Route(data, HTML)),
                    "year": int(row["report_year"]),
                    "body": _body_text(REAL / "pingtan" / txt) if (txt := _txt_of(row["original_url"])) else None,
                }
            )
        # the scanned variant of the second page, at a sibling URL of the same column; its PDF beside it
        second = pages[1]
        folder = urlsplit(second["url"]).path.rsplit("/", 1)[0]
        pdf_path = f"{folder}/P020200109398765432101.pdf"
        pdf = make_pdf(
            ["平潭综合实验区金井片区管理局2019年政府信息公开工作年度报告"] + re.split(r"(?<=。)", second["body"]),
            title="年报原件",
        )
        pdf_url = server.route(pdf_path, Route(pdf, [("Content-Type", "application/pdf")]))
        page = (REAL / sources[1]["file"]).read_text(encoding="utf-8")
        scanned_url = server.route(
            f"{folder}/t20200109_80565.htm",
            Route(_scanned_variant(page, pdf_path.rsplit("/", 1)[1]).encode("utf-8"), HTML),
        )
        registry = tmp / "registry.json"
        registry.write_text(
            json.dumps(
                {
                    "portals": [
                        {
                            "id": "real-pingtan",
                            "name": "平潭综合实验区管理委员会",
                            "level": "county",
                            "region_code": "350128",
                            "entry_urls": [p["url"] for p in pages] + [scanned_url],
                            "allowed_hosts": [f"{server.host}:{server.port}", server.host],
                            "cms": "trs",
                        }
                    ]
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        archive = tmp / "archive"
        cmd = [SCRAPY, "crawl", "portals", "-a", f"registry={registry}", "-s", f"GX_ARCHIVE_DIR={archive}", *FAST]
        result = subprocess.run(
            cmd, cwd=ROOT, capture_output=True, text=True, timeout=240, env={**os.environ, "GXCRAWL_DATABASE_URL": ""}
        )
        sent = {s.path for s in server.sent}
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[result.stderr.index("Traceback") - 200 :][:4000]
    coverage = json.loads((archive / "coverage.json").read_text(encoding="utf-8"))
    return {
        "pages": pages,
        "coverage": coverage,
        "archive": archive,
        "scanned": scanned_url,
        "pdf": pdf_url,
        "pdf_path": pdf_path,
        "sent": sent,
    }


def _txt_of(original_url: str) -> str | None:
    with open(REAL / "SOURCES.tsv", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["file"].startswith("pingtan/") and row["original_url"] == original_url:
                return row["file"].split("/", 1)[1]
    return None


def _norm(text: str) -> str:
    return "".join(text.split())


def test_every_real_report_page_is_found_with_its_year_and_body(crawled: dict[str, Any]) -> None:
    found = {r["url"]: r for r in crawled["coverage"]["reports"]}
    with Archive.open(crawled["archive"]) as archive, archive.session() as session:
        rows = session.execute(
            select(DocumentSource.url, Report.record, Report.capture_id).join(
                Report, Report.document_id == DocumentSource.document_id
            )
        ).all()
        records = {url: (record, archive.read_text(capture_id) or "") for url, record, capture_id in rows}
    for page in crawled["pages"]:
        assert page["url"] in found, f"not found: {page['url']}"
        assert found[page["url"]]["kind"] == "page"
        assert found[page["url"]]["report_year"] == page["year"]
        record, text = records[target_uri(page["url"])]
        assert record["report_year"] == page["year"]
        assert "版权所有" not in text and "网站标识码" not in text
        if page["body"] is None:
            continue
        # the archived text is the report body, chrome stripped: the body of the archive's page.txt is in it
        body = _norm(page["body"])
        assert body[:150] in _norm(text) and body[-60:] in _norm(text)


def test_a_report_bound_only_by_the_templates_script_is_its_pdf(crawled: dict[str, Any]) -> None:
    found = {r["url"]: r for r in crawled["coverage"]["reports"]}
    report = found.get(crawled["scanned"])
    assert report is not None, "the scanned variant was rejected as 'title without report body'"
    assert report["kind"] == "attachment" and report["item_url"] == crawled["pdf"]
    assert report["attachments"] == [crawled["pdf"]]
    assert crawled["pdf_path"] in crawled["sent"]
    with Archive.open(crawled["archive"]) as archive, archive.session() as session:
        record = session.scalars(
            select(Report.record)
            .join(DocumentSource, Report.document_id == DocumentSource.document_id)
            .where(DocumentSource.url == target_uri(crawled["pdf"]))
        ).one()
    assert record["report_year"] == 2019
    assert len(crawled["coverage"]["reports"]) == len(crawled["pages"]) + 1
