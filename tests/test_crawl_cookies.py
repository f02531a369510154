"""Cookies: a flood of Set-Cookie headers does not make later requests carry a huge Cookie header, and deciding a
cookie's domain never fetches the public suffix list."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from archive_support.crawl import run_crawl
from mock_server import Arrival, MockServer, Reply

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.174"
PAGES = 6
COOKIES_PER_PAGE = 120
COOKIE_VALUE = "v" * 3000


class CookieFlood(MockServer):
    """Every page sets COOKIES_PER_PAGE new 3 KB cookies (and one of 10 KB); the first also a small session
    cookie. The Cookie header of every request is recorded."""

    def __init__(self) -> None:
        super().__init__(HOST, protocol="HTTP/1.0")

    @property
    def cookie_headers(self) -> list[tuple[str, str]]:
        return [(request.path, request.header("Cookie") or "") for request in self.requests]

    def answer(self, request: Arrival) -> Reply:
        page = request.path.strip("/")
        headers = [("Content-Type", "text/html")]
        if page == "p0":
            headers.append(("Set-Cookie", "session=abc; Path=/"))
        headers += [("Set-Cookie", f"{page}_{k}={COOKIE_VALUE}; Path=/") for k in range(COOKIES_PER_PAGE)]
        headers.append(("Set-Cookie", f"{page}_huge={'h' * 10_000}; Path=/"))
        return Reply(200, headers, b"<html><body>page</body></html>")


@pytest.fixture
def flood(monkeypatch: pytest.MonkeyPatch) -> Iterator[CookieFlood]:
    # the test server must read (and record) whatever Cookie header arrives, however long
    monkeypatch.setattr(http.client, "_MAXLINE", 64 * 1024 * 1024)
    with CookieFlood() as site:
        yield site


@pytest.mark.timeout(120)
def test_a_cookie_flood_does_not_grow_the_cookie_header(flood: CookieFlood, tmp_path: Path) -> None:
    pages = [{"url": f"{flood.base}/p{i}", "portal": "flood", "dont_filter": True} for i in range(PAGES)]
    stats = run_crawl(
        tmp_path,
        tmp_path / "archive",
        pages,
        database_url=None,
        settings={"CONCURRENT_REQUESTS": 1, "GX_PARSE_ENABLED": False},
    )
    assert len(flood.cookie_headers) == PAGES
    sizes = [len(header) for _, header in flood.cookie_headers]
    # at most GX_COOKIES_MAX_BYTES_PER_DOMAIN of names and values, plus "=" and "; " per cookie
    assert max(sizes) <= 16_384 + 3 * 50, sizes
    later = [header for path, header in flood.cookie_headers if path != "/p0"]
    assert all("session=abc" in header for header in later)  # the site's own first cookie is kept
    assert all("_huge=" not in header for header in later)
    assert stats.get("gx/cookies/refused/too_large") == PAGES
    assert stats.get("gx/cookies/refused/domain_bytes", 0) + stats.get("gx/cookies/refused/per_domain", 0) > 0


NO_NETWORK = textwrap.dedent("""
    import json, socket, sys
    attempts = []
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect

    def loopback(host):
        return str(host).startswith("127.") or host in ("localhost", "::1")

    def getaddrinfo(host, *args, **kwargs):
        if not loopback(host):
            attempts.append(str(host))
            raise OSError("network forbidden in this test")
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(self, address):
        if isinstance(address, tuple) and not loopback(address[0]):
            attempts.append(str(address[0]))
            raise OSError("network forbidden in this test")
        return real_connect(self, address)

    socket.getaddrinfo, socket.socket.connect = getaddrinfo, connect

    from scrapy.utils.reactor import install_reactor
    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    from scrapy import Request
    from scrapy.core.downloader.middleware import DownloaderMiddlewareManager
    from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
    from scrapy.http import Response
    from scrapy.utils.project import get_project_settings
    from scrapy.utils.test import get_crawler

    crawler = get_crawler(settings_dict=get_project_settings().copy_to_dict())
    manager = DownloaderMiddlewareManager.from_crawler(crawler)
    (cookies,) = [m for m in manager.middlewares if isinstance(m, CookiesMiddleware)]
    request = Request("https://www.xx.gov.cn/a")
    response = Response(request.url, headers={"Set-Cookie": [
        "site=1; Domain=xx.gov.cn; Path=/", "suffix=1; Domain=gov.cn; Path=/", "host=1; Path=/"]})
    cookies.process_response(request, response)
    sent = {}
    for url in ("https://wjw.xx.gov.cn/b", "https://www.other.gov.cn/c"):
        follow = Request(url)
        cookies.process_request(follow)
        sent[url] = (follow.headers.get("Cookie") or b"").decode()
    print(json.dumps({"attempts": attempts, "sent": sent}))
""")


def test_cookie_domains_are_decided_without_the_network(tmp_path: Path) -> None:
    script = tmp_path / "no_network.py"
    script.write_text(NO_NETWORK)
    # an empty tldextract cache: a fetch of the public suffix list would be attempted, not read from disk
    env = {**os.environ, "TLDEXTRACT_CACHE": str(tmp_path / "tldextract-cache"), "PYTHONPATH": str(ROOT)}
    env.pop("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", None)
    result = subprocess.run(
        [sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=60, env=env
    )
    assert result.returncode == 0, result.stderr[-3000:]
    import json

    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["attempts"] == [], f"tried the network: {outcome['attempts']}"
    # the suffix list still works: xx.gov.cn's cookie reaches its subdomain, gov.cn's (a public suffix) nobody
    assert outcome["sent"]["https://wjw.xx.gov.cn/b"] == "site=1"
    assert outcome["sent"]["https://www.other.gov.cn/c"] == ""
