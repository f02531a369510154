"""Worker processes for the CPU-bound part of a crawl: parsing reports.

Parsing a report (decoding, chrome stripping, PDF text extraction, tables) costs milliseconds of pure Python.
In a thread it would hold the GIL the reactor needs for downloads, WARC capture and the index, so the crawl
would go no faster than the sum of both; in worker processes it runs on the other cores. A worker that
crashes (a segfault in a C extension on a hostile PDF) or hangs past the time limit is replaced: the task
that broke it fails with a clear error and the crawl goes on. A worker's address space can be limited
(``memory_mb``): a document that needs more gets a MemoryError in its worker, which fails that task only.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import multiprocessing
import os
import resource
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")


class WorkerCrashed(RuntimeError):
    """The worker process running a task died, and died again when the task was retried alone."""


class WorkerTimeout(TimeoutError):
    """A task ran longer than the time limit; its worker was killed and replaced."""


def default_workers() -> int:
    """One process per core but one (the reactor's), at least one, at most four."""
    return max(1, min(4, (os.cpu_count() or 2) - 1))


class WorkerPool:
    """A process pool whose tasks are awaited from asyncio, with a per-task time limit and crash recovery.

    Workers are started with ``spawn``: the crawler process runs threads (reactor, thread pool, Chromium
    driver), and a ``fork`` of a threaded process can inherit a held lock and deadlock.
    """

    def __init__(self, workers: int, *, timeout: float = 600.0, preload: str | None = None, memory_mb: int = 0) -> None:
        if workers < 1:
            raise ValueError(f"a worker pool needs at least one worker, not {workers}")
        if memory_mb < 0:
            raise ValueError(f"a worker's memory limit is a number of MB, or 0 for none; not {memory_mb}")
        self.workers = workers
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.preload = preload
        self._pool: ProcessPoolExecutor | None = None
        self._generation = 0
        self.replaced = 0  # pools replaced after a crash or a timeout (for stats)
        self.retried_alone = 0  # tasks retried in a process of their own after their worker died (for stats)
        self._alone: asyncio.Lock | None = None  # serialises the retries (made on the running loop)
        self._alone_loop: asyncio.AbstractEventLoop | None = None

    def start(self) -> None:
        """Start the workers now (they import the preload module while the crawl warms up)."""
        self._current()

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(os.getpid(), self.preload, self.memory_mb),
        )

    def _current(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = self._new_pool(self.workers)
            for _ in range(self.workers):  # spawn every worker now, not at the first task
                self._pool.submit(int)
        return self._pool

    def _replace(self, generation: int, *, kill: bool) -> None:
        """Throw away the pool of `generation` (if it is still the current one); the next task starts a new one."""
        if generation != self._generation or self._pool is None:
            return
        pool, self._pool = self._pool, None
        self._generation += 1
        self.replaced += 1
        if kill:  # a hung task: its process would never finish on its own
            _kill_workers(pool)
        pool.shutdown(wait=False, cancel_futures=True)

    async def run(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run ``fn(*args, **kwargs)`` in a worker; its exceptions are raised here. A task whose worker died is
        retried once, alone in a process of its own: the pool's other tasks died with it, and only the task that
        kills its process again is the culprit."""
        generation = self._generation
        try:
            future: Future[T] = self._current().submit(fn, *args, **kwargs)
            return await self._wait(future, generation)
        except BrokenProcessPool as exc:
            self._replace(generation, kill=False)
            logger.warning("a worker process died; retrying its task alone on a fresh worker")
            first = exc
        return await self._run_alone(fn, args, kwargs, first)

    async def _run_alone(
        self, fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any], first: BrokenProcessPool
    ) -> T:
        """One task in a one-worker pool of its own (one such retry at a time: crashes are rare, and a document
        that crashes a worker often comes with others like it)."""
        loop = asyncio.get_running_loop()
        if self._alone is None or self._alone_loop is not loop:
            self._alone, self._alone_loop = asyncio.Lock(), loop
        async with self._alone:
            self.retried_alone += 1
            pool = self._new_pool(1)
            try:
                wrapped = asyncio.wrap_future(pool.submit(fn, *args, **kwargs))
                try:
                    return await asyncio.wait_for(wrapped, self.timeout)
                except TimeoutError:
                    _kill_workers(pool)
                    raise WorkerTimeout(f"took longer than {self.timeout:g} s; its worker was killed") from None
                except BrokenProcessPool as exc:
                    raise WorkerCrashed(
                        f"the worker process died while running this task, also when it ran alone ({first}; then {exc})"
                    ) from exc
            finally:
                pool.shutdown(wait=False, cancel_futures=True)

    async def _wait(self, future: Future[T], generation: int) -> T:
        wrapped = asyncio.wrap_future(future)
        try:
            return await asyncio.wait_for(asyncio.shield(wrapped), self.timeout)
        except TimeoutError:
            self._replace(generation, kill=True)
            wrapped.cancel()
            raise WorkerTimeout(f"took longer than {self.timeout:g} s; its worker was killed") from None

    def close(self) -> None:
        """Stop the workers (tasks not yet started are cancelled)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """Kill a pool's processes: a hung task's process would never finish on its own."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(Exception):
            process.kill()


def parse_for_archive(data: bytes, *, url: str | None, content_type: str | None) -> tuple[dict[str, Any], str, str]:
    """The task of a parse worker: the report record, its text, and the record as JSON (serialised here, not in
    the crawler process). Lives in this light module so a worker need not import Scrapy to unpickle it."""
    from gxcrawl.archive.database import encode_json
    from gxcrawl.report import parse_report_and_text

    record, text = parse_report_and_text(data, url=url, content_type=content_type)
    return record, text, encode_json(record)


def _start_worker(parent: int, preload: str | None, memory_mb: int = 0) -> None:
    """Worker initializer: exit when the crawler process is gone (killed with -9, a worker would otherwise wait
    for tasks forever), limit its address space to `memory_mb` (0: no limit), and import the task's module once,
    before the first task."""
    threading.Thread(target=_exit_with_parent, args=(parent,), name="gx-parent-watch", daemon=True).start()
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        # the address space, not the resident set: RLIMIT_RSS is not enforced by Linux; malloc then fails and
        # Python raises MemoryError in the task, which goes back to the crawler as that task's error
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    if preload:
        importlib.import_module(preload)


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)
