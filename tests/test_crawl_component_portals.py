"""The portal-metadata extension, in process (scrapy.utils.test.get_crawler) under a spider that is not the portals
spider: whatever sends the `portals_selected` signal gets its portals' name, level and region code kept as rows of
the archive's real SQLite index (`gx/portals/recorded`: rows added or changed); an index that cannot be written
fails the crawl (`gx/failed`) rather than losing the metadata silently."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import scrapy
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from gxcrawl.crawl import signals as gx_signals
from gxcrawl.crawl.extensions.portals import PORTALS_STAT, PortalMetadata
from gxcrawl.crawl.extensions.warc import ARCHIVE_FAILED


class OtherSpider(scrapy.Spider):
    name = "other"


def _portal(pid: str, name: str, level: str, region_code: str | None) -> Any:
    """Any object with the registry Portal's attributes: the extension reads nothing else."""
    return SimpleNamespace(id=pid, name=name, level=level, region_code=region_code)


def _rows(index: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(index) as db:
        return db.execute("SELECT id, name, level, region_code FROM portal ORDER BY id").fetchall()


def _select(crawler: Any, *portals: Any) -> None:
    crawler.signals.send_catch_log(gx_signals.portals_selected, portals=list(portals))


def test_selected_portals_become_rows_of_the_index(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    crawler = get_crawler(OtherSpider, settings_dict={"GX_ARCHIVE_DIR": str(root)})
    extension = PortalMetadata.from_crawler(crawler)
    assert isinstance(extension, PortalMetadata)
    xs, ys = _portal("xs", "某县人民政府", "county", "450101"), _portal("ys", "某市人民政府", "city", None)
    _select(crawler, xs, ys)
    assert crawler.stats.get_value(PORTALS_STAT) == 2
    # a later crawl: one portal renamed, one unchanged, one new
    _select(
        crawler,
        _portal("xs", "某县人民政府（新）", "county", "450101"),
        ys,
        _portal("zs", "某区", "district", "450102"),
    )
    assert crawler.stats.get_value(PORTALS_STAT) == 2
    _select(crawler)  # nothing selected: nothing written
    assert crawler.stats.get_value(PORTALS_STAT) == 0
    crawler.signals.send_catch_log(signals.engine_stopped)  # closes the archive
    assert _rows(root / "index.sqlite") == [
        ("xs", "某县人民政府（新）", "county", "450101"),
        ("ys", "某市人民政府", "city", None),
        ("zs", "某区", "district", "450102"),
    ]


def test_an_index_that_cannot_be_written_fails_the_crawl(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the archive should be")
    crawler = get_crawler(OtherSpider, settings_dict={"GX_ARCHIVE_DIR": str(blocker / "archive")})
    extension = PortalMetadata.from_crawler(crawler)
    _select(crawler, _portal("xs", "某县人民政府", "county", "450101"))
    assert extension is not None and crawler.stats.get_value("gx/failed") == ARCHIVE_FAILED
    assert crawler.stats.get_value(PORTALS_STAT) is None


def test_no_archive_no_extension() -> None:
    with pytest.raises(NotConfigured):
        PortalMetadata.from_crawler(get_crawler(OtherSpider, settings_dict={"GX_ARCHIVE_DIR": ""}))
