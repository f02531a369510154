"""A real `scrapy crawl portals` of the demo portal's search-driven site (demo-search) over loopback.

Its 年报 column is a JS widget fed by the TRS IGS JSON POST API (the page names the API in its options) and its
township reports are only in the 政务公开 database behind TRS openSearch, which only the registry's `search` hint
names. Two departments' reports are only behind a Kaipuyun search5 box (a form POST, pageNum counting from 0) and
a development zone's only behind a gov.cn-style policy library (`search-gov/data?t=…`), both revealed by the
信息公开 page. The demo server logs every search it answers, so the test sees which API pages the crawler asked for.
"""

from __future__ import annotations

import json
import math
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from crawl_process import run_portals_crawl

from gxcrawl.demo import DemoPortal
from gxcrawl.demo.families.search import (
    GOVCN_LIBRARY,
    GOVCN_PATH,
    OPEN_PAGE_SIZE,
    SEARCH5_PAGE_SIZE,
    SEARCH5_PATH,
    WIDGET_PAGE_SIZE,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def crawl(registry: Path, archive: Path) -> dict[str, Any]:
    """The real spider on demo-search only, in its own process; the coverage summary it wrote."""
    run_portals_crawl(registry, archive, portals="demo-search")
    return json.loads((archive / "coverage.json").read_text(encoding="utf-8"))


def _site_truth(portal: DemoPortal) -> tuple[list[dict], set[str]]:
    reports = [r for r in portal.manifest["reports"] if r["portal"] == "demo-search"]
    distractors = {d["url"] for d in portal.manifest["distractors"] if d["portal"] == "demo-search"}
    return reports, distractors


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("search")
    with DemoPortal(seed=1, out_dir=tmp / "demo") as portal:
        coverage = crawl(portal.registry_path, tmp / "archive")
        site = portal.site("demo-search")
        reports, distractors = _site_truth(portal)
        fetched = {portal.url("demo-search", path.split("?")[0]) for path in portal.requested_paths("demo-search")}
        log = list(site.search_log)  # before the test's own look at what the APIs answer
        return {
            "coverage": coverage,
            "reports": reports,
            "distractors": distractors,
            "fetched": fetched,
            "log": log,
            "registry": json.loads(portal.registry_path.read_text(encoding="utf-8")),
            "search5_hits": _search5_hits(portal),
            "govcn_hits": _govcn_hits(portal),
        }


def _read_json(request: urllib.request.Request | str) -> Any:
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read().decode("utf-8"))


def _search5_hits(portal: DemoPortal) -> set[str]:
    """Every hit URL the search5 API gives for 年度报告, asked page by page from 0 as its own form does."""
    site, urls, page = portal.site("demo-search"), set(), 0
    while True:
        form = {"siteCode": site.site_code, "searchWord": "年度报告", "pageSize": SEARCH5_PAGE_SIZE, "pageNum": page}
        data = _read_json(
            urllib.request.Request(site.url(SEARCH5_PATH), method="POST", data=urllib.parse.urlencode(form).encode())
        )
        hits = data["searchResultAll"]["searchTotal"]
        if not hits:
            return urls
        urls |= {hit["url"] for hit in hits}
        page += 1


def _govcn_hits(portal: DemoPortal) -> set[str]:
    query = urllib.parse.urlencode({"t": GOVCN_LIBRARY, "q": "年度报告", "searchfield": "title", "p": 1, "n": 20})
    data = _read_json(portal.url("demo-search", f"{GOVCN_PATH}?{query}"))
    assert data["searchVO"]["totalCount"] == len(data["searchVO"]["listVO"])
    return {hit["url"] for hit in data["searchVO"]["listVO"]}


def test_every_report_of_the_search_site_is_found_and_no_distractor(crawled: dict[str, Any]) -> None:
    reports, distractors = crawled["reports"], crawled["distractors"]
    found = {r["url"] for r in crawled["coverage"]["reports"]}
    # every way in is exercised: the IGS-fed column, the openSearch-only township reports, the search5-only and
    # the policy-library-only reports
    assert {r["group"] for r in reports} == {"column", "search", "search5", "govcn"}
    assert {r["url"] for r in reports} <= found
    assert found <= {r["url"] for r in reports}
    assert distractors, "the site's search also hits notices that merely mention 年度报告"
    assert not distractors & found
    assert not distractors & crawled["fetched"], "a distractor's title is enough to leave it alone"


def test_the_column_widget_was_paged_through_its_json_post_api(crawled: dict[str, Any]) -> None:
    column = [r for r in crawled["reports"] if r["group"] == "column"]
    # the widget's own series (no word, its channel filter): every API page, each requested once
    widget_pages = sorted(page for api, word, page in crawled["log"] if api == "igs" and word == "")
    assert len(column) > WIDGET_PAGE_SIZE
    assert widget_pages == list(range(1, math.ceil(len(column) / WIDGET_PAGE_SIZE) + 1))
    # the header search box ran the report-word series too
    assert {word for api, word, _ in crawled["log"] if api == "igs"} >= {"年度报告", "信息公开年报"}


def test_the_registry_hint_reached_the_opensearch_only_reports(crawled: dict[str, Any]) -> None:
    (entry,) = [p for p in crawled["registry"]["portals"] if p["id"] == "demo-search"]
    assert [h["api"] for h in entry["search"]] == ["trs_open"]
    searched = [r for r in crawled["reports"] if r["group"] == "search"]
    assert searched and all(r["list_urls"][0].endswith("/openSearch/getZwgkList") for r in searched)
    pages = sorted(page for api, word, page in crawled["log"] if api == "trs_open" and word == "年度报告")
    assert len(pages) == len(set(pages)) > 1  # more hits than one page: paged by the reported total
    assert max(pages) <= math.ceil(len(crawled["reports"]) / OPEN_PAGE_SIZE) + 1


def test_the_search5_box_reached_its_reports_through_every_zero_based_page(crawled: dict[str, Any]) -> None:
    reports = [r for r in crawled["reports"] if r["group"] == "search5"]
    found = {r["url"] for r in crawled["coverage"]["reports"]}
    assert len(reports) > SEARCH5_PAGE_SIZE, "more reports than one page holds"
    assert all(r["list_urls"][0].endswith(SEARCH5_PATH) for r in reports)
    assert {r["url"] for r in reports} <= found
    # the API counts pages from 0: the strategy (base unknown) starts at 1, then asks 0 and one past the end
    hits = crawled["search5_hits"]
    pages = sorted(page for api, word, page in crawled["log"] if api == "search5" and word == "年度报告")
    assert len(pages) == len(set(pages)), "each page asked once"
    assert pages == list(range(0, math.ceil(len(hits) / SEARCH5_PAGE_SIZE) + 1 + 1))
    assert {r["url"] for r in reports} <= hits
    # a whole-site search: its hits hold notices that only mention 年度报告, which the spider left alone
    assert crawled["distractors"] & hits
    assert not crawled["distractors"] & (found | crawled["fetched"])


def test_the_policy_library_reached_the_development_zone_reports(crawled: dict[str, Any]) -> None:
    reports = [r for r in crawled["reports"] if r["group"] == "govcn"]
    found = {r["url"] for r in crawled["coverage"]["reports"]}
    assert reports and {r["url"] for r in reports} <= found
    assert all(r["list_urls"][0].endswith(GOVCN_PATH) for r in reports)
    asked = {(word, page) for api, word, page in crawled["log"] if api == "govcn"}
    assert asked == {("年度报告", 1), ("信息公开年报", 1)}  # the widget names no word: the report-title phrases
    hits = crawled["govcn_hits"]
    assert {r["url"] for r in reports} <= hits
    notices = crawled["distractors"] & hits
    assert len(notices) == 2, "the library holds the 编制通知 and the 格式 notice"
    assert not notices & (found | crawled["fetched"])


def test_without_the_hint_only_the_pages_own_apis_are_used(tmp_path: Path) -> None:
    with DemoPortal(seed=1, out_dir=tmp_path / "demo") as portal:
        registry = json.loads(portal.registry_path.read_text(encoding="utf-8"))
        for entry in registry["portals"]:
            entry.pop("search", None)
        path = tmp_path / "registry-no-hints.json"
        path.write_text(json.dumps(registry, ensure_ascii=False), encoding="utf-8")
        coverage = crawl(path, tmp_path / "archive")
        reports, _ = _site_truth(portal)
        log = list(portal.site("demo-search").search_log)
    found = {r["url"] for r in coverage["reports"]}
    # the column, the search5 box and the policy library are revealed by the site's own pages
    assert {r["url"] for r in reports if r["group"] in ("column", "search5", "govcn")} <= found
    assert {r["group"] for r in reports if r["url"] in found} == {"column", "search5", "govcn"}
    assert not {r["url"] for r in reports if r["group"] == "search"} & found
    assert not [entry for entry in log if entry[0] == "trs_open"]
    assert {entry[0] for entry in log} == {"igs", "search5", "govcn"}
