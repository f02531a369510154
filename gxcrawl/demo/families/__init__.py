"""One builder per CMS family: URL shapes, list markup, pagination, article templates
(docs/portals.md, "CMS families and list mechanisms").

Each builder plans a site's reports (deterministically from the site's rng) and registers a handler
for every path. Pages are rendered on request, so a site with thousands of reports starts at once.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from gxcrawl.demo.families.common import Options, etag, http_date, soft_404
from gxcrawl.demo.families.generic import build_client_slice, build_jsonly, build_slow
from gxcrawl.demo.families.gkmlpt import build_gkmlpt
from gxcrawl.demo.families.hanweb import build_hanweb, build_jpaas
from gxcrawl.demo.families.scripted import build_scripted
from gxcrawl.demo.families.search import build_search
from gxcrawl.demo.families.trs import build_trs, build_trs1, link_republished
from gxcrawl.demo.families.trsapi import build_trsapi
from gxcrawl.demo.families.vsb import build_vsb
from gxcrawl.demo.world import Site

BUILDERS: dict[str, Callable[[Site, random.Random, Options, dict], None]] = {
    "trs": build_trs,
    "trs1": build_trs1,
    "hanweb": build_hanweb,
    "vsb": build_vsb,
    "gkmlpt": build_gkmlpt,
    "jsonly": build_jsonly,
    "client_slice": build_client_slice,
    "slow": build_slow,
    "jpaas": build_jpaas,
    "search": build_search,
    "scripted": build_scripted,
    "trsapi": build_trsapi,
}

__all__ = ["BUILDERS", "Options", "etag", "http_date", "link_republished", "soft_404"]
