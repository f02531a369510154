"""The bundled registry of real portals and the registry loader (CONTRACTS.md C4)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from gxcrawl.discovery.registry import load_registry, portal_for_url, select_portals

DOCS = Path(__file__).resolve().parent.parent.parent / "shared" / "docs"


def test_bundled_registry_has_every_province_and_state_council_departments() -> None:
    portals = load_registry()
    provinces = [p for p in portals if p.level == "province" and p.region_code and p.region_code.endswith("0000")]
    assert len({p.region_code for p in provinces}) == 31
    central = {urlsplit(p.entry_urls[0]).hostname for p in portals if p.level == "central"}
    assert {"www.mof.gov.cn", "www.mee.gov.cn", "www.ndrc.gov.cn", "www.gov.cn"} <= central
    assert all(p.entry_urls and p.allowed_hosts for p in portals)


@pytest.mark.skipif(not DOCS.is_dir(), reason="shared research notes not present")
def test_every_portal_of_the_research_notes_is_covered() -> None:
    portals = load_registry()
    urls = [row["url"] for row in csv.DictReader((DOCS / "portal-urls.tsv").open(encoding="utf-8"), delimiter="\t")]
    urls += [line.split("\t")[0] for line in (DOCS / "report-urls.txt").open(encoding="utf-8")
             if line.strip() and not line.startswith("#")]
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
    path.write_text(json.dumps({"portals": [
        {"id": "a", "entry_urls": ["http://127.0.0.2:8001/"], "allowed_hosts": ["127.0.0.2:8001", "127.0.0.2"]},
        {"id": "b", "entry_urls": ["https://www.xx.gov.cn/"], "allowed_hosts": ["www.xx.gov.cn", "xx.gov.cn"]}]}))
    a, b = load_registry(path)
    assert a.allows("http://127.0.0.2:8001/x") and not a.allows("http://127.0.0.2:9999/x")
    assert b.allows("http://xxgk.xx.gov.cn/a") and not b.allows("http://xx.gov.cn.evil.com/")


def _load_one(tmp_path: Path, **fields: object):  # noqa: ANN202 - a Portal
    path = tmp_path / "r.json"
    entry = {"id": "xs", "entry_urls": ["https://www.xs.gov.cn/"], "allowed_hosts": ["www.xs.gov.cn", "xs.gov.cn"],
             **fields}
    path.write_text(json.dumps({"portals": [entry]}, ensure_ascii=False), encoding="utf-8")
    (portal,) = load_registry(path)
    return portal


def test_search_hints_are_validated_into_search_hints(tmp_path: Path) -> None:
    portal = _load_one(tmp_path, search={"api": "igs", "code": "17d1d69fedf", "data_type_id": 259, "page_size": 30,
                                         "words": ["政府信息公开工作年度报告"]})
    (hint,) = portal.search
    assert hint.api == "igs" and hint.url == "https://www.xs.gov.cn/irs/front/search"  # default path on the entry host
    assert hint.param("code") == "17d1d69fedf" and hint.param("data_type_id") == "259"
    assert hint.words == ("政府信息公开工作年度报告",) and hint.page_size == 30 and hint.max_pages is None
    assert "search" not in portal.extra
    two = _load_one(tmp_path, search=[{"api": "trs_open", "site_id": "13",
                                       "url": "https://zjt.xs.gov.cn/trs-search/trssearch/openSearch/getZwgkList"},
                                      {"api": "search5", "site_code": "4690050001", "max_pages": 20}])
    assert [h.api for h in two.search] == ["trs_open", "search5"]
    assert two.search[0].url.startswith("https://zjt.xs.gov.cn/") and two.search[1].max_pages == 20
    assert _load_one(tmp_path).search == ()


@pytest.mark.parametrize(("search", "message"), [
    ("igs", r"'xs': search must be an object"),
    ({"api": "solr"}, r"'xs': search\.api must be one of"),
    ({"api": "igs", "code": "17d1d69fedf"}, r"'xs': search: missing required field 'data_type_id'"),
    ({"api": "trs_open", "siteId": "13"}, r"'xs': search: unknown field\(s\) siteId"),
    ({"api": "trs_open", "site_id": ""}, r"'xs': search\.site_id must be a non-empty"),
    ({"api": "trs_open", "site_id": True}, r"'xs': search\.site_id must be a non-empty"),
    ({"api": "govcn", "library": "zhengcelibrary_gw", "url": "https://sousuo.evil.cn/search-gov/data"},
     r"search\.url .* not on the portal's allowed_hosts"),
    ({"api": "search5", "site_code": "1", "url": "/search5/search/s"}, r"search\.url .* not an absolute http"),
    ({"api": "search5", "site_code": "1", "words": "年报"}, r"search\.words must be a list"),
    ({"api": "search5", "site_code": "1", "words": ["年报", " "]}, r"search\.words must be a list"),
    ({"api": "search5", "site_code": "1", "page_size": 0}, r"search\.page_size must be an integer from 1 to 100"),
    ({"api": "search5", "site_code": "1", "page_size": "20"}, r"search\.page_size must be an integer"),
    ({"api": "search5", "site_code": "1", "max_pages": 10**6}, r"search\.max_pages must be an integer from 1 to 2000"),
    ([{"api": "search5", "site_code": "1"}, {"api": "igs"}], r"'xs': search\[1\]: missing required field 'code'"),
])
def test_bad_search_hints_name_the_entry_and_the_field(tmp_path: Path, search: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _load_one(tmp_path, search=search)


def test_bundled_search_hints_are_the_documented_ones() -> None:
    by_id = {p.id: p for p in load_registry()}
    (gov,) = by_id["gov"].search
    assert (gov.api, gov.url, gov.param("library")) == ("govcn", "https://sousuo.www.gov.cn/search-gov/data",
                                                        "zhengcelibrary_gw")
    (shanxi,) = by_id["shanxi"].search
    assert (shanxi.api, shanxi.param("site_id")) == ("trs_open", "13")
    assert shanxi.url == "https://zjt.shanxi.gov.cn/trs-search/trssearch/openSearch/getZwgkList"
