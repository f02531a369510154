"""`DemoPortal`: build the world from a seed, serve every site on its own loopback address, write the
ground truth (manifest.json) and a portal registry (registry.json), both described in docs/interfaces.md.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
import threading
from pathlib import Path
from types import TracebackType

from gxcrawl.demo import big5gate, families, reportgen
from gxcrawl.demo.server import Access, AccessLog, SiteServer, start_servers, stop_servers
from gxcrawl.demo.world import FAMILIES, PRIMARY_REGIONS, REGISTRY_CMS, Report, Site, region_name

MAX_SITES = 250
_LEVELS = {
    "trs": "city",
    "trs1": "county",
    "hanweb": "city",
    "vsb": "county",
    "gkmlpt": "district",
    "jsonly": "city",
    "client_slice": "city",
    "slow": "township",
    "jpaas": "city",
    "search": "city",
    "scripted": "city",
    "trsapi": "city",
}


class DemoPortal:
    """The local imitation of government portals; a context manager for tests.

    sites: how many sites (None: one of each family, 11); more than 11 repeat the families with new
    names and without access quirks. reports_per_site: reports per site (None: a family default).
    slow_delay: seconds the slow host waits before each answer. crawl_delay: the Crawl-delay of the
    TRS site's robots.txt (None: no Crawl-delay line). defects: share of generated reports drawn with
    real-world table defects. text_layout_share: share of report pages whose tables were pasted as
    text. https_entry: make the gkmlpt site's registry entry https:// on a port that speaks only HTTP.
    port: 0 picks a free port per address; a fixed number uses it on every address.
    """

    def __init__(
        self,
        *,
        sites: int | None = None,
        seed: int = 1,
        reports_per_site: int | None = None,
        out_dir: str | Path | None = None,
        host_prefix: str = "127.0.0.",
        slow_delay: float = 2.0,
        crawl_delay: float = 1.0,
        defects: float = 0.15,
        text_layout_share: float = 0.25,
        port: int = 0,
        https_entry: bool = False,
    ) -> None:
        n = len(FAMILIES) if sites is None else sites
        if not 1 <= n <= MAX_SITES:
            raise ValueError(f"sites must be between 1 and {MAX_SITES}, not {sites}")
        if reports_per_site is not None and reports_per_site < 0:
            raise ValueError(f"reports_per_site must be >= 0, not {reports_per_site}")
        for name, share in (("defects", defects), ("text_layout_share", text_layout_share)):
            if not 0.0 <= share <= 1.0:
                raise ValueError(f"{name} is a share between 0 and 1, not {share}")
        self.n_sites = n
        self.seed = seed
        self.reports_per_site = reports_per_site
        self.host_prefix = host_prefix
        self.slow_delay = slow_delay
        self.crawl_delay = crawl_delay
        self.port = port
        # opt-in: the gkmlpt site's registry entry is https:// on its plain-HTTP port, so the TLS handshake
        # fails and only a crawler that falls back to http:// gets in (docs/portals.md, "HTTPS and URL quirks")
        self.https_entry = https_entry
        self.options = families.Options(reports_per_site, defects, text_layout_share)
        self._own_dir = out_dir is None
        self.out_dir = Path(out_dir) if out_dir is not None else None
        self.sites: list[Site] = []
        self.state = {"generation": 0}
        self.log = AccessLog()
        self._servers: list[tuple[SiteServer, threading.Thread]] = []
        self._robots_pages: list[tuple[Site, str]] = []
        self.manifest: dict = {}
        self.entry_urls: list[str] = []

    # --- lifecycle -------------------------------------------------------------------------------------------

    def __enter__(self) -> DemoPortal:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def start(self) -> None:
        if self._servers:
            return
        self._build()
        self._servers = start_servers(self.sites, self.log, self.slow_delay)
        self.entry_urls = [s.url(s.entry_path) for s in self.sites]
        if self.out_dir is None:
            self.out_dir = Path(tempfile.mkdtemp(prefix="gxcrawl-demo-"))
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.write_registry()
        self.write_manifest()

    def stop(self) -> None:
        stop_servers(self._servers)
        self._servers = []
        if self._own_dir and self.out_dir is not None:
            shutil.rmtree(self.out_dir, ignore_errors=True)
            self.out_dir = None

    @property
    def running(self) -> bool:
        return bool(self._servers)

    # --- the world -------------------------------------------------------------------------------------------

    def _build(self) -> None:
        master = random.Random(f"gxcrawl-demo:{self.seed}")
        self.sites = []
        for i in range(self.n_sites):
            family = FAMILIES[i % len(FAMILIES)]
            primary = i < len(FAMILIES)
            if primary:
                region, level = PRIMARY_REGIONS[family]
            else:
                level = _LEVELS[family]
                region = region_name(master, level)
            site = Site(
                id=f"demo-{family}" if primary else f"demo-{family}-{i}",
                family=family,
                index=i,
                primary=primary,
                host=f"{self.host_prefix}{2 + i}",
                region=region,
                level=level,
                port=self.port,
                state=self.state,
                crawl_delay=self.crawl_delay if family == "trs" and primary else None,
            )
            self.sites.append(site)
        registry: dict = {"deferred": [], "robots_pages": []}
        for site in self.sites:
            rng = random.Random(f"gxcrawl-demo:{self.seed}:{site.id}")
            families.BUILDERS[site.family](site, rng, self.options, registry)
        by_id = {s.id: s for s in self.sites}
        if "demo-trs" in by_id and "demo-trs1" in by_id:
            families.link_republished(by_id["demo-trs1"], by_id["demo-trs"], random.Random(f"{self.seed}:republish"))
        for register in registry["deferred"]:
            register()
        self._robots_pages = registry["robots_pages"]

    def site(self, site_id: str) -> Site:
        for s in self.sites:
            if s.id == site_id:
                return s
        raise KeyError(f"no demo site {site_id!r}; sites: {[s.id for s in self.sites]}")

    def url(self, site_id: str, path: str) -> str:
        return self.site(site_id).url(path)

    def requested_paths(self, site_id: str) -> list[str]:
        """Paths (with query) the site has answered so far, in order."""
        return self.log.paths(site_id)

    @property
    def accesses(self) -> list[Access]:
        """Every request answered so far (site, method, path, status, start time, seconds)."""
        return list(self.log.entries)

    @property
    def reports(self) -> list[Report]:
        return [r for s in self.sites for r in s.reports]

    # --- generations: a report changed after publication ---------------------------------------------------------

    @property
    def generation(self) -> int:
        return int(self.state["generation"])

    def mutate(self) -> None:
        """Publish the next generation: reports flagged changed_after_publication get a new text at the
        same URL. The manifest (memory and file) is rewritten to describe the new generation."""
        self.state["generation"] = self.generation + 1
        if self.out_dir is not None and self._servers:
            self.write_manifest()

    # --- ground truth ----------------------------------------------------------------------------------------------

    @property
    def registry_path(self) -> Path:
        if self.out_dir is None:
            raise RuntimeError("the demo portal is not started")
        return self.out_dir / "registry.json"

    @property
    def manifest_path(self) -> Path:
        if self.out_dir is None:
            raise RuntimeError("the demo portal is not started")
        return self.out_dir / "manifest.json"

    def registry(self) -> dict:
        portals = []
        for s in self.sites:
            entry_url = s.url(s.entry_path)
            if self.https_entry and s.family == "gkmlpt" and s.primary:
                entry_url = "https" + entry_url[len("http") :]
            entry = {
                "id": s.id,
                "name": s.name,
                "level": s.level,
                "region_code": s.code_digits,
                "entry_urls": [entry_url],
                "allowed_hosts": [f"{s.host}:{s.port}", s.host],
                "cms": REGISTRY_CMS[s.family],
                "render": s.render,
            }
            if s.report_columns:  # only where a real registry would know the column
                entry["report_columns"] = [s.url(p) for p in s.report_columns]
            if s.search_hints:  # a site-search API no page of the site names
                entry["search"] = [{**h, "url": s.url(h["url"])} for h in s.search_hints]
            if s.render_actions:  # what the browser must do before the JS-only list shows every report
                entry["render_actions"] = s.render_actions
            portals.append(entry)
        return {"portals": portals}

    def write_registry(self) -> Path:
        _write_json(self.registry_path, self.registry())
        return self.registry_path

    def _report_entry(self, r: Report) -> dict:
        gen = self.generation
        c = r.content(gen)
        truth = None if r.form == "attachment_only" and r.attachment_kind != "pdf" else c.truth
        return {
            "url": r.site.url(r.path),
            "portal": r.site.id,
            "agency": r.agency,
            "agency_kind": r.agency_kind,
            "report_year": r.report_year,
            "format": r.fmt,
            "title": r.title,
            # the document's own title line: the page and its list may show another (an academic-year title, a
            # title naming the website's annual form too, a bare "XX局2021年度")
            "document_title": c.title,
            "published": r.published,
            "form": r.form,
            "attachments": [r.site.url(a.path) for a in r.attachments],
            # the page links its attachments only through a script (demo-scripted: avalon, vue, onclick, …): a
            # reader of the page's markup alone does not see them; null for plain links
            "attachment_binding": r.attachment_binding
            if r.attachments and r.path not in {a.path for a in r.attachments}
            else None,
            "attachment_kinds": [a.kind for a in r.attachments],
            # null when no parser can be expected to read it: seeds (values not transcribed here) and
            # attachment-only reports whose file is OFD
            "truth": truth,
            # where the truth can be read: the page itself, or (attachment-only reports) the attachment
            "truth_source": None if truth is None else ("attachment" if r.form == "attachment_only" else "page"),
            "source": r.source,
            # cells a correct parser may leave null when reading this rendering (reportgen.uncertain_cells);
            # for attachment-only reports, the attachment's rendering (PDF text is one cell per line)
            "uncertain_cells": _uncertain(truth, "cell_per_line" if r.form == "attachment_only" else r.layout),
            # per attachment URL: PDF text is one table cell per line with blank cells lost (as extractors
            # give it); DOCX keeps real tables
            "attachment_uncertain_cells": {
                r.site.url(a.path): _uncertain(truth, "cell_per_line" if a.kind == "pdf" else "html")
                for a in r.attachments
            },
            "layout": r.layout,
            "duplicate_of": r.duplicate_of.site.url(r.duplicate_of.path) if r.duplicate_of is not None else None,
            "changed_after_publication": r.changed,
            "needs_browser": r.needs_browser,
            "cookie_gate": r.cookie_gate,
            "group": r.group,
            "list_urls": [r.site.url(p) for p in r.list_paths],
            "encoding": r.site.encoding,
        }

    def build_manifest(self) -> dict:
        reports = []
        for r in self.reports:
            reports.append(self._report_entry(r))
        return {
            "seed": self.seed,
            "generation": self.generation,
            "sites": [
                {
                    "id": s.id,
                    "cms": REGISTRY_CMS[s.family],
                    "family": s.family,
                    "name": s.name,
                    "level": s.level,
                    "base_url": s.base_url,
                    "entry_url": s.url(s.entry_path),
                    "host": s.host,
                    "port": s.port,
                    "encoding": s.encoding,
                    "render": s.render,
                    "behaviours": sorted(set(s.behaviours)),
                    "robots_txt": s.robots_txt,
                    "slow": s.slow,
                    "fail_first": s.fail_first,
                    "report_count": len(s.reports),
                }
                for s in self.sites
            ],
            "reports": reports,
            "distractors": [
                {
                    "url": d.site.url(d.path),
                    "kind": d.kind,
                    "title": d.title,
                    "portal": d.site.id,
                    "published": d.published,
                }
                for s in self.sites
                for d in s.distractors
            ],
            "blocked": [
                {"url": b.site.url(b.path), "reason": b.reason, "title": b.title, "portal": b.site.id}
                for s in self.sites
                for b in s.blocked
            ],
            "robots_disallowed": [s.url(p) for s, p in self._robots_pages]
            + [s.url(big5gate.prefix(s) + p) for s, p in self._robots_pages if s.big5_gateway],
            # other URLs of the same page that a crawler must canonicalise (the /gate/big5/ gateway)
            # (reports, distractors and blocked pages alike: the gateway answers what the page answers)
            "aliases": [
                {"url": s.url(big5gate.prefix(s) + path), "canonical": s.url(path), "kind": "big5-gateway"}
                for s in self.sites
                if s.big5_gateway
                for path in [r.path for r in s.reports] + [d.path for d in s.distractors] + [b.path for b in s.blocked]
            ],
        }

    def write_manifest(self) -> Path:
        self.manifest = self.build_manifest()
        _write_json(self.manifest_path, self.manifest)
        return self.manifest_path


def _uncertain(truth: dict | None, layout: str) -> list[str]:
    if truth is None or "raw" not in truth or layout == "html":
        return []  # reportgen.uncertain_cells is empty for "html" (real tables); skip its cost
    return reportgen.uncertain_cells(truth, layout)


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".tmp")
    # json.dumps uses the C encoder (json.dump to a file does not): 10x faster on big manifests
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
