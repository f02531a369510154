"""The portal registry: which government sites to crawl, and hints about how they are built.

The bundled file `gxcrawl/data/portals.json` lists real portals (all 31 provincial-level
governments, the State Council departments, and every portal of the research notes); the demo
portal writes a registry in the same format (CONTRACTS.md C4). Bad entries raise `ValueError`
naming the entry and the field, so a typo never silently drops a portal.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urljoin, urlsplit

BUNDLED_REGISTRY = Path(__file__).resolve().parent.parent / "data" / "portals.json"

CMS_FAMILIES = frozenset(
    {"trs", "trs1", "hanweb", "vsb", "gkmlpt", "jpaas", "shanghai", "shtml", "anhui", "client_slice", "ucap",
     "epoint"}
)


# site-search APIs a registry entry may name (portals.md §2.9): api -> (fields it needs, default endpoint)
SEARCH_APIS: dict[str, tuple[tuple[str, ...], str]] = {
    "igs": (("code", "data_type_id"), "/irs/front/search"),                  # TRS IGS, JSON POST
    "trs_open": (("site_id",), "/trs-search/trssearch/openSearch/getZwgkList"),  # TRS openSearch, GET
    "search5": (("site_code",), "/search5/search/s"),                        # Kaipuyun, form POST
    "govcn": (("library",), "https://sousuo.www.gov.cn/search-gov/data"),   # gov.cn policy library, GET
}
# optional fields per api (besides url, words, page_size, max_pages)
_SEARCH_OPTIONAL = {"igs": ("search_by", "order_by"), "trs_open": ("position",), "search5": ("column",),
                    "govcn": ("search_field",)}
MAX_SEARCH_PAGE_SIZE = 100
MAX_SEARCH_PAGES = 2000


@dataclass(frozen=True, slots=True)
class SearchHint:
    """A site-search API the portal's pages do not reveal, named in the registry's `search` field."""

    api: str                                  # a key of SEARCH_APIS
    url: str                                  # absolute endpoint
    params: tuple[tuple[str, str], ...] = ()  # the api's fields (code, data_type_id, site_id, …) as strings
    words: tuple[str, ...] = ()               # query words; () -> the strategy's report-title phrases
    page_size: int | None = None
    max_pages: int | None = None

    def param(self, name: str, default: str = "") -> str:
        return dict(self.params).get(name, default)


@dataclass(frozen=True, slots=True)
class Portal:
    id: str
    name: str
    entry_urls: tuple[str, ...]
    allowed_hosts: tuple[str, ...]
    level: str | None = None
    region_code: str | None = None
    cms: str | None = None
    report_columns: tuple[str, ...] = ()
    render: bool = False
    search: tuple[SearchHint, ...] = ()
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def allows(self, url: str) -> bool:
        """True when `url` is on one of the portal's hosts or a subdomain of one.

        Government sites put 信息公开 and department sub-sites on subdomains
        (xxgk.sxgp.gov.cn, wjw.xxx.gov.cn), so `gd.gov.cn` admits `gdcss.gd.gov.cn`.
        """
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if not host:
            return False
        netloc = parts.netloc.lower().rsplit("@", 1)[-1]
        if any(":" in a for a in self.allowed_hosts):
            # host:port entries pin the portal to one server (demo sites share loopback IPs across ports)
            return netloc in (a.lower() for a in self.allowed_hosts if ":" in a)
        for allowed in self.allowed_hosts:
            allowed = allowed.lower()
            if host == allowed:
                return True
            root = allowed.removeprefix("www.")
            # a registrable-looking root (x.gov.cn, example.org) admits its subdomains; a bare IP never does
            if root.count(".") >= 1 and not root.replace(".", "").isdigit() and host.endswith("." + root):
                return True
        return False


def _require(entry: dict, key: str, kind: type, where: str) -> object:
    if key not in entry:
        raise ValueError(f"{where}: missing required field {key!r}")
    value = entry[key]
    if not isinstance(value, kind):
        raise ValueError(f"{where}: field {key!r} must be {kind.__name__}, got {type(value).__name__}")
    return value


def _urls(values: object, key: str, where: str) -> tuple[str, ...]:
    if values is None:
        return ()
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValueError(f"{where}: field {key!r} must be a list of URLs")
    for url in values:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{where}: {key} entry {url!r} is not an absolute http(s) URL")
    return tuple(values)


def _search_count(hint: dict, key: str, top: int, where: str) -> int | None:
    value = hint.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
        raise ValueError(f"{where}.{key} must be an integer from 1 to {top}, got {value!r}")
    return value


def _search_hint(hint: object, where: str, portal: Portal) -> SearchHint:
    if not isinstance(hint, dict):
        raise ValueError(f"{where} must be an object, got {type(hint).__name__}")
    api = hint.get("api")
    if api not in SEARCH_APIS:
        raise ValueError(f"{where}.api must be one of {', '.join(sorted(SEARCH_APIS))}, got {api!r}")
    required, default_url = SEARCH_APIS[api]
    allowed = {"api", "url", "words", "page_size", "max_pages", *required, *_SEARCH_OPTIONAL[api]}
    unknown = sorted(set(hint) - allowed)
    if unknown:  # a misspelt field would silently fall back to a default
        raise ValueError(f"{where}: unknown field(s) {', '.join(unknown)} for api {api!r} "
                         f"(known: {', '.join(sorted(allowed))})")
    params: list[tuple[str, str]] = []
    for key in (*required, *_SEARCH_OPTIONAL[api]):
        value = hint.get(key)
        if value is None:
            if key in required:
                raise ValueError(f"{where}: missing required field {key!r} for api {api!r}")
            continue
        if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
            raise ValueError(f"{where}.{key} must be a non-empty string or number, got {value!r}")
        params.append((key, str(value).strip()))
    url = hint.get("url")
    if url is None:
        url = urljoin(portal.entry_urls[0], default_url)
    elif not isinstance(url, str):
        raise ValueError(f"{where}.url must be a string, got {type(url).__name__}")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{where}.url {url!r} is not an absolute http(s) URL")
    if not portal.allows(url):
        raise ValueError(f"{where}.url {url!r} is not on the portal's allowed_hosts")
    words = hint.get("words", [])
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        raise ValueError(f"{where}.words must be a list of non-empty strings")
    return SearchHint(api, url, tuple(params), tuple(w.strip() for w in words),
                      _search_count(hint, "page_size", MAX_SEARCH_PAGE_SIZE, where),
                      _search_count(hint, "max_pages", MAX_SEARCH_PAGES, where))


def _search_hints(value: object, where: str, portal: Portal) -> tuple[SearchHint, ...]:
    """`search`: one object or a list of them (a portal may run a site search and a 信息公开 search)."""
    if value is None:
        return ()
    hints = value if isinstance(value, list) else [value]
    return tuple(_search_hint(h, f"{where}: search" + (f"[{i}]" if isinstance(value, list) else ""), portal)
                 for i, h in enumerate(hints))


def portal_from_dict(entry: dict, *, where: str = "portal") -> Portal:
    """Validate one registry entry and build a `Portal`."""
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: expected an object, got {type(entry).__name__}")
    pid = _require(entry, "id", str, where)
    where = f"{where} {pid!r}"
    if not pid or any(c in pid for c in ", \t\n"):
        raise ValueError(f"{where}: id must be non-empty without commas or spaces")
    entry_urls = _urls(_require(entry, "entry_urls", list, where), "entry_urls", where)
    if not entry_urls:
        raise ValueError(f"{where}: entry_urls is empty")
    hosts = entry.get("allowed_hosts") or sorted({urlsplit(u).hostname for u in entry_urls})
    if not isinstance(hosts, list) or not all(isinstance(h, str) and h for h in hosts):
        raise ValueError(f"{where}: allowed_hosts must be a list of host names")
    cms = entry.get("cms")
    if cms is not None and cms not in CMS_FAMILIES:
        raise ValueError(f"{where}: unknown cms {cms!r} (known: {', '.join(sorted(CMS_FAMILIES))})")
    known = {"id", "name", "level", "region_code", "entry_urls", "allowed_hosts", "cms", "report_columns", "render",
             "search"}
    portal = Portal(
        id=pid,
        name=str(entry.get("name") or pid),
        entry_urls=entry_urls,
        allowed_hosts=tuple(hosts),
        level=entry.get("level"),
        region_code=entry.get("region_code"),
        cms=cms,
        report_columns=_urls(entry.get("report_columns"), "report_columns", where),
        render=bool(entry.get("render", False)),
        extra={k: v for k, v in entry.items() if k not in known},
    )
    search = _search_hints(entry.get("search"), where, portal)
    return replace(portal, search=search) if search else portal


def load_registry(path: str | Path | None = None) -> list[Portal]:
    """Read a registry file (None -> the bundled registry of real portals)."""
    path = Path(path) if path else BUNDLED_REGISTRY
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"portal registry {path} does not exist") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"portal registry {path} is not valid JSON: {exc}") from None
    entries = data.get("portals") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ValueError(f"portal registry {path}: expected {{\"portals\": [...]}}")
    portals = [portal_from_dict(e, where=f"{path.name}[{i}]") for i, e in enumerate(entries)]
    seen: set[str] = set()
    for portal in portals:
        if portal.id in seen:
            raise ValueError(f"portal registry {path}: duplicate id {portal.id!r}")
        seen.add(portal.id)
    return portals


def select_portals(portals: Sequence[Portal], ids: Iterable[str] | str | None) -> list[Portal]:
    """Keep the portals named in `ids` ("a,b" or a list); unknown ids are an error, not a silent skip."""
    if ids is None or ids == "":
        return list(portals)
    wanted = [i.strip() for i in (ids.split(",") if isinstance(ids, str) else ids) if i.strip()]
    by_id = {p.id: p for p in portals}
    unknown = [i for i in wanted if i not in by_id]
    if unknown:
        raise ValueError(f"unknown portal id(s): {', '.join(unknown)}")
    return [by_id[i] for i in wanted]


def portal_for_url(portals: Sequence[Portal], url: str) -> Portal | None:
    """The first portal whose hosts admit `url` (exact host matches win over subdomain matches)."""
    parts = urlsplit(url)
    host, netloc = (parts.hostname or "").lower(), parts.netloc.lower()
    for portal in portals:
        if netloc in (h.lower() for h in portal.allowed_hosts):
            return portal
    for portal in portals:
        if host in (h.lower() for h in portal.allowed_hosts if ":" not in h):
            return portal
    for portal in portals:
        if portal.allows(url):
            return portal
    return None
