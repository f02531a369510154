"""gxcrawl: crawler, archive and parser for 政府信息公开工作年度报告.

Packages (see README "Architecture"):
  report     the parser, a pure library: bytes/text in, report record out
  archive    WARC files + SQLAlchemy index; knows nothing about reports
  discovery  what to fetch: registry, pagination, classifier (pure functions)
  crawl      Scrapy glue: middlewares, pipelines, extensions
  demo       the local demo portal (stdlib only)
"""

__version__ = "0.1.0"
