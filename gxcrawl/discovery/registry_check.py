"""`gxcrawl portals check`: every problem of a registry file, one line each (the loader stops at the first).

Beyond the loader's own validation (fields, URLs, page actions, search hints), entries must be consistent:
a known level, a region code of six digits whose shape fits the level (a province's ends in 0000, a city's in
00, a county's or district's does not), an official-looking name (no placeholder 某, no notes in Latin letters),
a name that fits a township or county level, every entry and column URL on the entry's own hosts, no id twice.
A name carries no note: no spaces or slashes, no bracketed remark that is not itself an agency (`(湖南郴州)`,
`(福建)` go to the entry's `note`; `参事室(文史研究馆)` is a name), no website instead of an agency
(`…信息公开网`, `…平台`). Strict mode also lists every entry without a `source`, or whose source nobody
confirmed (`confirmed: null`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from gxcrawl.discovery.registry import BUNDLED_REGISTRY, Portal, portal_from_dict

LEVELS = (
    "central",
    "province",
    "province-dept",
    "city",
    "city-dept",
    "county",
    "county-dept",
    "district",
    "district-dept",
    "township",
)
# the last four digits of a GB/T 2260 code by level: 0000 province, NN00 city, NNNN county or district
REGION_SHAPE = {
    "province": re.compile(r"\d{2}0000"),
    "city": re.compile(r"\d{2}(?!00)\d{2}00"),
    "county": re.compile(r"\d{4}(?!00)\d{2}"),
    "district": re.compile(r"\d{4}(?!00)\d{2}"),
}
LEVEL_NAME_WORDS = {
    "township": ("镇", "乡", "街道", "片区", "管理区", "苏木"),
    "county": ("县", "市", "旗", "区", "特区", "林区"),
}
PLACEHOLDER = re.compile(r"某|XX|xx|＊|\*")
LATIN_NOTE = re.compile(r"[A-Za-z]{2,}")
# a bracketed part of a name is an agency's other name (参事室(文史研究馆)); anything else is a note
BRACKETED = re.compile(r"[(（]([^()（）]*)[)）]")
AGENCY_ENDINGS = ("馆", "局", "厅", "办", "室", "会", "委", "院", "中心", "站", "所", "处", "队", "署", "部")
SITE_WORDS = re.compile(r"(网|网站|平台|列表|门户)$")


def entry_problems(entry: dict[str, Any], where: str, *, strict: bool = False) -> list[str]:
    """What is inconsistent in one entry (the loader's errors included); `strict`: also an unconfirmed one."""
    try:
        portal = portal_from_dict(entry, where=where)
    except ValueError as exc:
        return [str(exc)]
    where = f"{where} {portal.id!r}"
    problems = []
    if portal.level not in LEVELS:
        problems.append(f"{where}: level {portal.level!r} is not one of {', '.join(LEVELS)}")
    code = portal.region_code
    if code is not None:
        if not re.fullmatch(r"\d{6}", str(code)):
            problems.append(f"{where}: region_code {code!r} is not six digits")
        elif portal.level in REGION_SHAPE and not REGION_SHAPE[portal.level].fullmatch(str(code)):
            problems.append(f"{where}: region_code {code} does not fit level {portal.level}")
    name = str(entry.get("name") or "")
    if not name:
        problems.append(f"{where}: no name")
    elif PLACEHOLDER.search(name):
        problems.append(f"{where}: name {name!r} is a placeholder, not an agency's name")
    elif LATIN_NOTE.search(name) or _name_note(name):
        problems.append(
            f"{where}: name {name!r} carries a note ({_name_note(name) or 'Latin letters'}); "
            "the name is the agency's official name, a note goes to `note`"
        )
    words = LEVEL_NAME_WORDS.get(portal.level or "")
    if name and words and not any(w in name for w in words):
        problems.append(f"{where}: name {name!r} does not name a {portal.level} ({'/'.join(words)})")
    problems += _host_problems(portal, where)
    if strict and portal.source is None:
        problems.append(f"{where}: no source (the public page or document that shows its URLs)")
    elif strict and portal.confirmed is None:
        problems.append(f"{where}: source {portal.source} not confirmed (confirmed: null)")
    return problems


def _name_note(name: str) -> str:
    """What in `name` is a note rather than part of the agency's name ("" when nothing is)."""
    if re.search(r"\s|/|／", name.strip()):
        return "a space or slash"
    for inner in BRACKETED.findall(name):
        if not inner.strip().endswith(AGENCY_ENDINGS):
            return f"bracketed {inner!r}"
    if SITE_WORDS.search(BRACKETED.sub("", name)):
        return "a website, not an agency"
    return ""


def _host_problems(portal: Portal, where: str) -> list[str]:
    return [
        f"{where}: {key} {url} is not on the entry's allowed_hosts"
        for key, urls in (("entry_urls", portal.entry_urls), ("report_columns", portal.report_columns))
        for url in urls
        if not portal.allows(url)
    ]


def registry_problems(path: str | Path | None = None, *, strict: bool = False) -> list[str]:
    """Every problem of the registry at `path` (None: the bundled one), one line each; [] when it is sound.

    `strict`: an entry without a source, or with a source nobody confirmed, is a problem too."""
    path = Path(path) if path else BUNDLED_REGISTRY
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        return [f"{path}: cannot be read ({exc.strerror or exc})"]
    except json.JSONDecodeError as exc:
        return [f"{path}: not valid JSON: {exc}"]
    entries = data.get("portals") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return [f'{path}: expected {{"portals": [...]}}']
    problems: list[str] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries):
        where = f"{path.name}[{i}]"
        problems += entry_problems(entry, where, strict=strict)
        pid = entry.get("id") if isinstance(entry, dict) else None
        if isinstance(pid, str):
            if pid in seen:
                problems.append(f"{where}: id {pid!r} is also entry [{seen[pid]}]")
            seen.setdefault(pid, i)
    return problems


def select(portals: list[Portal], *, level: str | None = None, province: str | None = None) -> list[Portal]:
    """Portals of a level and/or a province (two-digit code, or the start of the province's name)."""
    out = []
    for portal in portals:
        if level and portal.level != level:
            continue
        if province:
            code = str(portal.region_code or "")
            if province.isdigit():
                if not code.startswith(province[:2]):
                    continue
            elif not portal.name.startswith(province):
                continue
        out.append(portal)
    return out


def host_of(portal: Portal) -> str:
    return urlsplit(portal.entry_urls[0]).netloc
