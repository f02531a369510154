"""The bundled registry of real portals and the registry loader ."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from gxcrawl.discovery.registry import load_registry, portal_for_url, select_portals

# portal and report URLs collected from public sources while researching real portals
DOCS = Path(__file__).resolve().parent / "fixtures" / "registry"


def test_bundled_registry_has_every_province_and_state_council_departments() -> None:
    portals = load_registry()
    provinces = [p for p in portals if p.level == "province" and p.region_code and p.region_code.endswith("0000")]
    assert len({p.region_code for p in provinces}) == 31
    central = {urlsplit(p.entry_urls[0]).hostname for p in portals if p.level == "central"}
    assert {"www.mof.gov.cn", "www.mee.gov.cn", "www.ndrc.gov.cn", "www.gov.cn"} <= central
    assert all(p.entry_urls and p.allowed_hosts for p in portals)


def test_every_portal_of_the_research_notes_is_covered() -> None:
    portals = load_registry()
    urls = [row["url"] for row in csv.DictReader((DOCS / "portal-urls.tsv").open(encoding="utf-8"), delimiter="\t")]
    urls += [
        line.split("\t")[0]
        for line in (DOCS / "report-urls.txt").open(encoding="utf-8")
        if line.strip() and not line.startswith("#")
    ]
    missing = [u for u in urls if portal_for_url(portals, u) is None]
    assert missing == []
    gd = portal_for_url(portals, "http://www.gd.gov.cn/zwgk/xxgknb/szf/content/post_4145007.html")
    assert gd is not None and gd.id == "gd" and gd.cms == "gkmlpt"


def test_portals_argument_selects_and_unknown_ids_are_an_error() -> None:
    portals = load_registry()
    assert [p.id for p in select_portals(portals, "gd,bj")] == ["gd", "bj"]
    with pytest.raises(ValueError, match="unknown portal id"):
        select_portals(portals, "gd,nope")


def test_bad_registry_entries_get_clear_errors(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"portals": [{"id": "a", "entry_urls": ["ftp://x"]}]}))
    with pytest.raises(ValueError, match="not an absolute http"):
        load_registry(path)
    path.write_text(json.dumps({"portals": [{"id": "a", "entry_urls": ["http://x.gov.cn/"], "cms": "wordpress"}]}))
    with pytest.raises(ValueError, match="unknown cms"):
        load_registry(path)
    with pytest.raises(ValueError, match="does not exist"):
        load_registry(tmp_path / "missing.json")


def test_host_port_entries_pin_a_portal_to_one_server(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(
        json.dumps(
            {
                "portals": [
                    {
                        "id": "a",
                        "entry_urls": ["http://127.0.0.2:8001/"],
                        "allowed_hosts": ["127.0.0.2:8001", "127.0.0.2"],
                    },
                    {
                        "id": "b",
                        "entry_urls": ["https://www.xx.gov.cn/"],
                        "allowed_hosts": ["www.xx.gov.cn", "xx.gov.cn"],
                    },
                ]
            }
        )
    )
    a, b = load_registry(path)
    assert a.allows("http://127.0.0.2:8001/x") and not a.allows("http://127.0.0.2:9999/x")
    assert b.allows("http://xxgk.xx.gov.cn/a") and not b.allows("http://xx.gov.cn.evil.com/")


def _load_one(tmp_path: Path, **fields: object):  # noqa: ANN202 - a Portal
    path = tmp_path / "r.json"
    entry = {
        "id": "xs",
        "entry_urls": ["https://www.xs.gov.cn/"],
        "allowed_hosts": ["www.xs.gov.cn", "xs.gov.cn"],
        **fields,
    }
    path.write_text(json.dumps({"portals": [entry]}, ensure_ascii=False), encoding="utf-8")
    (portal,) = load_registry(path)
    return portal


def test_search_hints_are_validated_into_search_hints(tmp_path: Path) -> None:
    portal = _load_one(
        tmp_path,
        search={
            "api": "igs",
            "code": "17d1d69fedf",
            "data_type_id": 259,
            "page_size": 30,
            "words": ["政府信息公开工作年度报告"],
        },
    )
    (hint,) = portal.search
    assert hint.api == "igs" and hint.url == "https://www.xs.gov.cn/irs/front/search"  # default path on the entry host
    assert hint.param("code") == "17d1d69fedf" and hint.param("data_type_id") == "259"
    assert hint.words == ("政府信息公开工作年度报告",) and hint.page_size == 30 and hint.max_pages is None
    assert "search" not in portal.extra
    two = _load_one(
        tmp_path,
        search=[
            {
                "api": "trs_open",
                "site_id": "13",
                "url": "https://zjt.xs.gov.cn/trs-search/trssearch/openSearch/getZwgkList",
            },
            {"api": "search5", "site_code": "4690050001", "max_pages": 20},
        ],
    )
    assert [h.api for h in two.search] == ["trs_open", "search5"]
    assert two.search[0].url.startswith("https://zjt.xs.gov.cn/") and two.search[1].max_pages == 20
    assert _load_one(tmp_path).search == ()


@pytest.mark.parametrize(
    ("search", "message"),
    [
        ("igs", r"'xs': search must be an object"),
        ({"api": "solr"}, r"'xs': search\.api must be one of"),
        ({"api": "igs", "code": "17d1d69fedf"}, r"'xs': search: missing required field 'data_type_id'"),
        ({"api": "trs_open", "siteId": "13"}, r"'xs': search: unknown field\(s\) siteId"),
        ({"api": "trs_open", "site_id": ""}, r"'xs': search\.site_id must be a non-empty"),
        ({"api": "trs_open", "site_id": True}, r"'xs': search\.site_id must be a non-empty"),
        (
            {"api": "govcn", "library": "zhengcelibrary_gw", "url": "https://sousuo.evil.cn/search-gov/data"},
            r"search\.url .* not on the portal's allowed_hosts",
        ),
        ({"api": "search5", "site_code": "1", "url": "/search5/search/s"}, r"search\.url .* not an absolute http"),
        ({"api": "search5", "site_code": "1", "words": "年报"}, r"search\.words must be a list"),
        ({"api": "search5", "site_code": "1", "words": ["年报", " "]}, r"search\.words must be a list"),
        ({"api": "search5", "site_code": "1", "page_size": 0}, r"search\.page_size must be an integer from 1 to 100"),
        ({"api": "search5", "site_code": "1", "page_size": "20"}, r"search\.page_size must be an integer"),
        (
            {"api": "search5", "site_code": "1", "max_pages": 10**6},
            r"search\.max_pages must be an integer from 1 to 2000",
        ),
        ([{"api": "search5", "site_code": "1"}, {"api": "igs"}], r"'xs': search\[1\]: missing required field 'code'"),
    ],
)
def test_bad_search_hints_name_the_entry_and_the_field(tmp_path: Path, search: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _load_one(tmp_path, search=search)


def test_bundled_search_hints_are_the_documented_ones() -> None:
    by_id = {p.id: p for p in load_registry()}
    (gov,) = by_id["gov"].search
    assert (gov.api, gov.url, gov.param("library")) == (
        "govcn",
        "https://sousuo.www.gov.cn/search-gov/data",
        "zhengcelibrary_gw",
    )
    (shanxi,) = by_id["shanxi"].search
    assert (shanxi.api, shanxi.param("site_id")) == ("trs_open", "13")
    assert shanxi.url == "https://zjt.shanxi.gov.cn/trs-search/trssearch/openSearch/getZwgkList"


def test_render_actions_are_validated_into_render_actions(tmp_path: Path) -> None:
    portal = _load_one(
        tmp_path,
        render=True,
        render_actions=[
            {"wait_for": "#nb-list li"},
            {"click": "a:has-text('年报')", "match": "^/xxgk/"},
            {"click_repeat": "a.next", "times": 5, "collect": "#nb-list li", "timeout_ms": 2000, "match": "/gknb/"},
            {"scroll": "bottom", "times": 3},
            {"wait_for_load": "networkidle"},
            {"wait_ms": 500},
        ],
    )
    wait_for, click, repeat, scroll, load, pause = portal.render_actions
    assert (wait_for.kind, wait_for.target, wait_for.timeout_ms, wait_for.match) == (
        "wait_for",
        "#nb-list li",
        10_000,
        "",
    )
    assert (click.kind, click.target, click.timeout_ms) == ("click", "a:has-text('年报')", 5_000)
    assert (repeat.times, repeat.collect, repeat.timeout_ms, repeat.worst_ms) == (5, "#nb-list li", 2000, 10_000)
    assert (scroll.target, scroll.times) == ("bottom", 3)
    assert (load.kind, load.target) == ("wait_for_load", "networkidle")
    assert (pause.kind, pause.timeout_ms) == ("wait_ms", 500)
    assert "render_actions" not in portal.extra
    # match: a regex searched in the path and query, never the host
    assert repeat.applies("https://www.xs.gov.cn/zwgk/gknb/index.html")
    assert not repeat.applies("https://gknb.xs.gov.cn/zwgk/index.html")
    assert click.applies("https://www.xs.gov.cn/xxgk/a.html") and not click.applies("https://www.xs.gov.cn/a/xxgk/")
    assert wait_for.applies("https://www.xs.gov.cn/anything?x=1")
    assert _load_one(tmp_path).render_actions == ()
    assert _load_one(tmp_path, render_actions=[]).render_actions == ()


@pytest.mark.parametrize(
    ("actions", "message"),
    [
        ({"wait_for": "#x"}, r"'xs': render_actions must be a list of actions, got dict"),
        ([{"wait_for": "#x"}] * 13, r"'xs': render_actions has 13 actions \(at most 12\)"),
        (["#x"], r"'xs': render_actions\[0\] must be an object, got str"),
        ([{"evaluate": "document.title"}], r"render_actions\[0\] must name exactly one action .* got none of them"),
        ([{"wait_for": "#x"}, {"click": "a", "wait_for": "b"}], r"render_actions\[1\] must name exactly one action"),
        ([{"click": "a", "times": 3}], r"render_actions\[0\]: unknown field\(s\) times for action 'click'"),
        ([{"click_repeat": "a", "colect": "li"}], r"unknown field\(s\) colect for action 'click_repeat'"),
        ([{"wait_for": 12}], r"render_actions\[0\]\.wait_for must be a non-empty selector string, got 12"),
        ([{"click": " "}], r"render_actions\[0\]\.click must be a non-empty selector string"),
        ([{"click": "a\nb"}], r"render_actions\[0\]\.click must be one line"),
        ([{"click": "a" * 301}], r"render_actions\[0\]\.click must be one line of at most 300"),
        ([{"click_repeat": "a", "collect": ["li"]}], r"render_actions\[0\]\.collect must be a non-empty selector"),
        ([{"click_repeat": "a", "times": 0}], r"render_actions\[0\]\.times must be an integer from 1 to 50, got 0"),
        ([{"click_repeat": "a", "times": 51}], r"\.times must be an integer from 1 to 50, got 51"),
        ([{"click_repeat": "a", "times": True}], r"\.times must be an integer from 1 to 50, got True"),
        ([{"scroll": "bottom", "times": "3"}], r"\.times must be an integer from 1 to 50"),
        ([{"wait_for": "#x", "timeout_ms": 99}], r"\.timeout_ms must be an integer from 100 to 60000, got 99"),
        ([{"wait_for": "#x", "timeout_ms": 60_001}], r"\.timeout_ms must be an integer from 100 to 60000"),
        ([{"wait_ms": 0}], r"render_actions\[0\]\.wait_ms must be an integer from 1 to 10000, got 0"),
        ([{"wait_ms": 20_000}], r"\.wait_ms must be an integer from 1 to 10000"),
        ([{"wait_ms": 100, "timeout_ms": 100}], r"unknown field\(s\) timeout_ms for action 'wait_ms'"),
        ([{"scroll": "top"}], r"render_actions\[0\]\.scroll must be \"bottom\", got 'top'"),
        ([{"wait_for_load": "idle"}], r"\.wait_for_load must be one of load, domcontentloaded, networkidle"),
        ([{"click": "a", "match": "("}], r"render_actions\[0\]\.match '\(' is not a valid regular expression"),
        ([{"click": "a", "match": ""}], r"\.match must be a regular expression of 1 to 200 characters"),
        ([{"click": "a", "match": ["/x/"]}], r"\.match must be a regular expression"),
        # every wait running out: 6 x 50 x 1 s = 300 s is allowed, one more second is not
        (
            [{"click_repeat": "a", "times": 50, "timeout_ms": 1000}] * 6 + [{"wait_ms": 1000}],
            r"'xs': render_actions may take 301 s on one page .* \(at most 300 s\): lower times or timeout_ms",
        ),
    ],
)
def test_bad_render_actions_name_the_entry_and_the_field(tmp_path: Path, actions: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _load_one(tmp_path, render=True, render_actions=actions)


def test_render_actions_at_the_time_limit_are_accepted(tmp_path: Path) -> None:
    portal = _load_one(
        tmp_path, render=True, render_actions=[{"click_repeat": "a", "times": 50, "timeout_ms": 1000}] * 6
    )
    assert sum(a.worst_ms for a in portal.render_actions) == 300_000


def test_source_and_confirmed_are_validated(tmp_path: Path) -> None:
    portal = _load_one(tmp_path, source="https://www.xs.gov.cn/nb/1.html", confirmed="2026-12-06", note="浙江杭州")
    assert (portal.source, portal.confirmed, portal.note) == (
        "https://www.xs.gov.cn/nb/1.html",
        "2026-12-06",
        "浙江杭州",
    )
    assert _load_one(tmp_path, source=None, confirmed=None).source is None
    for fields, message in (
        ({"source": "www.xs.gov.cn/nb"}, "source .* not an absolute http"),
        ({"source": "https://a.gov.cn/", "confirmed": "2026-13-01"}, "not a date YYYY-MM-DD"),
        ({"source": "https://a.gov.cn/", "confirmed": "6 Dec 2026"}, "not a date YYYY-MM-DD"),
        ({"confirmed": "2026-12-06"}, "without a source"),
    ):
        with pytest.raises(ValueError, match=message):
            _load_one(tmp_path, **fields)


def test_bundled_entries_say_where_their_urls_come_from() -> None:
    portals = load_registry()
    # every entry names a source; a confirmed date never stands without one; names carry no notes
    assert all(p.source for p in portals)
    assert sum(1 for p in portals if p.confirmed) >= len(portals) * 0.9
