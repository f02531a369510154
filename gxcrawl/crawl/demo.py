"""`gxcrawl demo`: start the demo portal, crawl it with `scrapy crawl portals` into an archive, export the
corpus, write the quality report, and check what the crawl found against the portal's manifest (what a user can trust).

The crawl runs as its own process (the real `scrapy crawl portals` command with gxcrawl's settings) while
the demo portal serves from this process. Politeness stays on: robots.txt (Crawl-delay included) is obeyed;
only the default per-host delay is shortened, since every demo site is on this machine.

With `processes` > 1 the crawl is several such processes on one Redis frontier and one PostgreSQL index
(docs/scale-out.md); their coverage summaries are merged before the same checks.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from contextlib import closing
from pathlib import Path
from typing import Any

from gxcrawl.archive import Archive, target_uri
from gxcrawl.archive.models import DocumentSource, Report


def demo_settings(*, browser: bool) -> dict[str, Any]:
    """The demo's crawl settings: gxcrawl's own, with the per-host delay shortened (every site is local)."""
    return {
        "DOWNLOAD_DELAY": 0.1,
        "AUTOTHROTTLE_START_DELAY": 0.1,
        "GX_RENDER_ENABLED": int(browser),
        "LOG_LEVEL": "WARNING",
        "TELNETCONSOLE_ENABLED": 0,
    }


def _crawl(registry: Path, archive_dir: Path, *, browser: bool) -> int:
    """Run `scrapy crawl portals` in a child process; on a terminal, show what it has archived so far."""
    from gxcrawl.crawl.cluster.launch import crawl_command

    # one process: Scrapy's own scheduler, even where GXCRAWL_REDIS_URL is set for cluster runs
    cmd = crawl_command(
        registry,
        archive_dir,
        {**demo_settings(browser=browser), "GX_REDIS_URL": "", "LOG_FILE": archive_dir / "crawl.log"},
    )
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "gxcrawl.settings"}
    started = time.monotonic()
    with subprocess.Popen(cmd, env=env) as child:
        show = sys.stderr.isatty()
        while True:
            try:
                return child.wait(timeout=1.0)
            except subprocess.TimeoutExpired:
                if show:
                    print(
                        f"\r  {time.monotonic() - started:4.0f} s  {_progress(archive_dir)}",
                        end="",
                        file=sys.stderr,
                        flush=True,
                    )
            finally:
                if show and child.returncode is not None:
                    print(file=sys.stderr)


def _crawl_cluster(
    registry: Path, archive_dir: Path, *, browser: bool, processes: int, redis_url: str, database_url: str
) -> int:
    """`processes` crawl processes on a fresh frontier; the first non-zero exit status, else 0."""
    from gxcrawl.crawl.cluster.launch import start_crawlers
    from gxcrawl.crawl.cluster.state import Frontier, connect

    frontier = Frontier(connect(redis_url), f"demo-{uuid.uuid4().hex[:8]}")
    settings = {**demo_settings(browser=browser), "GX_REDIS_URL": redis_url, "GX_FRONTIER_NAME": frontier.name}
    children = start_crawlers(processes, registry, archive_dir, settings, database_url=database_url)
    started, show = time.monotonic(), sys.stderr.isatty()
    try:
        while any(child.poll() is None for child in children):
            time.sleep(1.0)
            if show:
                done = sum(n["done"] for n in frontier.status()["portals"].values())
                print(
                    f"\r  {time.monotonic() - started:4.0f} s  {processes} processes: {done} requests done, "
                    f"{frontier.queued()} queued, {frontier.in_flight()} in flight",
                    end="",
                    file=sys.stderr,
                    flush=True,
                )
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
            child.wait()
        if show:
            print(file=sys.stderr)
        frontier.clear()
    return next((child.returncode for child in children if child.returncode), 0)


def _progress(archive_dir: Path) -> str:
    """Counts from the crawl's SQLite index, read-only while the crawl writes it (WAL)."""
    index = archive_dir / "index.sqlite"
    if os.environ.get("GXCRAWL_DATABASE_URL") or not index.exists():
        return "crawling…"
    try:
        with closing(sqlite3.connect(f"{index.resolve().as_uri()}?mode=ro", uri=True, timeout=0.2)) as db:
            pages = db.execute("SELECT count(*) FROM capture").fetchone()[0]
            reports = db.execute("SELECT count(*) FROM report").fetchone()[0]
    except sqlite3.Error:
        return "crawling…"
    return f"{pages} responses archived, {reports} reports parsed"


def browser_available() -> bool:
    from gxcrawl.crawl.middlewares.render import find_chromium

    return find_chromium(os.environ.get("GXCRAWL_CHROMIUM") or None) is not None


def _records_by_url(archive: Archive) -> dict[str, dict[str, Any]]:
    from sqlalchemy import select

    with archive.session() as session:
        rows = session.execute(
            select(DocumentSource.url, Report.record).join(Report, Report.document_id == DocumentSource.document_id)
        )
        return {url: record for url, record in rows}


def check_against_manifest(
    manifest: dict[str, Any], coverage: dict[str, Any], records: dict[str, dict[str, Any]], *, browser: bool
) -> list[tuple[str, bool, str]]:
    """(check, passed, detail) rows: reports found, distractors, blocked pages, parsed values."""
    found = {r["url"]: r for r in coverage["reports"]}
    expected = [
        r
        for r in manifest["reports"]
        if browser
        or not r.get("needs_browser")
        and not next((s for s in manifest["sites"] if s["id"] == r["portal"] and s.get("render")), None)
    ]
    missed = [r["url"] for r in expected if r["url"] not in found]
    checks = [("every report URL found", not missed, f"{len(expected) - len(missed)}/{len(expected)}")]
    distractors = {d["url"] for d in manifest["distractors"]}
    taken = [u for u in found if u in distractors]
    checks.append(("no distractor taken for a report", not taken, f"{len(taken)} of {len(distractors)} distractors"))
    want_blocked = {(b["url"], b["reason"]) for b in manifest["blocked"]}
    got_blocked = {(b["url"], b["reason"]) for b in coverage["blocked"]}
    checks.append(
        (
            "every blocked page recorded with its reason",
            want_blocked <= got_blocked,
            f"{len(want_blocked & got_blocked)}/{len(want_blocked)}",
        )
    )
    values, wrong = 0, 0
    for report in expected:
        truth = report.get("truth")
        item = found.get(report["url"])
        if truth is None or item is None:
            continue
        record = records.get(target_uri(item["item_url"])) or {}
        # cells a correct parser may leave null (never fill with another number): page rendering or parsed attachment
        uncertain = set(report.get("uncertain_cells") or []) | set(
            (report.get("attachment_uncertain_cells") or {}).get(item["item_url"]) or []
        )
        for table in ("active", "applications", "appeals"):
            for row, cols in (truth.get(table) or {}).items():
                for col, value in (cols or {}).items():
                    values += 1
                    got = ((record.get(table) or {}).get(row) or {}).get(col)
                    wrong += got != value and not (got is None and f"{table}.{row}.{col}" in uncertain)
    checks.append(("parsed table values equal the manifest's", wrong == 0, f"{values - wrong}/{values} values"))
    return checks


def run_demo(
    *,
    sites: int | None,
    seed: int,
    archive_dir: str | Path,
    browser: bool,
    reports_per_site: int | None = None,
    processes: int = 1,
) -> int:
    from gxcrawl.corpus.crossyear import refresh_cross_year
    from gxcrawl.corpus.export import export_corpus
    from gxcrawl.demo import DemoPortal
    from gxcrawl.quality import build_site
    from gxcrawl.quality.portals import portal_directory

    archive_dir = Path(archive_dir).resolve()
    archive_dir.mkdir(parents=True, exist_ok=True)
    redis_url = os.environ.get("GXCRAWL_REDIS_URL") or ""
    database_url = os.environ.get("GXCRAWL_DATABASE_URL") or None
    if processes > 1:
        from gxcrawl.crawl.cluster.launch import check_services
        from gxcrawl.crawl.cluster.state import ServiceUnavailable

        try:
            check_services(redis_url, database_url)
        except ServiceUnavailable as exc:
            print(f"gxcrawl demo: error: --processes {processes}: {exc}", file=sys.stderr)
            return 2
        Archive.open(archive_dir, database_url).close()  # the schema, once, before the processes start
        for old in archive_dir.glob("coverage-*.json"):
            old.unlink()
    no_browser_note = None
    if browser and not browser_available():
        # an optional extra, not a failure: the JS-only site is left out of the checks, and we say how to add it
        where = os.environ.get("GXCRAWL_CHROMIUM")
        no_browser_note = (
            f"no Chromium {'at ' + where if where else 'on PATH'}: the JS-only demo site is not "
            "checked. To include it: apt-get install chromium (or set GXCRAWL_CHROMIUM to a "
            "Chromium binary)."
        )
        print(f"note: {no_browser_note}", flush=True)
        browser = False
    started = time.monotonic()
    with DemoPortal(
        sites=sites, seed=seed, out_dir=archive_dir / "demo-portal", reports_per_site=reports_per_site
    ) as portal:
        manifest = portal.manifest
        how = (
            f"{processes} processes of scrapy crawl portals on one Redis frontier"
            if processes > 1
            else "scrapy crawl portals"
        )
        print(
            f"demo portal: {len(manifest['sites'])} sites on 127.0.0.x; crawling with {how} "
            f"({'with' if browser else 'without'} the browser)…",
            flush=True,
        )
        if processes > 1:
            rc = _crawl_cluster(
                portal.registry_path,
                archive_dir,
                browser=browser,
                processes=processes,
                redis_url=redis_url,
                database_url=str(database_url),
            )
        else:
            rc = _crawl(portal.registry_path, archive_dir, browser=browser)
    if rc != 0:
        log = archive_dir / ("crawl-*.log" if processes > 1 else "crawl.log")
        print(f"gxcrawl demo: the crawl failed (exit {rc}); see {log}", file=sys.stderr)
        return rc
    if processes > 1:
        from gxcrawl.crawl.cluster.launch import merge_coverage

        coverage = merge_coverage(archive_dir.glob("coverage-*.json"))
        (archive_dir / "coverage.json").write_text(json.dumps(coverage, ensure_ascii=False, indent=1), "utf-8")
    else:
        coverage = json.loads((archive_dir / "coverage.json").read_text(encoding="utf-8"))
    export_path = archive_dir / "export" / "reports.jsonl"
    export_path.parent.mkdir(parents=True, exist_ok=True)
    quality_dir = archive_dir / "quality"
    with Archive.open(archive_dir, database_url) as archive:
        records = _records_by_url(archive)
        refresh_cross_year(archive)
        with archive.session() as session, export_path.open("w", encoding="utf-8") as out:
            exported = export_corpus(session, out, fmt="jsonl", progress=False)
        with archive.session() as session:
            build_site(session, archive_dir, quality_dir, directory=portal_directory(session))

    print(f"\ncrawl finished in {time.monotonic() - started:.0f} s\n\nreports found per site and year:")
    per_site: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for report in coverage["reports"]:
        per_site[report["portal"]][str(report.get("report_year"))] += 1
    for site in manifest["sites"]:
        years = per_site.get(site["id"], {})
        line = ", ".join(f"{y}: {n}" for y, n in sorted(years.items())) or "none"
        print(f"  {site['id']:<22} {sum(years.values()):>3}  ({line})")
    print("\nblocked pages (archived, not parsed):")
    for blocked in coverage["blocked"] or [{"url": "none", "reason": ""}]:
        print(f"  {blocked['reason']:<15} {blocked['url']}")
    if coverage["unrendered"]:
        print(f"\npages not rendered (no browser): {len(coverage['unrendered'])}")
        for page in coverage["unrendered"][:10]:
            print(f"  {page['url']}")
    checks = check_against_manifest(manifest, coverage, records, browser=browser)
    print("\nchecks against the demo portal's manifest:")
    for name, passed, detail in checks:
        print(f"  [{'PASS' if passed else 'FAIL'}] {name} ({detail})")
    if no_browser_note:
        print(f"  [SKIP] JS-only sites ({no_browser_note})")
    where = (
        "the PostgreSQL index, crawl logs crawl-N.log"
        if processes > 1
        else "index in index.sqlite, crawl log crawl.log"
    )
    print(f"\narchive: {archive_dir} (WARC files in warcs/, {where})")
    print(f"export:  {export_path} ({exported} reports)")
    print(f"quality report: {(quality_dir / 'index.html').as_uri()} (coverage, failed checks, every report)")
    return 0 if all(passed for _, passed, _ in checks) else 1
