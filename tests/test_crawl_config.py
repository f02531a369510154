"""`scrapy crawl portals` checks its settings and arguments before anything starts: one line naming the
problem, exit 2, no traceback, nothing created; and the settings derived at start follow `-s`."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from archive_support.crawl import run_crawl
from archive_support.server import LoopbackServer, Route
from scrapy.addons import AddonManager
from scrapy.crawler import Crawler
from scrapy.settings import Settings
from scrapy.spiders import Spider

from gxcrawl.crawl.config import PLACEHOLDER_CONTACT, RULES
from gxcrawl.crawl.middlewares.render import find_chromium

ROOT = Path(__file__).resolve().parent.parent


def _crawl(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    cmd = [
        sys.executable,
        "-m",
        "scrapy.cmdline",
        "crawl",
        "portals",
        "-s",
        "LOG_LEVEL=ERROR",
        "-s",
        "TELNETCONSOLE_ENABLED=0",
        *args,
    ]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})})


BAD = [
    (["-s", "GX_PARSE_TIMEOUT=0"], "GX_PARSE_TIMEOUT"),
    (["-s", "GX_PARSE_TIMEOUT=-1"], "GX_PARSE_TIMEOUT"),
    (["-s", "GX_PARSE_MEMORY_MB=-1"], "GX_PARSE_MEMORY_MB"),
    (["-s", "GX_PARSE_MEMORY_MB=64"], "GX_PARSE_MEMORY_MB"),
    (["-s", "GX_PARSE_MEMORY_MB=2G"], "GX_PARSE_MEMORY_MB"),
    (["-s", "GX_PARSE_WORKERS=500"], "GX_PARSE_WORKERS"),
    (["-s", "GX_WARC_MAX_SIZE=abc"], "GX_WARC_MAX_SIZE"),
    (["-s", "GX_WARC_MAX_SIZE=0"], "GX_WARC_MAX_SIZE"),
    (["-s", "GX_WARC_PREFIX=../../x"], "GX_WARC_PREFIX"),
    (["-s", "GX_ARCHIVE_DIR="], "GX_ARCHIVE_DIR"),
    (["-s", "GX_RENDER_ENABLED=maybe"], "GX_RENDER_ENABLED"),
    (["-s", "GX_GC_THRESHOLDS=1,2"], "GX_GC_THRESHOLDS"),
    (["-s", "GX_REPLAY_AT=yesterday"], "GX_REPLAY_AT"),
    (["-s", "GX_CONTACT_URL=me"], "GX_CONTACT_URL"),
    (["-s", "GX_DATABASE_URL=nosuchdb://x"], "GX_DATABASE_URL"),
    (["-a", "portals=no-such-portal"], "no-such-portal"),
]


@pytest.mark.parametrize(("args", "named"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_a_bad_setting_stops_the_crawl_with_one_line(tmp_path: Path, args: list[str], named: str) -> None:
    archive = tmp_path / "archive"
    extra = [] if any(a.startswith("GX_ARCHIVE_DIR") for a in args) else ["-s", f"GX_ARCHIVE_DIR={archive}"]
    result = _crawl(tmp_path, *extra, *args)
    assert result.returncode == 2, result.stderr[-2000:]
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and named in errors[0], result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert not archive.exists()  # nothing started, nothing written


def test_an_unreachable_database_stops_the_crawl(tmp_path: Path) -> None:
    with LoopbackServer() as server:  # a port that answers HTTP, not PostgreSQL: bound, so nothing else is there
        port = server.url("/").split(":")[2].split("/")[0]
    result = _crawl(
        tmp_path,
        "-s",
        f"GX_ARCHIVE_DIR={tmp_path / 'a'}",
        "-s",
        f"GX_DATABASE_URL=postgresql+psycopg://nobody@127.0.0.1:{port}/none",
    )
    assert result.returncode == 2
    assert "GX_DATABASE_URL: cannot connect" in result.stderr and "Traceback" not in result.stderr


def test_a_registry_that_is_not_json_stops_the_crawl(tmp_path: Path) -> None:
    registry = tmp_path / "registry.json"
    registry.write_text("{ not json", encoding="utf-8")
    result = _crawl(tmp_path, "-a", f"registry={registry}", "-s", f"GX_ARCHIVE_DIR={tmp_path / 'a'}")
    assert result.returncode == 2
    assert "is not valid JSON" in result.stderr and "Traceback" not in result.stderr


def test_an_archive_path_under_a_file_stops_the_crawl(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("a file", encoding="utf-8")
    result = _crawl(tmp_path, "-s", f"GX_ARCHIVE_DIR={tmp_path / 'plain' / 'archive'}")
    assert result.returncode == 2
    assert "is a file, not a directory" in result.stderr


def test_replay_of_a_missing_archive_names_it_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "no-archive"
    result = _crawl(tmp_path, "-s", "GX_REPLAY=1", "-s", f"GX_ARCHIVE_DIR={missing}")
    assert result.returncode == 2
    assert str(missing) in result.stderr and "nothing to replay" in result.stderr
    assert not missing.exists()


def _settings_names() -> set[str]:
    tree = ast.parse((ROOT / "gxcrawl" / "settings.py").read_text(encoding="utf-8"))
    return {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and target.id.startswith("GX_")
    }


def test_every_gx_setting_has_a_rule() -> None:
    names = _settings_names()
    assert len(names) >= 20
    assert names == set(RULES)


def _applied(**overrides: object) -> Settings:
    settings = Settings()
    settings.setmodule("gxcrawl.settings", priority="project")
    settings.setdict(overrides, priority="cmdline")
    AddonManager(Crawler(Spider, settings)).load_settings(settings)
    return settings


def test_the_user_agent_follows_the_contact_url_given_on_the_command_line() -> None:
    assert (
        "https://example.org/crawl-contact"
        in _applied(GX_CONTACT_URL="https://example.org/crawl-contact")["USER_AGENT"]
    )
    assert PLACEHOLDER_CONTACT in _applied()["USER_AGENT"]
    assert _applied(USER_AGENT="mine/1.0")["USER_AGENT"] == "mine/1.0"  # an explicit USER_AGENT wins


def test_the_browser_path_given_on_the_command_line_is_used_at_start(tmp_path: Path) -> None:
    off = _applied(GX_CHROMIUM_PATH=str(tmp_path / "no-chromium"))
    assert "scrapy_playwright" not in str(off.getdict("DOWNLOAD_HANDLERS"))
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("no Chromium installed")
    on = _applied(GX_CHROMIUM_PATH=chromium)
    assert "scrapy_playwright" in str(on.getdict("DOWNLOAD_HANDLERS")["http"])
    assert on.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")["executable_path"] == chromium


def test_a_crawl_sends_the_configured_contact_and_warns_on_the_placeholder(tmp_path: Path) -> None:
    with LoopbackServer() as server:
        url = server.route("/a.html", Route(b"<html><body><p>page</p></body></html>"))
        stats = run_crawl(
            tmp_path,
            tmp_path / "mine",
            [{"url": url, "portal": "demo"}],
            database_url=None,
            settings={"GX_CONTACT_URL": "https://example.org/crawl-contact", "LOG_LEVEL": "INFO"},
            name="mine",
        )
        placeholder = run_crawl(
            tmp_path,
            tmp_path / "placeholder",
            [{"url": url, "portal": "demo"}],
            database_url=None,
            settings={"LOG_LEVEL": "INFO"},
            name="placeholder",
        )
        agents = [dict(sent.request_headers).get("User-Agent", "") for sent in server.sent_for("/a.html")]
    assert any("https://example.org/crawl-contact" in agent for agent in agents), agents
    assert "GX_CONTACT_URL is still the placeholder" in placeholder["_log"]
    assert "GX_CONTACT_URL is still the placeholder" not in stats["_log"]


def test_an_unknown_spider_argument_names_the_valid_ones(tmp_path: Path) -> None:
    result = _crawl(tmp_path, "-a", "portal=gd", "-s", f"GX_ARCHIVE_DIR={tmp_path / 'a'}")
    assert result.returncode == 2
    assert "unknown argument(s) -a portal" in result.stderr and "-a portals=ID,ID" in result.stderr
    assert not (tmp_path / "a").exists()


def test_an_unknown_portal_id_suggests_the_near_one(tmp_path: Path) -> None:
    result = _crawl(tmp_path, "-a", "portals=gdd", "-s", f"GX_ARCHIVE_DIR={tmp_path / 'a'}")
    assert result.returncode == 2 and "did you mean gd?" in result.stderr
