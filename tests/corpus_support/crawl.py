"""Run tests.corpus_support.runner in a subprocess (bounded by a timeout) and read back what it saw."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class CrawlResult:
    stats: dict[str, Any]
    settings: dict[str, Any]
    seen: list[dict[str, Any]]
    reports: list[dict[str, Any]]
    log: str

    def seen_by_url(self) -> dict[str, dict[str, Any]]:
        return {s["url"]: s for s in self.seen}


def run_crawl(
    out: Path,
    archive: Path,
    start_urls: list[str],
    *,
    database_url: str | None = None,
    settings: dict[str, Any] | None = None,
    timeout: float = 180,
    check: bool = True,
    spider: str | None = None,
    spider_args: dict[str, str] | None = None,
) -> CrawlResult:
    out.mkdir(parents=True, exist_ok=True)
    config = out / "config.json"
    config.write_text(
        json.dumps(
            {
                "archive": str(archive),
                "database_url": database_url,
                "start_urls": start_urls,
                "settings": settings or {},
                "out": str(out),
                "spider": spider,
                "spider_args": spider_args or {},
            }
        )
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("GXCRAWL_DATABASE_URL", None)
    log_path = out / "crawl.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.corpus_support.runner", str(config)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            code = process.wait(timeout=timeout)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    text = log_path.read_text(errors="replace")
    if not check:
        return CrawlResult({"_exit": code}, {}, [], [], text)
    assert code == 0, f"crawl exited {code}:\n{text[-4000:]}"
    return CrawlResult(
        json.loads((out / "stats.json").read_text()),
        json.loads((out / "settings.json").read_text()),
        _jsonl(out / "seen.jsonl"),
        _jsonl(out / "reports.jsonl"),
        text,
    )


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
