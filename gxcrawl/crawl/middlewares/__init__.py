"""Downloader middlewares of the crawl glue."""
