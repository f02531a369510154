"""Render the quality report: index.html (coverage matrix, plots, crawl runs), one page per portal and per report,
checks.html, with local CSS/JS only.

Report pages are the bulk of the work: they are written by a pool of worker processes (`jobs`, default one per
CPU), from batches the main process reads from the index in keyset order, so memory stays flat at any size. A
report page's tables and check rows (hundreds of cells) are built in Python, not in template loops, which made
them five times slower. A page whose inputs are unchanged since the last build is not written again (manifest.py).
The index and portal pages come last, from the totals and the manifest.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import UTC, datetime
from functools import lru_cache
from html import escape
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import orjson
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from gxcrawl.archive.reader import RecordReader
from gxcrawl.corpus.crossyear import SCOPE, refresh_cross_year
from gxcrawl.corpus.query import count_documents, iter_export_rows, open_existing_archive
from gxcrawl.corpus.writers import with_progress
from gxcrawl.quality import gather
from gxcrawl.quality.checks import EXPLANATIONS, STATUSES, check_key, involved_cells
from gxcrawl.quality.manifest import Manifest
from gxcrawl.quality.originals import MAX_ORIGINAL_BYTES, write_original
from gxcrawl.quality.portals import PortalInfo, portal_directory, unknown_portal
from gxcrawl.report import vocab

PACKAGE = Path(__file__).resolve().parent
STATIC = PACKAGE / "static"
TABLE_TITLES = {
    "active": "二、主动公开政府信息情况 (active disclosure)",
    "applications": "三、收到和处理政府信息公开申请情况 (applications)",
    "appeals": "四、政府信息公开行政复议、行政诉讼情况 (reviews and lawsuits)",
    "pre2019": "统计表 (pre-2019 statistics sheet)",
}
_REGEX_BITS = re.compile(r"\(\?<=\[[^\]]*\]\)|\(\?<=[^)]*\)|\(\?:|\[[^\]]*\]\??|\\\(|\\\)|\{[^}]*\}|[?\\]")
WORK_CHUNK = 25  # reports per task sent to a worker process


def _plain_label(pattern: str) -> str:
    return _REGEX_BITS.sub("", pattern).replace("(", "").replace(")", "").replace("|", "/")


ROW_LABELS: dict[str, str] = {}
for _spec in (*vocab.ACTIVE_2019, *vocab.ACTIVE_2021, *vocab.APPLICATIONS_2019, *vocab.APPLICATIONS_2021):
    if _spec.key:
        ROW_LABELS.setdefault(_spec.key, (f"{_spec.ordinal} " if _spec.ordinal else "") + _plain_label(_spec.label))


def _when(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if isinstance(moment, datetime) else (moment or "")[:16].replace("T", " ")


def _num(value: Any) -> str:
    return "" if value is None else (f"{value:,}" if isinstance(value, int) else f"{value:,.2f}")


@lru_cache(maxsize=1)
def _environment() -> Environment:
    """The templates, compiled once per process."""
    env = Environment(
        loader=PackageLoader("gxcrawl.quality", "templates"),
        autoescape=select_autoescape(),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["num"] = _num
    return env


@lru_cache(maxsize=1)
def render_version() -> bytes:
    """A digest of what turns inputs into pages (this package's code, templates and static files): a change to
    any of them rebuilds every page."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".html", ".css", ".js"):
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.digest()


def inputs_hash(item: gather.ReportInput, portal: PortalInfo) -> str:
    """The hash of everything a report page is made of: equal hashes, equal pages."""
    row = item.row
    digest = hashlib.blake2b(render_version(), digest_size=20)
    digest.update(row.record_json.encode("utf-8"))
    digest.update(
        orjson.dumps(
            [
                row.fields,
                row.cross_year_checks,
                item.versions,
                list(portal.__slots__),
                [getattr(portal, k) for k in portal.__slots__],
            ],
            default=str,
        )
    )
    return digest.hexdigest()


def _attr(value: Any) -> str:
    text = str(value)
    return text if text.isalnum() else escape(text, quote=True)  # letters and digits (any script) need none


def _number_html(value: Any) -> str:
    """A cell value as the page shows it: a number needs no escaping (digits, commas, a sign and a point)."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return _num(value)
    return _attr(value)


def table_html(name: str, record: dict[str, Any], marks: dict[tuple[str, str, str], list]) -> str:
    """A table of the record: a row per row key, a cell per column, each cell naming the checks it is involved in
    (data-checks, for the page's script), marked when one of them fails, with its printed text as a tooltip.
    Written as strings (a page has hundreds of cells): names are escaped once per table, values once per cell."""
    values = record.get(name) or {}
    raws: dict[tuple[str, str], dict[str, Any]] = {}
    labels: dict[str, str] = {}
    for c in record.get("cells") or []:
        if c.get("table") == name:
            raws[(c.get("row"), c.get("col"))] = c
            if c.get("label") and c.get("row") not in labels:
                labels[c.get("row")] = c["label"]
    columns: dict[str, str] = {}  # column -> its name escaped
    for cols in values.values():
        for col in cols or {}:
            if col not in columns:
                columns[col] = _attr(col)
    table = _attr(name)
    kinds: dict[Any, str] = {}  # a cell's kind escaped: a handful of values
    out = [
        f'<h2>{escape(TABLE_TITLES[name])}</h2>\n<table class="data" id="table-{table}">\n<thead><tr><th>row</th>',
        *(f"<th>{col}</th>" for col in columns.values()),
        "</tr></thead>\n<tbody>",
    ]
    for row, cols in values.items():
        cols = cols or {}
        row_html = _attr(row)
        label = labels.get(row) or ROW_LABELS.get(row, "")
        out.append(f'<tr data-row="{row_html}"><th><code>{row_html}</code> <small>{_attr(label)}</small></th>\n')
        for col, col_html in columns.items():
            mark = marks.get((name, row, col))
            if mark:
                keys = _attr(" ".join(sorted(mark[0])))
                classes = "involved failed" if mark[1] else "involved"
            else:
                keys = classes = ""
            if col not in cols:
                classes = f"{classes} absent" if classes else "absent"
            raw = raws.get((row, col))
            printed = raw.get("raw") if raw else None
            if printed is None:
                title = ""
            else:
                kind = raw.get("kind")
                title = f' title="printed: {_attr(printed)} ({kinds.get(kind) or kinds.setdefault(kind, _attr(kind))})"'
            value = cols.get(col)
            out.append(
                f'<td data-cell="{table}.{row_html}.{col_html}" data-checks="{keys}" class="{classes}"{title}>'
                f"{_num(value) if value is None or type(value) in (int, float) else _attr(value)}</td>"
            )
        out.append("</tr>")
    out.append("</tbody>\n</table>\n")
    return "".join(out)


def check_rows_html(views: list[dict[str, Any]], root: str) -> str:
    """The rows of a checks table: id (linking to its explanation), scope, status, both sides and their cells."""
    out = []
    for c in views:
        anchor = c["id"][:2] if c["id"].startswith("H4") else c["id"]
        scope = escape(str(c["scope"]))
        if c.get("column"):
            scope += f" · {escape(str(c['column']))}"
        if c.get("other_report_year"):
            scope += f" · with {escape(str(c['other_report_year']))}"
            if c.get("other_slug"):
                scope += f' (<a href="{_attr(c["other_slug"])}.html">report</a>)'
        sides = []
        for side in ("left", "right"):
            cells = c[f"{side}_cells"]
            small = f"<small> = {escape(' + '.join(cells))}</small>" if cells else ""
            sides.append(f'<td class="side {side}">{_number_html(c.get(side))}{small}</td>')
        out.append(
            f'<tr class="check" data-key="{_attr(c["key"])}" data-status="{_attr(c["status"])}">\n'
            f'<td><a href="{root}/checks.html#{_attr(anchor)}">{escape(str(c["id"]))}</a></td>\n'
            f'<td>{scope}</td>\n<td><span class="status {_attr(c["status"])}">{escape(str(c["status"]))}</span>'
            f"</td>\n{sides[0]}\n{sides[1]}\n</tr>\n"
        )
    return "".join(out)


def report_context(
    record: dict[str, Any],
    summary: gather.ReportSummary,
    versions: list[dict[str, Any]],
    portal: PortalInfo,
    original: str | None,
    root: str = "..",
) -> dict[str, Any]:
    checks = [c for c in record.get("checks") or [] if c.get("scope") != SCOPE]
    cross = [c for c in record.get("checks") or [] if c.get("scope") == SCOPE]
    marks: dict[tuple[str, str, str], list] = {}  # cell -> [check keys, any of them failing]
    views = []
    for check in [*checks, *cross]:
        left, right = involved_cells(check, record)
        key = check_key(check) if check.get("scope") != SCOPE else f"{check['id']}:{check.get('column')}"
        view = {
            **check,
            "key": key,
            "left_cells": [f"{r}.{c}" for _, r, c in left],
            "right_cells": [f"{r}.{c}" for _, r, c in right],
        }
        if check.get("other_text_sha256"):
            view["other_slug"] = gather.report_slug(check["other_text_sha256"])
        views.append(view)
        for cell in (*left, *right):
            mark = marks.setdefault(cell, [set(), False])
            mark[0].add(key)
            mark[1] = mark[1] or check["status"] == "fail"
    tables = "".join(
        table_html(name, record, marks) for name in ("active", "applications", "appeals", "pre2019") if record.get(name)
    )
    return {
        "root": root,
        "record": record,
        "summary": summary,
        "portal": portal,
        "tables": Markup(tables),
        "check_rows": Markup(check_rows_html(views[: len(checks)], root)),
        "cross_rows": Markup(check_rows_html(views[len(checks) :], root)) if cross else None,
        "versions": versions,
        "original": original,
        "unplaced": [c for c in record.get("cells") or [] if c.get("col") is None],
    }


# --- report pages, in worker processes (or in this one) ----------------------------------------------------------
_WORKER: dict[str, Any] = {}


def _start_worker(archive_root: Path, out: Path) -> None:
    _WORKER.update(out=out, reader=RecordReader(archive_root, max_payload=MAX_ORIGINAL_BYTES))


def _stop_worker() -> None:
    if reader := _WORKER.pop("reader", None):
        reader.close()


def write_report_pages(
    tasks: list[tuple[gather.ReportInput, PortalInfo, str]],
) -> list[tuple[gather.ReportSummary, str, str | None]]:
    """Write the page and the original of each report; (summary, inputs hash, original file) of each."""
    out: Path = _WORKER["out"]
    page = _environment().get_template("report.html")
    done = []
    for item, portal, inputs in tasks:
        record = item.row.record()
        summary = gather.summarise(record, item.portal)
        original = write_original(
            _WORKER["reader"], record["warc"], record.get("content_type"), out / "originals" / summary.slug
        )
        (out / "reports" / f"{summary.slug}.html").write_text(
            page.render(report_context(record, summary, item.versions, portal, original)), encoding="utf-8"
        )
        done.append((summary, inputs, original))
    return done


def _warc_order(task: tuple[gather.ReportInput, PortalInfo, str]) -> tuple[str, int]:
    warc = task[0].row.fields["warc"]
    return warc["file"], warc["offset"]


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def build_site(
    session: Any,
    archive_root: Path,
    out: Path,
    *,
    directory: dict[str, PortalInfo],
    progress: bool = False,
    jobs: int | None = None,
) -> dict[str, Any]:
    """Write the site for the index behind `session` into `out`; returns the totals it shows. `jobs`: worker
    processes for the report pages (default one per CPU; 1 writes them in this process)."""
    env = _environment()
    out.mkdir(parents=True, exist_ok=True)
    for sub in ("reports", "originals", "portals", "static"):
        (out / sub).mkdir(exist_ok=True)
    for asset in STATIC.iterdir():
        shutil.copyfile(asset, out / "static" / asset.name)
    jobs = max(1, jobs or default_jobs())
    totals = gather.Totals()
    manifest = Manifest(out)
    pool = (
        ProcessPoolExecutor(
            jobs, mp_context=get_context("spawn"), initializer=_start_worker, initargs=(archive_root, out)
        )
        if jobs > 1
        else None
    )
    pending: deque[Future] = deque()

    def portal_of(portal_id: str) -> PortalInfo:
        return directory.get(portal_id) or unknown_portal(portal_id)

    def collect(done: list[tuple[gather.ReportSummary, str, str | None]]) -> None:
        manifest.written(done)
        for summary, _, _ in done:
            totals.add(summary, portal_of(summary.portal).level)

    rows = iter_export_rows(session)
    if progress:
        rows = with_progress(rows, total=count_documents(session), desc="quality")
    try:
        if pool is None:
            _start_worker(archive_root, out)
        for batch in gather.iter_report_batches(session, rows):
            portals = [portal_of(item.portal) for item in batch]
            tasks = [(item, portal, inputs_hash(item, portal)) for item, portal in zip(batch, portals, strict=True)]
            unchanged = manifest.unchanged(inputs for _, _, inputs in tasks)
            for summary, _ in unchanged.values():
                totals.add(summary, portal_of(summary.portal).level)
            todo = sorted((t for t in tasks if t[2] not in unchanged), key=_warc_order)  # each WARC read in order
            for start in range(0, len(todo), WORK_CHUNK):
                chunk = todo[start : start + WORK_CHUNK]
                if pool is None:
                    collect(write_report_pages(chunk))
                    continue
                pending.append(pool.submit(write_report_pages, chunk))
                while len(pending) > 2 * jobs:  # bounded: a few chunks in flight, never the whole index
                    collect(pending.popleft().result())
            manifest.commit()
        while pending:
            collect(pending.popleft().result())
        manifest.remove_stale()
        manifest.commit()

        from gxcrawl.quality import plots  # matplotlib: only here, not in every worker process

        blocked = gather.blocked_by_portal(session)
        unrendered = gather.unrendered_by_portal(session, archive_root)
        matrix = gather.matrix_rows(totals, directory, blocked, unrendered)
        years = sorted({y for _, y in totals.cells if y is not None}) + (
            [None] if any(y is None for _, y in totals.cells) else []
        )
        plot_files = {
            "levels": plots.reports_per_year_by_level(totals.per_year_level, out / "reports-per-year.svg"),
            "hard": plots.hard_pass_share(
                totals.hard_checked_per_year, totals.hard_passed_per_year, out / "hard-checks-per-year.svg"
            ),
            "applications": plots.applications_per_year(
                totals.received_per_year, totals.granted_per_year, out / "applications-per-year.svg"
            ),
        }
        portal_page = env.get_template("portal.html")
        rows_by_portal = {row.portal.id: row for row in matrix}

        def write_portal(row: gather.MatrixRow, listed: list[gather.ReportSummary]) -> None:
            (out / "portals" / f"{row.portal.id}.html").write_text(
                portal_page.render(root="..", row=row, reports=listed, blocked=blocked.get(row.portal.id, {})),
                encoding="utf-8",
            )

        for portal_id, listed in manifest.by_portal():
            write_portal(rows_by_portal.pop(portal_id), listed)
        for row in rows_by_portal.values():  # portals with blocked or unrendered pages only
            write_portal(row, [])
    finally:
        manifest.close()
        if pool is None:
            _stop_worker()
        else:
            pool.shutdown(cancel_futures=True)
    column_totals = {y: sum(r.cells[y].reports for r in matrix if y in r.cells) for y in years}
    column_failed = {y: sum(r.cells[y].failed for r in matrix if y in r.cells) for y in years}
    summary = {
        "reports": totals.reports,
        "portals": len(matrix),
        "failed": totals.failed,
        "blocked": sum(r.blocked for r in matrix),
        "unrendered": sum(r.unrendered for r in matrix),
        "cross_failed": totals.cross_failed,
    }
    (out / "index.html").write_text(
        env.get_template("index.html").render(
            root=".",
            rows=matrix,
            years=years,
            column_totals=column_totals,
            column_failed=column_failed,
            totals=summary,
            plots=plot_files,
            runs=gather.crawl_runs(session),
            built=datetime.now(UTC),
        ),
        encoding="utf-8",
    )
    (out / "checks.html").write_text(
        env.get_template("checks.html").render(root=".", explanations=EXPLANATIONS, statuses=STATUSES), encoding="utf-8"
    )
    return summary


def run_quality(args: Any) -> int:
    """`gxcrawl quality`: refresh the cross-year checks, then write the site."""
    root = Path(args.archive)
    archive = open_existing_archive(root, args.database)
    try:
        refresh_cross_year(archive)
        with archive.session() as session:
            directory = portal_directory(session, args.registry)
            summary = build_site(
                session, archive.root, Path(args.out), directory=directory, progress=sys.stderr.isatty(), jobs=args.jobs
            )
    finally:
        archive.close()
    index = Path(args.out).resolve() / "index.html"
    print(
        f"gxcrawl quality: {summary['reports']} report(s) of {summary['portals']} portal(s); "
        f"{summary['failed']} fail a hard check; open {index.as_uri()}",
        file=sys.stderr,
    )
    return 0
