"""The demo portal answers like the real portals it imitates (over real HTTP on loopback).

Plain urllib only: these tests must not use gxcrawl's crawler, so they check the portal against the
description in docs/portals.md, not against our own discovery code.
"""

from __future__ import annotations

import http.cookiejar
import io
import json
import math
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from gxcrawl.demo import DemoPortal
from gxcrawl.demo.families.generic import JSONLY_PAGE_SIZE
from gxcrawl.demo.world import FAMILIES

ALLOWED_CMS = {
    "trs",
    "trs1",
    "hanweb",
    "vsb",
    "gkmlpt",
    "jpaas",
    "shanghai",
    "shtml",
    "anhui",
    "client_slice",
    "ucap",
    "epoint",
    None,
}


@dataclass
class Got:
    status: int
    headers: dict[str, str]
    body: bytes

    def text(self, encoding: str = "utf-8") -> str:
        return self.body.decode(encoding)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def fetch(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    data: bytes | None = None,
    jar: http.cookiejar.CookieJar | None = None,
    follow: bool = False,
) -> Got:
    handlers: list[urllib.request.BaseHandler] = []
    if jar is not None:
        handlers.append(urllib.request.HTTPCookieProcessor(jar))
    if not follow:
        handlers.append(_NoRedirect())
    opener = urllib.request.build_opener(*handlers)
    req = urllib.request.Request(url, headers=headers or {}, data=data)
    try:
        with opener.open(req, timeout=20) as resp:
            return Got(resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read())
    except urllib.error.HTTPError as exc:
        return Got(exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read())


def hrefs(html: str, base: str) -> list[str]:
    return [urljoin(base, h) for h in re.findall(r'<a\s[^>]*?href="([^"]+)"', html)]


class ContainerText(HTMLParser):
    """Text inside the first element whose class/id matches `marker` (the report body container)."""

    def __init__(self, marker: str) -> None:
        super().__init__(convert_charrefs=True)
        self.marker = marker
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            if tag == "div":
                self.depth += 1
            return
        a = dict(attrs)
        if tag == "div" and (self.marker in (a.get("class") or "").split() or a.get("id") == self.marker):
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag == "div":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)

    @classmethod
    def of(cls, html: str, marker: str) -> str:
        p = cls(marker)
        p.feed(html)
        return "".join("".join(p.parts).split())


@pytest.fixture(scope="module")
def portal():
    with DemoPortal(seed=7, slow_delay=0.3, crawl_delay=1.0) as p:
        yield p


def reports_of(portal: DemoPortal, site_id: str) -> list[dict]:
    return [r for r in portal.manifest["reports"] if r["portal"] == site_id]


# --- start-up, registry, manifest ------------------------------------------------------------------------------


def test_every_site_serves_its_entry_page_on_its_own_address(portal: DemoPortal) -> None:
    hosts = set()
    for url in portal.entry_urls:
        got = fetch(url)
        assert got.status == 200 or got.status == 503  # the 503 host answers 503 to its first requests
        hosts.add(urlsplit(url).hostname)
    assert len(hosts) == len(portal.entry_urls) == len(FAMILIES) == 12  # one site per family
    assert all(h.startswith("127.0.0.") for h in hosts)


def test_registry_is_in_the_c4_format(portal: DemoPortal) -> None:
    reg = json.loads(portal.registry_path.read_text(encoding="utf-8"))
    assert set(reg) == {"portals"}
    by_id = {p["id"]: p for p in reg["portals"]}
    assert len(by_id) == len(FAMILIES)
    for p in reg["portals"]:
        assert {"id", "name", "level", "region_code", "entry_urls", "allowed_hosts", "cms", "render"} <= set(p)
        assert p["cms"] in ALLOWED_CMS
        host = urlsplit(p["entry_urls"][0])
        assert f"{host.hostname}:{host.port}" in p["allowed_hosts"]
        assert host.hostname in p["allowed_hosts"]
    assert by_id["demo-jsonly"]["render"] is True
    # what the browser must do before the JS-only list shows every report; no other site needs actions
    assert [next(iter(a)) for a in by_id["demo-jsonly"]["render_actions"]] == ["wait_for", "click_repeat"]
    assert [p["id"] for p in reg["portals"] if "render_actions" in p] == ["demo-jsonly"]
    assert sum(p["render"] for p in reg["portals"]) == 1
    # column hints only where a real registry would know them
    assert by_id["demo-trs"]["report_columns"][0].endswith("/zwgk/zfxxgk/zfxxgknb/index.html")
    assert "report_columns" not in by_id["demo-vsb"]


def test_manifest_has_the_c5_shape_and_every_form(portal: DemoPortal) -> None:
    m = json.loads(portal.manifest_path.read_text(encoding="utf-8"))
    assert m["seed"] == 7
    keys = {
        "url",
        "portal",
        "agency",
        "report_year",
        "format",
        "title",
        "published",
        "form",
        "attachments",
        "truth",
        "duplicate_of",
        "changed_after_publication",
        "needs_browser",
        "encoding",
    }
    for r in m["reports"]:
        assert keys <= set(r)
        if r["truth"] is not None:
            assert r["truth"]["title"] == r["document_title"]
            assert r["truth"]["report_year"] == r["report_year"]
            assert r["truth"]["format"]["overall"] == r["format"]
    assert {r["form"] for r in m["reports"]} == {"html", "html+pdf", "html+docx", "attachment_only"}
    assert {r["format"] for r in m["reports"]} == {"2019", "2021", "pre2019"}
    assert {r["encoding"] for r in m["reports"]} == {"utf-8", "gbk"}
    # one report is corrected after publication (its copies, if any, change with it)
    assert sum(r["changed_after_publication"] for r in m["reports"] if r["duplicate_of"] is None) == 1
    dups = [r for r in m["reports"] if r["duplicate_of"] is not None]
    assert {r["group"] for r in dups} == {"republished", "module"}
    assert {r["group"] for r in m["reports"]} >= {
        "year",
        "department",
        "township",
        "flat",
        "misfiled",
        "republished",
        "module",
    }
    assert {r["source"] for r in m["reports"]} >= {f"seed:{k}" for k in ("000", "001", "002", "003", "004")}
    assert {d["kind"] for d in m["distractors"]} >= {
        "format_notice",
        "compile_notice",
        "website_report",
        "rule_of_law_report",
        "final_accounts",
        "work_report",
    }
    assert {b["reason"] for b in m["blocked"]} == {"challenge-412", "challenge-521", "empty-shell", "soft-404"}
    assert len(m["robots_disallowed"]) == 2  # the page and its /gate/big5/ copy
    urls = [r["url"] for r in m["reports"]] + [d["url"] for d in m["distractors"]] + [b["url"] for b in m["blocked"]]
    assert len(urls) == len(set(urls))


def test_every_report_answers_200_with_its_title(portal: DemoPortal) -> None:
    for r in portal.manifest["reports"]:
        if r["portal"] == "demo-client_slice":
            continue  # the 503 host is checked on its own portal below
        got = fetch(r["url"], jar=http.cookiejar.CookieJar(), follow=True)
        assert got.status == 200, r["url"]
        if r["url"] in r["attachments"]:  # a list row links the document itself
            assert got.body.startswith(b"%PDF"), r["url"]
            continue
        assert r["title"] in got.text(r["encoding"]), r["url"]


def test_every_distractor_answers_with_its_title(portal: DemoPortal) -> None:
    for d in portal.manifest["distractors"]:
        got = fetch(d["url"])
        assert got.status == 200, d["url"]
        if got.body.startswith(b"%PDF"):  # a file-name row (附件2.pdf) linking a notice's PDF
            assert d["url"].endswith(".pdf")
            continue
        enc = "gbk" if d["portal"] == "demo-trs1" else "utf-8"
        assert d["title"] in got.text(enc)


def test_duplicate_body_text_equals_the_original(portal: DemoPortal) -> None:
    dup = next(r for r in portal.manifest["reports"] if r["group"] == "republished")
    orig = next(r for r in portal.manifest["reports"] if r["url"] == dup["duplicate_of"])
    assert urlsplit(dup["url"]).hostname != urlsplit(orig["url"]).hostname
    dup_text = ContainerText.of(fetch(dup["url"]).text(), "trs_editor_view")
    orig_text = ContainerText.of(fetch(orig["url"]).text("gbk"), "TRS_Editor")
    assert len(orig_text) > 1000
    assert dup_text == orig_text
    assert dup["truth"] == orig["truth"]


# --- TRS ------------------------------------------------------------------------------------------------------------


def trs_pages(first_url: str, *, one_based: bool, encoding: str = "utf-8") -> list[str]:
    first = fetch(first_url)
    assert first.status == 200
    html = first.text(encoding)
    if one_based:
        m = re.search(r"createPageHTML\('paging', (\d+), (\d+), 'index', 'html'", html)
        assert m and m.group(2) == "1"
        n = int(m.group(1))
        names = ["index.html"] + [f"index_{k}.html" for k in range(2, n + 1)]
    else:
        m = re.search(r'createPageHTML\((\d+), (\d+), "index", "html"\)', html) or re.search(
            r"var countPage = (\d+); var currentPage = (\d+)", html
        )
        assert m and m.group(2) == "0"
        n = int(m.group(1))
        names = ["index.html"] + [f"index_{k}.html" for k in range(1, n)]
    return [urljoin(first_url, name) for name in names]


def test_trs_zero_based_pages_link_the_column_reports(portal: DemoPortal) -> None:
    first = portal.url("demo-trs", "/zwgk/zfxxgk/zfxxgknb/index.html")
    pages = trs_pages(first, one_based=False)
    assert len(pages) >= 2
    linked: set[str] = set()
    for url in pages:
        got = fetch(url)
        assert got.status == 200
        assert re.search(r'href="\./\d{4}n/\d{6}/t\d{8}_\d+\.html"', got.text())
        linked |= set(hrefs(got.text(), url))
    n = len(pages)
    assert fetch(urljoin(first, f"index_{n}.html")).status == 404
    expected = {r["url"] for r in reports_of(portal, "demo-trs") if first in r["list_urls"]}
    assert expected and expected <= linked
    # the robots-forbidden page and the 412 page are linked from the column too
    assert portal.manifest["robots_disallowed"][0] in linked
    assert {b["url"] for b in portal.manifest["blocked"] if b["portal"] == "demo-trs"} <= linked


def test_trs_year_and_agency_subcolumns(portal: DemoPortal) -> None:
    trs = reports_of(portal, "demo-trs")
    for r in trs:
        for list_url in r["list_urls"]:
            pages = trs_pages(list_url, one_based=False)
            linked = set().union(*(hrefs(fetch(u).text(), u) for u in pages))
            assert r["url"] in linked, (r["url"], list_url)
    groups = {r["group"] for r in trs}
    assert {"year", "department", "township", "misfiled", "republished"} <= groups
    assert any("/2022n/" in r["url"] for r in trs if r["group"] == "year")
    assert any("/bmxxgk/auto" in r["url"] for r in trs)
    misfiled = next(r for r in trs if r["group"] == "misfiled")
    assert misfiled["list_urls"][0].endswith("/zwgk/tzgg/index.html")


def test_trs_body_containers_and_p0_attachments_with_oldsrc(portal: DemoPortal) -> None:
    trs = reports_of(portal, "demo-trs")
    bodies = [fetch(r["url"]).text() for r in trs]
    assert any('class="TRS_Editor"' in b for b in bodies)
    assert any('class="trs_editor_view TRS_UEDITOR' in b for b in bodies)
    with_pdf = next(r for r in trs if r["form"] == "html+pdf")
    html = fetch(with_pdf["url"]).text()
    m = re.search(r'<a appendix="true" href="(\./P0\d+\.pdf)" OLDSRC="(/protect/P0\d{6}/P0\d{8}/P0\d+\.pdf)"', html)
    assert m, "TRS attachment markup"
    assert urljoin(with_pdf["url"], m.group(1)) == with_pdf["attachments"][0]


def test_big5_gateway_reserves_pages_in_traditional_characters(portal: DemoPortal) -> None:
    aliases = portal.manifest["aliases"]
    reports = {r["url"]: r for r in portal.manifest["reports"]}
    others = {d["url"] for d in portal.manifest["distractors"]} | {b["url"] for b in portal.manifest["blocked"]}
    assert aliases and all(a["canonical"] in reports or a["canonical"] in others for a in aliases)
    blocked = next(a for a in aliases if a["canonical"] in {b["url"] for b in portal.manifest["blocked"]})
    assert fetch(blocked["url"]).status == fetch(blocked["canonical"]).status == 412
    aliases = [a for a in aliases if a["canonical"] in reports]
    alias = next(a for a in aliases if reports[a["canonical"]]["group"] == "year")
    original, gated = fetch(alias["canonical"]).text(), fetch(alias["url"]).text()
    assert "政府信息公開工作年度報告" in gated and "政府信息公开工作年度报告" in original
    gate = urlsplit(alias["url"]).path.split("/zwgk/")[0]
    assert gate.startswith("/gate/big5/")
    site_links = [h for h in re.findall(r'href="(/[^"]*)"', gated)]
    assert site_links and all(h.startswith(gate + "/") for h in site_links)  # links stay in the gateway, once
    assert all(h.count("/gate/big5/") == 1 for h in site_links)
    home = portal.url("demo-trs", "/")
    assert f'href="{gate}/"' in fetch(home).text()  # the 繁體 switch leads there


def test_trs_one_based_gbk_site(portal: DemoPortal) -> None:
    first = portal.url("demo-trs1", "/zfxxgk/zfxxgknb/bmnb/index.html")
    got = fetch(first)
    assert got.headers["content-type"] == "text/html; charset=gbk"
    html = got.text("gbk")
    assert '<meta charset="gbk">' in html
    with pytest.raises(UnicodeDecodeError):
        got.body.decode("utf-8")
    pages = trs_pages(first, one_based=True, encoding="gbk")
    assert len(pages) >= 2 and pages[1].endswith("index_2.html")
    assert fetch(urljoin(first, "index_1.html")).status == 404
    linked = set().union(*(hrefs(fetch(u).text("gbk"), u) for u in pages))
    flat = {r["url"] for r in reports_of(portal, "demo-trs1") if r["group"] == "flat"}
    assert flat and flat <= linked


# --- Hanweb ---------------------------------------------------------------------------------------------------------


def hanweb_column(portal: DemoPortal) -> tuple[str, str, dict]:
    col_url = next(r["list_urls"][0] for r in reports_of(portal, "demo-hanweb") if r["group"] == "department")
    html = fetch(col_url).text()
    cfg = re.search(
        r"jpage\(\{ dataStore: '(\d+)', totalRecord: (\d+), perPage: (\d+), groupSize: (\d+).*?"
        r"webid: (\d+), path: '/', columnid: (\d+)",
        html,
    )
    assert cfg
    unit, total, per, group, webid, col = (cfg.group(i) for i in range(1, 7))
    return (
        col_url,
        html,
        {
            "unitid": unit,
            "total": int(total),
            "perpage": int(per),
            "group": int(group),
            "webid": webid,
            "columnid": col,
        },
    )


def records(xml: str) -> list[str]:
    return re.findall(r'<record><!\[CDATA\[<li class="clearfix"><a href="([^"]+)"', xml)


def test_hanweb_records_only_inside_the_xml_datastore(portal: DemoPortal) -> None:
    col_url, html, cfg = hanweb_column(portal)
    outside = re.sub(r'<script type="text/xml">.*?</script>', "", html, flags=re.S)
    assert "/art/" not in outside
    first = records(html)
    assert len(first) == cfg["perpage"] * cfg["group"] < cfg["total"]
    assert all(re.fullmatch(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html", p) for p in first)


def test_hanweb_dataproxy_post_and_get_windows(portal: DemoPortal) -> None:
    col_url, html, cfg = hanweb_column(portal)
    proxy = portal.url("demo-hanweb", "/module/web/jpage/dataproxy.jsp")
    form = (
        f"col=1&appid=1&webid={cfg['webid']}&path=/&columnid={cfg['columnid']}&sourceContentType=1"
        f"&unitid={cfg['unitid']}&webname=x&permissiontype=0"
    ).encode()
    step = cfg["perpage"] * cfg["group"]
    seen: list[str] = []
    for start in range(1, cfg["total"] + 1, step):
        got = fetch(
            f"{proxy}?startrecord={start}&endrecord={start + step - 1}&perpage={cfg['perpage']}",
            data=form,
            headers={"X-Requested-With": "XMLHttpRequest", "Referer": col_url},
        )
        assert got.status == 200 and got.headers["content-type"].startswith("text/xml")
        xml = got.text()
        assert f"<totalrecord>{cfg['total']}</totalrecord>" in xml
        assert f"<totalpage>{math.ceil(cfg['total'] / cfg['perpage'])}</totalpage>" in xml
        window = records(xml)
        assert len(window) == min(step, cfg["total"] - start + 1)
        seen += window
    assert seen[:step] == records(html)
    assert len(seen) == len(set(seen)) == cfg["total"]
    base = portal.url("demo-hanweb", "")
    listed = {r["url"] for r in reports_of(portal, "demo-hanweb") if r["list_urls"] == [col_url]}
    assert listed <= {base + p for p in seen}
    # GET ?page=N returns UI page N; wrong ids return an empty datastore
    got = fetch(
        f"{proxy}?page=2&appid=1&webid={cfg['webid']}&path=/&columnid={cfg['columnid']}"
        f"&unitid={cfg['unitid']}&permissiontype=0"
    )
    assert records(got.text()) == seen[cfg["perpage"] : 2 * cfg["perpage"]]
    got = fetch(f"{proxy}?startrecord=1&endrecord=12&perpage=4", data=form.replace(b"unitid=", b"unitid=9"))
    assert records(got.text()) == []


def test_hanweb_article_has_zjeg_markers_and_meta(portal: DemoPortal) -> None:
    r = next(r for r in reports_of(portal, "demo-hanweb") if r["form"] == "html")
    html = fetch(r["url"]).text()
    assert '<!--ZJEG_RSS.content.begin--><meta name="ContentStart">' in html
    assert '<meta name="ContentEnd"><!--ZJEG_RSS.content.end-->' in html
    assert 'name="i_columnid"' in html and 'name="ArticleTitle"' in html
    pre = next(r for r in reports_of(portal, "demo-hanweb") if r["format"] == "pre2019")
    assert pre["report_year"] < 2019


def test_hanweb_annual_report_module_reserves_the_art_pages(portal: DemoPortal) -> None:
    module = [r for r in reports_of(portal, "demo-hanweb") if r["group"] == "module"]
    assert module
    list_url = module[0]["list_urls"][0]
    assert "/module/xxgk/xxgkAnnualReport.jsp?area=" in list_url
    years_page = fetch(list_url).text()
    linked = {u.replace("&amp;", "&") for u in hrefs(years_page, list_url)}
    for r in module:
        assert re.search(r"xxgkAnnualReport\.jsp\?area=\d+&fbtime=\d{4}$", r["url"])
        assert r["url"] in linked
        orig = next(o for o in portal.manifest["reports"] if o["url"] == r["duplicate_of"])
        assert "/art/" in orig["url"] and orig["report_year"] == r["report_year"]
        assert ContainerText.of(fetch(r["url"]).text(), "zoom") == ContainerText.of(fetch(orig["url"]).text(), "zoom")


# --- VSB --------------------------------------------------------------------------------------------------------------


def test_vsb_reverse_numbered_pages(portal: DemoPortal) -> None:
    first = portal.url("demo-vsb", "/ndbg.htm")
    html = fetch(first).text()
    total = int(re.search(r'<span class="p_t">1/(\d+)</span>', html).group(1))
    assert total >= 3
    assert f'<a href="ndbg/{total - 1}.htm">下页</a>' in html
    assert '<a href="ndbg/1.htm">尾页</a>' in html
    linked = set(hrefs(html, first))
    for ui in range(2, total + 1):
        url = portal.url("demo-vsb", f"/ndbg/{total - ui + 1}.htm")
        page = fetch(url).text()
        assert f'<span class="p_t">{ui}/{total}</span>' in page
        assert 'href="../info/1025/' in page
        linked |= set(hrefs(page, url))
    # 1.htm is the oldest page, not the second one
    assert f'<span class="p_t">{total}/{total}</span>' in fetch(portal.url("demo-vsb", "/ndbg/1.htm")).text()
    assert {r["url"] for r in reports_of(portal, "demo-vsb")} <= linked


def test_vsb_download_needs_a_referer_from_the_site(portal: DemoPortal) -> None:
    r = next(r for r in reports_of(portal, "demo-vsb") if r["form"] == "attachment_only")
    html = fetch(r["url"], jar=http.cookiejar.CookieJar(), follow=True).text()
    assert "详见附件" in html and '<div class="v_news_content">' in html
    att = r["attachments"][0]
    assert "download.jsp?" in att and not re.search(r"\.(pdf|docx?)$", att)
    assert fetch(att).status == 403
    assert fetch(att, headers={"Referer": "http://elsewhere.example/"}).status == 403
    got = fetch(att, headers={"Referer": r["url"]})
    assert got.status == 200 and got.body.startswith(b"%PDF-")
    assert "filename*=UTF-8''" in got.headers["content-disposition"]


def test_cookie_gate_redirects_to_itself_then_serves(portal: DemoPortal) -> None:
    r = next(r for r in portal.manifest["reports"] if r["cookie_gate"])
    bare = fetch(r["url"])
    assert bare.status == 302 and bare.headers["location"] == r["url"]
    assert bare.headers["set-cookie"].startswith("CT6T=")
    jar = http.cookiejar.CookieJar()
    got = fetch(r["url"], jar=jar, follow=True)
    assert got.status == 200 and r["title"] in got.text()
    assert any(c.name == "CT6T" for c in jar)


# --- gkmlpt, JS-only, client-side slice -----------------------------------------------------------------------------


def test_gkmlpt_json_api_pages_by_100(portal: DemoPortal) -> None:
    index = fetch(portal.url("demo-gkmlpt", "/gkmlpt/index")).text()
    cfg = json.loads(re.search(r"window\._CONFIG = (\{.*?\});</script>", index).group(1))
    assert cfg["SID"] and any(node["name"] == "政府信息公开年报" for node in cfg["TREE"])
    assert "/zwgk/xxgknb/content/post_" not in index  # the shell carries no report links
    api = portal.url("demo-gkmlpt", "/gkmlpt/api/all/0")
    p1 = json.loads(fetch(f"{api}?page=1&sid={cfg['SID']}").body)
    count = p1["classify"]["post_count"]
    assert count > 100 and len(p1["articles"]) == 100
    pages = math.ceil(count / 100)
    every = list(p1["articles"])
    for page in range(2, pages + 1):
        every += json.loads(fetch(f"{api}?page={page}&sid={cfg['SID']}").body)["articles"]
    assert len(every) == count == len({a["id"] for a in every})
    assert json.loads(fetch(f"{api}?page=0").body)["articles"] == p1["articles"]
    assert json.loads(fetch(f"{api}?page={pages + 1}").body)["articles"] == []
    nb_id = next(node["id"] for node in cfg["TREE"] if node["name"] == "政府信息公开年报")
    nb = json.loads(fetch(portal.url("demo-gkmlpt", f"/gkmlpt/api/all/{nb_id}?page=1")).body)
    urls = {a["url"] for a in nb["articles"]}
    assert {r["url"] for r in reports_of(portal, "demo-gkmlpt")} <= urls
    assert re.search(r"/content/post_\d+\.html$", next(iter(urls)))


def test_jpaas_unit_json_lists_what_the_column_html_does_not(portal: DemoPortal) -> None:
    reports = reports_of(portal, "demo-jpaas")
    col_url = reports[0]["list_urls"][0]
    html = fetch(col_url).text()
    assert "/art/" not in html
    m = re.search(r'src="/AuthorizedRead/unitbuild\.js" url="([^"]+)" queryData=\'([^\']+)\'', html)
    assert m
    from html import unescape

    query = json.loads(unescape(m.group(2)))
    assert query["tagId"] == "信息列表" and query["pageType"] == "column"
    from urllib.parse import urlencode

    seen: list[str] = []
    for page in range(1, 20):
        params = {
            "parseType": "bulidstatic",
            "webId": query["webId"],
            "tplSetId": query["tplSetId"],
            "pageType": "column",
            "tagId": "信息列表",
            "editType": "null",
            "pageId": query["pageId"],
            "paramJson": json.dumps({"pageNo": page, "pageSize": 4}),
        }
        data = json.loads(fetch(portal.url("demo-jpaas", m.group(1)) + "?" + urlencode(params)).body)
        assert data["success"] is True
        if not data["data"]["html"]:
            break
        seen += hrefs(data["data"]["html"], col_url)
    assert page == math.ceil(len(reports) / 4) + 1
    assert sorted(seen) == sorted(r["url"] for r in reports)
    assert all(re.search(r"/col/col\d+/art/\d{4}/art_[0-9a-f]{32}\.html$", u) for u in seen)


def test_js_only_list_has_no_report_links_in_its_html(portal: DemoPortal) -> None:
    reports = reports_of(portal, "demo-jsonly")
    assert reports and all(r["needs_browser"] for r in reports)
    list_url = reports[0]["list_urls"][0]
    html = fetch(list_url).text()
    for r in reports:
        path = urlsplit(r["url"]).path
        assert path not in html and path.rsplit("/", 1)[1] not in html
        assert r["title"] not in html
    assert not re.search(r"t\d{8}_\d+\.html", html)
    assert "createElement('a')" in html


def test_client_side_slice_has_every_item_in_one_page() -> None:
    with DemoPortal(seed=3, slow_delay=0.0) as p:
        site = p.site("demo-client_slice")
        reports = reports_of(p, "demo-client_slice")
        list_url = reports[0]["list_urls"][0]
        # the host answers 503 + Retry-After twice, then serves
        for _ in range(site.fail_first):
            got = fetch(list_url)
            assert got.status == 503 and got.headers["retry-after"] == "1"
        got = fetch(list_url)
        assert got.status == 200
        html = got.text()
        assert f"totalCount: {len(reports)}, perSize: 5" in html
        linked = set(hrefs(html, list_url))
        assert {r["url"] for r in reports} <= linked
        assert len(reports) > 5


# --- access behaviours ----------------------------------------------------------------------------------------------


def test_blocked_pages_answer_as_challenges(portal: DemoPortal) -> None:
    by_reason = {b["reason"]: b for b in portal.manifest["blocked"]}
    got = fetch(by_reason["challenge-412"]["url"])
    assert got.status == 412 and "$_ts=window['$_ts']" in got.text()
    got = fetch(by_reason["challenge-521"]["url"])
    assert got.status == 521 and "('_')+('_')+('j')+('s')+('l')" in got.text()
    assert got.headers["set-cookie"].startswith("__jsluid_h=")
    jar = http.cookiejar.CookieJar()
    fetch(by_reason["challenge-521"]["url"], jar=jar)
    assert fetch(by_reason["challenge-521"]["url"], jar=jar).status == 521  # never worked around
    got = fetch(by_reason["empty-shell"]["url"])
    assert got.status == 200 and 850 <= len(got.body) <= 950 and "Please enable JavaScript" in got.text()
    got = fetch(by_reason["soft-404"]["url"])
    assert got.status == 200 and "页面不存在" in got.text("gbk")


def test_robots_txt_disallows_a_linked_report_page_and_sets_crawl_delay(portal: DemoPortal) -> None:
    robots = fetch(portal.url("demo-trs", "/robots.txt"))
    assert robots.status == 200 and robots.headers["content-type"].startswith("text/plain")
    lines = robots.text().splitlines()
    assert "User-agent: *" in lines and "Crawl-delay: 1" in lines
    disallowed = [ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("Disallow:")]
    for page in portal.manifest["robots_disallowed"]:
        assert any(urlsplit(page).path.startswith(d) for d in disallowed if d)
        assert fetch(page).status == 200  # it exists: only robots.txt keeps a polite crawler out
    # the Hanweb host answers /robots.txt with a soft-404 HTML page (no rules)
    hanweb = fetch(portal.url("demo-hanweb", "/robots.txt"))
    assert hanweb.status == 200 and "页面不存在" in hanweb.text()


def test_slow_host_waits_before_answering(portal: DemoPortal) -> None:
    import time

    site = portal.site("demo-slow")
    t0 = time.monotonic()
    assert fetch(site.url("/")).status == 200
    assert time.monotonic() - t0 >= 0.3  # a lower bound: the configured delay, not a speed target


def test_conditional_get_and_gzip(portal: DemoPortal) -> None:
    r = next(r for r in reports_of(portal, "demo-trs") if r["group"] == "year")
    got = fetch(r["url"])
    tag = got.headers["etag"]
    assert got.headers["last-modified"]
    assert fetch(r["url"], headers={"If-None-Match": tag}).status == 304
    zipped = fetch(r["url"], headers={"Accept-Encoding": "gzip"})
    assert zipped.headers.get("content-encoding") == "gzip"
    import gzip

    assert gzip.decompress(zipped.body) == got.body


def test_chrome_surrounds_every_report_page(portal: DemoPortal) -> None:
    for r in portal.manifest["reports"][:40]:
        if r["portal"] == "demo-client_slice":
            continue
        html = fetch(r["url"], jar=http.cookiejar.CookieJar(), follow=True).text(r["encoding"])
        for noise in (
            "网站标识码",
            "ICP备",
            "公网安备",
            "主办单位",
            "打印",
            "关闭",
            "_jiucuo_",
            "_ideConac",
            "<select",
        ):
            assert noise in html, (noise, r["url"])
        assert re.search(r"(当前位置|您当前的位置|您当前所在位置)", html)


# --- attachments are real files -------------------------------------------------------------------------------------


def test_pdf_attachment_text_is_extractable_chinese(portal: DemoPortal) -> None:
    pypdf = pytest.importorskip("pypdf")
    r = next(
        r
        for r in portal.manifest["reports"]
        if r["form"] == "html+pdf" and r["truth"] and r["portal"] != "demo-client_slice"
    )
    got = fetch(r["attachments"][0], headers={"Referer": r["url"]})
    assert got.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(got.body)).pages)
    assert "".join(r["title"].split()) in "".join(text.split())
    assert "一、总体情况" in text and "六、其他需要报告的事项" in text


def test_docx_attachment_has_paragraphs_and_tables(portal: DemoPortal) -> None:
    docx = pytest.importorskip("docx")
    r = next(
        r
        for r in portal.manifest["reports"]
        if r["form"] == "html+docx" and r["truth"] and r["layout"] == "html" and r["portal"] != "demo-client_slice"
    )
    got = fetch(r["attachments"][0], headers={"Referer": r["url"]})
    doc = docx.Document(io.BytesIO(got.body))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert r["title"] in text and "二、主动公开政府信息情况" in text
    assert len(doc.tables) >= 3
    cells = {c.text.strip() for t in doc.tables for row in t.rows for c in row.cells}
    assert "自然人" in cells


# --- generations, determinism, scale, CLI ---------------------------------------------------------------------------


def test_mutate_changes_one_report_text_at_the_same_url() -> None:
    with DemoPortal(seed=5, slow_delay=0.0) as p:
        changed = next(r for r in p.manifest["reports"] if r["changed_after_publication"] and not r["duplicate_of"])
        other = next(
            r for r in p.manifest["reports"] if not r["changed_after_publication"] and r["portal"] == changed["portal"]
        )
        before, other_before = fetch(changed["url"]), fetch(other["url"])
        p.mutate()
        after, other_after = fetch(changed["url"]), fetch(other["url"])
        assert before.status == after.status == 200
        assert before.body != after.body and before.headers["etag"] != after.headers["etag"]
        assert other_before.body == other_after.body
        m = json.loads(p.manifest_path.read_text(encoding="utf-8"))
        assert m["generation"] == 1
        entry = next(r for r in m["reports"] if r["url"] == changed["url"])
        assert entry["truth"]["sections"]["other"] != changed["truth"]["sections"]["other"]
        assert entry["truth"]["sections"]["other"] in ContainerText.of(after.text(), "zoom") or "".join(
            entry["truth"]["sections"]["other"].split()
        ) in ContainerText.of(after.text(), "zoom")


def _stable(manifest: dict) -> list[tuple]:
    return [
        (r["portal"], urlsplit(r["url"]).path, r["title"], json.dumps(r["truth"], sort_keys=True))
        for r in manifest["reports"]
    ]


def test_same_seed_same_world_other_seed_other_world() -> None:
    with DemoPortal(seed=11, sites=3) as a:
        first = _stable(a.manifest)
    with DemoPortal(seed=11, sites=3) as b:
        again = _stable(b.manifest)
    with DemoPortal(seed=12, sites=3) as c:
        other = _stable(c.manifest)
    assert first == again
    assert first != other


def test_scales_to_many_sites_and_reports() -> None:
    sites = len(FAMILIES) + 1  # one of each family, then trs again
    with DemoPortal(sites=sites, reports_per_site=40, seed=2, slow_delay=0.0) as p:
        assert p.running
        m = p.manifest
        assert len(m["sites"]) == sites
        assert len(m["reports"]) >= sites * 40
        # the sites after one of each family repeat the families from trs on
        extra = [r for r in m["reports"] if r["portal"] == f"demo-trs-{len(FAMILIES)}"]
        assert len(extra) == 40
        for r in extra[::7]:
            assert fetch(r["url"]).status == 200


def test_serve_verb_prints_entry_urls_and_stops_on_ctrl_c(tmp_path) -> None:
    import signal
    import subprocess
    import sys

    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gxcrawl.cli",
            "demo-portal",
            "serve",
            "--sites",
            "2",
            "--seed",
            "4",
            "--out",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Ctrl-C"):
                break
        entry = re.findall(r"(http://127\.0\.0\.\d+:\d+/)", "".join(lines))
        assert len(entry) == 2, lines
        assert fetch(entry[0]).status == 200
        assert json.loads((tmp_path / "registry.json").read_text(encoding="utf-8"))["portals"]
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) in (0, 130)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def test_https_entry_fails_while_http_works() -> None:
    import ssl

    with DemoPortal(sites=5, https_entry=True) as p:
        reg = json.loads(p.registry_path.read_text(encoding="utf-8"))
        entry = next(e for e in reg["portals"] if e["id"] == "demo-gkmlpt")["entry_urls"][0]
        assert entry.startswith("https://")
        ctx = ssl.create_default_context()
        ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
        with pytest.raises((ssl.SSLError, urllib.error.URLError, ConnectionError)):
            urllib.request.urlopen(entry, timeout=10, context=ctx)
        assert fetch("http" + entry[len("https") :]).status == 200


def test_start_time_is_printed_not_asserted(capsys) -> None:
    import time

    t0 = time.perf_counter()
    with DemoPortal(seed=1) as p:
        elapsed = time.perf_counter() - t0
        assert fetch(p.entry_urls[0]).status == 200  # serving as soon as start() returned
    print(f"demo portal start ({len(p.sites)} sites, {len(p.manifest['reports'])} reports): {elapsed:.2f} s")


@pytest.mark.browser
def test_js_only_list_appears_in_a_real_browser(portal: DemoPortal) -> None:
    import shutil
    import subprocess

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium not installed (apt-get install chromium)")
    reports = reports_of(portal, "demo-jsonly")
    list_url = reports[0]["list_urls"][0]
    out = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-default-apps",
            "--dump-dom",
            list_url,
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    )
    linked = set(hrefs(out.stdout, list_url))
    # a plain load draws the first page only (newest first); 下一页 draws the others, so a crawler needs the
    # registry's render_actions to see them (tests/test_crawl_render_actions.py)
    newest = sorted(reports, key=lambda r: (r["published"], r["url"]), reverse=True)
    first, rest = newest[:JSONLY_PAGE_SIZE], newest[JSONLY_PAGE_SIZE:]
    assert first and rest
    assert {r["url"] for r in reports} & linked == {r["url"] for r in first}
    assert all(r["title"] in out.stdout for r in first) and not any(r["title"] in out.stdout for r in rest)
    assert 'id="nb-next"' in out.stdout


def test_access_log_records_every_answer() -> None:
    with DemoPortal(sites=2, seed=9) as p:
        home = p.url("demo-trs1", "/")
        fetch(home)
        fetch(p.url("demo-trs1", "/no/such/page.html?x=1"))
        assert p.requested_paths("demo-trs1") == ["/", "/no/such/page.html?x=1"]
        assert [(a.status, a.method) for a in p.accesses if a.site == "demo-trs1"] == [(200, "GET"), (404, "GET")]
        assert p.requested_paths("demo-trs") == []


def test_attachment_only_ofd_report(portal: DemoPortal) -> None:
    import zipfile

    r = next(r for r in portal.manifest["reports"] if r["attachment_kinds"] == ["ofd"])
    assert r["form"] == "attachment_only" and r["truth"] is None and r["encoding"] == "gbk"
    page = fetch(r["url"]).text("gbk")
    assert "详见附件" in page and r["attachments"][0].rsplit("/", 1)[1] in page
    got = fetch(r["attachments"][0])
    assert got.headers["content-type"] == "application/ofd"
    with zipfile.ZipFile(io.BytesIO(got.body)) as zf:
        assert r["title"] in zf.read("OFD.xml").decode("utf-8")
        content = zf.read("Doc_0/Pages/Page_0/Content.xml").decode("utf-8")
    assert "<ofd:TextCode" in content and "一、总体情况" in content


@pytest.mark.parametrize(
    "kwargs", [{"sites": 0}, {"sites": 251}, {"reports_per_site": -1}, {"defects": 1.5}, {"text_layout_share": -0.1}]
)
def test_bad_arguments_are_refused_with_a_clear_message(kwargs: dict) -> None:
    name = next(iter(kwargs))
    with pytest.raises(ValueError, match=name):
        DemoPortal(**kwargs)
