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
