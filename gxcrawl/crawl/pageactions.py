"""Registry page actions (`render_actions`) as scrapy-playwright `PageMethod`s.

scrapy-playwright awaits `meta["playwright_page_methods"]` in order after the page has loaded, then reads
`page.content()`: what the actions leave in the DOM is what is archived and parsed. A page method that raises
makes the whole request fail (the page is lost), so every action here turns its Playwright errors into an
outcome instead: a selector that never appears is a timeout, a missing 下一页 is "no more pages", and the page
is kept either way. Each step is bounded by the action's `timeout_ms`, so a page never hangs the crawl.

`click_repeat` with `collect`: 下一页 usually *replaces* the list, so the final DOM shows only the last page. The
rows matched by `collect` are read before the first click and after each click; rows of earlier pages missing
from the final DOM are appended to it in one `<div data-gx-collected>` so every page's links reach the parser.
(加载更多 lists accumulate by themselves; `collect` is harmless there: nothing is missing, nothing is added.)

The JavaScript below is ours and fixed; registry values reach the browser only as selectors and arguments.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag

from scrapy_playwright.page import PageMethod

from gxcrawl.discovery.registry import RenderAction

if TYPE_CHECKING:
    from playwright.async_api import Page

logger = logging.getLogger(__name__)

POLL_S = 0.1
SETTLE_MS = 250  # after a click without `collect`: let the page's handlers and short timers run
OUTCOMES = ("done", "timeout", "missing", "navigated", "error")

# a control that cannot be clicked: hidden, disabled, or marked disabled (class on itself or its <li>)
_CLICKABLE_JS = """e => { const s = getComputedStyle(e), r = e.getBoundingClientRect();
  return !(e.disabled || e.getAttribute('aria-disabled') === 'true' || e.closest('.disabled')
           || s.display === 'none' || s.visibility === 'hidden' || (r.width === 0 && r.height === 0)); }"""
_ROWS_JS = "els => els.map(e => e.outerHTML)"
_KEEP_JS = """rows => { const box = document.createElement('div'); box.setAttribute('data-gx-collected', '');
  const html = rows.join('');
  box.innerHTML = /^\\s*<tr[\\s>]/i.test(html) ? '<table><tbody>' + html + '</tbody></table>' : html;
  document.body.appendChild(box); return rows.length; }"""
_SCROLL_JS = """() => { const h = document.documentElement.scrollHeight; window.scrollTo(0, h); return h; }"""
_HEIGHT_JS = "() => document.documentElement.scrollHeight"


def _same_document(url: str, before: str) -> bool:
    """Still the page the actions started on (a click that only changed the #fragment did not navigate)."""
    return urldefrag(url)[0] == urldefrag(before)[0]


def page_methods(actions: Sequence[RenderAction], url: str) -> list[PageMethod]:
    """The registry actions that apply to `url`, in order, as PageMethods (`playwright_page_methods`)."""
    return [PageMethod(run_action, action) for action in actions if action.applies(url)]


def action_results(methods: object) -> list[dict[str, Any]]:
    """What the actions of a finished request did (scrapy-playwright stores each return value in `.result`)."""
    if not isinstance(methods, (list, tuple)):
        return []
    return [
        m.result for m in methods if isinstance(m, PageMethod) and m.method is run_action and isinstance(m.result, dict)
    ]


async def run_action(page: Page, action: RenderAction) -> dict[str, Any]:
    """Run one action; never raises a Playwright error (it would lose the page): returns the outcome."""
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    try:
        return await _RUNNERS[action.kind](page, action)
    except PlaywrightTimeout:
        return _result(action, "timeout")
    except PlaywrightError as exc:
        return _result(action, "error", detail=str(exc).splitlines()[0][:200])


def _result(action: RenderAction, outcome: str, *, steps: int = 0, kept: int = 0, detail: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {
        "action": action.kind,
        "target": action.target,
        "outcome": outcome,
        "steps": steps,
        "kept": kept,
    }
    if detail:
        out["detail"] = detail
    return out


class _Deadline:
    def __init__(self, ms: int) -> None:
        self.end = time.monotonic() + ms / 1000

    def ms(self) -> float:
        """Milliseconds left (at least 1: Playwright reads 0 as 'no timeout')."""
        return max(1.0, (self.end - time.monotonic()) * 1000)

    @property
    def over(self) -> bool:
        return time.monotonic() >= self.end


async def _poll(check: Callable[[], Awaitable[bool]], deadline: _Deadline) -> bool:
    while True:
        if await check():
            return True
        if deadline.over:
            return False
        await asyncio.sleep(POLL_S)


async def _close_popup(popup: Page) -> None:
    await popup.close()  # a click that opens a window (target=_blank) must not leave a page open


async def _went_elsewhere(page: Page, before: str, deadline: _Deadline) -> bool:
    """The click loaded another URL: go back (the crawler follows real links itself) and say so."""
    if _same_document(page.url, before):
        return False
    from playwright.async_api import Error as PlaywrightError

    # the outcome says "navigated" either way; the DOM read is whatever page is there
    with contextlib.suppress(PlaywrightError):
        await page.go_back(timeout=deadline.ms(), wait_until="load")
    return True


async def _wait_for(page: Page, action: RenderAction) -> dict[str, Any]:
    await page.wait_for_selector(action.target, state="attached", timeout=action.timeout_ms)
    return _result(action, "done")


async def _click(page: Page, action: RenderAction) -> dict[str, Any]:
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    deadline = _Deadline(action.timeout_ms)
    control = page.locator(action.target).first
    try:  # a tab may be drawn after load: wait for it within the step
        await control.wait_for(state="attached", timeout=deadline.ms())
    except PlaywrightTimeout:
        return _result(action, "missing")
    before = page.url
    page.on("popup", _close_popup)
    try:
        await control.click(timeout=deadline.ms())
        await page.wait_for_timeout(min(SETTLE_MS, deadline.ms()))
        if await _went_elsewhere(page, before, deadline):
            return _result(action, "navigated", steps=1)
    finally:
        page.remove_listener("popup", _close_popup)
    return _result(action, "done", steps=1)


async def _rows(page: Page, selector: str) -> list[str]:
    rows = await page.locator(selector).evaluate_all(_ROWS_JS)
    return [r for r in rows if isinstance(r, str)]


async def _new_rows(
    page: Page, selector: str, previous: list[str], before: str, deadline: _Deadline
) -> list[str] | None:
    """The rows once the click has changed them and they stay put for one poll; None: nothing changed (the
    control did nothing: the last page) or the page went elsewhere."""
    from playwright.async_api import Error as PlaywrightError

    seen: list[list[str]] = []

    async def settled() -> bool:
        if not _same_document(page.url, before):
            return True
        try:
            rows = await _rows(page, selector)
        except PlaywrightError:  # the document is being replaced: poll again
            return False
        seen.append(rows)
        return bool(rows) and rows != previous and len(seen) >= 2 and seen[-2] == rows

    if not await _poll(settled, deadline) or not _same_document(page.url, before):
        return None
    return seen[-1]


async def _clickable(page: Page, selector: str, deadline: _Deadline) -> bool:
    control = page.locator(selector).first
    if await control.count() == 0:
        return False
    return bool(await control.evaluate(_CLICKABLE_JS, timeout=deadline.ms()))


async def _click_repeat(page: Page, action: RenderAction) -> dict[str, Any]:
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    snapshots: list[list[str]] = [await _rows(page, action.collect)] if action.collect else []
    clicks, outcome = 0, "done"
    page.on("popup", _close_popup)
    try:
        for _ in range(action.times):
            deadline = _Deadline(action.timeout_ms)
            rows: list[str] | None = None
            try:
                # no control, or a hidden / disabled one: the list has no more pages (not an error)
                if not await _clickable(page, action.target, deadline):
                    break
                before = page.url
                await page.locator(action.target).first.click(timeout=deadline.ms())
                clicks += 1
                if action.collect:
                    rows = await _new_rows(page, action.collect, snapshots[-1], before, deadline)
                    if rows is not None:
                        snapshots.append(rows)
                else:
                    await page.wait_for_timeout(min(SETTLE_MS, deadline.ms()))
                if await _went_elsewhere(page, before, deadline):
                    outcome = "navigated"
                    break
                if action.collect and rows is None:
                    break  # the click changed nothing: that was the last page
            except PlaywrightTimeout:
                outcome = "timeout"
                break
            except PlaywrightError as exc:
                logger.info("click_repeat %r stopped: %s", action.target, str(exc).splitlines()[0][:200])
                outcome = "error"
                break
    finally:
        page.remove_listener("popup", _close_popup)
    kept = await _keep_rows(page, action.collect, snapshots) if len(snapshots) > 1 else 0
    return _result(action, outcome, steps=clicks, kept=kept)


async def _keep_rows(page: Page, selector: str, snapshots: list[list[str]]) -> int:
    """Append the rows of earlier pages that the final DOM no longer shows; how many were appended."""
    present = set(await _rows(page, selector))
    missing: list[str] = []
    for snapshot in snapshots:
        for row in snapshot:
            if row not in present:
                present.add(row)
                missing.append(row)
    if missing:
        await page.evaluate(_KEEP_JS, missing)
    return len(missing)


async def _scroll(page: Page, action: RenderAction) -> dict[str, Any]:
    steps = 0
    for _ in range(action.times):
        deadline = _Deadline(action.timeout_ms)
        height = await page.evaluate(_SCROLL_JS)
        steps += 1

        async def grown(height: int = height) -> bool:
            return int(await page.evaluate(_HEIGHT_JS)) > height

        if not await _poll(grown, deadline):
            break  # nothing more was loaded
    return _result(action, "done", steps=steps)


async def _wait_for_load(page: Page, action: RenderAction) -> dict[str, Any]:
    await page.wait_for_load_state(action.target, timeout=action.timeout_ms)  # type: ignore[arg-type]
    return _result(action, "done")


async def _wait_ms(page: Page, action: RenderAction) -> dict[str, Any]:
    await page.wait_for_timeout(action.timeout_ms)
    return _result(action, "done")


_RUNNERS: dict[str, Callable[[Page, RenderAction], Awaitable[dict[str, Any]]]] = {
    "wait_for": _wait_for,
    "click": _click,
    "click_repeat": _click_repeat,
    "scroll": _scroll,
    "wait_for_load": _wait_for_load,
    "wait_ms": _wait_ms,
}
