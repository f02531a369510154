"""Scrapy settings for gxcrawl: pure data, one block per concern.

Library packages (report, archive, discovery) never read these; the Scrapy glue in
gxcrawl.crawl maps them onto plain arguments. Every component is listed here and
disables itself (NotConfigured) when its block is switched off.
"""

import os

BOT_NAME = "gxcrawl"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# --- politeness --------------------------------------------------------------
# a page where site owners can reach whoever runs the crawl; the User-Agent is built from it when the crawler
# starts (gxcrawl/crawl/config.py), so -s GX_CONTACT_URL=… changes it; the placeholder draws a warning
GX_CONTACT_URL = "https://github.com/gxcrawl/gxcrawl#contact"
# every GX_ setting is validated before a crawl starts (config.py); `scrapy crawl` stops with one line on a bad one
COMMANDS_MODULE = "gxcrawl.crawl.commands"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# responses held while their items are parsed and archived (report pages and their PDFs are large; the
# default 5 MB stalls downloads whenever a few attachments wait for a parse worker)
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 50_000_000
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
DOWNLOAD_TIMEOUT = 60
# warcio cannot read zstd back; never advertise it
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9",
    "Accept-Encoding": "gzip, deflate",
}
COOKIES_ENABLED = True
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
# a column's directory URL and its index.html are one request (gxcrawl/discovery/pagekey.py)
REQUEST_FINGERPRINTER_CLASS = "gxcrawl.crawl.fingerprint.PageKeyFingerprinter"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
# `scrapy crawl portals -O reports.jsonl`: what a ReportPage item puts in a feed (gxcrawl/crawl/items.py): the parsed
# record and where it came from; not its downloaded bytes (archived in the WARC; feeds cannot hold bytes), its text or
# the record's JSON (both in the record already) or the archive's outcome object
FEED_EXPORT_FIELDS = [
    "url",
    "final_url",
    "portal",
    "kind",
    "content_type",
    "fetched_at",
    "capture_id",
    "document_id",
    "hints",
    "attachments",
    "record",
]
LOG_LEVEL = "INFO"

# --- archive (WARC + index) -------------------------------------------------
GX_ARCHIVE_DIR = os.environ.get("GXCRAWL_ARCHIVE_DIR", "archive")
GX_DATABASE_URL = os.environ.get("GXCRAWL_DATABASE_URL", "")  # "" -> sqlite:///<GX_ARCHIVE_DIR>/index.sqlite
GX_WARC_ENABLED = True
GX_WARC_MAX_SIZE = 1_000_000_000
# archive engineer's block: capture hook + item pipelines (parse -> dedupe and store)
GX_WARC_PREFIX = "gxcrawl"  # WARC file names: <prefix>-<UTC timestamp>-<pid>-<serial>-<random>.warc.gz
GX_WARC_FSYNC = False  # fsync each record group (survives power loss, not just a killed process); slower
GX_PARSE_ENABLED = True
GX_PARSE_WORKERS = -1  # parse worker processes; -1: one per core but one (at most 4); 0: a thread of the crawler
GX_PARSE_TIMEOUT = 600.0  # seconds one parse may take before its worker is killed and the item dropped
GX_PARSE_MEMORY_MB = 2048  # address space of one parse worker (MB); over it the parse fails with MemoryError; 0: none
EXTENSIONS = {
    "gxcrawl.crawl.extensions.warc.WarcCapture": 100,
    # Scrapy's feed exports, counting the items a feed lost (`scrapy crawl` then exits 1)
    "scrapy.extensions.feedexport.FeedExporter": None,
    "gxcrawl.crawl.extensions.feeds.CheckedFeedExporter": 0,
    # the crawled portals' name, level and region code, kept in the index for the export
    "gxcrawl.crawl.extensions.portals.PortalMetadata": 110,
}
ITEM_PIPELINES = {
    "gxcrawl.crawl.pipelines.parse.ParsePipeline": 300,
    "gxcrawl.crawl.pipelines.store.StorePipeline": 400,
}
# end of the archive engineer's block

# --- portals / discovery -------------------------------------------------------
GX_REGISTRY = ""  # "" -> the bundled registry of real portals

# --- rendering (scrapy-playwright, system Chromium) ------------------------------
GX_RENDER_ENABLED = True
GX_CHROMIUM_PATH = os.environ.get("GXCRAWL_CHROMIUM", "")  # "" -> look up chromium on PATH

# --- spider engineer's block: discovery, politeness, blocked pages, rendering, coverage -------------
# Crawl-delay from robots.txt (robots_parsed signal) -> per-host slot delay, capped; tests set
# GX_CRAWL_DELAY_ENABLED=0 / DOWNLOAD_DELAY=0 / AUTOTHROTTLE_ENABLED=0 for speed.
GX_CRAWL_DELAY_ENABLED = True
GX_CRAWL_DELAY_MAX = 60.0
# retries wait: Retry-After when the server sends one (capped), else GX_RETRY_BACKOFF_BASE * 2^attempt
GX_RETRY_BACKOFF_BASE = 1.0
GX_RETRY_AFTER_MAX = 120.0
GX_BLOCKED_ENABLED = True
GX_MAX_NAV_PAGES_PER_PORTAL = 5_000  # list/navigation pages per portal: bounds a crawl of a huge real portal
GX_MAX_LINKS_PER_PAGE = 10_000  # links read on one page (the rest are skipped, stat gx/discovery/links_capped)
GX_OFF_REACTOR_PAGE_BYTES = 1_000_000  # a bigger page is parsed and read in a worker thread, not the reactor's
GX_COVERAGE_ENABLED = True
GX_COVERAGE_FILE = ""  # "" -> <GX_ARCHIVE_DIR>/coverage.json
DOWNLOADER_MIDDLEWARES = {
    **globals().get("DOWNLOADER_MIDDLEWARES", {}),
    # the host policy comes first: a refused request must not even have its robots.txt fetched
    "gxcrawl.crawl.middlewares.hostpolicy.HostPolicyMiddleware": 40,
    "gxcrawl.crawl.middlewares.politeness.CrawlDelayMiddleware": 110,  # after RobotsTxtMiddleware (100)
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "gxcrawl.crawl.middlewares.politeness.RetryAfterMiddleware": 550,
    "gxcrawl.crawl.middlewares.blocked.BlockedPageMiddleware": 540,  # sees decoded bodies (after 590)
    "gxcrawl.crawl.middlewares.render.RenderMiddleware": 560,
    # between RedirectMiddleware (600) and CookiesMiddleware (700): the gate's cookie is already in the jar
    "gxcrawl.crawl.middlewares.cookiegate.CookieGateMiddleware": 650,
    # Scrapy's cookies, bounded per domain and with tldextract's bundled suffix list (middlewares/cookies.py)
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
    "gxcrawl.crawl.middlewares.cookies.BoundedCookiesMiddleware": 700,
}
GX_COOKIES_MAX_PER_DOMAIN = 50  # cookies the jar keeps per cookie domain (RFC 6265 asks for at least 50)
GX_COOKIES_MAX_BYTES_PER_DOMAIN = 16_384  # their names + values, together
GX_COOKIE_MAX_BYTES = 4096  # one cookie's name + value (RFC 6265's minimum a client must take)
# the crawl's heap is large and long-lived: freeze it at engine start and collect young objects in bigger batches
# (extensions/gctuning.py; bench/crawl.py measured 2.6 s of 15.4 s CPU spent in the collector at the defaults)
GX_GC_TUNING = True
GX_GC_THRESHOLDS = (10000, 20, 20)
EXTENSIONS = {
    **globals().get("EXTENSIONS", {}),
    "gxcrawl.crawl.extensions.coverage.CoverageExtension": 500,
    "gxcrawl.crawl.extensions.gctuning.GcTuning": 0,
}

# scrapy-playwright's handlers and Chromium's launch options are installed by RenderAddon when the crawler starts,
# from GX_RENDER_ENABLED and GX_CHROMIUM_PATH as they stand then (-s included); without a Chromium the handlers
# stay Scrapy's own and render.py reports the pages it could not render.
# end of the spider engineer's block

# --- replay and incremental recrawl (corpus engineer's block) ------------------------
# Offline replay: `scrapy crawl portals -s GX_REPLAY=1 [-s GX_REPLAY_AT=2026-11-22T10:00:00]` serves every
# request from the archive (newest capture at or before GX_REPLAY_AT, UTC), with no network at all; a URL not
# archived gets a 404 (stat gx/replay/miss). ReplayAddon then also switches off politeness delays (Crawl-delay,
# retry back-off), AutoThrottle, WARC capture and conditional requests, and replaces the http/https handlers.
GX_REPLAY = False
GX_REPLAY_AT = ""  # ISO timestamp: latest capture at or before it ("" = newest)
# Incremental recrawl: If-None-Match / If-Modified-Since from the index; stats gx/recrawl/new|changed|unchanged
GX_CONDITIONAL_ENABLED = True
# merged with other blocks' entries, never replacing them
ADDONS = {
    **globals().get("ADDONS", {}),
    "gxcrawl.crawl.config.ConfigAddon": 0,
    "gxcrawl.crawl.middlewares.replay.ReplayAddon": 0,
    "gxcrawl.crawl.middlewares.render.RenderAddon": 0,
}
DOWNLOADER_MIDDLEWARES = {
    **globals().get("DOWNLOADER_MIDDLEWARES", {}),
    # next to the downloader (above HttpCompression 590 / Redirect 600): stored wire bodies are decoded downstream
    "gxcrawl.crawl.middlewares.replay.ReplayMiddleware": 950,
    "gxcrawl.crawl.middlewares.conditional.ConditionalRequestMiddleware": 960,
}
# end of the corpus engineer's block

# --- scale-out: many crawl processes on one Redis frontier (docs/scale-out.md) ---------------------------
# "" -> one process with Scrapy's own scheduler. With a URL (redis://host:6379/0), every `scrapy crawl portals`
# given the same URL and GX_FRONTIER_NAME takes its requests from one shared frontier, and politeness
# (CONCURRENT_REQUESTS_PER_DOMAIN, DOWNLOAD_DELAY, Crawl-delay, Retry-After) holds for all of them together.
GX_REDIS_URL = os.environ.get("GXCRAWL_REDIS_URL", "")
GX_FRONTIER_NAME = os.environ.get("GXCRAWL_FRONTIER", "gxcrawl")  # one crawl's keys in Redis: gx:<name>:*
GX_FRONTIER_LEASE = 120.0  # seconds a request a process took stays its own without renewal (then it is re-queued)
GX_FRONTIER_POLL = 1.0  # seconds an idle process waits before asking the frontier again
ADDONS = {**globals().get("ADDONS", {}), "gxcrawl.crawl.cluster.addon.ClusterAddon": 10}
