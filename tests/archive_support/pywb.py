"""pywb for the replay tests: installed into its own venv on first use, and a `wayback` server on loopback.

pywb pins redis==2.10.6, so it cannot live in .venv: it is installed into .venv/pywb-env on first use
(or set GXCRAWL_PYWB_BIN to a directory holding `wb-manager` and `wayback`).
"""

from __future__ import annotations

import contextlib
import gzip
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, unavailable

PYWB_ENV = ROOT / ".venv" / "pywb-env"


@pytest.fixture(name="pywb_bin", scope="session")
def pywb_bin_fixture() -> Path:
    """The directory of pywb's `wb-manager` and `wayback` (a test module imports this to use `pywb_bin`)."""
    if os.environ.get("GXCRAWL_PYWB_BIN"):
        return Path(os.environ["GXCRAWL_PYWB_BIN"])
    bin_dir = PYWB_ENV / "bin"
    if not (bin_dir / "wayback").exists():
        try:
            subprocess.run([sys.executable, "-m", "venv", str(PYWB_ENV)], check=True, timeout=120)
            subprocess.run([str(bin_dir / "pip"), "install", "-q", "pywb>=2.8"], check=True, timeout=600)
        except (subprocess.SubprocessError, OSError) as exc:
            unavailable(f"cannot install pywb into {PYWB_ENV}: {exc}")
    return bin_dir


def pywb_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")}


def wb_manager(pywb_bin: Path, home: Path, *args: str) -> None:
    subprocess.run([str(pywb_bin / "wb-manager"), *args], cwd=home, check=True, timeout=300, env=pywb_env())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def wayback(pywb_bin: Path, home: Path, log_path: Path) -> Iterator[int]:
    """`wayback` serving the collections under `home` on a free loopback port (yielded) until the block ends."""
    port = free_port()
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [str(pywb_bin / "wayback"), "-p", str(port), "-b", "127.0.0.1"],
            cwd=home,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=pywb_env(),
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert server.poll() is None, log_path.read_text()
                    assert time.monotonic() < deadline, "wayback did not start"
                    time.sleep(0.2)
            yield port
        finally:
            server.kill()
            server.wait(timeout=30)


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback only
            status, headers, body = response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, dict(error.headers.items()), error.read()
    if headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return status, headers, body
