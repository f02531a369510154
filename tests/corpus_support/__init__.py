"""Test support for the corpus engineer's tests: a loopback site with conditional GETs, and a crawl runner."""
