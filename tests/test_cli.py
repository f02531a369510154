"""The `gxcrawl` command as a user meets it: --version, help, options after the verb, one-line errors, and a
demo that runs without the optional browser."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from archive_support.server import LoopbackServer

from gxcrawl.cli import main

ROOT = Path(__file__).resolve().parent.parent


def _gxcrawl(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gxcrawl.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def test_version_and_help() -> None:
    version = _gxcrawl("--version")
    assert version.returncode == 0 and version.stdout.startswith("gxcrawl ")
    helptext = _gxcrawl("--help").stdout
    assert "scrapy crawl portals" in helptext and "examples:" in helptext


def test_archive_options_before_and_after_the_verb(tmp_path: Path, capsys) -> None:
    assert main(["archive", "init", "--archive", str(tmp_path / "after")]) == 0
    assert (tmp_path / "after" / "index.sqlite").exists()
    assert main(["archive", "--archive", str(tmp_path / "before"), "init"]) == 0
    assert (tmp_path / "before" / "index.sqlite").exists()


def test_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    with LoopbackServer() as server:
        port = server.url("/").split(":")[2].split("/")[0]
    for verb in (["export"], ["reparse"], ["archive", "check"]):
        result = _gxcrawl(
            *verb, "--archive", str(tmp_path), "--database", f"postgresql+psycopg://nobody@127.0.0.1:{port}/none"
        )
        assert result.returncode == 2, (verb, result.stderr[-1500:])
        assert "Traceback" not in result.stderr, verb
        assert result.stderr.strip().splitlines()[-1].startswith("gxcrawl: error:"), verb


def test_the_demo_without_a_browser_passes_and_says_how_to_add_it(tmp_path: Path) -> None:
    # six sites include the JS-only one; two reports each keep it quick
    result = _gxcrawl(
        "demo",
        "--sites",
        "6",
        "--reports-per-site",
        "2",
        "--archive",
        str(tmp_path / "a"),
        env={"GXCRAWL_CHROMIUM": str(tmp_path / "no-chromium")},
        timeout=400,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "[FAIL]" not in result.stdout
    assert "[SKIP] JS-only sites" in result.stdout and "apt-get install chromium" in result.stdout
