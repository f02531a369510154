"""Real report pages printed to PDF by the system Chromium (tests/test_report_real_printed.py, bench/accuracy.py)."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from pathlib import Path

CHROMIUM = os.environ.get("GXCRAWL_CHROMIUM") or shutil.which("chromium")


def missing() -> str | None:
    """Why pages cannot be printed here, or None."""
    if not CHROMIUM:
        return "Chromium not installed (apt-get install chromium)"
    fc_list = shutil.which("fc-list")
    found = (
        subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False)
        if fc_list
        else None
    )
    if found is None or not found.stdout.strip():
        return "no Chinese font for Chromium to print with (apt-get install fonts-wqy-zenhei)"
    return None


def print_pages(pages: list[Path], out: Path) -> list[Path]:
    """Each page printed to `out/<folder>-<stem>.pdf` (A4), offline: the pages' remote assets are not fetched."""
    return asyncio.run(_print(pages, out))


async def _print(pages: list[Path], out: Path) -> list[Path]:
    from playwright.async_api import async_playwright

    printed = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            page = await browser.new_page()
            await page.route("http*://**", lambda route: route.abort())
            for source in pages:
                await page.goto(source.as_uri(), wait_until="load")
                target = out / f"{source.parent.name}-{source.stem}.pdf"
                await page.pdf(path=str(target), format="A4")
                printed.append(target)
        finally:
            await browser.close()
    return printed
