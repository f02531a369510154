"""Challenge pages and shells: archived (the capture hook already wrote them), recorded as blocked with
the reason, never parsed, never worked around (docs/portals.md, "Challenge pages, shells and cookie gates").

Reasons: `challenge-412` (瑞数 `$_ts`), `challenge-521` (加速乐 `__jsl_clearance`), `challenge-418`
(创宇盾), `challenge-js` (安全狗 / Aliyun `acw_sc__v2` / cookie-setting script on a 200), `empty-shell`
(a 200 whose HTML shows nothing: `Please enable JavaScript`, `/_bot_sbu/`, an empty `#app`), `soft-404`
(a 200 saying 页面不存在). A shell on a portal that may be rendered is first re-fetched through the
browser (render.py); only a shell that stays empty is recorded.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

from lxml import etree
from scrapy.exceptions import IgnoreRequest, NotConfigured

from gxcrawl.crawl import signals as gx_signals
from gxcrawl.crawl.meta import META_CAPTURE_ID, META_EXPECT, META_PORTAL, META_RENDER_SHELL, META_ROLE
from gxcrawl.discovery.links import all_anchors, parse_html

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from scrapy.signalmanager import SignalManager
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

CHALLENGE_STATUSES = {412: "challenge-412", 521: "challenge-521", 418: "challenge-418"}
CHALLENGE_MARKERS = re.compile(
    r"\$_ts\s*=|__jsl_clearance|__jsluid|acw_sc__v2|安全狗|Safedog|访问被拦截|/_bot_sbu/|_guard/auto\.js", re.I
)
SHELL_MARKERS = re.compile(
    r"enable JavaScript|启用JavaScript|开启JavaScript|window\.location\.reload\(|"
    r"document\.cookie\s*=",
    re.I,
)
# SPA pages whose data sits in a known API: not shells (gkmlpt _CONFIG, JPaaS unit, Hanweb datastore)
_DATA_SOURCE_WORDS = ("window._config", "unitbuild", "<datastore>", ".jpage(", "dataproxy.jsp")
DATA_SOURCES = re.compile("|".join(map(re.escape, _DATA_SOURCE_WORDS)), re.I)
# the only characters a case-insensitive regex may take for an ASCII letter (ſ, K, İ, ı)
_CASE_ODDITIES = ("\u017f", "\u212a", "\u0130", "\u0131")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S | re.I)
_H1 = re.compile(r"<h[12][^>]*>(.*?)</h[12]>", re.S | re.I)
SOFT_404_MAX_BYTES = 20_000
SOFT_404 = re.compile(
    r"(?<!\d)404(?!\d)|页面不存在|页面未找到|找不到(该)?页面|页面已删除|Not Found|无法找到|信息不存在", re.I
)
SHELL_MAX_BYTES = 4096


def renderable_shell(text: str) -> bool:
    """An app shell a browser may fill — not a bot check (cookie-setting/reloading scripts are never run)."""
    head = text[:8192]
    return not CHALLENGE_MARKERS.search(head) and not re.search(
        r"document\.cookie|location\.reload|self\.location", head
    )


def visible_text(tree: etree._Element) -> str:
    for bad in tree.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    return " ".join(tree.text_content().split())


def _mentions_data_source(text: str) -> bool:
    """DATA_SOURCES.search(text), by substring tests on the lower-cased text (the regex, with no literal prefix,
    cost half a millisecond per page); the regex itself where a character could case-fold into ASCII."""
    if any(c in text for c in _CASE_ODDITIES):
        return DATA_SOURCES.search(text) is not None
    lowered = text.lower()
    return any(word in lowered for word in _DATA_SOURCE_WORDS)


def detect_blocked(status: int, body: bytes, text: str | None, *, content_type: str = "") -> str | None:
    """The block reason of a response, or None for an ordinary page. Pure: used by tests directly."""
    if status in CHALLENGE_STATUSES:
        return CHALLENGE_STATUSES[status]
    if status != 200 or text is None or ("html" not in content_type and not text.lstrip().startswith("<")):
        return None
    head = text[:8192]
    small = len(body) <= SHELL_MAX_BYTES
    if small and CHALLENGE_MARKERS.search(head):
        return "empty-shell" if "/_bot_sbu/" in head or "enable JavaScript" in head else "challenge-js"
    title_m = _TITLE.search(head)
    title = " ".join((title_m.group(1) if title_m else "").split())
    soft_title = SOFT_404.search(title) is not None
    if not soft_title and len(body) > SOFT_404_MAX_BYTES:
        return None  # nothing below can flag a large page without a 404 title: no need to scan it for APIs
    if _mentions_data_source(text[:200_000]):
        return None
    if soft_title:
        return "soft-404"
    if len(body) <= SOFT_404_MAX_BYTES:
        h1 = " ".join(" ".join(re.sub(r"<[^>]+>", "", h).split()) for h in _H1.findall(text)[:2])
        if SOFT_404.search(h1):
            return "soft-404"
    if small:
        tree = parse_html(text)
        anchors = all_anchors(tree, "http://x/")
        if not anchors and (SHELL_MARKERS.search(head) or len(visible_text(tree)) < 40):
            return "empty-shell"
    return None


class BlockedPageMiddleware:
    """Downloader middleware: sits outside the capture hook so `gx_capture_id` is set when it looks. A page it
    stops is marked in the archive, counted, and announced with the `page_blocked` signal."""

    def __init__(
        self, stats: StatsCollector, signals: SignalManager, mark_blocked: Callable[[int, str], None] | None
    ) -> None:
        self.stats = stats
        self.signals = signals
        self.mark_blocked = mark_blocked

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("GX_BLOCKED_ENABLED", True):
            raise NotConfigured("GX_BLOCKED_ENABLED is off")
        mark = None
        if crawler.settings.getbool("GX_WARC_ENABLED") and crawler.settings.get("GX_ARCHIVE_DIR"):
            from gxcrawl.crawl.extensions.warc import archive_for

            def mark(capture_id: int, reason: str) -> None:
                archive_for(crawler).mark_blocked(capture_id, reason)

        assert crawler.stats is not None
        return cls(crawler.stats, crawler.signals, mark)

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Any:
        if (
            request.meta.get(META_EXPECT, "html") != "html"
            or request.meta.get(META_ROLE) == "attachment"
            or request.meta.get("dont_obey_robotstxt")
            or request.url.endswith("/robots.txt")
        ):
            return response
        text = getattr(response, "text", None) if hasattr(response, "encoding") else None
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
        reason = detect_blocked(response.status, response.body, text, content_type=content_type)
        if reason is None:
            return response
        if (
            reason == "empty-shell"
            and renderable_shell(text or "")
            and request.meta.get(META_RENDER_SHELL)
            and "playwright" not in response.flags
        ):
            # render.py may still make something of it: re-fetch once through the browser
            self.stats.inc_value("gx/render/shell_retry")
            return request.replace(
                dont_filter=True, meta={**request.meta, "playwright": True, META_RENDER_SHELL: False}
            )
        self.record(request, response, reason)
        raise IgnoreRequest(f"blocked ({reason}): {response.url}")

    def record(self, request: Request, response: Response, reason: str) -> None:
        self.stats.inc_value(f"gx/blocked/{reason}")
        capture_id = request.meta.get(META_CAPTURE_ID)
        if self.mark_blocked is not None and capture_id is not None:
            self.mark_blocked(int(capture_id), reason)
        self.signals.send_catch_log(
            gx_signals.page_blocked, url=request.url, reason=reason, portal=request.meta.get(META_PORTAL)
        )
        logger.warning("blocked page (%s), archived and not parsed: %s", reason, response.url)
