"""TRS "trsapi" list widgets (`list2.trsapi`, a form POST to `/fjdzapp/search`) on pages and answers shaped like
the real ones: how the page reveals the widget (however its config is written), the form it sends, and how it is
paged from the totals."""

from __future__ import annotations

import json

import pytest

from gxcrawl.discovery import REPORT, classify_title, json_anchors
from gxcrawl.discovery.links import parse_html
from gxcrawl.discovery.pagination import ListPage, PageRequest, list_page_requests, search_requests
from gxcrawl.discovery.pagination.search_common import DEFAULT_MAX_PAGES

SITE = "https://jyt.example.gov.cn"
COLUMN = f"{SITE}/zwgk/zfxxgkzl/zfxxgknb/"
API = f"{SITE}/fjdzapp/search"

# a column page as the family writes it: static rows, then the widget's config inside a require callback, with a
# callback and a nested pagebar object in it
REQUIRE_WIDGET = """<ul class="gl-ul" id="list"><li><a href="./202403/t20240301_6371.htm"
 title="某省教育厅2023年政府信息公开工作年度报告">某省教育厅2023年政府信息公开工作年度报告</a></li></ul>
<div id="pagebar"></div>
<script src="/js/require.js"></script>
<script>
require(["list2.trsapi"], function (listModel) {
  listModel({
    el: "#list", channelid: "229105", sortfield: "-docorderpri,-docreltime", classsql: "chnlid=1813",
    classcol: "publishyear", classnum: "100", classsort: "0", cache: "true", maxStaticIndex: 0,
    render: function (doc) { return '<li><a href="' + doc.docpuburl + '">' + doc.doctitle + '</a></li>'; },
    pagebar: { el: "#pagebar", prepage: 10, recordCount: '23' }
  });
});
</script>"""


def html_page(url: str, body: str) -> ListPage:
    return ListPage(url, body, parse_html(body), "html")


def answer(request: PageRequest, data: object) -> ListPage:
    """The spider's view of an API answer: decoded JSON plus the state the request carried."""
    return ListPage(
        request.url,
        json.dumps(data, ensure_ascii=False),
        None,
        "json",
        data,
        {**request.state, "strategy": request.strategy},
    )


def form(request: PageRequest) -> dict[str, str]:
    return dict(request.formdata)


def rows(n: int, *, start: int = 0, title: str = "某省教育厅{year}年政府信息公开工作年度报告") -> list[dict]:
    return [
        {
            "doctitle": title.format(year=2023 - i),
            "docpuburl": f"{COLUMN}2024{i:02d}/t2024_{i}.htm",
            "chnldocurl": f"{COLUMN}2024{i:02d}/t2024_{i}.htm",
            "docreltime": "2024-03-01 10:00:00",
        }
        for i in range(start, start + n)
    ]


def trsapi_answer(items: list[dict], *, page: int, prepage: int, total: int | None) -> dict:
    data: dict = {"data": items, "page": page, "prepage": prepage}
    if total is not None:
        data |= {"recordCount": total, "pageCount": -(-total // prepage)}
    return data


def trsapi(requests: list[PageRequest]) -> list[PageRequest]:
    return [r for r in requests if r.strategy == "trsapi"]


def test_the_require_widget_is_posted_page_by_page_up_to_the_announced_total() -> None:
    requests = trsapi(list_page_requests(html_page(COLUMN, REQUIRE_WIDGET), "trs"))
    # 23 records, 10 a page: three pages, each the form the widget sends
    assert [form(r)["page"] for r in requests] == ["1", "2", "3"]
    assert all(r.url == API and r.method == "POST" and r.expect == "json" for r in requests)
    assert form(requests[0]) == {
        "channelid": "229105",
        "classsql": "chnlid=1813",
        "sortfield": "-docorderpri,-docreltime",
        "classcol": "publishyear",
        "classnum": "100",
        "classsort": "0",
        "cache": "true",
        "page": "1",
        "prepage": "10",
    }
    assert ("X-Requested-With", "XMLHttpRequest") in requests[0].headers
    # no callback source, element id or pager setting leaks into the form
    assert not {"el", "render", "maxstaticindex", "recordcount"} & {k.lower() for k in form(requests[0])}


@pytest.mark.parametrize(
    "config",
    [
        # data-* attributes on the list element
        '<ul id="tz" data-module="list2.trsapi" data-channelid="229105" data-classsql="chnlid=1820" data-prepage="10"'
        ' data-record-count="23"></ul>',
        # a JSON blob the widget reads
        '<script type="application/json" id="cfg">{"channelid": "229105", "classsql": "chnlid=1820", "prepage": 10,'
        ' "pagebar": {"recordCount": 23}}</script><script>require(["list2.trsapi"]);</script>',
        # an object literal assigned to a variable, single quotes, a bare chnlid instead of classsql
        "<script>var listConfig = {channelid: '229105', chnlid: 1820, pageSize: 10, total: 23};"
        " require(['list2.trsapi'], function (m) { m(listConfig); });</script>",
        # the hidden inputs of a form posted to the API
        '<form action="/fjdzapp/search" method="post"><input type="hidden" name="channelid" value="229105">'
        '<input type="hidden" name="classsql" value="chnlid=1820"><input type="hidden" name="prepage" value="10">'
        '<input type="hidden" name="recordCount" value="23"></form>',
    ],
)
def test_the_widget_config_is_read_however_it_is_written(config: str) -> None:
    requests = trsapi(list_page_requests(html_page(COLUMN, f"<div>{config}</div>"), "trs"))
    assert [form(r)["page"] for r in requests] == ["1", "2", "3"]
    assert {(form(r)["channelid"], form(r)["classsql"], form(r)["prepage"]) for r in requests} == {
        ("229105", "chnlid=1820", "10")
    }
    assert {r.url for r in requests} == {API}


def test_a_page_without_the_widget_or_without_its_index_asks_nothing() -> None:
    plain = '<ul><li><a href="./t1.htm">某县2023年政府信息公开工作年度报告</a></li></ul>'
    assert trsapi(list_page_requests(html_page(COLUMN, plain), "trs")) == []
    # a column filter but no search index named: nothing to post
    no_index = (
        "<script>require(['list2.trsapi'], function (m) { m({classsql: 'chnlid=1813', prepage: 10}); });</script>"
    )
    assert trsapi(list_page_requests(html_page(COLUMN, no_index), "trs")) == []
    # an IGS widget (another API) is not mistaken for this one
    igs = "<script>var o = {url: '/irs/front/search', code: 'abc', dataTypeId: '7', channelId: '40517'};</script>"
    assert trsapi(list_page_requests(html_page(COLUMN, igs), "trs")) == []
    # a total of 0: an empty column
    empty = REQUIRE_WIDGET.replace("recordCount: '23'", "recordCount: '0'")
    assert trsapi(list_page_requests(html_page(COLUMN, empty), "trs")) == []


def test_without_a_total_on_the_page_the_answers_page_it() -> None:
    page = html_page(COLUMN, REQUIRE_WIDGET.replace(", recordCount: '23'", ""))
    (first,) = trsapi(list_page_requests(page, "trs"))
    assert form(first)["page"] == "1"
    # the answer reports the total: every other page at once, from the answer alone
    more = list_page_requests(answer(first, trsapi_answer(rows(10), page=1, prepage=10, total=35)), "trs")
    assert [form(r)["page"] for r in more] == ["2", "3", "4"]
    assert all(r.strategy == "trsapi" and r.method == "POST" for r in more)
    # a later page of that series asks nothing more
    assert list_page_requests(answer(more[-1], trsapi_answer(rows(5), page=4, prepage=10, total=35)), "trs") == []


def test_without_any_total_pages_go_on_until_a_short_page() -> None:
    page = html_page(COLUMN, REQUIRE_WIDGET.replace(", recordCount: '23'", ""))
    (request,) = trsapi(list_page_requests(page, "trs"))
    asked = ["1"]
    for n, size in enumerate((10, 10, 4)):
        nxt = list_page_requests(
            answer(request, trsapi_answer(rows(size, start=10 * n), page=n + 1, prepage=10, total=None)), "trs"
        )
        if not nxt:
            break
        (request,) = nxt
        asked.append(form(request)["page"])
    assert asked == ["1", "2", "3"]  # page 3 came back short: the end
    # an empty page ends it too
    assert list_page_requests(answer(request, trsapi_answer([], page=3, prepage=10, total=None)), "trs") == []


def test_a_page_cached_before_new_documents_is_completed_from_the_answer() -> None:
    first, *rest = trsapi(list_page_requests(html_page(COLUMN, REQUIRE_WIDGET), "trs"))
    assert len(rest) == 2  # the page says 23
    more = list_page_requests(answer(first, trsapi_answer(rows(10), page=1, prepage=10, total=41)), "trs")
    assert [form(r)["page"] for r in more] == ["2", "3", "4", "5"]  # the server now holds 41


def test_paging_is_capped() -> None:
    huge = REQUIRE_WIDGET.replace("recordCount: '23'", "recordCount: '99999999'")
    requests = trsapi(list_page_requests(html_page(COLUMN, huge), "trs"))
    assert len(requests) == DEFAULT_MAX_PAGES
    (first,) = trsapi(list_page_requests(html_page(COLUMN, REQUIRE_WIDGET.replace(", recordCount: '23'", "")), "trs"))
    more = list_page_requests(answer(first, trsapi_answer(rows(10), page=1, prepage=10, total=10**7)), "trs")
    assert len(more) == DEFAULT_MAX_PAGES - 1


def test_error_answers_and_other_json_end_the_series() -> None:
    (first,) = trsapi(list_page_requests(html_page(COLUMN, REQUIRE_WIDGET.replace(", recordCount: '23'", "")), "trs"))
    for data in ({"code": 500, "msg": "检索库不存在"}, [], "busy", {"data": None}):
        assert list_page_requests(answer(first, data), "trs") == []


def test_older_was5_answers_are_read_too() -> None:
    (first,) = trsapi(list_page_requests(html_page(COLUMN, REQUIRE_WIDGET.replace(", recordCount: '23'", "")), "trs"))
    docs = [
        {
            "title": f"某省教育厅{2023 - i}年政府信息公开工作年度报告",
            "url": f"{COLUMN}t{i}.htm",
            "chnldocurl": f"{COLUMN}t{i}.htm",
            "time": "2024-03-01",
        }
        for i in range(10)
    ]
    more = list_page_requests(answer(first, {"count": "25", "pagenum": "1", "docs": docs}), "trs")
    assert [form(r)["page"] for r in more] == ["2", "3"]


def test_hits_go_through_the_title_classifier() -> None:
    items = rows(2) + [
        {
            "doctitle": "关于做好2024年政府信息公开工作年度报告编制发布工作的通知",
            "docpuburl": f"{COLUMN}202412/t20241206_9.htm",
            "docreltime": "2024-12-06 10:00:00",
        },
        {
            "doctitle": "某市人民政府门户网站2023年工作年度报表",
            "docpuburl": f"{COLUMN}202401/t20240117_8.htm",
            "docreltime": "2024-01-17 10:00:00",
        },
    ]
    anchors = {a.url: a.text for a in json_anchors(trsapi_answer(items, page=1, prepage=10, total=4), API)}
    assert set(anchors) == {i["docpuburl"] for i in items}
    labels = {url: classify_title(text).label for url, text in anchors.items()}
    assert [labels[i["docpuburl"]] == REPORT for i in items] == [True, True, False, False]


def test_entry_pages_do_not_run_list_widgets() -> None:
    # the spider asks entry / 信息公开 pages only for their site search; a list widget is paged on its column
    assert trsapi(search_requests(html_page(f"{SITE}/zwgk/index.htm", REQUIRE_WIDGET))) == []
