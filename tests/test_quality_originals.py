"""The archived originals the quality site shows are safe to open: a hostile page (scripts, event handlers,
javascript: links in several spellings, frames, objects, forms, styles, raw-text tricks, SVG) comes out with its
text and tables and nothing that runs or loads — checked on the markup, then in real Chromium (no dialog, no
console output, no request but the page itself, no script element, no on* attribute)."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest
from lxml import html as lxml_html

from gxcrawl.quality.originals import clean_html

CHROMIUM = os.environ.get("GXCRAWL_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")

HOSTILE = """<!DOCTYPE html><html><head><meta charset="gbk"><title>关于2023年度报告</title>
<script>alert('head')</script><link rel="stylesheet" href="http://127.0.0.9/x.css">
<meta http-equiv="refresh" content="0;url=javascript:alert('refresh')"><base href="http://127.0.0.9/">
<style>body{background:url(javascript:alert('css'))}</style></head>
<body onload="alert('body')" style="background:url(http://127.0.0.9/bg.png)" background="http://127.0.0.9/b.png">
<h1 onclick="alert('h1')" onmouseover=alert('h1b') ONERROR="alert('upper')">某区2023年政府信息公开工作年度报告</h1>
<p>本年新收政府信息公开申请数量 <b>12</b> 件。<!-- comment <script>alert('comment')</script> --></p>
<table border="1"><tr><td colspan="2">本年新收</td><td>12</td></tr></table>
<a id="j1" href="javascript:alert('a')">one</a>
<a id="j2" href=" JaVaScRiPt:alert('b')">two</a>
<a id="j3" href="java&#09;script:alert('c')">three</a>
<a id="j4" href="&#106;avascript:alert('d')">four</a>
<a id="j5" href="vbscript:msgbox('e')">five</a>
<a id="j6" href="data:text/html,<script>alert('f')</script>">six</a>
<a id="ok" href="http://127.0.0.9/other.html">a plain link</a>
<img src="http://127.0.0.9/x.png" onerror="alert('img')" alt="印章"><img src=x srcset="http://127.0.0.9/y.png 2x">
<iframe src="javascript:alert('iframe')"></iframe><iframe srcdoc="<script>alert('srcdoc')</script>"></iframe>
<object data="http://127.0.0.9/x.swf"><embed src="http://127.0.0.9/x.swf"></object>
<form action="javascript:alert('form')"><input onfocus="alert('input')" autofocus>\
<button formaction="javascript:alert(1)">go</button></form>
<svg onload="alert('svg')"><script>alert('svg script')</script>\
<a xlink:href="javascript:alert('x')"><text>t</text></a></svg>
<noscript><p title="</noscript><img src=x onerror=alert('noscript')>"></p></noscript>
<details open ontoggle="alert('toggle')"><summary>more</summary>详情</details>
<video src="http://127.0.0.9/v.mp4" poster="http://127.0.0.9/p.png"></video>
<div style="width:expression(alert('ie'))">样式</div>
<scr<script>ipt>alert('split')</script>
<p>结束</p>
<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')></body></html>"""


def test_a_hostile_page_keeps_its_text_and_loses_everything_that_runs_or_loads() -> None:
    cleaned = clean_html(HOSTILE.encode("gb18030"), "text/html; charset=gbk")
    tree = lxml_html.document_fromstring(cleaned)
    lowered = cleaned.lower()
    assert "<script" not in lowered and "javascript:" not in lowered and "vbscript:" not in lowered
    assert (
        tree.xpath(
            "//script|//style[not(ancestor::head)]|//iframe|//object|//embed|//svg|//math|//form|"
            "//input|//button|//link|//base|//video|//noscript"
        )
        == []
    )
    for element in tree.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            assert name.lower() not in (
                "src",
                "srcset",
                "background",
                "poster",
                "style",
                "action",
                "formaction",
                "srcdoc",
                "xlink:href",
            ), (element.tag, name)
            if name == "href":
                assert value == "http://127.0.0.9/other.html", value
    # the content is all there: text, table, link text, image alt, the title of the page
    text = tree.body.text_content()
    for kept in (
        "某区2023年政府信息公开工作年度报告",
        "本年新收政府信息公开申请数量",
        "12",
        "a plain link",
        "详情",
        "结束",
    ):
        assert kept in text
    assert tree.xpath("//td[@colspan='2']/text()") == ["本年新收"]
    assert tree.xpath("//img/@alt") == ["印章"]
    # what the copy itself adds: a policy that forbids scripts and loading anything, should something get through
    assert "default-src 'none'" in cleaned


@pytest.mark.browser
@pytest.mark.slow
def test_the_cleaned_hostile_page_runs_and_loads_nothing_in_chromium(tmp_path: Path) -> None:
    if not CHROMIUM:
        pytest.skip("Chromium not installed (apt-get install chromium): the cleaned page is tested in a real browser")
    from playwright.async_api import async_playwright

    page_file = tmp_path / "original.html"
    page_file.write_text(clean_html(HOSTILE.encode("gb18030"), "text/html; charset=gbk"), encoding="utf-8")

    async def run() -> dict:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-dev-shm-usage"]
            )
            try:
                page = await browser.new_page()
                seen: dict = {"dialogs": [], "console": [], "requests": []}
                page.on("dialog", lambda d: (seen["dialogs"].append(d.message), asyncio.ensure_future(d.dismiss())))
                page.on("console", lambda m: seen["console"].append(m.text))
                page.on("request", lambda r: seen["requests"].append(r.url))
                await page.goto(page_file.as_uri(), wait_until="load")
                # what a reader does to any element: hover it, focus it, click it (links aside: they navigate)
                for element in await page.query_selector_all("body *:not(a)"):
                    for event in ("mouseover", "focus", "click"):
                        await element.dispatch_event(event)
                await page.wait_for_timeout(300)
                seen["scripts"] = await page.evaluate("document.scripts.length")
                seen["handlers"] = await page.evaluate(
                    "[...document.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name))"
                    ".filter(n => n.startsWith('on'))"
                )
                seen["text"] = await page.inner_text("body")
                return seen
            finally:
                await browser.close()

    seen = asyncio.run(run())
    assert seen["dialogs"] == [] and seen["console"] == [], seen
    assert seen["requests"] == [page_file.as_uri()], seen["requests"]
    assert seen["scripts"] == 0 and seen["handlers"] == []
    assert "某区2023年政府信息公开工作年度报告" in seen["text"] and "结束" in seen["text"]
