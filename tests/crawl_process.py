"""`scrapy crawl portals` in its own process, as a user runs it: the settings and the run the end-to-end tests
share."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRAPY = str(Path(sys.executable).with_name("scrapy"))

# the six statutory headings, each with a sentence: the body of the smallest page the parser takes for a report
SECTIONS = "".join(
    f"<p>{h}</p><p>本年度情况说明。</p>"
    for h in (
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    )
)

# politeness off: the demo portal and the test sites are on loopback and answer at once
QUICK = [
    "-s",
    "DOWNLOAD_DELAY=0",
    "-s",
    "AUTOTHROTTLE_ENABLED=0",
    "-s",
    "GX_CRAWL_DELAY_ENABLED=0",
    "-s",
    "GX_RETRY_BACKOFF_BASE=0",
    "-s",
    "LOG_LEVEL=INFO",
    "-s",
    "TELNETCONSOLE_ENABLED=0",
]
# and no browser, reports parsed in the crawl process itself
FAST = [*QUICK, "-s", "GX_RENDER_ENABLED=0", "-s", "GX_PARSE_WORKERS=0"]


def run_portals_crawl(
    registry: Path, archive: Path, *settings: str, portals: str | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """The real spider over `registry` (only `portals`, when given) into `archive` on its own SQLite index, with
    FAST and then `settings`; fails the test when it exits non-zero or logs a traceback."""
    cmd = [SCRAPY, "crawl", "portals", "-a", f"registry={registry}"]
    if portals:
        cmd += ["-a", f"portals={portals}"]
    cmd += ["-s", f"GX_ARCHIVE_DIR={archive}", *FAST, *settings]
    env = {**os.environ, "GXCRAWL_DATABASE_URL": ""}
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[result.stderr.index("Traceback") - 200 :][:4000]
    return result
