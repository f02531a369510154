"""Column pages met under more than one URL: pager scripts that write links from string pieces give no URL of a
piece (`…/index`, `…/index.`), and a column's directory URL and its default document are one request."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.test import get_crawler

from gxcrawl.crawl.fingerprint import PageKeyFingerprinter
from gxcrawl.discovery.links import all_anchors, parse_html
from gxcrawl.discovery.pagekey import page_key_url
from gxcrawl.discovery.pagination import ListPage, list_page_requests

COLUMN = "http://www.example.gov.cn/zwgk/zfxxgknb/"

# pagers as TRS and Hanweb sites write them inline: each link is built from string pieces
PAGERS = {
    "trs-inline": """<div class="page"><script>var countPage = 3; var currentPage = 0;
for (var i = 0; i < countPage; i++) { if (i == currentPage) document.write("<span>" + (i + 1) + "</span>");
else document.write("<a href=\\"index" + (i == 0 ? "" : "_" + i) + ".html\\">" + (i + 1) + "</a>"); }
createPageHTML(3, 0, "index", "html");</script></div>""",
    "trs-pagename": """<div class="page"><script>var pageCount = 3, currentPage = 0, pageName = "index";
document.write('<a href="' + pageName + '.htm">首页</a> ');
for (var i = 1; i < pageCount; i++) { document.write("<a href=" + pageName + "_" + i + ".htm>" + (i + 1) + "</a> "); }
document.write("<a href='index_" + (currentPage + 1) + ".htm'>下一页</a> ");
document.write('<a href=\\'index.' + 'htm\\'>尾页</a>');</script></div>""",
    "hanweb-urlbase": """<div id="page"><script>var totalpage = 4; var url = "/col/col1229/index.html?uid=123&pageNum=";
document.write('<a href="' + url + '2">下一页</a>');
document.write('<a href="index_' + i + '.html">' + i + '</a>');</script></div>""",
    "unquoted-pieces": """<div><script>document.write("<a href=index" + "_" + i + ".htm>" + i + "</a>");
var t = "<a href='index." + ext + "'>首页</a>";</script></div>""",
}


@pytest.mark.parametrize("name", sorted(PAGERS))
def test_no_url_is_made_of_a_pager_scripts_string_pieces(name: str) -> None:
    html = f"<html><body>{PAGERS[name]}</body></html>"
    assert [a.url for a in all_anchors(parse_html(html), COLUMN + "index.html") if a.source == "script"] == []


def test_the_trs_pager_still_gives_the_columns_other_pages() -> None:
    html = f"<html><body>{PAGERS['trs-inline']}</body></html>"
    page = ListPage(COLUMN + "index.html", html, parse_html(html), "html")
    assert [r.url for r in list_page_requests(page, "trs")] == [COLUMN + "index_1.html", COLUMN + "index_2.html"]


def test_whole_links_written_by_script_are_still_found() -> None:
    html = (
        '<html><body><script>document.write(\'<a href="/zwgk/zfxxgknb/202403/t20240301_1.html">'
        "某县2023年政府信息公开工作年度报告</a>');"
        "var more = \"<li><a href='./202302/t20230201_2.html' title='某县2022年政府信息公开工作年度报告'>"
        '某县2022年…</a></li>";'
        "</script><script>var pdf = '/zwgk/zfxxgknb/202201/P020220101.pdf';</script></body></html>"
    )
    found = {a.url for a in all_anchors(parse_html(html), COLUMN)}
    assert found == {
        "http://www.example.gov.cn/zwgk/zfxxgknb/202403/t20240301_1.html",
        "http://www.example.gov.cn/zwgk/zfxxgknb/202302/t20230201_2.html",
        "http://www.example.gov.cn/zwgk/zfxxgknb/202201/P020220101.pdf",
    }


@pytest.mark.parametrize(
    ("url", "key"),
    [
        (COLUMN + "index.html", COLUMN),
        (COLUMN + "index.htm", COLUMN),
        (COLUMN + "INDEX.SHTML", COLUMN),
        (COLUMN + "default.htm", COLUMN),
        (COLUMN, COLUMN),
        # another page of the column, a query, another name: their own pages
        (COLUMN + "index_1.html", COLUMN + "index_1.html"),
        (COLUMN + "index.html?page=2", COLUMN + "index.html?page=2"),
        (COLUMN + "list.html", COLUMN + "list.html"),
        (COLUMN + "202403/t20240301_1.html", COLUMN + "202403/t20240301_1.html"),
        # the host root: `/` may be a splash page or redirect to /index.html
        ("http://www.example.gov.cn/index.html", "http://www.example.gov.cn/index.html"),
    ],
)
def test_page_key_url(url: str, key: str) -> None:
    assert page_key_url(url) == key


def _dupefilter() -> tuple[RFPDupeFilter, PageKeyFingerprinter]:
    crawler = get_crawler(settings_dict={"REQUEST_FINGERPRINTER_CLASS": PageKeyFingerprinter})
    return RFPDupeFilter.from_crawler(crawler), crawler.request_fingerprinter


def test_the_dupefilter_lets_one_spelling_of_a_column_through() -> None:
    dupefilter, fingerprinter = _dupefilter()
    assert isinstance(fingerprinter, PageKeyFingerprinter)
    assert not dupefilter.request_seen(Request(COLUMN))
    assert dupefilter.request_seen(Request(COLUMN + "index.html"))
    assert dupefilter.request_seen(Request(COLUMN + "index.htm"))
    assert not dupefilter.request_seen(Request(COLUMN + "index_1.html"))
    # the spellings held back are remembered, for a server that does not answer the first one
    assert fingerprinter.other_spellings(COLUMN) == [COLUMN + "index.html", COLUMN + "index.htm"]
    assert fingerprinter.other_spellings(COLUMN + "index.html") == [COLUMN, COLUMN + "index.htm"]
    # POSTs and redirect targets keep their own keys (`/zwgk/` answering 302 -> `/zwgk/index.html` is followed)
    other = "http://www.example.gov.cn/xxgk/"
    assert not dupefilter.request_seen(Request(other))
    assert not dupefilter.request_seen(Request(other + "index.html", meta={"redirect_urls": [other]}))
    assert not dupefilter.request_seen(Request(COLUMN + "index.html", method="POST", body=b"page=1"))
