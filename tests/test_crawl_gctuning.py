"""The crawl's garbage-collector tuning: thresholds and freeze while the engine runs, restored after."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from archive_support.crawl import run_crawl
from archive_support.server import LoopbackServer, Route
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from gxcrawl.crawl.extensions.gctuning import GcTuning, parse_thresholds


@pytest.fixture(autouse=True)
def _restore_gc() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)
    gc.unfreeze()


def _extension(**settings: object) -> GcTuning:
    crawler = get_crawler(settings_dict=settings)
    return GcTuning.from_crawler(crawler)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("10000,20,20", (10000, 20, 20)), ([5, 6, 7], (5, 6, 7)), (("700", " 10", "10 "), (700, 10, 10))],
)
def test_thresholds_are_read_from_a_string_or_a_list(value: object, expected: tuple[int, int, int]) -> None:
    assert parse_thresholds(value) == expected


@pytest.mark.parametrize("value", ["1,2", "a,b,c", [0, 10, 10], [1, 2, 3, 4], 5])
def test_bad_thresholds_are_an_error_naming_the_setting(value: object) -> None:
    with pytest.raises(ValueError, match="GX_GC_THRESHOLDS"):
        parse_thresholds(value)
    with pytest.raises(ValueError, match="GX_GC_THRESHOLDS"):
        _extension(GX_GC_THRESHOLDS=value)


def test_no_thresholds_at_all_is_an_error_too() -> None:
    with pytest.raises(ValueError, match="GX_GC_THRESHOLDS"):
        parse_thresholds(None)


def test_off_when_the_setting_says_so() -> None:
    with pytest.raises(NotConfigured):
        _extension(GX_GC_TUNING=False)


def test_tuned_while_the_engine_runs_and_restored_after() -> None:
    gc.set_threshold(700, 10, 10)
    extension = _extension(GX_GC_THRESHOLDS=(12345, 17, 19))
    extension.engine_started()
    assert gc.get_threshold() == (12345, 17, 19)
    assert gc.get_freeze_count() > 1000  # the interpreter, pytest and Scrapy are all alive at this point
    assert extension.stats.get_value("gx/gc/frozen") == gc.get_freeze_count()
    assert extension.stats.get_value("gx/gc/thresholds") == [12345, 17, 19]
    extension.engine_stopped()
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0


def test_two_crawlers_in_one_process_restore_only_when_the_last_stops() -> None:
    gc.set_threshold(700, 10, 10)
    first, second = _extension(GX_GC_THRESHOLDS="9000,20,20"), _extension(GX_GC_THRESHOLDS="9000,20,20")
    first.engine_started()
    second.engine_started()
    first.engine_stopped()
    assert gc.get_threshold() == (9000, 20, 20)  # the second crawl is still running
    assert gc.get_freeze_count() > 0
    second.engine_stopped()
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0
    second.engine_stopped()  # a repeated signal changes nothing
    assert gc.get_threshold() == (700, 10, 10)


def test_a_real_crawl_runs_tuned(tmp_path: Path) -> None:
    with LoopbackServer() as server:
        url = server.route("/a.html", Route(b"<html><body><p>page</p></body></html>"))
        stats = run_crawl(
            tmp_path,
            tmp_path / "archive",
            [{"url": url, "portal": "demo"}],
            database_url=None,
            settings={"GX_GC_THRESHOLDS": "12000,30,40"},
        )
        off = run_crawl(
            tmp_path,
            tmp_path / "archive-off",
            [{"url": url, "portal": "demo"}],
            database_url=None,
            settings={"GX_GC_TUNING": False},
            name="off",
        )
    assert stats["gx/gc/frozen"] > 1000
    assert stats["gx/gc/thresholds"] == [12000, 30, 40]
    assert "gx/gc/frozen" not in off
    assert stats["downloader/response_count"] == off["downloader/response_count"] == 1
