"""Guangdong gkmlpt sites: an SPA shell with window._CONFIG, a JSON list API paging by 100,
/content/post_ID.html pages."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from html import escape

from gxcrawl.demo import chrome
from gxcrawl.demo.families.common import (
    Options,
    Planner,
    add_attachments,
    add_blocked,
    attachment_links,
    body_of,
    guide_pages,
    home_page,
    index_no,
    news_items,
    report_route,
    robots,
    to_int,
    xxgk_page,
)
from gxcrawl.demo.world import Attachment, Distractor, Report, Request, Response, Site

# --- gkmlpt (Guangdong) ----------------------------------------------------------------------------------------------

GKMLPT_PER_PAGE = 100


def build_gkmlpt(site: Site, rng: random.Random, opts: Options, registry: dict) -> None:
    """gkmlpt SPA: an HTML shell with window._CONFIG, a JSON list API, and /content/post_ID.html pages."""
    pl = Planner(site, rng, opts, 8)
    sid = str(755000 + site.index)
    cat_nb, cat_other = 721, 722
    site.xxgk_path = "/gkmlpt/index"
    site.report_columns = ["/gkmlpt/index#721"]
    site.gzip = True
    articles: dict[int, list[dict]] = {cat_nb: [], cat_other: []}

    def article_json(path: str, title: str, date: str, pid: int, publisher: str, atts: list[Attachment]) -> dict:
        return {
            "id": pid,
            "title": title,
            "document_number": "",
            "publisher": publisher,
            "identifier": f"{site.code_digits}/{date[:4]}-{pid % 100000:05d}",
            "date": int(datetime.fromisoformat(date).replace(tzinfo=UTC).timestamp()),
            "created_at": f"{date} 09:00:00",
            "display_publish_time": int(datetime.fromisoformat(date).replace(tzinfo=UTC).timestamp()),
            "url": path,
            "post_url": path,  # "url" is made absolute per request (the port is bound later)
            "attachment": [
                {"name": a.name, "type": a.kind, "mime": "application/pdf", "size": 0, "url": a.path} for a in atts
            ],
            "is_expired": False,
            "is_abolished": False,
        }

    for agency, kind, year in pl.pairs(n_departments=2, n_townships=1):
        r = pl.report(agency, kind, year, "column")
        r.path = f"/zwgk/xxgknb/content/post_{r.docid}.html"
        r.list_paths = [f"/gkmlpt/api/all/{cat_nb}"]
        add_attachments(
            r, lambda rep, kind, i: f"/attachment/0/{rep.docid % 100}/{rep.docid % 100000}/{rep.docid}{i}.{kind}"
        )
        report_route(r, lambda rep, gen: gkmlpt_article(site, rep, body_of(rep, gen)))
    if site.primary:
        did = pl.docid()
        shell_path = f"/zwgk/xxgknb/content/post_{did}.html"
        add_blocked(site, shell_path, "empty-shell", f"{site.region}教育局2023年政府信息公开工作年度报告")
        articles[cat_nb].append(
            article_json(shell_path, site.blocked[-1].title, "2024-01-26", did, site.region + "教育局", [])
        )
        site.behaviours += ["gkmlpt-json", "empty-shell"]
    for r in site.reports:
        articles[cat_nb].append(article_json(r.path, r.title, r.published, r.docid, r.agency, r.attachments))
    # ordinary policy documents fill the "all" category past one API page
    n_other = 130 if site.primary else 20
    for i in range(n_other):
        did = pl.docid()
        date = f"{2020 + i % 5}-{i % 12 + 1:02d}-{i % 27 + 1:02d}"
        title = (
            f"{site.region}关于印发{['农村人居环境整治', '安全生产专项整治', '营商环境优化', '城市更新'][i % 4]}"
            f"工作方案的通知（第{i + 1}号）"
        )
        path = f"/zwgk/wjk/content/post_{did}.html"
        d = Distractor(site, "other", title, path, date)
        site.distractors.append(d)
        articles[cat_other].append(article_json(path, title, date, did, site.name + "办公室", []))
        site.routes[path] = lambda req, d=d: site.html(
            gkmlpt_page(
                site,
                title=d.title,
                agency=site.name + "办公室",
                published=d.published,
                body="<p>现将有关工作方案印发给你们，请认真贯彻执行。</p>",
                atts="",
                index="",
            )
        )
    for cat in articles:
        articles[cat].sort(key=lambda a: a["date"], reverse=True)
    tree = [
        {
            "id": 720,
            "name": "政府信息公开指南",
            "children": [],
            "post_count": 0,
            "jump_url": "/xxgk/zfxxgkzn/index.html",
        },
        {"id": cat_other, "name": "法定主动公开内容", "children": [], "post_count": len(articles[cat_other])},
        {"id": cat_nb, "name": "政府信息公开年报", "children": [], "post_count": len(articles[cat_nb])},
    ]
    names = {cat_nb: "政府信息公开年报", cat_other: "法定主动公开内容", 0: "全部"}

    def api(req: Request) -> Response:
        try:
            cat = int(req.path.rsplit("/", 1)[1])
        except ValueError:
            cat = -1
        if cat == 0:
            pool = sorted(articles[cat_nb] + articles[cat_other], key=lambda a: a["date"], reverse=True)
        elif cat in articles:
            pool = articles[cat]
        else:
            return Response(404, b'{"code":404,"msg":"not found"}', "application/json")
        page = max(1, to_int(req.param("page", "1"), 1))  # page 0 and page 1 return the same batch
        batch = [
            {**a, "url": site.url(a["url"]), "attachment": [{**f, "url": site.url(f["url"])} for f in a["attachment"]]}
            for a in pool[(page - 1) * GKMLPT_PER_PAGE : page * GKMLPT_PER_PAGE]
        ]
        body = {"classify": {"id": cat, "name": names.get(cat, ""), "post_count": len(pool)}, "articles": batch}
        return Response(200, json.dumps(body, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    for cat in (0, cat_nb, cat_other):
        site.routes[f"/gkmlpt/api/all/{cat}"] = api
    config = json.dumps({"SID": sid, "TREE": tree, "API": "/gkmlpt/api/all/"}, ensure_ascii=False)
    shell_main = (
        f'<div id="app"><div class="gkmlpt-loading">正在加载…</div></div>'
        f'<script>window._CONFIG = {config};</script><script src="/gkmlpt/static/js/app.js"></script>'
    )
    xxgk_page(site, "/gkmlpt/index", shell_main)
    robots(site, [], None)
    guide_pages(site, "/xxgk/", [("首页", "/"), ("政府信息公开", site.xxgk_path)])
    home_page(site, [("政府信息公开", site.xxgk_path)], news_items(site))


def gkmlpt_page(site: Site, *, title: str, agency: str, published: str, body: str, atts: str, index: str) -> str:
    rows = [
        ("索引号", index or f"{site.code_digits}/{published[:4]}-00000"),
        ("分类", "政府信息公开年报"),
        ("发布机构", agency),
        ("成文日期", published),
        ("名称", title),
        ("文号", ""),
        ("发布日期", published),
        ("主题词", ""),
    ]
    main = f"""<div class="classify">{chrome.metadata_table(rows, css="classify-table")}</div>
<div class="content"><h1 class="title">{escape(title)}</h1>
<div class="date">发布日期：{escape(published)} 来源：{escape(agency)} 字号：<a>大</a> <a>中</a> <a>小</a></div>
<div class="article-content">{body}</div>
{atts}
</div>{chrome.article_tools()}"""
    metas = {"ArticleTitle": title, "PubDate": f"{published} 17:00", "ContentSource": agency}
    return chrome.page(
        site,
        title=title,
        column="政府信息公开年报",
        crumbs=[("首页", "/"), ("政府信息公开", site.xxgk_path), ("正文", None)],
        main=main,
        metas=metas,
        head_extra=f"<script>var NFCMS_SITE_ID = {site.index + 1}; var NFCMS_POST_ID = 0;</script>",
    )


def gkmlpt_article(site: Site, rep: Report, body: str) -> str:
    return gkmlpt_page(
        site,
        title=rep.title,
        agency=rep.agency,
        published=rep.published,
        body=body,
        atts=attachment_links(rep, "plain", ""),
        index=index_no(rep),
    )
