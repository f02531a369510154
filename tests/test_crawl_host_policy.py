"""One host policy for every request: a real crawl over loopback whose report page links attachments on another
127.0.0.x host and on another port of the portal's own host, and redirects (a list link and an attachment) to
them. Listeners on those addresses record every connection; none may arrive."""

from __future__ import annotations

import json
import os
import re
import socketserver
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from crawl_process import ROOT, SCRAPY, SECTIONS
from mock_server import Arrival, MockServer

from gxcrawl.discovery.hosts import HostPolicy
from gxcrawl.discovery.registry import load_registry

PORTAL_HOST, OTHER_HOST = "127.0.0.171", "127.0.0.172"


class HostileListener:
    """Accepts TCP connections on (host, ephemeral port) and records each one; answers nothing."""

    def __init__(self, host: str) -> None:
        self.connections: list[tuple[str, int]] = []
        listener = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                listener.connections.append(self.client_address)

        self.server = socketserver.ThreadingTCPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.netloc = f"{host}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> HostileListener:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class Portal(MockServer):
    """A 年报 column with one report page whose attachments point off the portal, and redirects off it."""

    def __init__(self, other_host: str, other_port: str) -> None:
        super().__init__(PORTAL_HOST, protocol="HTTP/1.0")
        self.other_host, self.other_port = other_host, other_port

    @property
    def paths(self) -> list[str]:
        return [request.path for request in self.requests]

    def answer(self, request: Arrival) -> tuple[int, list[tuple[str, str]], bytes]:
        return self.page(request.path)

    def page(self, path: str) -> tuple[int, list[tuple[str, str]], bytes]:
        html = [("Content-Type", "text/html; charset=utf-8")]
        if path == "/robots.txt":
            return 200, [("Content-Type", "text/plain")], b"User-agent: *\nDisallow:\n"
        if path in ("/", "/nb/"):
            rows = [
                ("/nb/t1.html", "某县2023年政府信息公开工作年度报告"),
                ("/nb/t2.html", "某县2022年政府信息公开工作年度报告"),  # 302 to the other host
                (f"http://{self.other_host}/nb/t3.html", "某县2021年政府信息公开工作年度报告"),
            ]
            links = "".join(
                f'<li><a href="{href}">{text}</a><span>2024-01-0{i}</span></li>'
                for i, (href, text) in enumerate(rows, 1)
            )
            return 200, html, f"<html><head><title>年报</title></head><body><ul>{links}</ul></body></html>".encode()
        if path == "/nb/t2.html":
            return 302, [("Location", f"http://{self.other_host}/nb/t2.html")], b""
        if path == "/moved.pdf":
            return 302, [("Location", f"http://{self.other_port}/c.pdf")], b""
        if path == "/local.pdf":
            return 200, [("Content-Type", "application/pdf")], b"%PDF-1.4\n%%EOF\n"
        if path == "/nb/t1.html":
            title = "某县2023年政府信息公开工作年度报告"
            attachments = "".join(
                f'<p><a href="{href}">附件{i}.pdf</a></p>'
                for i, href in enumerate(
                    (f"http://{self.other_host}/a.pdf", f"http://{self.other_port}/b.pdf", "/moved.pdf", "/local.pdf")
                )
            )
            return (
                200,
                html,
                (
                    f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{SECTIONS}"
                    f"{attachments}</body></html>"
                ).encode(),
            )
        return 404, html, b"<html><body>not found</body></html>"


@pytest.fixture
def hostile() -> Iterator[tuple[HostileListener, HostileListener]]:
    with HostileListener(OTHER_HOST) as other_host, HostileListener(PORTAL_HOST) as other_port:
        yield other_host, other_port


def _stat(log: str, name: str) -> int:
    m = re.search(rf"'{re.escape(name)}': (\d+)", log)
    return int(m.group(1)) if m else 0


@pytest.mark.timeout(180)
def test_no_request_leaves_the_portal_hosts(hostile: tuple[HostileListener, HostileListener], tmp_path: Path) -> None:
    other_host, other_port = hostile
    with Portal(other_host.netloc, other_port.netloc) as portal:
        registry = tmp_path / "registry.json"
        registry.write_text(
            json.dumps(
                {
                    "portals": [
                        {
                            "id": "county",
                            "name": "某县",
                            "entry_urls": [portal.base + "/"],
                            "allowed_hosts": [portal.base[7:]],
                            "report_columns": [portal.base + "/nb/"],
                        }
                    ]
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        cmd = [
            SCRAPY,
            "crawl",
            "portals",
            "-a",
            f"registry={registry}",
            "-s",
            f"GX_ARCHIVE_DIR={tmp_path / 'a'}",
            "-s",
            "DOWNLOAD_DELAY=0",
            "-s",
            "AUTOTHROTTLE_ENABLED=0",
            "-s",
            "GX_RETRY_BACKOFF_BASE=0",
            "-s",
            "TELNETCONSOLE_ENABLED=0",
            "-s",
            "GX_PARSE_WORKERS=0",
            "-s",
            "RETRY_TIMES=1",
            # every page is read in the spider's worker thread (the path of big pages), in a real reactor
            "-s",
            "GX_OFF_REACTOR_PAGE_BYTES=0",
        ]
        result = subprocess.run(
            cmd, cwd=ROOT, capture_output=True, text=True, timeout=150, env={**os.environ, "GXCRAWL_DATABASE_URL": ""}
        )
    assert result.returncode == 0, result.stderr[-3000:]
    assert other_host.connections == [], f"connections to another host: {other_host.connections}"
    assert other_port.connections == [], f"connections to another port of the portal host: {other_port.connections}"
    log = result.stderr
    assert _stat(log, "gx/offsite/attachment") == 2, log[-3000:]
    assert _stat(log, "gx/offsite/redirect") == 2, log[-3000:]  # the list link's 302 and the attachment's
    # the report page itself was still crawled, with the attachment that stayed on the portal
    coverage = json.loads((tmp_path / "a" / "coverage.json").read_text(encoding="utf-8"))
    assert coverage["portals"]["county"]["reports"] == 1
    (report,) = coverage["reports"]
    assert report["attachments"] == [portal.base + "/local.pdf"]
    assert "/local.pdf" in portal.paths and "/moved.pdf" in portal.paths


@pytest.mark.parametrize(
    ("allowed", "url", "ok"),
    [
        (["www.xx.gov.cn"], "https://www.xx.gov.cn/a", True),
        (["www.xx.gov.cn"], "http://www.xx.gov.cn:80/a", True),
        (["www.xx.gov.cn"], "http://xxgk.xx.gov.cn/a", True),  # a subdomain of the registrable root
        (["www.xx.gov.cn"], "http://www.xx.gov.cn:5432/", False),  # another service of an allowed host
        (["www.xx.gov.cn"], "http://xxgk.xx.gov.cn:6379/", False),
        (["www.xx.gov.cn"], "http://www.xx.gov.cn.evil.cn/", False),
        (["www.xx.gov.cn"], "http://www.xx.gov.cn@evil.cn/", False),
        (["www.xx.gov.cn"], "http://www.xx.gov.cn:99999/", False),  # a bad port
        (["www.xx.gov.cn"], "ftp://www.xx.gov.cn/", False),
        (["127.0.0.2"], "http://127.0.0.2/", True),
        (["127.0.0.2"], "http://127.0.0.2:5432/", False),
        (["127.0.0.2"], "http://1.127.0.0.2/", False),  # an IP has no subdomains
        (["127.0.0.2:8001"], "http://127.0.0.2:8001/x", True),
        (["127.0.0.2:8001"], "http://127.0.0.2/x", False),
        (["127.0.0.2:8001"], "http://127.0.0.3:8001/x", False),
        (["WWW.XX.GOV.CN."], "http://www.xx.gov.cn/", True),
    ],
)
def test_host_policy_decides_by_host_and_port(allowed: list[str], url: str, ok: bool) -> None:
    assert HostPolicy.from_allowed_hosts(allowed).allows(url) is ok


def test_registry_rejects_start_urls_outside_allowed_hosts(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    for field, urls in (("entry_urls", ["http://www.xx.gov.cn:8080/"]), ("report_columns", ["http://evil.cn/nb/"])):
        entry = {"id": "xx", "entry_urls": ["http://www.xx.gov.cn/"], "allowed_hosts": ["www.xx.gov.cn"], field: urls}
        path.write_text(json.dumps({"portals": [entry]}))
        with pytest.raises(ValueError, match=rf"'xx': {field} entry .* is not on the entry's allowed_hosts") as caught:
            load_registry(path)
        assert "\n" not in str(caught.value)
    path.write_text(json.dumps({"portals": [{"id": "xx", "entry_urls": ["http://h/"], "allowed_hosts": ["h:x"]}]}))
    with pytest.raises(ValueError, match=r"'xx': allowed_hosts entry 'h:x' has a bad port"):
        load_registry(path)
    # without allowed_hosts, the entry URLs' own host and port are the portal's
    path.write_text(json.dumps({"portals": [{"id": "xx", "entry_urls": ["http://127.0.0.2:8001/"]}]}))
    (portal,) = load_registry(path)
    assert portal.allowed_hosts == ("127.0.0.2:8001",) and not portal.allows("http://127.0.0.2:8002/")


def test_an_allowed_host_on_another_port_is_not_the_portal(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(
        json.dumps(
            {
                "portals": [
                    {
                        "id": "xx",
                        "entry_urls": ["https://www.xx.gov.cn/"],
                        "allowed_hosts": ["www.xx.gov.cn", "xx.gov.cn"],
                    }
                ]
            }
        )
    )
    (portal,) = load_registry(path)
    assert portal.allows("https://www.xx.gov.cn/a") and portal.allows("http://xxgk.xx.gov.cn/a")
    assert not portal.allows("http://www.xx.gov.cn:5432/") and not portal.allows("http://xx.gov.cn:6379/")


class _Route:
    def __init__(self) -> None:
        self.outcome = ""

    async def fallback(self) -> None:
        self.outcome = "fallback"

    async def abort(self, error_code: str = "failed") -> None:
        self.outcome = "abort"


class _BrowserRequest:
    def __init__(self, url: str) -> None:
        self.url = url


class _Page:
    def __init__(self) -> None:
        self.routes: list[tuple[str, object]] = []

    async def route(self, pattern: str, handler: object) -> None:
        self.routes.append((pattern, handler))


def test_a_rendered_page_requests_only_what_the_policy_allows() -> None:
    import asyncio

    from scrapy import Request
    from scrapy.utils.test import get_crawler

    from gxcrawl.crawl.middlewares.render import RenderMiddleware

    crawler = get_crawler()
    stats = crawler.stats
    middleware = RenderMiddleware(stats, crawler.signals, available=True)
    request = Request(
        "https://www.xx.gov.cn/nb/",
        meta={"gx_portal": "xx", "gx_role": "column", "gx_render": True, "gx_allowed_hosts": ("www.xx.gov.cn",)},
    )
    middleware.process_request(request)
    assert request.meta["playwright"] is True
    init_page = request.meta["playwright_page_init_callback"]

    async def browse() -> dict[str, str]:
        page = _Page()
        await init_page(page, request)
        ((pattern, guard),) = page.routes
        assert pattern == "**"
        outcomes = {}
        for url in ("https://www.xx.gov.cn/js/list.js", "http://127.0.0.1:6379/", "https://evil.cn/nav.html"):
            route = _Route()
            await guard(route, _BrowserRequest(url))  # type: ignore[operator]
            outcomes[url] = route.outcome
        return outcomes

    assert asyncio.run(browse()) == {
        "https://www.xx.gov.cn/js/list.js": "fallback",
        "http://127.0.0.1:6379/": "abort",
        "https://evil.cn/nav.html": "abort",
    }
    assert stats.get_value("gx/offsite/rendered") == 2


def test_a_rendered_page_that_ended_off_site_is_not_read() -> None:
    from scrapy import Request
    from scrapy.exceptions import IgnoreRequest
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from gxcrawl.crawl.middlewares.hostpolicy import HostPolicyMiddleware

    stats = get_crawler().stats
    middleware = HostPolicyMiddleware(stats)
    request = Request(
        "https://www.xx.gov.cn/nb/",
        meta={"gx_portal": "xx", "gx_role": "column", "playwright": True, "gx_allowed_hosts": ("www.xx.gov.cn",)},
    )
    same = HtmlResponse("https://www.xx.gov.cn/nb/index.html", body=b"<html></html>", request=request)
    assert middleware.process_response(request, same) is same
    away = HtmlResponse("http://127.0.0.1:6379/", body=b"<html></html>", request=request)
    with pytest.raises(IgnoreRequest):
        middleware.process_response(request, away)
    assert stats.get_value("gx/offsite/rendered") == 1
