"""A real `scrapy crawl portals` of the demo portal's trsapi site (demo-trsapi) over loopback.

Its 年报 column's first page is static HTML; the older reports are only on the further pages of a `list2.trsapi`
widget, a form POST to `/fjdzapp/search` that the page configures in a require callback. The 通知公告 column
uses the same widget (configured by data-* attributes) for notices, a 热点信息 widget for another channel sits
beside the 年报 list (a JSON config without a total), and the 年报 channel itself holds two notices. The static
pager is written by script from string pieces, and the column is linked as its directory and as `index.htm`.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from crawl_process import run_portals_crawl

from gxcrawl.demo import DemoPortal
from gxcrawl.demo.families.trsapi import API_PATH, CHNL_NB, CHNL_NEWS, CHNL_TZGG, NEWS_PREPAGE, PREPAGE

SITE = "demo-trsapi"
COLUMN = "/zwgk/zfxxgkzl/zfxxgknb/"

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("trsapi")
    with DemoPortal(seed=1, out_dir=tmp / "demo") as portal:
        run_portals_crawl(portal.registry_path, tmp / "archive", portals=SITE)
        coverage = json.loads((tmp / "archive" / "coverage.json").read_text(encoding="utf-8"))
        return {
            "coverage": coverage,
            "paths": portal.requested_paths(SITE),
            "reports": [r for r in portal.manifest["reports"] if r["portal"] == SITE],
            "distractors": {d["url"]: d for d in portal.manifest["distractors"] if d["portal"] == SITE},
            "base": portal.site(SITE).base_url,
            "log": list(portal.site(SITE).search_log),
            "behaviours": next(s["behaviours"] for s in portal.manifest["sites"] if s["id"] == SITE),
        }


def test_every_report_is_found_the_older_ones_only_through_the_widget(crawled: dict[str, Any]) -> None:
    reports, found = crawled["reports"], {r["url"] for r in crawled["coverage"]["reports"]}
    api_only = [r for r in reports if r["group"] == "trsapi"]
    assert len(api_only) > PREPAGE, "more reports behind the widget than one page holds"
    assert all(r["list_urls"] == [crawled["base"] + API_PATH] for r in api_only)
    assert {r["group"] for r in reports} == {"column", "trsapi"}
    assert {r["url"] for r in reports} == found


def test_no_distractor_is_taken_or_fetched(crawled: dict[str, Any]) -> None:
    distractors = crawled["distractors"]
    kinds = {d["kind"] for d in distractors.values()}
    assert {"website_report", "compile_notice", "format_notice", "rule_of_law_report", "other"} <= kinds
    found = {r["url"] for r in crawled["coverage"]["reports"]}
    fetched = {crawled["base"] + p.split("?")[0] for p in crawled["paths"]}
    assert not set(distractors) & found
    assert not set(distractors) & fetched, "a row's title is enough to leave a notice alone"


def test_each_widget_was_paged_by_its_total_or_to_its_short_page(crawled: dict[str, Any]) -> None:
    log = crawled["log"]
    pages = {
        chnl: sorted(p for _, classsql, p in log if classsql == f"chnlid={chnl}")
        for chnl in (CHNL_NB, CHNL_TZGG, CHNL_NEWS)
    }
    in_nb = len(crawled["reports"]) + sum(
        d["url"].startswith(crawled["base"] + COLUMN) for d in crawled["distractors"].values()
    )
    # the 年报 widget announces its total: every API page, each asked once
    assert pages[CHNL_NB] == list(range(1, math.ceil(in_nb / PREPAGE) + 1))
    # the 通知公告 widget (data-* attributes) likewise; it is paged, its notices are left alone
    assert len(pages[CHNL_TZGG]) > 1 and pages[CHNL_TZGG] == sorted(set(pages[CHNL_TZGG]))
    # the 热点信息 widget names no total: one page after another until a short page
    assert len([n for n in crawled["paths"] if n.startswith("/xwzx/")]) == 0  # news rows are no reports
    assert pages[CHNL_NEWS] == [1, 2] and NEWS_PREPAGE == 2


def test_the_column_is_fetched_once_and_no_pager_piece_becomes_a_url(crawled: dict[str, Any]) -> None:
    paths = [p.split("?")[0] for p in crawled["paths"]]
    assert {"script-pager-fragments", "column-index-alias"} <= set(crawled["behaviours"])
    # the 信息公开 page links the directory, the column's own pager links index.htm: one page, fetched once
    assert [p for p in paths if p in (COLUMN, COLUMN + "index.htm")] == [COLUMN]
    junk = [
        p
        for p in paths
        if p.rsplit("/", 1)[-1] in ("index", "index.", "index_") or "pageName" in p or "<" in p or "+" in p
    ]
    assert junk == []
    gets = [p for p in paths if p != API_PATH]
    assert len(gets) == len(set(gets)), "every page fetched once"
