"""gxcrawl.report.page against the demo portal (an independent, stdlib-only imitation of the CMS families):
every report page served over loopback loses all of its chrome and keeps its title, date and attachments."""

from __future__ import annotations

import re
import unicodedata
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from gxcrawl.demo.portal import DemoPortal
from gxcrawl.report.page import load_page

pytestmark = pytest.mark.timeout(300)

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
CHROME_STRINGS = [
    line
    for line in (PAGES / "chrome_strings.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


def _flat(text: str) -> str:
    return re.sub(r"[\s\u3000\xa0|]+", "", unicodedata.normalize("NFKC", text))


def _paragraphs(truth: dict | None) -> list[str]:
    sections = (truth or {}).get("sections") or {}
    return [line for text in sections.values() for line in text.splitlines() if line.strip()]


def _fetch(url: str, referer: str | None = None) -> tuple[bytes, str | None] | None:
    request = urllib.request.Request(url, headers={"Referer": referer} if referer else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # loopback only (127.0.0.x)
            return response.read(), response.headers.get("Content-Type")
    except urllib.error.HTTPError:
        return None  # the demo's access behaviours (503, cookie gates) are the spider's business


def test_demo_report_pages() -> None:
    with DemoPortal(seed=3) as portal:
        reports = [r for r in portal.manifest["reports"] if not r.get("needs_browser")]
        checked = 0
        for report in reports:
            if report["url"] in report["attachments"]:
                continue  # a list row linking the document itself: test_demo_attachments reads it
            fetched = _fetch(report["url"])
            if fetched is None:
                continue
            body, content_type = fetched
            page = load_page(body, url=report["url"], content_type=content_type)
            checked += 1
            left = [s for s in CHROME_STRINGS if s in page.text]
            assert not left, (report["url"], left)
            if page.kind == "html":
                flat = "".join(page.text.split())
                assert "".join(report["title"].split()) in flat, report["url"]
            if report.get("published"):
                assert page.metadata.get("published") == report["published"], report["url"]
            urls = {a.url for a in page.attachments}
            if not report.get("attachment_binding"):  # script-bound attachments are the crawler's to find
                assert set(report.get("attachments") or []) <= urls, report["url"]
            if report["form"] != "attachment_only":  # every paragraph of the report survives chrome stripping
                flat = _flat(page.text)
                assert [p for p in _paragraphs(report.get("truth")) if _flat(p) not in flat] == [], report["url"]
        assert checked >= 0.8 * len(reports)


def test_demo_attachments() -> None:
    with DemoPortal(seed=3) as portal:
        read = 0
        for report in portal.manifest["reports"]:
            for url in report.get("attachments") or []:
                fetched = _fetch(url, referer=report["url"])
                if fetched is None:
                    continue
                body, content_type = fetched
                page = load_page(body, url=url, content_type=content_type)
                read += 1
                assert page.kind in ("pdf", "docx", "doc", "ofd"), url
                flat = _flat(page.text)
                assert [p for p in _paragraphs(report.get("truth")) if _flat(p) not in flat] == [], url
        assert read > 0
