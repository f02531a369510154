"""What to fetch: the portal registry, pagination strategies, the report classifier, listing metadata.

Pure functions over URLs, text and lxml trees: no Scrapy, no archive, no settings.
"""

from __future__ import annotations

from gxcrawl.discovery.classify import (
    DISTRACTOR,
    REPORT,
    UNKNOWN,
    Verdict,
    body_fingerprint,
    classify_page,
    classify_title,
    is_bare_title,
    is_disclosure_link,
    is_group_link,
    is_notice_column_link,
    is_report_column_link,
    looks_like_report_body,
    url_date,
    url_report_year,
)
from gxcrawl.discovery.fingerprint import fingerprint
from gxcrawl.discovery.links import (
    Anchor,
    all_anchors,
    attachment_anchors,
    capped_anchors,
    is_attachment_url,
    json_anchors,
    parse_html,
    text_anchors,
)
from gxcrawl.discovery.metadata import listing_hints, page_hints
from gxcrawl.discovery.pagination import (
    ListPage,
    PageRequest,
    hint_requests,
    list_page_requests,
    search_requests,
    strategies_for,
)
from gxcrawl.discovery.registry import (
    Portal,
    RenderAction,
    SearchHint,
    load_registry,
    portal_for_url,
    select_portals,
)

__all__ = [
    "DISTRACTOR",
    "REPORT",
    "UNKNOWN",
    "Anchor",
    "ListPage",
    "PageRequest",
    "Portal",
    "RenderAction",
    "SearchHint",
    "Verdict",
    "all_anchors",
    "attachment_anchors",
    "body_fingerprint",
    "capped_anchors",
    "classify_page",
    "classify_title",
    "fingerprint",
    "hint_requests",
    "is_attachment_url",
    "is_bare_title",
    "is_disclosure_link",
    "is_group_link",
    "is_notice_column_link",
    "is_report_column_link",
    "json_anchors",
    "list_page_requests",
    "listing_hints",
    "load_registry",
    "looks_like_report_body",
    "page_hints",
    "parse_html",
    "portal_for_url",
    "search_requests",
    "select_portals",
    "strategies_for",
    "text_anchors",
    "url_date",
    "url_report_year",
]
