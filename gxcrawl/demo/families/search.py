"""A TRS site whose report lists come from site-search APIs only (docs/portals.md, "Site-search APIs").

* The 政府信息公开年报 column is an empty `<ul>` filled by a script that POSTs the page's IGS options
  (`code`, `dataTypeId`, a `customFilter` on the column's channel) as JSON to `/irs/front/search`; the header
  search box on every page is an IGS form (`/irs-c-web/search.shtml` with hidden `code` / `dataTypeId`).
* Township reports live only in the 政务公开 database, searchable by TRS openSearch
  (`GET /trs-search/trssearch/openSearch/getZwgkList?keywords=&position=0&siteId=N&pageNum=`); no page links
  them or names that API: the registry entry carries it as a `search` hint (group "search" in the manifest).

* Two more departments' reports are only in the 政务公开检索 index, a Kaipuyun search5 box on the 信息公开 page
  (`<form action="/search5/html/searchResult_zwgk.html">` with hidden `siteCode` = the 网站标识码 and `pageSize`
  5; `POST /search5/search/s`, `pageNum` counting from 0 as Kaipuyun does, group "search5" in the manifest). It
  indexes the whole site, so its hits also hold the column's reports and the notices.
* The development zone's reports are only in the 政策文件库, a gov.cn-style policy library whose widget on the
  信息公开 page names its API (`'/search-gov/data?t=zhengcelibrary_fy&searchfield=title…'`; `GET …&q=&p=&n=`,
  1-based, group "govcn"). The library also holds two notices about the report (编制通知, the 格式 notice).

The APIs answer like the real ones: IGS insists on `orderBy`/`searchBy` (HTTP 200 with `success: false`
otherwise), titles come highlighted (`<em>`), totals and page counts in the answer. Every query answered is
appended to `site.search_log` as (api, word, page) so a test can see which pages a crawler asked for.

`reports_per_site` sizes the column + openSearch groups; the search5 and govcn groups add 7/12 and 1/4 of it
(at least one report each: 7 and 3 by default).
"""

from __future__ import annotations

import json
import math
import random
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

from gxcrawl.demo import chrome
from gxcrawl.demo import content as contentlib
from gxcrawl.demo.families.common import (
    Options,
    Planner,
    add_attachments,
    distractor_route,
    news_items,
    robots,
    to_int,
)
from gxcrawl.demo.families.generic import xxgk_index
from gxcrawl.demo.families.trs import trs_article, trs_attachment_path, trs_report_path, trs_report_route
from gxcrawl.demo.world import _DEPARTMENTS, REPORT_YEARS, Distractor, Report, Request, Response, Site

IGS_PATH = "/irs/front/search"
OPEN_PATH = "/trs-search/trssearch/openSearch/getZwgkList"
WIDGET_PAGE_SIZE = 4  # the column shows 4 per page: a dozen reports make three API pages
OPEN_PAGE_SIZE = 5  # openSearch picks its own page size and reports it
MAX_PAGE_SIZE = 50
SEARCH5_PATH = "/search5/search/s"
SEARCH5_PAGE_SIZE = 5  # the 政务公开检索 box asks 5 hits per page (hidden pageSize); pageNum counts from 0
GOVCN_PATH = "/search-gov/data"
GOVCN_LIBRARY = "zhengcelibrary_fy"
GOVCN_MAX_PAGE_SIZE = 20  # the library answers at most 20 hits per page whatever `n` asks
CHANNEL_NB, CHANNEL_TZGG, CHANNEL_NEWS = "40517", "40520", "40501"


@dataclass
class Doc:
    """One document of a search index."""

    path: str
    title: str
    date: str
    agency: str
    channel: str
    abstract: str


def _highlight(text: str, word: str) -> str:
    return text.replace(word, f"<em>{word}</em>") if word else text


def _json(data: object, status: int = 200) -> Response:
    return Response(status, json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json;charset=UTF-8")


def build_search(site: Site, rng: random.Random, opts: Options, registry: dict) -> None:
    pl = Planner(site, rng, opts, 12)
    code = f"18{zlib.crc32(site.id.encode()):09x}"[:11]
    data_type_id, site_id = str(2300 + site.index), str(13 + site.index)
    nb = "/zwgk/zfxxgknb/"
    site.xxgk_path = "/zwgk/index.html"
    site.search_form = (
        '<form class="search" action="/irs-c-web/search.shtml" method="get" target="_blank">'
        f'<input type="hidden" name="code" value="{code}">'
        f'<input type="hidden" name="dataTypeId" value="{data_type_id}">'
        '<input type="text" name="searchWord" placeholder="请输入关键字"><input type="submit" value="搜索"></form>'
    )
    website: list[Doc] = []  # what IGS indexes: the site's columns
    zwgk: list[Doc] = []  # what openSearch indexes: the 政务公开 database
    town_slugs: dict[str, str] = {}
    for agency, kind, year in pl.pairs(n_departments=3, n_townships=1):
        in_column = kind != "township"
        r = pl.report(agency, kind, year, "column" if in_column else "search")
        if in_column:
            list_dir, r.list_paths = nb, [nb + "index.html"]
        else:
            slug = town_slugs.setdefault(agency, f"xz{len(town_slugs) + 1:02d}")
            list_dir, r.list_paths = f"/zfxxgk/xzjd/{slug}/ndbg/", [OPEN_PATH]
        doc = _published(site, r, list_dir)
        zwgk.append(doc)
        if in_column:
            website.append(doc)
    if site.primary:
        # notices a report-word search also hits: the crawler must reject them by title, never fetch them as reports
        for kind, year, date in (
            ("compile_notice", 2023, "2023-12-11"),
            ("rule_of_law_report", 2023, "2024-03-26"),
            ("website_report", 2023, "2024-01-19"),
        ):
            did, ymd = pl.docid(), date.replace("-", "")
            title = contentlib.distractor_title(kind, region=site.region, agency=site.name, year=year)
            d = Distractor(site, kind, title, f"/zwgk/tzgg/{ymd[:6]}/t{ymd}_{did}.html", date)
            site.distractors.append(d)
            distractor_route(site, d, lambda s, **kw: trs_article(s, column="通知公告", **kw))
            doc = Doc(d.path, d.title, d.published, site.name + "办公室", CHANNEL_TZGG, f"{d.title}。")
            website.append(doc)
            if kind == "compile_notice":
                zwgk.append(doc)
        site.behaviours += ["igs-search-list", "trs-open-search"]
    website += [
        Doc(path, title, f"2024-0{4 - i}-1{i}", site.name, CHANNEL_NEWS, title)
        for i, (title, path) in enumerate(news_items(site))
    ]

    def igs(req: Request) -> Response:
        if req.method != "POST":
            return _json({"success": False, "msg": f"Request method '{req.method}' not supported"}, 405)
        try:
            body = json.loads(req.body.decode("utf-8") or "null")
        except (UnicodeDecodeError, ValueError):
            body = None
        if not isinstance(body, dict):
            return _json({"success": False, "msg": "请求参数格式错误", "data": None})
        if str(body.get("code")) != code or str(body.get("dataTypeId")) != data_type_id:
            return _json({"success": False, "msg": "检索方案不存在", "data": None})
        if not body.get("orderBy") or not body.get("searchBy"):
            return _json({"success": False, "msg": "排序方式不能为空！", "data": None})
        word = str(body.get("searchWord") or "").strip()
        channel = _channel_filter(body.get("customFilter"))
        title_only = str(body.get("searchBy")) == "title"
        hits = [
            d
            for d in website
            if (channel is None or d.channel == channel)
            and (not word or word in d.title or (not title_only and word in d.abstract))
        ]
        hits.sort(key=lambda d: (d.date, d.path), reverse=True)
        page_no = max(1, to_int(str(body.get("pageNo", 1)), 1))
        size = min(MAX_PAGE_SIZE, max(1, to_int(str(body.get("pageSize", 10)), 10)))
        site.search_log.append(("igs", word, page_no))
        chunk = hits[(page_no - 1) * size : page_no * size]
        items = [
            {
                "type": "DATA",
                "data": {
                    "title": _highlight(d.title, word),
                    "titleO": d.title,
                    "url": site.url(d.path),
                    "docDate": d.date,
                    "time": f"{d.date} 09:30:00",
                    "content": _highlight(d.abstract, word),
                    "source": d.agency,
                    "channelId": d.channel,
                },
            }
            for d in chunk
        ]
        return _json(
            {
                "success": True,
                "code": 200,
                "msg": "操作成功",
                "data": {
                    "pager": {
                        "pageNo": page_no,
                        "pageSize": size,
                        "total": len(hits),
                        "pageCount": math.ceil(len(hits) / size),
                    },
                    "middle": {"listAndBox": items, "box": []},
                    "searchWord": word,
                },
            }
        )

    def open_search(req: Request) -> Response:
        if req.param("siteId") != site_id:
            return _json({"msg": "站点不存在", "state": 500, "data": None})
        word, position = req.param("keywords").strip(), req.param("position", "0")
        hits = [d for d in zwgk if not word or word in d.title or (position == "0" and word in d.abstract)]
        hits.sort(key=lambda d: (d.date, d.path), reverse=True)
        page_num = max(1, to_int(req.param("pageNum", "1"), 1))
        size = min(20, max(1, to_int(req.param("pageSize", str(OPEN_PAGE_SIZE)), OPEN_PAGE_SIZE)))
        site.search_log.append(("trs_open", word, page_num))
        chunk = hits[(page_num - 1) * size : page_num * size]
        return _json(
            {
                "msg": "success",
                "state": 200,
                "data": {
                    "total": len(hits),
                    "pageSize": size,
                    "pageNum": page_num,
                    "data": [
                        {
                            "gk_doctitle": _highlight(d.title, word),
                            "docpuburl": site.url(d.path),
                            "docpubtime": f"{d.date} 10:00:00",
                            "gk_fbjg": d.agency,
                        }
                        for d in chunk
                    ],
                },
            }
        )

    site.routes[IGS_PATH] = igs
    site.routes[OPEN_PATH] = open_search
    site.routes["/zwgk/js/igsList.js"] = lambda req: Response(
        200, IGS_LIST_JS.encode("utf-8"), "application/javascript; charset=utf-8"
    )
    options = (
        f"{{url: '{IGS_PATH}', code: '{code}', dataTypeId: '{data_type_id}', searchWord: '', "
        f"searchBy: 'title', orderBy: 'time', pageSize: {WIDGET_PAGE_SIZE}, granularity: 'ALL', "
        f"customFilter: {{operator: 'and', properties: [{{property: 'channel_id', operator: 'eq', "
        f"value: '{CHANNEL_NB}', weight: 100}}]}}}}"
    )
    column_main = (
        '<div class="list-box"><h2 class="column-title">政府信息公开年报</h2>'
        '<ul class="list" id="igs-list"></ul><div class="page" id="igs-page"></div></div>'
        f"<script>var igsListOptions = {options};</script>"
        '<script src="/zwgk/js/igsList.js"></script>'
    )
    crumbs = [("首页", "/"), ("政务公开", site.xxgk_path), ("政府信息公开年报", None)]

    def column(req: Request) -> Response:
        return site.html(
            chrome.page(site, title="政府信息公开年报", column="政府信息公开年报", crumbs=crumbs, main=column_main)
        )

    site.routes[nb + "index.html"] = column
    site.routes[nb] = column
    site.search_hints = [{"api": "trs_open", "url": OPEN_PATH, "site_id": site_id}]
    robots(site, [], None)
    n_search5, n_govcn = (max(1, round(pl.count * 7 / 12)), max(1, pl.count // 4)) if pl.count else (0, 0)
    extra = _search5_group(site, pl, website, n_search5) + _govcn_group(site, pl, n_govcn)
    xxgk_index(site, [("政府信息公开年报", nb + "index.html")], extra)


def _spread(agencies: list[str], n: int) -> list[tuple[str, int]]:
    """(agency, year) for n reports, round-robin over the agencies, each starting at another year."""
    out = [
        (agency, REPORT_YEARS[(k + i) % len(REPORT_YEARS)])
        for k in range(len(REPORT_YEARS))
        for i, agency in enumerate(agencies)
    ]
    return out[:n]


def _api_only_report(
    site: Site, pl: Planner, agency: str, year: int, group: str, list_dir: str, api_path: str
) -> tuple[Report, Doc]:
    """A report no page links: only the search API at `api_path` lists it."""
    r = pl.report(agency, "department", year, group)
    r.list_paths = [api_path]
    return r, _published(site, r, list_dir)


def _published(site: Site, r: Report, list_dir: str) -> Doc:
    """Publish report `r` under `list_dir` (TRS article page and attachments); its entry in the search indexes."""
    r.path = trs_report_path(list_dir, r)
    add_attachments(r, trs_attachment_path)
    trs_report_route(site, r)
    return Doc(
        r.path,
        r.title,
        r.published,
        r.agency,
        CHANNEL_NB,
        f"根据《中华人民共和国政府信息公开条例》规定，现公布{r.title}。",
    )


def _search5_group(site: Site, pl: Planner, website: list[Doc], n: int) -> str:
    """Departments whose reports only the Kaipuyun search5 index holds; the search box that reveals it."""
    if not n:
        return ""
    taken = set(site.departments)
    pool = [site.region + d for d in _DEPARTMENTS if site.region + d not in taken]
    k = max(1, math.ceil(n / 4))
    bureaus = pl.rng.sample(pool, min(k, len(pool)))
    bureaus += [f"{site.region}第{len(taken) + j + 1}工作局" for j in range(k - len(bureaus))]
    index = list(website)  # a whole-site search: the column's reports, notices and news too
    for agency, year in _spread(bureaus, n):
        slug = f"bm{bureaus.index(agency) + 1:02d}"
        index.append(_api_only_report(site, pl, agency, year, "search5", f"/zwgk/bmxxgk/{slug}/ndbg/", SEARCH5_PATH)[1])
    index.sort(key=lambda d: (d.date, d.path), reverse=True)
    if site.primary:
        site.behaviours.append("kaipuyun-search5")

    def search5(req: Request) -> Response:
        if req.method != "POST":
            return _json({"code": 405, "message": f"Request method '{req.method}' not supported"}, 405)
        if req.param("siteCode") != site.site_code:
            return _json({"code": 500, "message": "站点编码错误", "searchResultAll": None})
        word = req.param("searchWord").strip()
        page_num = to_int(req.param("pageNum", "0"), 0)
        size = min(MAX_PAGE_SIZE, max(1, to_int(req.param("pageSize", "10"), 10)))
        hits = [d for d in index if not word or word in d.title or word in d.abstract]
        site.search_log.append(("search5", word, page_num))
        chunk = hits[page_num * size : (page_num + 1) * size] if page_num >= 0 else []
        return _json(
            {
                "code": 200,
                "message": "success",
                "searchResultAll": {
                    "total": len(hits),
                    "searchWord": word,
                    "searchTotal": [
                        {
                            "title": _highlight(d.title, word),
                            "url": site.url(d.path),
                            "pubDate": f"{d.date} 10:00",
                            "content": _highlight(d.abstract, word),
                            "source": d.agency,
                            "siteName": site.name,
                        }
                        for d in chunk
                    ],
                },
            }
        )

    site.routes[SEARCH5_PATH] = search5
    return (
        '<div class="zwgk-search"><h3>政务公开检索</h3>'
        '<form id="searchForm5" action="/search5/html/searchResult_zwgk.html" method="post" target="_blank">'
        f'<input type="hidden" name="siteCode" value="{site.site_code}">'
        '<input type="hidden" name="column" value="政务公开">'
        f'<input type="hidden" name="pageSize" value="{SEARCH5_PAGE_SIZE}">'
        '<input type="text" name="searchWord" placeholder="请输入关键字">'
        '<input type="submit" value="检索"></form></div>'
    )


def _govcn_group(site: Site, pl: Planner, n: int) -> str:
    """A development zone whose reports only the gov.cn-style policy library holds; the widget naming its API."""
    if not n:
        return ""
    zones = ["经济技术开发区管理委员会", "高新技术产业开发区管理委员会", "综合保税区管理委员会"]
    k = max(1, math.ceil(n / 3))
    zones += [f"第{j + 1}产业园区管理委员会" for j in range(k - len(zones))]
    agencies = [site.region + z for z in zones[:k]]
    library: list[tuple[Doc, str]] = []  # (document, 发文字号)
    for agency, year in _spread(agencies, n):
        slug = f"kfq{agencies.index(agency) + 1:02d}"
        library.append(
            (_api_only_report(site, pl, agency, year, "govcn", f"/kfq/{slug}/xxgk/ndbg/", GOVCN_PATH)[1], "")
        )
    if site.primary:
        # the library's own notices about the report: hits of a report-word search, never reports
        notice = next(d for d in site.distractors if d.kind == "compile_notice")
        library.append(
            (
                Doc(
                    notice.path, notice.title, notice.published, site.name + "办公室", CHANNEL_TZGG, f"{notice.title}。"
                ),
                f"{site.region[:2]}政办发〔2023〕41号",
            )
        )
        ymd = "20211009"
        title = contentlib.distractor_title("format_notice", region=site.region, agency=site.name, year=2021)
        d = Distractor(site, "format_notice", title, f"/zcwjk/202110/t{ymd}_{pl.docid()}.html", "2021-10-09")
        site.distractors.append(d)
        distractor_route(site, d, lambda s, **kw: trs_article(s, column="政策文件库", **kw))
        library.append(
            (
                Doc(d.path, d.title, d.published, "国务院办公厅政府信息与政务公开办公室", CHANNEL_TZGG, f"{d.title}。"),
                "国办公开办函〔2021〕30号",
            )
        )
        site.behaviours.append("govcn-policy-library")
    library.sort(key=lambda e: (e[0].date, e[0].path), reverse=True)

    def policy_library(req: Request) -> Response:
        if req.param("t") != GOVCN_LIBRARY:
            return _json({"code": 1001, "msg": "抱歉，没有找到相关结果", "searchVO": None})
        word, field = req.param("q").strip(), req.param("searchfield", "title")
        hits = [
            (d, code) for d, code in library if not word or word in d.title or (field != "title" and word in d.abstract)
        ]
        page = max(1, to_int(req.param("p", "1"), 1))
        size = min(GOVCN_MAX_PAGE_SIZE, max(1, to_int(req.param("n", "10"), 10)))
        site.search_log.append(("govcn", word, page))
        if not hits:
            return _json({"code": 1001, "msg": "抱歉，没有找到相关结果", "searchVO": None})
        chunk = hits[(page - 1) * size : page * size]
        return _json(
            {
                "code": 200,
                "msg": "操作成功",
                "searchVO": {
                    "totalCount": len(hits),
                    "totalpage": math.ceil(len(hits) / size),
                    "listVO": [
                        {
                            "title": _highlight(d.title, word),
                            "url": site.url(d.path),
                            "pcode": code,
                            "puborg": d.agency,
                            "pubtime": _epoch_ms(d.date),
                            "pubtimeStr": d.date.replace("-", "."),
                            "summary": _highlight(d.abstract, word),
                        }
                        for d, code in chunk
                    ],
                },
            }
        )

    site.routes[GOVCN_PATH] = policy_library
    site.routes["/zwgk/js/zcwjk.js"] = lambda req: Response(
        200, ZCWJK_JS.encode("utf-8"), "application/javascript; charset=utf-8"
    )
    return (
        '<div class="zcwjk"><h3>政策文件库</h3><div id="zcwjk-app"></div>'
        f"<script>var zcwjkApi = '{GOVCN_PATH}?t={GOVCN_LIBRARY}&searchfield=title&sort=pubtime&sortType=1';</script>"
        '<script src="/zwgk/js/zcwjk.js"></script></div>'
    )


def _epoch_ms(date: str) -> int:
    y, m, d = (int(x) for x in date.split("-"))
    return int(datetime(y, m, d, 10, tzinfo=UTC).timestamp() * 1000)


def _channel_filter(value: object) -> str | None:
    """The channel a `customFilter` pins
    (`{operator, properties: [{property: "channel_id", operator: "eq", value}]}`)."""
    if not isinstance(value, dict):
        return None
    for prop in value.get("properties") or []:
        if isinstance(prop, dict) and prop.get("property") == "channel_id" and prop.get("operator") == "eq":
            return str(prop.get("value"))
    return None


# what a browser runs on the column page: the list is only ever drawn from the API's answer
IGS_LIST_JS = """(function () {
  var o = window.igsListOptions, list = document.getElementById('igs-list'), \
pager = document.getElementById('igs-page');
  function show(pageNo) {
    var body = {code: o.code, dataTypeId: o.dataTypeId, searchWord: o.searchWord, searchBy: o.searchBy,
                orderBy: o.orderBy, pageNo: pageNo, pageSize: o.pageSize, granularity: o.granularity,
                customFilter: o.customFilter, beginDateTime: '', endDateTime: '', isSearchForced: 0, filters: []};
    fetch(o.url, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)})
      .then(function (r) { return r.json(); })
      .then(function (res) {
        if (!res.success) { list.innerHTML = '<li>' + res.msg + '</li>'; return; }
        list.innerHTML = '';
        res.data.middle.listAndBox.forEach(function (item) {
          var li = document.createElement('li'), a = document.createElement('a'), s = document.createElement('span');
          a.href = item.data.url; a.title = item.data.titleO; a.target = '_blank'; a.textContent = item.data.titleO;
          s.textContent = item.data.docDate; li.appendChild(a); li.appendChild(s); list.appendChild(li);
        });
        pager.innerHTML = '';
        for (var i = 1; i <= res.data.pager.pageCount; i++) {
          var b = document.createElement('a'); b.textContent = i; b.href = 'javascript:void(0)';
          b.onclick = (function (n) { return function () { show(n); }; })(i); pager.appendChild(b);
        }
      });
  }
  show(1);
})();
"""


# the 政策文件库 widget: the library UI draws the newest documents from the API (an SPA, no links in the HTML)
ZCWJK_JS = """(function () {
  var app = document.getElementById('zcwjk-app');
  fetch(window.zcwjkApi + '&q=&p=1&n=10').then(function (r) { return r.json(); }).then(function (res) {
    if (!res.searchVO) { app.textContent = res.msg; return; }
    var ul = document.createElement('ul');
    res.searchVO.listVO.forEach(function (item) {
      var li = document.createElement('li');
      li.textContent = item.title.replace(/<[^>]+>/g, '') + ' ' + item.pubtimeStr;
      li.onclick = function () { window.open(item.url); };
      ul.appendChild(li);
    });
    app.appendChild(ul);
  });
})();
"""
