"""ReplayWeb.page for the WACZ tests: its npm package, fetched on first use, and a static site on loopback that
embeds it the way its embedding guide says (`ui.js` on the page, `sw.js` as the service worker under `replay/`).

The package is fetched with `npm pack` into .venv/replaywebpage-<version> (or set GXCRAWL_REPLAYWEBPAGE_DIR to a
directory holding its `ui.js` and `sw.js`).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, unavailable

VERSION = "2.5.3"
PACKAGE_DIR = ROOT / ".venv" / f"replaywebpage-{VERSION}"


@pytest.fixture(name="replaywebpage_dir", scope="session")
def replaywebpage_dir_fixture() -> Path:
    """The directory of ReplayWeb.page's `ui.js` and `sw.js` (a test module imports this to use it)."""
    if os.environ.get("GXCRAWL_REPLAYWEBPAGE_DIR"):
        return Path(os.environ["GXCRAWL_REPLAYWEBPAGE_DIR"])
    if not (PACKAGE_DIR / "sw.js").exists():
        npm = shutil.which("npm")
        if npm is None:
            unavailable("npm not installed: it fetches ReplayWeb.page (apt-get install npm)")
        fetched = PACKAGE_DIR.with_name(PACKAGE_DIR.name + ".fetch")
        shutil.rmtree(fetched, ignore_errors=True)
        fetched.mkdir(parents=True)
        try:
            subprocess.run(
                [npm, "pack", "--silent", f"replaywebpage@{VERSION}"],
                cwd=fetched,
                check=True,
                timeout=300,
                stdout=subprocess.DEVNULL,
            )
            with tarfile.open(next(fetched.glob("replaywebpage-*.tgz"))) as archive:
                for name in ("ui.js", "sw.js"):
                    member = archive.extractfile(f"package/{name}")
                    assert member is not None
                    (fetched / name).write_bytes(member.read())
        except (subprocess.SubprocessError, OSError, StopIteration, KeyError) as exc:
            unavailable(f"cannot fetch ReplayWeb.page {VERSION} with npm: {exc}")
        shutil.rmtree(PACKAGE_DIR, ignore_errors=True)
        fetched.rename(PACKAGE_DIR)  # only a complete download takes the final name
    return PACKAGE_DIR


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def replay_site(package: Path, wacz: Path, site: Path, url: str) -> Iterator[str]:
    """A page embedding ReplayWeb.page on `url` of `wacz`, served on loopback; yields the page's address."""
    (site / "replay").mkdir(parents=True)
    shutil.copy(package / "ui.js", site / "ui.js")
    shutil.copy(package / "ui.js", site / "replay" / "ui.js")  # the replay frame's page loads it from there
    shutil.copy(package / "sw.js", site / "replay" / "sw.js")
    shutil.copy(wacz, site / wacz.name)
    (site / "index.html").write_text(
        '<!doctype html><html><head><meta charset="utf-8"><script src="ui.js"></script></head><body>'
        f'<replay-web-page source="{wacz.name}" url="{url}" replayBase="replay/" embed="replayonly"'
        ' style="display:block;height:700px"></replay-web-page></body></html>',
        encoding="utf-8",
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()
        server.server_close()
