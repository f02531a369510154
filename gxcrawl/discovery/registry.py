"""The portal registry: which government sites to crawl, and hints about how they are built.

The bundled file `gxcrawl/data/portals.json` lists real portals (all 31 provincial-level
governments, the State Council departments, and every portal of the research notes); the demo
portal writes a registry in the same format (CONTRACTS.md C4). Bad entries raise `ValueError`
naming the entry and the field, so a typo never silently drops a portal.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

BUNDLED_REGISTRY = Path(__file__).resolve().parent.parent / "data" / "portals.json"

CMS_FAMILIES = frozenset(
    {"trs", "trs1", "hanweb", "vsb", "gkmlpt", "jpaas", "shanghai", "shtml", "anhui", "client_slice", "ucap",
     "epoint"}
)


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
    known = {"id", "name", "level", "region_code", "entry_urls", "allowed_hosts", "cms", "report_columns", "render"}
    return Portal(
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
