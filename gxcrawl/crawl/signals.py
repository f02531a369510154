"""gxcrawl's own signals, sent with `crawler.signals.send_catch_log(signal, **kwargs)` as Scrapy's are
(`scrapy/signals.py`): a component says what it saw, whoever keeps account of it subscribes
(`crawler.signals.connect(handler, signal=...)`). A receiver takes the keyword arguments it names.
The list, with who sends each, is in docs/crawl-signals.md.
"""

from __future__ import annotations

#: the spider, before its first request: the `allowed_hosts` of every portal of the crawl
#: (`allowed_hosts`: tuple of tuples), the policy for a request of no portal (robots.txt)
crawl_scope = object()
#: the spider, before its first request: `portals` (the registry's Portal objects of this crawl), so that
#: their name, level and region code are kept in the index (extensions/portals.py) before any report is stored
portals_selected = object()
#: the spider, for every report it yields: `item` (a ReportPage), `page_url` (the page it was found from)
report_found = object()
#: the spider, for a page or document judged not to be a report: `url`, `portal`, `title`, `reasons`
distractor_seen = object()
#: the blocked-page middleware, for a challenge page or shell it did not pass on: `url`, `reason`, `portal`
page_blocked = object()
#: the render middleware, for a page that needed a browser but was fetched plainly: `url`, `portal`
page_unrendered = object()
