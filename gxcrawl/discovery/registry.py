"""The portal registry: which government sites to crawl, and hints about how they are built.

The bundled file `gxcrawl/data/portals.json` lists real portals (all 31 provincial-level
governments, the State Council departments, and more portals at every level); the demo
portal writes a registry in the same format (docs/portals.md, "The registry"). Bad entries raise `ValueError`
naming the entry and the field, so a typo never silently drops a portal.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

from gxcrawl.discovery.hosts import allowed_host_entry, host_policy, origin, parse_allowed_host

BUNDLED_REGISTRY = Path(__file__).resolve().parent.parent / "data" / "portals.json"

CMS_FAMILIES = frozenset(
    {"trs", "trs1", "hanweb", "vsb", "gkmlpt", "jpaas", "shanghai", "shtml", "anhui", "client_slice", "ucap", "epoint"}
)


# site-search APIs a registry entry may name (docs/portals.md, "Site-search APIs"):
# api -> (fields it needs, default endpoint)
SEARCH_APIS: dict[str, tuple[tuple[str, ...], str]] = {
    "igs": (("code", "data_type_id"), "/irs/front/search"),  # TRS IGS, JSON POST
    "trs_open": (("site_id",), "/trs-search/trssearch/openSearch/getZwgkList"),  # TRS openSearch, GET
    "search5": (("site_code",), "/search5/search/s"),  # Kaipuyun, form POST
    "govcn": (("library",), "https://sousuo.www.gov.cn/search-gov/data"),  # gov.cn policy library, GET
}
# optional fields per api (besides url, words, page_size, max_pages)
_SEARCH_OPTIONAL = {
    "igs": ("search_by", "order_by"),
    "trs_open": ("position",),
    "search5": ("column",),
    "govcn": ("search_field",),
}
MAX_SEARCH_PAGE_SIZE = 100
MAX_SEARCH_PAGES = 2000


# page actions a registry entry may ask of the browser before a rendered page is read (`render_actions`):
# action -> its optional fields. Data only: selectors and counts, never script (a registry may come from users).
RENDER_ACTIONS: dict[str, tuple[str, ...]] = {
    "wait_for": ("timeout_ms",),  # a selector is in the DOM (a timeout is not an error)
    "click": ("timeout_ms",),  # a tab: click it if it appears
    "click_repeat": ("times", "collect", "timeout_ms"),  # 下一页 / 加载更多 until gone, disabled or no change
    "scroll": ("times", "timeout_ms"),  # "bottom", until the page stops growing (lazy lists)
    "wait_for_load": ("timeout_ms",),  # a load state: load, domcontentloaded, networkidle
    "wait_ms": (),  # a plain pause
}
LOAD_STATES = ("load", "domcontentloaded", "networkidle")
DEFAULT_ACTION_TIMEOUT_MS = {
    "wait_for": 10_000,
    "click": 5_000,
    "click_repeat": 5_000,
    "scroll": 3_000,
    "wait_for_load": 10_000,
}
MAX_RENDER_ACTIONS = 12
MAX_ACTION_TIMES = 50
MIN_ACTION_TIMEOUT_MS, MAX_ACTION_TIMEOUT_MS = 100, 60_000
MAX_WAIT_MS = 10_000
MAX_SELECTOR_CHARS = 300
MAX_MATCH_CHARS = 200
# the longest one page may spend in its actions (every timeout reached): bounds a page, so a crawl never hangs
MAX_RENDER_ACTIONS_SECONDS = 300


@functools.lru_cache(maxsize=256)
def _match_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@dataclass(frozen=True, slots=True)
class RenderAction:
    """One step the browser takes on a rendered page before its DOM is archived and parsed (registry
    `render_actions`; run by gxcrawl.crawl.pageactions)."""

    kind: str  # a key of RENDER_ACTIONS
    target: str = ""  # the selector (wait_for, click, click_repeat), "bottom" (scroll), the state (wait_for_load)
    times: int = 1  # click_repeat, scroll: at most this many repetitions
    timeout_ms: int = 0  # bounds one step (each repetition of click_repeat / scroll); wait_ms: the pause
    collect: str = ""  # click_repeat: the rows kept from every page the clicks showed
    match: str = ""  # a regex searched in the URL's path (and ?query); "" = every rendered page

    def applies(self, url: str) -> bool:
        if not self.match:
            return True
        parts = urlsplit(url)
        where = parts.path + (f"?{parts.query}" if parts.query else "")
        return _match_pattern(self.match).search(where[:2000]) is not None

    @property
    def worst_ms(self) -> int:
        """How long the action may take when every wait runs out."""
        return self.timeout_ms * (self.times if self.kind in ("click_repeat", "scroll") else 1)


@dataclass(frozen=True, slots=True)
class SearchHint:
    """A site-search API the portal's pages do not reveal, named in the registry's `search` field."""

    api: str  # a key of SEARCH_APIS
    url: str  # absolute endpoint
    params: tuple[tuple[str, str], ...] = ()  # the api's fields (code, data_type_id, site_id, …) as strings
    words: tuple[str, ...] = ()  # query words; () -> the strategy's report-title phrases
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
    render_actions: tuple[RenderAction, ...] = ()
    source: str | None = None  # a public page or document that shows the entry's URLs
    confirmed: str | None = None  # YYYY-MM-DD when that source was checked; None: nothing confirms the entry
    note: str | None = None  # what the name must not carry (the sub-site, the province, what the URLs list)
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def allows(self, url: str) -> bool:
        """True when `url` passes the portal's host policy (gxcrawl/discovery/hosts.py): one of its hosts, or a
        subdomain of one, on the standard web ports, or a `host:port` it names.

        Government sites put 信息公开 and department sub-sites on subdomains
        (xxgk.sxgp.gov.cn, wjw.xxx.gov.cn), so `gd.gov.cn` admits `gdcss.gd.gov.cn`.
        """
        return host_policy(self.allowed_hosts).allows(url)


T = TypeVar("T")


def _require(entry: dict[str, Any], key: str, kind: type[T], where: str) -> T:
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
        if not _is_http_url(url):
            raise ValueError(f"{where}: {key} entry {url!r} is not an absolute http(s) URL")
    return tuple(values)


def _is_http_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _search_count(hint: dict[str, Any], key: str, top: int, where: str) -> int | None:
    value = hint.get(key)
    return None if value is None else _int_between(value, key, 1, top, where)


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
        raise ValueError(
            f"{where}: unknown field(s) {', '.join(unknown)} for api {api!r} (known: {', '.join(sorted(allowed))})"
        )
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
    if not _is_http_url(url):
        raise ValueError(f"{where}.url {url!r} is not an absolute http(s) URL")
    if not portal.allows(url):
        raise ValueError(f"{where}.url {url!r} is not on the portal's allowed_hosts")
    words = hint.get("words", [])
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        raise ValueError(f"{where}.words must be a list of non-empty strings")
    return SearchHint(
        api,
        url,
        tuple(params),
        tuple(w.strip() for w in words),
        _search_count(hint, "page_size", MAX_SEARCH_PAGE_SIZE, where),
        _search_count(hint, "max_pages", MAX_SEARCH_PAGES, where),
    )


def _search_hints(value: object, where: str, portal: Portal) -> tuple[SearchHint, ...]:
    """`search`: one object or a list of them (a portal may run a site search and a 信息公开 search)."""
    if value is None:
        return ()
    hints = value if isinstance(value, list) else [value]
    return tuple(
        _search_hint(h, f"{where}: search" + (f"[{i}]" if isinstance(value, list) else ""), portal)
        for i, h in enumerate(hints)
    )


def _selector(value: object, field_name: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}.{field_name} must be a non-empty selector string, got {value!r}")
    if len(value) > MAX_SELECTOR_CHARS or any(ord(c) < 32 for c in value):
        raise ValueError(f"{where}.{field_name} must be one line of at most {MAX_SELECTOR_CHARS} characters")
    return value.strip()


def _int_between(value: object, field_name: str, low: int, high: int, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{where}.{field_name} must be an integer from {low} to {high}, got {value!r}")
    return value


def _render_action(action: object, where: str) -> RenderAction:
    if not isinstance(action, dict):
        raise ValueError(f"{where} must be an object, got {type(action).__name__}")
    kinds = [k for k in action if k in RENDER_ACTIONS]
    if len(kinds) != 1:
        got = ", ".join(kinds) if kinds else "none of them"
        raise ValueError(
            f"{where} must name exactly one action ({', '.join(RENDER_ACTIONS)}); got {got} "
            f"in fields {', '.join(map(str, action)) or '(none)'}"
        )
    kind = kinds[0]
    allowed = {kind, "match", *RENDER_ACTIONS[kind]}
    unknown = sorted(map(str, set(action) - allowed))
    if unknown:  # a misspelt field would silently fall back to a default
        raise ValueError(
            f"{where}: unknown field(s) {', '.join(unknown)} for action {kind!r} (known: {', '.join(sorted(allowed))})"
        )
    value = action[kind]
    if kind in ("wait_for", "click", "click_repeat"):
        target = _selector(value, kind, where)
    elif kind == "scroll":
        if value != "bottom":
            raise ValueError(f'{where}.scroll must be "bottom", got {value!r}')
        target = value
    elif kind == "wait_for_load":
        if value not in LOAD_STATES:
            raise ValueError(f"{where}.wait_for_load must be one of {', '.join(LOAD_STATES)}, got {value!r}")
        target = value
    else:  # wait_ms
        return RenderAction(
            "wait_ms",
            timeout_ms=_int_between(value, "wait_ms", 1, MAX_WAIT_MS, where),
            match=_match(action.get("match"), where),
        )
    times = _int_between(action.get("times", 1), "times", 1, MAX_ACTION_TIMES, where)
    timeout_ms = _int_between(
        action.get("timeout_ms", DEFAULT_ACTION_TIMEOUT_MS[kind]),
        "timeout_ms",
        MIN_ACTION_TIMEOUT_MS,
        MAX_ACTION_TIMEOUT_MS,
        where,
    )
    collect = _selector(action["collect"], "collect", where) if "collect" in action else ""
    return RenderAction(kind, target, times, timeout_ms, collect, _match(action.get("match"), where))


def _match(value: object, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or not value or len(value) > MAX_MATCH_CHARS:
        raise ValueError(
            f"{where}.match must be a regular expression of 1 to {MAX_MATCH_CHARS} characters, got {value!r}"
        )
    try:
        _match_pattern(value)
    except re.error as exc:
        raise ValueError(f"{where}.match {value!r} is not a valid regular expression: {exc}") from None
    return value


def _render_actions(value: object, where: str) -> tuple[RenderAction, ...]:
    """`render_actions`: the steps a browser takes on the portal's rendered pages, in order."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ValueError(f"{where}: render_actions must be a list of actions, got {type(value).__name__}")
    if len(value) > MAX_RENDER_ACTIONS:
        raise ValueError(f"{where}: render_actions has {len(value)} actions (at most {MAX_RENDER_ACTIONS})")
    actions = tuple(_render_action(a, f"{where}: render_actions[{i}]") for i, a in enumerate(value))
    worst = sum(a.worst_ms for a in actions) / 1000
    if worst > MAX_RENDER_ACTIONS_SECONDS:
        raise ValueError(
            f"{where}: render_actions may take {worst:.0f} s on one page when every wait runs out "
            f"(at most {MAX_RENDER_ACTIONS_SECONDS} s): lower times or timeout_ms"
        )
    return actions


def _provenance(entry: dict[str, Any], where: str) -> tuple[str | None, str | None, str | None]:
    """`source` (an absolute http(s) URL), `confirmed` (an ISO date) and `note` (text), each optional."""
    source, confirmed, note = entry.get("source"), entry.get("confirmed"), entry.get("note")
    if source is not None and not (isinstance(source, str) and _is_http_url(source)):
        raise ValueError(f"{where}: source {source!r} is not an absolute http(s) URL")
    if confirmed is not None:
        try:
            if not isinstance(confirmed, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", confirmed):
                raise ValueError
            datetime.date.fromisoformat(confirmed)
        except ValueError:
            raise ValueError(f"{where}: confirmed {confirmed!r} is not a date YYYY-MM-DD") from None
        if source is None:
            raise ValueError(f"{where}: confirmed {confirmed} without a source: say what was checked")
    if note is not None and not (isinstance(note, str) and note.strip()):
        raise ValueError(f"{where}: note must be a non-empty string")
    return source, confirmed, note


def portal_from_dict(entry: dict[str, Any], *, where: str = "portal") -> Portal:
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
    hosts = entry.get("allowed_hosts") or sorted({allowed_host_entry(u) or "" for u in entry_urls})
    if not isinstance(hosts, list) or not all(isinstance(h, str) and h for h in hosts):
        raise ValueError(f"{where}: allowed_hosts must be a list of host names")
    for host in hosts:
        try:
            parse_allowed_host(host)
        except ValueError as exc:
            raise ValueError(f"{where}: allowed_hosts entry {exc}") from None
    cms = entry.get("cms")
    if cms is not None and cms not in CMS_FAMILIES:
        raise ValueError(f"{where}: unknown cms {cms!r} (known: {', '.join(sorted(CMS_FAMILIES))})")
    known = {
        "id",
        "name",
        "level",
        "region_code",
        "entry_urls",
        "allowed_hosts",
        "cms",
        "report_columns",
        "render",
        "search",
        "render_actions",
        "source",
        "confirmed",
        "note",
    }
    source, confirmed, note = _provenance(entry, where)
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
        render_actions=_render_actions(entry.get("render_actions"), where),
        source=source,
        confirmed=confirmed,
        note=note,
        extra={k: v for k, v in entry.items() if k not in known},
    )
    for key in ("entry_urls", "report_columns"):
        for url in getattr(portal, key):
            if not portal.allows(url):  # the crawl would refuse its own start URL
                raise ValueError(
                    f"{where}: {key} entry {url!r} is not on the entry's allowed_hosts "
                    f"({', '.join(portal.allowed_hosts)}); add {allowed_host_entry(url)!r} to them"
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
        raise ValueError(f'portal registry {path}: expected {{"portals": [...]}}')
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
        near = sorted({m for u in unknown for m in difflib.get_close_matches(u, by_id, n=3)})
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise ValueError(f"unknown portal id(s): {', '.join(unknown)}{hint} (`gxcrawl portals list` shows every id)")
    return [by_id[i] for i in wanted]


def portal_for_url(portals: Sequence[Portal], url: str) -> Portal | None:
    """The first portal whose hosts admit `url` (exact host:port and host matches win over subdomain matches)."""
    where = origin(url)
    if where is None:
        return None
    host, port = where
    for portal in portals:
        if where in host_policy(portal.allowed_hosts).pinned:
            return portal
    for portal in portals:
        if host in host_policy(portal.allowed_hosts).hosts and portal.allows(url):
            return portal
    for portal in portals:
        if portal.allows(url):
            return portal
    return None
