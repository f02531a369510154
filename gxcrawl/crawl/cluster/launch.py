"""Start several `scrapy crawl portals` processes on one frontier and one index, and read back what they saw
(`gxcrawl demo --processes N`, the scale tests and bench/scale.py use it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gxcrawl.crawl.cluster.state import ServiceUnavailable, connect


def check_services(redis_url: str | None, database_url: str | None) -> None:
    """ServiceUnavailable (one line) unless Redis and a server database for the index can be reached."""
    if not redis_url:
        raise ServiceUnavailable("no Redis frontier: set GXCRAWL_REDIS_URL (e.g. redis://127.0.0.1:6379/0)")
    if not database_url:
        raise ServiceUnavailable(
            "no shared index: set GXCRAWL_DATABASE_URL to a PostgreSQL URL "
            "(e.g. postgresql+psycopg://user@127.0.0.1:5432/gxcrawl)"
        )
    connect(redis_url).close()
    from scrapy.settings import Settings

    from gxcrawl.crawl.config import SettingsError, check_database

    try:
        check_database(Settings({"GX_DATABASE_URL": database_url}))
    except SettingsError as exc:
        raise ServiceUnavailable(str(exc)) from None


def crawl_command(registry: Path, archive_dir: Path, settings: dict[str, Any]) -> list[str]:
    """`scrapy crawl portals` with gxcrawl's settings and these overrides."""
    cmd = [
        sys.executable,
        "-m",
        "scrapy.cmdline",
        "crawl",
        "portals",
        "-a",
        f"registry={registry}",
        "-s",
        f"GX_ARCHIVE_DIR={archive_dir}",
    ]
    for name, value in settings.items():
        cmd += ["-s", f"{name}={value}"]
    return cmd


def start_crawlers(
    n: int,
    registry: Path,
    archive_dir: Path,
    settings: dict[str, Any],
    *,
    database_url: str | None = None,
    log_dir: Path | None = None,
) -> list[subprocess.Popen]:
    """`n` crawl processes; process i logs to <log_dir>/crawl-i.log and summarises into coverage-i.json."""
    log_dir = log_dir or archive_dir
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "gxcrawl.settings"}
    if database_url is not None:
        env["GXCRAWL_DATABASE_URL"] = database_url
    processes = []
    for i in range(n):
        own = {
            "LOG_FILE": log_dir / f"crawl-{i}.log",
            "GX_COVERAGE_FILE": archive_dir / f"coverage-{i}.json",
            **settings,
        }
        processes.append(
            subprocess.Popen(
                crawl_command(registry, archive_dir, own), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        )
    return processes


def merge_coverage(paths: Iterable[Path]) -> dict[str, Any]:
    """The union of the processes' coverage summaries (reports, blocked, unrendered pages, distractors)."""
    merged: dict[str, dict[Any, Any]] = {"reports": {}, "blocked": {}, "unrendered": {}, "distractors": {}}
    reasons = []
    for path in sorted(paths):
        summary = json.loads(Path(path).read_text(encoding="utf-8"))
        reasons.append(summary.get("close_reason"))
        for report in summary["reports"]:
            merged["reports"].setdefault(report["url"], report)
        for blocked in summary["blocked"]:
            merged["blocked"].setdefault((blocked["url"], blocked["reason"]), blocked)
        for page in summary["unrendered"]:
            merged["unrendered"].setdefault(page["url"], page)
        for distractor in summary.get("distractors", []):
            merged["distractors"].setdefault(distractor["url"], distractor)
    return {
        "reports": sorted(merged["reports"].values(), key=lambda r: r["url"]),
        "blocked": list(merged["blocked"].values()),
        "unrendered": list(merged["unrendered"].values()),
        "distractors": sorted(merged["distractors"].values(), key=lambda d: d["url"]),
        "close_reasons": reasons,
    }
