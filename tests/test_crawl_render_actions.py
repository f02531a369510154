"""Registry `render_actions`: translated into scrapy-playwright PageMethods by the render middleware, run in a
real Chromium (tab, 下一页 that replaces the list, 加载更多, lazy scroll, selectors that never appear, links that
navigate), and a real `scrapy crawl portals` of the demo's JS-only site that finds every report only with them."""

from __future__ import annotations

import asyncio
import json
import os
import pickle
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from archive_support.server import LoopbackServer, Route
from conftest import unavailable
from crawl_process import QUICK, ROOT, SCRAPY
from lxml import html as lxml_html
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler
from scrapy_playwright.page import PageMethod

from gxcrawl.crawl import signals as gx_signals
from gxcrawl.crawl.middlewares.render import RenderMiddleware
from gxcrawl.crawl.pageactions import action_results, page_methods, run_action
from gxcrawl.demo import DemoPortal
from gxcrawl.discovery.registry import RenderAction, portal_from_dict

CHROMIUM = os.environ.get("GXCRAWL_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
FAST = QUICK  # the browser and the parse workers as a user runs them

PORTAL = portal_from_dict(
    {
        "id": "js",
        "entry_urls": ["http://www.js.gov.cn/"],
        "render": True,
        "render_actions": [
            {"wait_for": "#nb-list li", "match": "/ndbg/(index\\.html)?$"},
            {"click": "a.tab-nb", "match": "^/xxgk/"},
            {"click_repeat": "a.next", "times": 5, "collect": "#nb-list li", "match": "/ndbg/(index\\.html)?$"},
            {"wait_ms": 100},
        ],
    }
)


# --- translation: registry actions -> PageMethods, in the render middleware -------------------------------------


def _middleware(*, available: bool = True) -> tuple[RenderMiddleware, list[tuple[str, Any]]]:
    crawler = get_crawler()
    assert crawler.stats is not None
    unrendered: list[tuple[str, Any]] = []

    def page_unrendered(url: str, portal: str | None) -> None:
        unrendered.append((url, portal))

    crawler.signals.connect(page_unrendered, signal=gx_signals.page_unrendered, weak=False)
    return RenderMiddleware(crawler.stats, crawler.signals, available=available), unrendered


def _request(url: str, role: str = "column", *, render: bool = True, **meta: Any) -> Request:
    """A request of the JS-only portal as the spider builds it: the portal's rendering and actions in its meta."""
    portal_meta = {"gx_portal": "js", "gx_render_actions": PORTAL.render_actions}
    if render:
        portal_meta["gx_render"] = True
    return Request(url, meta={**portal_meta, "gx_role": role, **meta})


def test_actions_become_page_methods_in_order_for_the_urls_they_match() -> None:
    wait_for, click, repeat, pause = PORTAL.render_actions
    methods = page_methods(PORTAL.render_actions, "http://www.js.gov.cn/xxgk/ndbg/index.html")
    assert [m.method for m in methods] == [run_action] * 4
    assert [m.args for m in methods] == [(wait_for,), (click,), (repeat,), (pause,)] and all(
        not m.kwargs for m in methods
    )
    # a report page under the list: only the unscoped pause; the entry page: no list actions either
    assert [
        m.args[0] for m in page_methods(PORTAL.render_actions, "http://www.js.gov.cn/xxgk/ndbg/202403/t20240301_7.html")
    ] == [click, pause]
    assert [m.args[0] for m in page_methods(PORTAL.render_actions, "http://www.js.gov.cn/")] == [pause]
    assert page_methods((), "http://www.js.gov.cn/") == []


def test_render_middleware_gives_a_rendered_request_its_page_methods() -> None:
    middleware, _ = _middleware()
    request = _request("http://www.js.gov.cn/xxgk/ndbg/")
    middleware.process_request(request)
    assert request.meta["playwright"] is True
    methods = request.meta["playwright_page_methods"]
    assert all(isinstance(m, PageMethod) and m.method is run_action for m in methods)
    assert [m.args[0].kind for m in methods] == ["wait_for", "click", "click_repeat", "wait_ms"]
    assert middleware.stats.get_value("gx/render/actions/pages") == 1
    # a request's meta may be pickled (retries, disk queues): the page methods survive it
    again = pickle.loads(pickle.dumps(methods))
    assert [m.method for m in again] == [run_action] * 4 and [m.args for m in again] == [m.args for m in methods]
    # a retry of the same request gets fresh methods, not the last attempt's results
    methods[0].result = {"action": "wait_for", "outcome": "timeout"}
    retry = request.replace(dont_filter=True)
    middleware.process_request(retry)
    assert all(m.result is None for m in retry.meta["playwright_page_methods"])
    # documents are never rendered; a request on no portal with actions gets none
    attachment = _request("http://www.js.gov.cn/xxgk/ndbg/a.pdf", role="attachment")
    middleware.process_request(attachment)
    assert "playwright" not in attachment.meta and "playwright_page_methods" not in attachment.meta


def test_shell_refetch_gets_the_actions_and_no_browser_gets_none() -> None:
    middleware, _ = _middleware()  # a portal rendered only where a page came back an empty shell
    shell = _request("http://www.js.gov.cn/xxgk/ndbg/index.html", render=False, playwright=True)
    middleware.process_request(shell)
    assert [m.args[0].kind for m in shell.meta["playwright_page_methods"]] == [
        "wait_for",
        "click",
        "click_repeat",
        "wait_ms",
    ]
    plain = _request("http://www.js.gov.cn/xxgk/ndbg/index.html", render=False)
    middleware.process_request(plain)
    assert "playwright_page_methods" not in plain.meta and plain.meta["gx_render_shell"] is True

    middleware, unrendered = _middleware(available=False)
    request = _request("http://www.js.gov.cn/xxgk/ndbg/")
    middleware.process_request(request)
    assert not request.meta.get("playwright") and "playwright_page_methods" not in request.meta
    assert unrendered == [("http://www.js.gov.cn/xxgk/ndbg/", "js")]
    assert middleware.stats.get_value("gx/render/unavailable") == 1


def test_what_the_actions_did_is_counted(caplog: pytest.LogCaptureFixture) -> None:
    middleware, _ = _middleware()
    request = _request("http://www.js.gov.cn/xxgk/ndbg/")
    middleware.process_request(request)
    wait_for, click, repeat, pause = request.meta["playwright_page_methods"]
    wait_for.result = {"action": "wait_for", "target": "#nb-list li", "outcome": "timeout", "steps": 0, "kept": 0}
    click.result = {"action": "click", "target": "a.tab-nb", "outcome": "missing", "steps": 0, "kept": 0}
    repeat.result = {"action": "click_repeat", "target": "a.next", "outcome": "done", "steps": 2, "kept": 4}
    # pause.result stays None (scrapy-playwright fills results in order; a failed request has some unset)
    assert [r["outcome"] for r in action_results(request.meta["playwright_page_methods"])] == [
        "timeout",
        "missing",
        "done",
    ]
    response = HtmlResponse(request.url, body=b"<html></html>", request=request)
    with caplog.at_level("INFO", logger="gxcrawl.crawl.middlewares.render"):
        assert middleware.process_response(request, response) is response
    stats = middleware.stats.get_stats()
    assert {
        k: v for k, v in stats.items() if k.startswith("gx/render/actions/") and k != "gx/render/actions/pages"
    } == {
        "gx/render/actions/wait_for/timeout": 1,
        "gx/render/actions/click/missing": 1,
        "gx/render/actions/click_repeat/done": 1,
        "gx/render/actions/click_repeat/steps": 2,
        "gx/render/actions/rows_kept": 4,
    }
    assert "wait_for '#nb-list li': timeout on http://www.js.gov.cn/xxgk/ndbg/" in caplog.text
    assert "click_repeat" not in caplog.text  # a finished action is not news


# --- the actions in a real Chromium -------------------------------------------------------------------------------

ROWS = [f"某局{2019 + i}年政府信息公开工作年度报告" for i in range(5)]
_DATA = json.dumps([[f"/r/{i}.html", t] for i, t in enumerate(ROWS)], ensure_ascii=False)
_ROW_JS = (
    "function row(x){var li=document.createElement('li'),a=document.createElement('a');"
    "a.setAttribute('href',x[0]);a.textContent=x[1];li.appendChild(a);return li;}"
)


def _page(body: str, script: str) -> bytes:
    return (
        f"<html><head><meta charset='utf-8'><title>年报</title></head><body>{body}"
        f"<script>var d={_DATA};{_ROW_JS}{script}</script></body></html>"
    ).encode()


PAGES = {
    # a tab reveals the list a moment later; 下一页 replaces its 2 rows with the next ones and hides on the last page
    "/tabs.html": _page(
        "<div class='tabs'><a class='tab-news' href='javascript:;'>工作动态</a> "
        "<a class='tab-nb' href='javascript:;'>年报</a></div><ul id='nb-list'></ul>"
        "<a class='next' href='javascript:;' style='display:none'>下一页</a>",
        "var p=0,ul=document.getElementById('nb-list'),nx=document.querySelector('a.next');"
        "function draw(){ul.innerHTML='';d.slice(p*2,p*2+2).forEach(function(x){ul.appendChild(row(x));});"
        "nx.style.display=p*2+2<d.length?'':'none';}"
        "document.querySelector('a.tab-nb').onclick=function(){setTimeout(draw,200);return false;};"
        "nx.onclick=function(){p++;setTimeout(draw,150);return false;};",
    ),
    # 加载更多 appends 2 rows a click and is removed when every row is shown
    "/more.html": _page(
        "<ul id='nb-list'></ul><button id='more'>加载更多</button>",
        "var n=0,ul=document.getElementById('nb-list'),b=document.getElementById('more');"
        "function more(){d.slice(n,n+2).forEach(function(x){ul.appendChild(row(x));});n+=2;if(n>=d.length)b.remove();}"
        "b.onclick=function(){setTimeout(more,100);};more();",
    ),
    # one page only: there is no 下一页 at all
    "/single.html": _page(
        "<ul id='nb-list'></ul>", "var ul=document.getElementById('nb-list');ul.appendChild(row(d[0]));"
    ),
    # a 下一页 that is drawn but does nothing (the site forgot to disable it on the last page)
    "/inert.html": _page(
        "<ul id='nb-list'></ul><a class='next' href='javascript:;'>下一页</a>",
        "var ul=document.getElementById('nb-list');ul.appendChild(row(d[0]));",
    ),
    # a lazy list: scrolling to the bottom loads 2 more rows (tall rows, so the page grows each time)
    "/lazy.html": _page(
        "<ul id='nb-list'></ul><div id='end'>…</div>",
        "var n=0,ul=document.getElementById('nb-list');"
        "function more(){d.slice(n,n+2).forEach(function(x){var li=row(x);li.style.height='900px';"
        "ul.appendChild(li);});n+=2;}more();"
        "new IntersectionObserver(function(es){if(es[0].isIntersecting&&n<d.length)setTimeout(more,100);})"
        ".observe(document.getElementById('end'));",
    ),
    # rows in a table: kept rows must survive being put back into the DOM
    "/table.html": _page(
        "<table><tbody id='t'></tbody></table><a class='next' href='javascript:;'>下一页</a>",
        "var p=0,t=document.getElementById('t'),nx=document.querySelector('a.next');"
        "function draw(){t.innerHTML='';d.slice(p*2,p*2+2).forEach(function(x){var tr=document.createElement('tr'),"
        "td=document.createElement('td');td.appendChild(row(x).firstChild);tr.appendChild(td);t.appendChild(tr);});"
        "nx.className=p*2+2<d.length?'next':'next disabled';}"
        "nx.onclick=function(){if(p*2+2<d.length){p++;setTimeout(draw,100);}return false;};draw();",
    ),
    # a tab that also opens a window (an ad, a 新窗口 link): the window must not stay open
    "/popup.html": _page(
        "<a class='tab-nb' href='javascript:;'>年报</a><ul id='nb-list'></ul>",
        "document.querySelector('a.tab-nb').onclick=function(){window.open('/single.html');"
        "document.getElementById('nb-list').appendChild(row(d[0]));return false;};",
    ),
    # 下一页 is a real link to another URL: the crawler's own pagination follows those
    "/nav.html": _page(
        "<ul id='nb-list'></ul><a class='next' href='/nav_2.html'>下一页</a>",
        "document.getElementById('nb-list').appendChild(row(d[0]));",
    ),
    "/nav_2.html": _page("<ul id='nb-list'></ul>", "document.getElementById('nb-list').appendChild(row(d[1]));"),
}


@pytest.fixture(scope="module")
def site() -> Iterator[LoopbackServer]:
    if not CHROMIUM:
        unavailable("Chromium not installed")
    with LoopbackServer() as server:
        for path, body in PAGES.items():
            server.route(path, Route(body))
        yield server


def _actions(*actions: dict[str, Any]) -> tuple[RenderAction, ...]:
    return portal_from_dict(
        {"id": "t", "entry_urls": ["http://127.0.0.1/"], "render": True, "render_actions": list(actions)}
    ).render_actions


class Run(NamedTuple):
    results: list[dict[str, Any]]
    dom: str
    url: str
    open_pages: int


def _in_browser(url: str, actions: tuple[RenderAction, ...]) -> Run:
    """Load `url`, run the PageMethods as scrapy-playwright does (method(page, *args, **kwargs), in order): their
    results, the DOM, the final URL and the pages left open."""
    from playwright.async_api import async_playwright

    async def go() -> Run:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-dev-shm-usage"]
            )
            try:
                page = await browser.new_page()
                await page.goto(url, wait_until="load")
                results = []
                for method in page_methods(actions, url):
                    results.append(await method.method(page, *method.args, **method.kwargs))
                dom = await page.content()
                await asyncio.sleep(0.3)  # a window being closed has had its time
                return Run(results, dom, page.url, len(page.context.pages))
            finally:
                await browser.close()

    return asyncio.run(go())


def _links(dom: str) -> list[str]:
    return [a.text_content() for a in lxml_html.fromstring(dom).iter("a") if a.get("href", "").startswith("/r/")]


@pytest.mark.browser
def test_tab_then_next_pages_keep_every_page_rows(site: LoopbackServer) -> None:
    url = site.url("/tabs.html")
    results, dom, final_url, _ = _in_browser(
        url,
        _actions(
            {"wait_for": "#nb-list li", "timeout_ms": 300},  # not there before the tab is clicked: a timeout, no error
            {"click": "a.tab-nb"},
            {"wait_for": "#nb-list li"},
            {"click_repeat": "a.next", "times": 10, "collect": "#nb-list li"},
        ),
    )
    assert [(r["action"], r["outcome"]) for r in results] == [
        ("wait_for", "timeout"),
        ("click", "done"),
        ("wait_for", "done"),
        ("click_repeat", "done"),
    ]
    assert results[3]["steps"] == 2 and results[3]["kept"] == 4  # 3 pages; 4 rows of pages 1-2 put back
    assert sorted(_links(dom)) == sorted(ROWS) and final_url == url
    assert "data-gx-collected" in dom


@pytest.mark.browser
def test_without_collect_only_the_last_page_is_left(site: LoopbackServer) -> None:
    _, dom, _, _ = _in_browser(
        site.url("/tabs.html"),
        _actions({"click": "a.tab-nb"}, {"wait_for": "#nb-list li"}, {"click_repeat": "a.next", "times": 10}),
    )
    assert _links(dom) == ROWS[4:]  # why click_repeat has `collect`


@pytest.mark.browser
def test_load_more_accumulates_and_nothing_is_added(site: LoopbackServer) -> None:
    results, dom, _, _ = _in_browser(
        site.url("/more.html"), _actions({"click_repeat": "#more", "times": 10, "collect": "#nb-list li"})
    )
    assert (results[0]["outcome"], results[0]["steps"], results[0]["kept"]) == ("done", 2, 0)
    assert _links(dom) == ROWS and "data-gx-collected" not in dom


@pytest.mark.browser
def test_missing_or_inert_next_means_no_more_pages(site: LoopbackServer) -> None:
    results, dom, _, _ = _in_browser(
        site.url("/single.html"),
        _actions(
            {"click_repeat": "a.next", "times": 5, "collect": "#nb-list li", "timeout_ms": 5000},
            {"click": "a.tab-nb", "timeout_ms": 300},
        ),
    )
    assert [(r["action"], r["outcome"], r["steps"]) for r in results] == [
        ("click_repeat", "done", 0),
        ("click", "missing", 0),
    ]
    # no 下一页: no click and "done", not "timeout": it did not wait out its step for a control that never comes
    assert _links(dom) == ROWS[:1]
    results, dom, _, _ = _in_browser(
        site.url("/inert.html"),
        _actions({"click_repeat": "a.next", "times": 5, "collect": "#nb-list li", "timeout_ms": 2000}),
    )
    # one click that changed nothing: the last page; it stopped there instead of clicking all five times
    assert (results[0]["outcome"], results[0]["steps"], results[0]["kept"]) == ("done", 1, 0)
    assert _links(dom) == ROWS[:1]


@pytest.mark.browser
def test_scroll_loads_a_lazy_list(site: LoopbackServer) -> None:
    # a step's limit must be met by every scroll that loads rows (a timer of 0.1 s on the page): generous, since only
    # the last step, which loads nothing, runs it out
    results, dom, _, _ = _in_browser(
        site.url("/lazy.html"), _actions({"scroll": "bottom", "times": 10, "timeout_ms": 5000})
    )
    assert results[0]["outcome"] == "done" and 2 <= results[0]["steps"] < 10  # stopped when nothing more came
    assert _links(dom) == ROWS
    _, dom, _, _ = _in_browser(site.url("/lazy.html"), _actions({"wait_ms": 300}))
    assert _links(dom) == ROWS[:2]  # the scroll is what loads them


@pytest.mark.browser
def test_table_rows_are_kept_in_a_table(site: LoopbackServer) -> None:
    results, dom, _, _ = _in_browser(
        site.url("/table.html"), _actions({"click_repeat": "a.next", "times": 10, "collect": "#t tr"})
    )
    assert (results[0]["steps"], results[0]["kept"]) == (2, 4)  # stopped by class="next disabled"
    assert sorted(_links(dom)) == sorted(ROWS)
    kept = lxml_html.fromstring(dom).xpath("//div[@data-gx-collected]//table//tr//a/text()")
    assert sorted(kept) == sorted(ROWS[:4])  # <tr> outside a table would have been dropped by the HTML parser


@pytest.mark.browser
def test_a_next_link_to_another_url_is_left_to_the_crawler(site: LoopbackServer) -> None:
    url = site.url("/nav.html")
    results, dom, final_url, _ = _in_browser(
        url, _actions({"click_repeat": "a.next", "times": 3, "collect": "#nb-list li"})
    )
    assert (results[0]["outcome"], results[0]["steps"]) == ("navigated", 1)
    assert final_url == url and _links(dom) == ROWS[:1]  # back on the page that was asked for


@pytest.mark.browser
def test_a_window_a_click_opens_is_closed(site: LoopbackServer) -> None:
    run = _in_browser(site.url("/popup.html"), _actions({"click": "a.tab-nb"}))
    assert run.results[0]["outcome"] == "done" and _links(run.dom) == ROWS[:1]
    assert run.open_pages == 1


# --- a real crawl of the demo's JS-only site -----------------------------------------------------------------------


def _crawl(registry: Path, archive: Path) -> tuple[dict[str, Any], str]:
    cmd = [
        SCRAPY,
        "crawl",
        "portals",
        "-a",
        f"registry={registry}",
        "-a",
        "portals=demo-jsonly",
        "-s",
        f"GX_ARCHIVE_DIR={archive}",
        *FAST,
    ]
    result = subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, "GXCRAWL_DATABASE_URL": ""}
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[result.stderr.index("Traceback") - 200 :][:4000]
    return json.loads((archive / "coverage.json").read_text(encoding="utf-8")), result.stderr


def _stat(log: str, name: str) -> int:
    found = re.search(rf"'{re.escape(name)}': (\d+)", log)
    return int(found.group(1)) if found else 0


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_a_real_crawl_finds_every_js_only_report_only_with_the_actions(tmp_path: Path) -> None:
    if not CHROMIUM:
        unavailable("Chromium not installed")
    with DemoPortal(seed=1, out_dir=tmp_path / "demo") as portal:
        registry = json.loads(portal.registry_path.read_text(encoding="utf-8"))
        entry = next(p for p in registry["portals"] if p["id"] == "demo-jsonly")
        actions = entry.pop("render_actions")
        without = tmp_path / "without.json"
        without.write_text(json.dumps(registry, ensure_ascii=False), encoding="utf-8")
        # the demo's own actions, plus two a registry may get wrong: a list selector that never appears and a tab
        # that is not there; both cost their timeout and lose nothing
        entry["render_actions"] = [
            {"wait_for": "#no-such-list", "timeout_ms": 500, "match": actions[0]["match"]},
            {"click": "a.tab-nb", "timeout_ms": 300, "match": actions[0]["match"]},
            *actions,
        ]
        with_actions = tmp_path / "with.json"
        with_actions.write_text(json.dumps(registry, ensure_ascii=False), encoding="utf-8")
        wanted = {r["url"] for r in portal.manifest["reports"] if r["portal"] == "demo-jsonly"}
        distractors = {d["url"] for d in portal.manifest["distractors"]}

        plain, _ = _crawl(without, tmp_path / "archive-without")
        acted, log = _crawl(with_actions, tmp_path / "archive-with")

    assert len(wanted) == 6
    found_plain = {r["url"] for r in plain["reports"]}
    # rendered but not acted on: only the list's first page (2 rows) is ever in the DOM
    assert found_plain < wanted and len(found_plain) == 2
    found = {r["url"] for r in acted["reports"]}
    assert found == wanted and not found & distractors
    assert _stat(log, "gx/render/actions/pages") == 1  # the list page only, not its report pages
    assert _stat(log, "gx/render/actions/wait_for/timeout") == 1 and _stat(log, "gx/render/actions/click/missing") == 1
    assert _stat(log, "gx/render/actions/wait_for/done") == 1 and _stat(log, "gx/render/actions/click_repeat/done") == 1
    assert _stat(log, "gx/render/actions/click_repeat/steps") == 2 and _stat(log, "gx/render/actions/rows_kept") == 4
