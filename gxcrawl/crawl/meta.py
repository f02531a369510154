"""The `request.meta` keys gxcrawl's components read and write, in one place (docs/crawl-signals.md).

What a request needs travels with it: the spider sets the portal keys when it builds a request, and the
middlewares act on them, so a component works under any spider that sets them (and does nothing it was not
asked to under one that does not). Scrapy copies meta into retries and redirects, so those keep them too.
"""

from __future__ import annotations

# --- set by the spider when it builds a request ------------------------------------------------------------------
META_PORTAL = "gx_portal"  # registry id of the portal the request belongs to
META_ALLOWED_HOSTS = "gx_allowed_hosts"  # the portal's `allowed_hosts` (tuple): its host policy, hosts.py
META_RENDER = "gx_render"  # True: the portal's pages need a browser (registry `render`)
META_RENDER_ACTIONS = "gx_render_actions"  # the portal's registry `render_actions` (tuple of RenderAction)
META_ROLE = "gx_role"  # entry, disclosure, column, notice, candidate, attachment_*, attachment
META_DEPTH = "gx_depth"  # nesting below the entry / column the request was found from
META_HINTS = "gx_hints"  # what the link said about the report (title, year, agency, page_url)
META_EXPECT = "gx_expect"  # html, json, xml or binary: how the response is read
META_STATE = "gx_state"  # a pagination strategy's state for a list's next page
META_BARE = "gx_bare"  # True: the link named nothing (a file name, a year); content decides
META_SPELLINGS_TRIED = "gx_spellings_tried"  # URLs of one page already asked for under another spelling

# --- set by the middlewares -----------------------------------------------------------------------------------------
META_RENDER_SHELL = "gx_render_shell"  # render.py: a plain fetch that may be re-fetched rendered if a shell
META_UNRENDERED = "gx_unrendered"  # render.py: fetched plainly although its portal needs a browser (none here)
META_COOKIE_GATE = "gx_cookie_gate"  # cookiegate.py: the re-fetch after a cookie-setting gate page
META_CAPTURE_ID = "gx_capture_id"  # warc.py: the capture (index row) of this response
META_ARCHIVE_REJECTED = "gx_archive_rejected"  # warc.py: why this response was not archived
META_ARCHIVE_ERROR = "gx_archive_error"  # warc.py: the archive write that failed (the crawl stops)
META_REPLAYED_AT = "gx_replayed_at"  # replay.py: when the archived response being replayed was fetched
# conditional.py, per request (a redirected copy is looked up afresh)
META_PREVIOUS_CAPTURE = "gx_previous_capture"  # id of the capture the validators came from (or None)
META_PREVIOUS_SHA256 = "gx_previous_payload_sha256"
META_VALIDATORS_ADDED = "gx_conditional_headers"
META_NOT_MODIFIED_OF = "gx_not_modified_of"  # set on a 304: the capture whose body the spider received
META_NOT_MODIFIED_CAPTURE = "gx_not_modified_capture"  # set on a 304: the capture of the 304 answer itself
META_SKIP_CONDITIONAL = "gx_conditional"  # False: never make this request conditional

# the keys that describe what a request is (copied when the spider asks for the same page again)
REQUEST_KEYS = (
    META_PORTAL,
    META_ALLOWED_HOSTS,
    META_RENDER,
    META_RENDER_ACTIONS,
    META_ROLE,
    META_DEPTH,
    META_HINTS,
    META_EXPECT,
    META_STATE,
)
