"""Name, level and region of the portals the index names.

`portal_directory` is the one place the quality report learns about portals: what the crawls recorded in the
index's `portal` table, then a registry file given with `--registry`, then the bundled registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from gxcrawl.archive.index import portal_metadata as recorded_portals
from gxcrawl.discovery.registry import load_registry

LEVEL_ORDER = ("central", "province", "city", "district", "county", "department", "township")


@dataclass(frozen=True, slots=True)
class PortalInfo:
    id: str
    name: str
    level: str  # "unknown" when the registry does not say
    region_code: str | None
    province: str  # the province's name, or "region NN", or "unknown region"

    @property
    def level_rank(self) -> int:
        return LEVEL_ORDER.index(self.level) if self.level in LEVEL_ORDER else len(LEVEL_ORDER)


def portal_directory(session: Session, registry: str | Path | None = None) -> dict[str, PortalInfo]:
    """PortalInfo by portal id: as the index recorded it at crawl time, else as `registry` (a registry file) or the
    bundled registry describes it. A province is named by the province-level portal with the same first two
    region-code digits."""
    known = {
        **_registry_metadata(None),
        **(_registry_metadata(registry) if registry else {}),
        **recorded_portals(session),
    }
    provinces = {}
    for meta in known.values():
        if meta.get("level") == "province" and meta.get("region_code"):
            provinces[str(meta["region_code"])[:2]] = str(meta["name"]).removesuffix("人民政府")
    out = {}
    for portal_id, meta in known.items():
        code = str(meta["region_code"]) if meta.get("region_code") else None
        province = provinces.get(code[:2], f"region {code[:2]}") if code else "unknown region"
        out[portal_id] = PortalInfo(
            portal_id, str(meta.get("name") or portal_id), meta.get("level") or "unknown", code, province
        )
    return out


def _registry_metadata(registry: str | Path | None) -> dict[str, dict[str, Any]]:
    return {p.id: {"name": p.name, "level": p.level, "region_code": p.region_code} for p in load_registry(registry)}


def unknown_portal(portal_id: str) -> PortalInfo:
    """A portal the registry does not list (crawled with another registry): known by its id only."""
    return PortalInfo(portal_id, portal_id, "unknown", None, "unknown region")
