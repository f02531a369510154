"""The quality report: a static site over the archive index that opens offline in a browser.

    gxcrawl quality [--archive DIR] [--registry FILE] --out DIR

gather.py reads the index (no Scrapy, no rendering), originals.py takes archived pages out of the WARC files
with their scripts removed, plots.py draws the SVG plots (matplotlib), site.py renders the Jinja2 templates of
templates/ (report pages in worker processes) and copies static/, manifest.py records what was written (re-runs
rewrite only changed pages). docs/quality.md says what the site shows and what each check means.
"""

from gxcrawl.quality.site import build_site

__all__ = ["build_site"]
