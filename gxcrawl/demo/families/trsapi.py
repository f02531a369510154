"""A TRS WCM site whose column lists page through the "trsapi" list widget, as a provincial
site family and its bureaus do.

* The 政府信息公开年报 column's first page is static HTML (the newest `PREPAGE` rows of its channel). Every further
  page only comes from the widget: `require(["list2.trsapi"], function (listModel) { listModel({channelid,
  classsql: "chnlid=N", prepage, pagebar: {recordCount}, …}) })` POSTs a form to `/fjdzapp/search`, which answers
  `{data: [{doctitle, docpuburl, chnldocurl, docreltime}], pageCount, recordCount}`. The older reports (manifest
  group "trsapi", `list_urls` = the API) are linked by no page.
* Distractors of the same shape: the 年报 channel also holds a 网站工作年度报表 and a 编制通知 (rows of the API answers
  that are no reports); the 通知公告 column uses the same widget (configured by `data-*` attributes) for notices; a
  热点信息 widget for another channel (a JSON config, no total: paged until a short page) sits beside the 年报 list.
* The static page's pager is drawn by script from string pieces (`"<a href=\\"index" + … + ".htm\\">"`), and the
  column is linked both as its directory and as `index.htm`: a crawler must take no URL from a piece of a string
  and fetch the column once.

The API answers only POSTs (a GET gets 405), checks `channelid`, reads the channel from `classsql`, and counts
`page` from 1. Every answer is appended to `site.search_log` as ("trsapi", classsql, page).
"""

from __future__ import annotations

import json
import math
import random
import re
from dataclasses import dataclass
from html import escape

from gxcrawl.demo import chrome
from gxcrawl.demo import content as contentlib
from gxcrawl.demo.families.common import (
    Options,
    Planner,
    add_attachments,
    distractor_route,
    news_items,
    robots,
    short,
    to_int,
)
from gxcrawl.demo.families.generic import xxgk_index
from gxcrawl.demo.families.trs import trs_article, trs_attachment_path, trs_report_path, trs_report_route
from gxcrawl.demo.world import Distractor, Request, Response, Site

API_PATH = "/fjdzapp/search"
INDEX_ID = "229105"  # the search index every widget of the site names (`channelid`)
PREPAGE = 5  # rows per page, static and API alike
NEWS_PREPAGE = 2  # the 热点信息 widget names no total: paged until a short page
CHNL_NB, CHNL_TZGG, CHNL_NEWS = "1813", "1820", "1801"
MAX_PREPAGE = 100


@dataclass
class Row:
    path: str
    title: str
    date: str
    source: str


def _json(data: object, status: int = 200) -> Response:
    return Response(status, json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json;charset=UTF-8")


def build_trsapi(site: Site, rng: random.Random, opts: Options, registry: dict) -> None:
    pl = Planner(site, rng, opts, 12)
    root = "/zwgk/zfxxgkzl/"
    nb, tzgg = root + "zfxxgknb/", "/zwgk/tzgg/"
    site.xxgk_path = "/zwgk/index.htm"
    channels: dict[str, list[Row]] = {CHNL_NB: [], CHNL_TZGG: [], CHNL_NEWS: []}
    for agency, kind, year in pl.pairs(n_departments=3, n_townships=1):
        r = pl.report(agency, kind, year, "column")
        r.path = trs_report_path(nb, r, "htm")
        add_attachments(r, trs_attachment_path)
        trs_report_route(
            site,
            r,
            crumbs=[
                ("首页", "/"),
                ("政务公开", site.xxgk_path),
                ("政府信息公开年报", nb + "index.htm"),
                ("正文", None),
            ],
        )
        channels[CHNL_NB].append(Row(r.path, r.title, r.published, r.agency))
    if site.primary:
        # the 年报 channel's own non-report rows, and notices in the 通知公告 channel that name the report
        for kind, year, date, chnl in (
            ("website_report", 2023, "2024-01-17", CHNL_NB),
            ("compile_notice", 2024, "2024-12-06", CHNL_NB),
            ("format_notice", 2021, "2021-10-11", CHNL_TZGG),
            ("rule_of_law_report", 2023, "2024-03-22", CHNL_TZGG),
        ):
            did, ymd = pl.docid(), date.replace("-", "")
            title = contentlib.distractor_title(kind, region=site.region, agency=site.name, year=year)
            base = nb if chnl == CHNL_NB else tzgg
            d = Distractor(site, kind, title, f"{base}{ymd[:6]}/t{ymd}_{did}.htm", date)
            site.distractors.append(d)
            column = "政府信息公开年报" if chnl == CHNL_NB else "通知公告"
            distractor_route(site, d, lambda s, column=column, **kw: trs_article(s, column=column, **kw))
            channels[chnl].append(Row(d.path, d.title, d.published, site.name + "办公室"))
        site.behaviours += ["trsapi-list", "script-pager-fragments", "column-index-alias"]
    for i, (title, path) in enumerate(news_items(site)):
        channels[CHNL_NEWS].append(Row(path, title, f"2024-0{4 - i}-1{i}", site.name))
    for i, t in enumerate(
        (
            "关于2024年清明节假期安排的通知",
            "关于开展政务公开专项检查的通知",
            "关于征集2025年为民办实事项目的公告",
            "关于公布第一批政务服务事项清单的通知",
        )
    ):
        did = pl.docid()
        path = f"{tzgg}20240{i + 3}/t20240{i + 3}0{i + 1}_{did}.htm"
        title = f"{site.region}{t}"
        d = Distractor(site, "other", title, path, f"2024-0{i + 3}-0{i + 1}")
        site.distractors.append(d)
        distractor_route(site, d, lambda s, **kw: trs_article(s, column="通知公告", **kw))
        channels[CHNL_TZGG].append(Row(path, title, d.published, site.name + "办公室"))
    for rows in channels.values():
        rows.sort(key=lambda row: (row.date, row.path), reverse=True)
    for r in site.reports:
        first_page = any(row.path == r.path for row in channels[CHNL_NB][:PREPAGE])
        r.list_paths = [nb + "index.htm"] if first_page else [API_PATH]
        if not first_page:
            r.group = "trsapi"

    def search(req: Request) -> Response:
        if req.method != "POST":
            return _json({"code": 405, "msg": f"Request method '{req.method}' not supported"}, 405)
        if req.param("channelid") != INDEX_ID:
            return _json({"code": 500, "msg": "检索库不存在", "data": []})
        classsql = req.param("classsql")
        m = re.fullmatch(r"\s*chnlid\s*=\s*(\d+)\s*", classsql)
        rows = channels.get(m.group(1), []) if m else []
        page = max(1, to_int(req.param("page", "1"), 1))
        size = min(MAX_PREPAGE, max(1, to_int(req.param("prepage", "15"), 15)))
        site.search_log.append(("trsapi", classsql, page))
        chunk = rows[(page - 1) * size : page * size]
        return _json(
            {
                "code": 200,
                "page": page,
                "prepage": size,
                "recordCount": len(rows),
                "pageCount": math.ceil(len(rows) / size),
                "data": [
                    {
                        "doctitle": row.title,
                        "docpuburl": site.url(row.path),
                        "chnldocurl": site.url(row.path),
                        "docreltime": f"{row.date} 10:00:00",
                        "docsourcename": row.source,
                        "chnlid": int(m.group(1)) if m else 0,
                    }
                    for row in chunk
                ],
            }
        )

    site.routes[API_PATH] = search
    site.routes["/js/list2.trsapi.js"] = lambda req: Response(
        200, LIST_JS.encode("utf-8"), "application/javascript; charset=utf-8"
    )
    crumbs = [("首页", "/"), ("政务公开", site.xxgk_path), ("政府信息公开年报", None)]

    def column(req: Request) -> Response:
        rows = channels[CHNL_NB]
        static = _rows_html(rows[:PREPAGE], nb)
        config = (
            f"{{el: '#nb-list', channelid: '{INDEX_ID}', sortfield: '-docorderpri,-docreltime', "
            f"classsql: 'chnlid={CHNL_NB}', classcol: 'publishyear', classnum: '100', classsort: '0', "
            f"cache: 'true', maxStaticIndex: 0, render: function (doc) {{ return doc; }}, "
            f"pagebar: {{el: '#nb-page', prepage: {PREPAGE}, recordCount: '{len(rows)}'}}}}"
        )
        news_config = json.dumps(
            {
                "channelid": INDEX_ID,
                "classsql": f"chnlid={CHNL_NEWS}",
                "prepage": NEWS_PREPAGE,
                "sortfield": "-docreltime",
            }
        )
        pages = max(1, math.ceil(len(rows) / PREPAGE))
        main = (
            f'<div class="side"><h3>热点信息</h3><ul id="hot-list"></ul>'
            f'<script type="application/json" id="hot-config">{news_config}</script></div>'
            f'<div class="list-box"><h2 class="column-title">政府信息公开年报</h2>'
            f'<ul class="list" id="nb-list">{static}</ul><div class="pagebar" id="nb-page">'
            f'<script>var pageCount = {pages}, currentPage = 0, pageName = "index";\n'
            "document.write('<a href=\"' + pageName + '.htm\">首页</a> ');\n"
            "for (var i = 1; i < pageCount; i++) { "
            'document.write("<a href=" + pageName + "_" + i + ".htm>" + (i + 1) + "</a> "); }\n'
            'document.write("<a href=\'index_" + (currentPage + 1) + ".htm\'>下一页</a> ");\n'
            "document.write('<a href=\\'index.' + 'htm\\'>尾页</a>');</script>"
            '<a href="index.htm">首页</a></div></div>'
            f'<script src="/js/require.js"></script><script>require(["list2.trsapi"], function (listModel) {{\n'
            f"  listModel({config});\n}});</script>"
        )
        return site.html(
            chrome.page(site, title="政府信息公开年报", column="政府信息公开年报", crumbs=crumbs, main=main)
        )

    def notices(req: Request) -> Response:
        rows = channels[CHNL_TZGG]
        main = (
            '<div class="list-box"><h2 class="column-title">通知公告</h2>'
            f'<ul class="list" id="tz-list" data-module="list2.trsapi" data-channelid="{INDEX_ID}" '
            f'data-classsql="chnlid={CHNL_TZGG}" data-prepage="{PREPAGE}" data-record-count="{len(rows)}">'
            f"{_rows_html(rows[:PREPAGE], tzgg)}</ul></div>"
            '<script>require(["list2.trsapi"], function (listModel) { listModel.fromElement("#tz-list"); });</script>'
        )
        return site.html(
            chrome.page(
                site,
                title="通知公告",
                column="通知公告",
                crumbs=[("首页", "/"), ("政务公开", site.xxgk_path), ("通知公告", None)],
                main=main,
            )
        )

    for path in (nb, nb + "index.htm"):
        site.routes[path] = column
    for path in (tzgg, tzgg + "index.htm"):
        site.routes[path] = notices
    robots(site, [], None)
    # the column by its directory here, by index.htm on its own pager: one page under two spellings
    xxgk_index(site, [("政府信息公开年报", nb), ("通知公告", tzgg + "index.htm")])


def _rows_html(rows: list[Row], list_dir: str) -> str:
    return "".join(
        f'<li><a href="./{escape(row.path[len(list_dir) :])}" title="{escape(row.title)}" target="_blank">'
        f"{escape(short(row.title))}</a><span>{row.date}</span></li>"
        if row.path.startswith(list_dir)
        else f'<li><a href="{escape(row.path)}" title="{escape(row.title)}" target="_blank">'
        f"{escape(short(row.title))}</a>"
        f"<span>{row.date}</span></li>"
        for row in rows
    )


# what a browser runs: the widget posts its config as a form and draws the rows and a pager from the answer
LIST_JS = """define(function () {
  function post(config, page, done) {
    var form = new URLSearchParams({channelid: config.channelid, classsql: config.classsql, page: page,
      prepage: (config.pagebar || config).prepage, sortfield: config.sortfield || '', cache: config.cache || 'true'});
    fetch('/fjdzapp/search', {method: 'POST', body: form, headers: {'X-Requested-With': 'XMLHttpRequest'}})
      .then(function (r) { return r.json(); }).then(done);
  }
  function listModel(config) {
    var list = document.querySelector(config.el);
    function show(page) {
      post(config, page, function (res) {
        list.innerHTML = res.data.map(function (d) {
          return '<li><a href="' + d.docpuburl + '">' + d.doctitle + '</a><span>' + \
d.docreltime.slice(0, 10) + '</span></li>';
        }).join('');
      });
    }
    if (config.maxStaticIndex === undefined) show(1);
    return {show: show};
  }
  listModel.fromElement = function (selector) {
    var el = document.querySelector(selector);
    return listModel({el: selector, channelid: el.dataset.channelid, classsql: el.dataset.classsql,
                      prepage: el.dataset.prepage});
  };
  return listModel;
});
"""
