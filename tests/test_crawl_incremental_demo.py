"""Incremental recrawl of the demo portal: crawl, let the portal publish its next generation (reports flagged
changed_after_publication get a new text at the same URL), crawl again into the same archive. The second
crawl revalidates (304s), adds no document for unchanged reports, and records each changed report as a new
version of its URL, which the export then carries."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from corpus_support.crawl import run_crawl

from gxcrawl.archive import Archive, target_uri
from gxcrawl.corpus.export import export_corpus

pytestmark = pytest.mark.slow

SETTINGS = {"GX_RENDER_ENABLED": False, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False}


def test_recrawl_of_the_demo_portal_finds_exactly_the_changed_reports(tmp_path: Path) -> None:
    from gxcrawl.demo.portal import DemoPortal

    archive = tmp_path / "archive"
    with DemoPortal(seed=3, reports_per_site=2, out_dir=tmp_path / "portal", slow_delay=0.2) as portal:
        args = {"registry": str(portal.registry_path)}
        first = run_crawl(
            tmp_path / "first", archive, [], spider="portals", spider_args=args, settings=SETTINGS, timeout=900
        )
        portal.mutate()
        manifest = json.loads(portal.manifest_path.read_text(encoding="utf-8"))
        second = run_crawl(
            tmp_path / "second", archive, [], spider="portals", spider_args=args, settings=SETTINGS, timeout=900
        )

    found = {r["url"] for r in first.reports}
    changed = {r["url"] for r in manifest["reports"] if r["changed_after_publication"]} & found
    assert changed, "the demo portal should change at least one report the crawl found"
    stats = second.stats
    assert stats.get("gx/recrawl/conditional", 0) > 0 and stats.get("gx/recrawl/not_modified", 0) > 0
    assert stats.get("gx/recrawl/changed", 0) >= len(changed)
    assert stats.get("gx/recrawl/unchanged", 0) > stats.get("gx/recrawl/changed", 0)
    # only the changed reports are new texts, each a second version of its URL
    assert stats.get("gx/documents/versions", 0) == len(changed), (changed, second.log[-2000:])
    second_records = {r["url"]: r["record"] for r in second.reports}
    # a report the portal serves at two URLs changes at both: one new text (document), two new versions
    assert stats.get("gx/documents/new", 0) == len({second_records[u]["text_sha256"] for u in changed})
    first_records = {r["url"]: r["record"] for r in first.reports}
    for url in found & second_records.keys():
        same = first_records[url]["text_sha256"] == second_records[url]["text_sha256"]
        assert same == (url not in changed), url

    with Archive.open(archive) as opened, opened.session() as session:
        out = io.StringIO()
        export_corpus(session, out, progress=False)
    exported = [json.loads(line) for line in out.getvalue().splitlines()]
    by_text = {r["text_sha256"]: r for r in exported}
    assert len(by_text) == len(exported), "one record per distinct report"
    old_texts = {first_records[u]["text_sha256"] for u in changed}
    assert not old_texts & by_text.keys(), "superseded versions are not exported"
    for url in changed:  # the newer text, once, with every URL that carries it and its version count
        record = by_text[second_records[url]["text_sha256"]]
        assert target_uri(url) in {s["url"] for s in record["sources"]}
        assert record["versions"] == 2
