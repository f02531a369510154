"""Challenge pages and shells are told apart from real pages
(docs/portals.md, "Challenge pages, shells and cookie gates"); Retry-After parsing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from gxcrawl.crawl.middlewares.blocked import detect_blocked, renderable_shell
from gxcrawl.crawl.middlewares.politeness import parse_retry_after
from gxcrawl.crawl.middlewares.render import abort_request, find_chromium

RS_412 = (
    '<html><head><meta id="x" content="Y2hh" r="m"><script r="m">$_ts=window[\'$_ts\'];'
    "if(!$_ts)$_ts=window['$_ts']={};$_ts.nsd=28761;</script><script src=\"/4QbVtADbnLVIc/c.js\"></script></head>"
    "<body></body></html>"
)
JSL_521 = (
    "<html><body><script>document.cookie=('_')+('_')+('j')+('s')+('l')+'=1;max-age=3600;path=/';"
    "location.href=location.pathname+location.search</script></body></html>"
)
SHELL = (
    '<!DOCTYPE html><html><head><title></title><script src="/_bot_sbu/sbu_fpcm.js"></script>'
    '<script>document.cookie="sbu_v=1;path=/";window.location.reload();</script></head><body>'
    '<noscript>Please enable JavaScript to view the page content.</noscript><div id="app"></div></body></html>'
)
APP_SHELL = '<html><head><title></title><script src="/app.js"></script></head><body><div id="app"></div></body></html>'
SOFT_404 = (
    "<html><head><title>404 页面不存在</title></head><body><div class='nav'><a href='/'>首页</a></div>"
    "<h1>您访问的页面不存在</h1></body></html>"
)
REAL = (
    "<html><head><title>某县2023年政府信息公开工作年度报告</title></head><body><h1>某县2023年政府信息公开工作年度报告</h1>"
    "<p>一、总体情况</p><p>" + "本年度全县政府信息公开工作稳步推进。" * 20 + "</p><a href='/'>首页</a></body></html>"
)
GKMLPT_SPA = "<html><body><div id='app'></div><script>window._CONFIG = {SID: '1', TREE: []};</script></body></html>"


@pytest.mark.parametrize(
    ("status", "html", "reason"),
    [
        (412, RS_412, "challenge-412"),
        (521, JSL_521, "challenge-521"),
        (418, "<html><body>访问被拦截！</body></html>", "challenge-418"),
        (200, SHELL, "empty-shell"),
        (200, APP_SHELL, "empty-shell"),
        (200, SOFT_404, "soft-404"),
        (200, REAL, None),
        (200, GKMLPT_SPA, None),
        (404, "<html><body>not found</body></html>", None),
    ],
)
def test_detect_blocked(status: int, html: str, reason: str | None) -> None:
    assert detect_blocked(status, html.encode(), html, content_type="text/html") == reason


def test_bot_checks_are_never_rendered_but_app_shells_may_be() -> None:
    assert not renderable_shell(SHELL)
    assert not renderable_shell(JSL_521)
    assert renderable_shell(APP_SHELL)


def test_retry_after_seconds_and_http_date() -> None:
    assert parse_retry_after(b"2") == 2.0
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now=now.timestamp()) == 30.0
    assert parse_retry_after(None) is None and parse_retry_after(b"soon") is None


def test_render_helpers() -> None:
    class FakeRequest:
        def __init__(self, kind: str) -> None:
            self.resource_type = kind

    assert abort_request(FakeRequest("image")) and abort_request(FakeRequest("font"))
    assert not abort_request(FakeRequest("document")) and not abort_request(FakeRequest("xhr"))
    assert find_chromium("/nonexistent/chromium") is None
