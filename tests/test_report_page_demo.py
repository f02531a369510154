"""gxcrawl.report.page against the demo portal (an independent, stdlib-only imitation of the CMS families):
every report page served over loopback loses all of its chrome and keeps its title, date and attachments."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from gxcrawl.demo.portal import DemoPortal
from gxcrawl.report.page import load_page

pytestmark = pytest.mark.timeout(300)

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
CHROME_STRINGS = [
    line for line in (PAGES / "chrome_strings.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


def _fetch(url: str) -> tuple[bytes, str | None] | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # loopback only (127.0.0.x)
            return response.read(), response.headers.get("Content-Type")
    except urllib.error.HTTPError:
        return None  # the demo's access behaviours (503, cookie gates) are the spider's business


def test_demo_report_pages() -> None:
    with DemoPortal(seed=3) as portal:
        reports = [r for r in portal.manifest["reports"] if not r.get("needs_browser")]
        checked = 0
        for report in reports:
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
            assert set(report.get("attachments") or []) <= urls, report["url"]
        assert checked >= 0.8 * len(reports)
