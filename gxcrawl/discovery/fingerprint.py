"""CMS family of a page from its URL shape and markup (docs/portals.md, "CMS families and list mechanisms"):
used when the registry has no hint.

Returns one of registry.CMS_FAMILIES or None. Markup signatures beat URL shapes, since provinces
re-skin the same platform under different paths.
"""

from __future__ import annotations

import re

SIGNATURES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (family, re.compile(p, re.I | re.S))
    for family, p in (
        ("gkmlpt", r"window\._CONFIG\s*=.*?SID|/gkmlpt/"),
        ("jpaas", r"unitbuild\.js|jpaas-publish-server"),
        ("hanweb", r"<datastore>|dataproxy\.jsp|\.jpage\(|i_columnid|ZJEG_RSS"),
        ("vsb", r"vsb_content|_newscontent_fromname|p_pages|_showDynClick"),
        ("trs1", r"createPageHTML\(\s*['\"]"),
        ("trs", r"createPageHTML\(|countPage\s*=|TRS_Editor|trs_editor_view|CurrChnlCls"),
        ("ucap", r"UCAP-CONTENT"),
        ("epoint", r"EpointContent|ivs_content|ewb-"),
        ("anhui", r"Ls\.pagination|/Xxgknb/show/"),
        ("client_slice", r"default_news|perSize"),
    )
)
URL_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (family, re.compile(p))
    for family, p in (
        ("trs", r"/t(?:19|20)\d{6}_\d+(?:_app)?\.s?html?$|/index_\d+\.s?html?$"),
        ("hanweb", r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$|/col/col\d+/"),
        ("vsb", r"/info/\d+/\d+\.htm$"),
        ("gkmlpt", r"/content/m?post_\d+\.html$|/gkmlpt/"),
        ("shanghai", r"/nw\d+/(?:19|20)\d{6}/[0-9a-f]{32}\.html$"),
        ("shtml", r"/c\d{6}/(?:\d{6}/)?[0-9a-f]{32}\.shtml$|/list(?:_\d+)?\.shtml$"),
        ("anhui", r"/Xxgknb/show/\d+\.html|/content/column/\d+"),
    )
)


def fingerprint(url: str, html: str | None = None) -> str | None:
    """The CMS family of a page, or None when nothing is recognisable."""
    if html:
        head = html[:200_000]
        for family, pattern in SIGNATURES:
            if pattern.search(head):
                return family
    for family, pattern in URL_SHAPES:
        if pattern.search(url):
            return family
    return None
