"""Start the crawl runner as a subprocess (a fresh reactor per crawl) and read its stats back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def crawl_config(
    tmp: Path,
    archive: Path,
    pages: list[dict[str, Any]],
    *,
    database_url: str | None,
    settings: dict[str, Any] | None = None,
    name: str = "crawl",
) -> Path:
    config = {
        "archive": str(archive),
        "database_url": database_url,
        "pages": pages,
        "settings": settings or {},
        "stats_out": str(tmp / f"{name}-stats.json"),
    }
    path = tmp / f"{name}.json"
    path.write_text(json.dumps(config))
    return path


def start_crawl(config: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("GXCRAWL_DATABASE_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "tests.archive_support.crawl_runner", str(config)],
        cwd=ROOT,
        env=env,
        stdout=open(log, "wb"),
        stderr=subprocess.STDOUT,
    )  # noqa: SIM115


def run_crawl(
    tmp: Path,
    archive: Path,
    pages: list[dict[str, Any]],
    *,
    database_url: str | None,
    settings: dict[str, Any] | None = None,
    name: str = "crawl",
    timeout: float = 180,
) -> dict[str, Any]:
    config = crawl_config(tmp, archive, pages, database_url=database_url, settings=settings, name=name)
    log = tmp / f"{name}.log"
    process = start_crawl(config, log)
    try:
        code = process.wait(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    text = log.read_text(errors="replace")
    assert code == 0, f"crawl {name} exited {code}:\n{text[-4000:]}"
    stats = json.loads((tmp / f"{name}-stats.json").read_text())
    stats["_log"] = text
    return stats
