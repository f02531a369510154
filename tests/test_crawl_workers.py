"""The parse worker pool: results and errors come back, a crashed or hung worker is replaced, and workers do not
outlive the crawler process."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from gxcrawl.crawl.workers import WorkerCrashed, WorkerPool, WorkerTimeout
from gxcrawl.report import UnreadableDocument, parse_report_and_text

SEEDS = Path(__file__).parent / "fixtures" / "seeds" / "html"


def _crash() -> None:
    os._exit(3)  # as a segfault in a C extension would: no exception, the process is gone


def _hang(seconds: float) -> str:
    time.sleep(seconds)
    return "woke"


def _stuck(pid_file: str) -> None:
    Path(pid_file).write_text(str(os.getpid()))
    threading.Event().wait()  # nothing sets it: the task never returns


def _unreadable() -> None:
    raise UnreadableDocument("not a report document: JPEG image")


def _pid() -> int:
    return os.getpid()


def test_a_parse_in_a_worker_equals_the_parse_in_this_process() -> None:
    page = sorted(SEEDS.glob("*.html"))[0].read_bytes()
    url = "https://www.example.gov.cn/a.html"
    pool = WorkerPool(1, timeout=60, preload="gxcrawl.report.page")
    try:
        record, text = asyncio.run(pool.run(parse_report_and_text, page, url=url, content_type="text/html"))
    finally:
        pool.close()
    assert (record, text) == parse_report_and_text(page, url=url, content_type="text/html")
    assert record["format"]["overall"] in ("2019", "2021")


def test_the_task_s_own_error_is_raised_as_it_is() -> None:
    pool = WorkerPool(1, timeout=60)
    try:
        with pytest.raises(UnreadableDocument, match="JPEG"):
            asyncio.run(pool.run(_unreadable))
    finally:
        pool.close()
    assert pool.replaced == 0


def test_a_crashed_worker_is_replaced_and_the_pool_goes_on() -> None:
    pool = WorkerPool(1, timeout=60)

    async def scenario() -> tuple[BaseException | None, int]:
        try:
            await pool.run(_crash)
        except WorkerCrashed as exc:
            error: BaseException | None = exc
        else:
            error = None
        return error, await pool.run(_pid)

    try:
        error, pid = asyncio.run(scenario())
    finally:
        pool.close()
    assert isinstance(error, WorkerCrashed)
    assert "died" in str(error)
    assert pid != os.getpid()
    assert "also when it ran alone" in str(error)
    assert pool.replaced == 1  # the shared pool, once; the retry ran in a process of its own
    assert pool.retried_alone == 1


def test_a_crash_fails_only_its_own_task_while_others_share_the_pool() -> None:
    pool = WorkerPool(2, timeout=60)

    async def scenario() -> list[object]:
        innocents = [pool.run(_hang, 0.5) for _ in range(5)]  # in flight or queued when the pool breaks
        await asyncio.sleep(0)
        return await asyncio.gather(pool.run(_crash), *innocents, return_exceptions=True)

    try:
        crashed, *innocents = asyncio.run(scenario())
    finally:
        pool.close()
    assert isinstance(crashed, WorkerCrashed)
    assert innocents == ["woke"] * 5  # each retried alone, none taken down by the culprit's second crash
    assert pool.retried_alone >= 2  # the culprit and at least the task that shared the pool with it


def test_a_hung_task_times_out_and_its_neighbours_still_finish(tmp_path: Path) -> None:
    # A task's limit runs from its submission (so it also covers a worker's start): it is far above what the
    # instant tasks here need however loaded the machine; only the task that never returns reaches it.
    pool = WorkerPool(2, timeout=10)
    pid_file = tmp_path / "stuck.pid"

    async def scenario() -> tuple[object, list[int], int]:
        await asyncio.gather(pool.run(_pid), pool.run(_pid))  # the workers are up before a task hangs
        hung = asyncio.ensure_future(pool.run(_stuck, str(pid_file)))
        while not pid_file.exists() and not hung.done():
            await asyncio.sleep(0.05)  # until the stuck task holds a worker
        neighbours = [await pool.run(_pid) for _ in range(3)]  # meanwhile, on the other worker
        (outcome,) = await asyncio.gather(hung, return_exceptions=True)
        return outcome, neighbours, await pool.run(_pid)

    try:
        hung, neighbours, after = asyncio.run(scenario())
    finally:
        pool.close()
    assert isinstance(hung, WorkerTimeout)
    assert "killed" in str(hung)
    stuck = int(pid_file.read_text())
    assert all(pid not in (stuck, os.getpid()) for pid in [*neighbours, after])
    assert pool.replaced == 1
    assert _exits(stuck), f"the stuck worker {stuck} was not killed"


def test_workers_exit_when_the_crawler_process_is_killed(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import asyncio, os, sys
        sys.path[:0] = {sys.path!r}
        from gxcrawl.crawl.workers import WorkerPool
        from test_crawl_workers import _pid
        if __name__ == "__main__":
            pool = WorkerPool(1, timeout=60)
            print(asyncio.run(pool.run(_pid)), flush=True)
            os._exit(9)  # no close(): as if killed
    """)
    path = tmp_path / "crawler.py"
    path.write_text(script)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), *sys.path])}
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 9, out.stderr  # ran to its os._exit, having printed its worker's pid
    worker = int(out.stdout.strip().splitlines()[-1])
    assert _exits(worker), f"worker {worker} outlived its crawler process"


def _exits(pid: int, within: float = 60) -> bool:
    """The process is gone, or goes within `within` seconds (a bound on waiting, not a speed target)."""
    deadline = time.monotonic() + within
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    return not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie of an exited child counts as gone
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ", 1)[-1].startswith("Z"))


def _allocate(megabytes: int) -> int:
    block = bytearray(megabytes * 1024 * 1024)  # zero pages: virtual size, enough for RLIMIT_AS
    return len(block)


def _address_space_limit() -> int:
    import resource

    return resource.getrlimit(resource.RLIMIT_AS)[0]


def test_a_worker_over_its_memory_limit_fails_that_task_only() -> None:
    pool = WorkerPool(1, timeout=60, preload="gxcrawl.report.page", memory_mb=600)

    async def scenario() -> tuple[object, ...]:
        first_pid = await pool.run(_pid)
        over = await asyncio.gather(pool.run(_allocate, 2048), return_exceptions=True)
        return (
            first_pid,
            over[0],
            await pool.run(_allocate, 64),
            await pool.run(_pid),
            await pool.run(_address_space_limit),
        )

    try:
        first_pid, over, under, later_pid, limit = asyncio.run(scenario())
    finally:
        pool.close()
    assert isinstance(over, MemoryError)
    assert under == 64 * 1024 * 1024 and later_pid == first_pid  # the same worker goes on
    assert pool.replaced == 0 and pool.retried_alone == 0
    assert limit == 600 * 1024 * 1024


def test_a_report_too_large_for_the_worker_s_memory_is_a_memory_error() -> None:
    row = "<tr><td>行政规范性文件</td><td>12</td><td>3</td><td>87</td></tr>"
    page = ("<html><body><p>一、总体情况</p><table>" + row * 150_000 + "</table></body></html>").encode()
    small = sorted(SEEDS.glob("*.html"))[0].read_bytes()
    pool = WorkerPool(1, timeout=120, preload="gxcrawl.report.page", memory_mb=400)

    async def scenario() -> list[object]:
        return [
            *(
                await asyncio.gather(
                    pool.run(parse_report_and_text, page, url="big.html", content_type=None), return_exceptions=True
                )
            ),
            await pool.run(parse_report_and_text, small, url="small.html", content_type="text/html"),
        ]

    try:
        big, (record, _text) = asyncio.run(scenario())
    finally:
        pool.close()
    assert isinstance(big, MemoryError)
    assert record["format"]["overall"] in ("2019", "2021")  # the next report parses in the same pool


def test_no_memory_limit_when_asked_for_none_and_a_negative_one_is_an_error() -> None:
    pool = WorkerPool(1, timeout=60, memory_mb=0)
    try:
        import resource

        assert asyncio.run(pool.run(_address_space_limit)) == resource.getrlimit(resource.RLIMIT_AS)[0]
    finally:
        pool.close()
    with pytest.raises(ValueError, match="memory limit"):
        WorkerPool(1, memory_mb=-1)
