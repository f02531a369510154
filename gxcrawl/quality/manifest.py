"""The site's own record of what it wrote (`.gxcrawl-quality.sqlite` in the output folder, stdlib sqlite3): per
report page, the hash of everything the page is made of and the summary the index and portal pages need.

It makes a re-run incremental (a page whose inputs hash the same as last time, and whose files are still there,
is not written again; its summary comes from here), lets the portal pages be written from a query instead of a
list of every report held in memory, and lets a re-run delete the pages of reports no longer in the index.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import astuple, fields
from pathlib import Path

from gxcrawl.quality.gather import ReportSummary

FILE_NAME = ".gxcrawl-quality.sqlite"
_COLUMNS = [f.name for f in fields(ReportSummary)]


class Manifest:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.db = sqlite3.connect(out / FILE_NAME)
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute(
            f"CREATE TABLE IF NOT EXISTS page ({', '.join(_COLUMNS)}, inputs TEXT, original TEXT, "
            "build INTEGER, PRIMARY KEY (slug))"
        )
        self.db.execute("CREATE INDEX IF NOT EXISTS page_inputs ON page (inputs)")
        self.build = (self.db.execute("SELECT max(build) FROM page").fetchone()[0] or 0) + 1

    def unchanged(self, hashes: Iterable[str]) -> dict[str, tuple[ReportSummary, str | None]]:
        """inputs hash -> (summary, original file) of the pages written from exactly these inputs whose files are
        still there; they are marked as part of this build."""
        wanted = list(hashes)
        found: dict[str, tuple[ReportSummary, str | None]] = {}
        for start in range(0, len(wanted), 900):
            chunk = wanted[start : start + 900]
            rows = self.db.execute(
                f"SELECT {', '.join(_COLUMNS)}, inputs, original FROM page WHERE inputs IN "
                f"({', '.join('?' * len(chunk))})",
                chunk,
            )
            for *values, inputs, original in rows:
                summary = ReportSummary(*values)
                if (self.out / "reports" / f"{summary.slug}.html").is_file() and (
                    original is None or (self.out / "originals" / original).is_file()
                ):
                    found[inputs] = (summary, original)
        self.db.executemany(
            "UPDATE page SET build = ? WHERE slug = ?", [(self.build, s.slug) for s, _ in found.values()]
        )
        return found

    def written(self, pages: Iterable[tuple[ReportSummary, str, str | None]]) -> None:
        """Record pages written in this build: (summary, inputs hash, original file)."""
        self.db.executemany(
            f"INSERT OR REPLACE INTO page VALUES ({', '.join('?' * (len(_COLUMNS) + 3))})",
            [(*astuple(s), inputs, original, self.build) for s, inputs, original in pages],
        )

    def remove_stale(self) -> int:
        """Delete the pages (and originals) of reports not in this build: no longer in the index."""
        stale = self.db.execute("SELECT slug, original FROM page WHERE build != ?", (self.build,)).fetchall()
        for slug, original in stale:
            (self.out / "reports" / f"{slug}.html").unlink(missing_ok=True)
            if original:
                (self.out / "originals" / original).unlink(missing_ok=True)
        self.db.execute("DELETE FROM page WHERE build != ?", (self.build,))
        return len(stale)

    def by_portal(self) -> Iterator[tuple[str, list[ReportSummary]]]:
        """(portal, its reports by year and agency), portal by portal: one portal's list in memory at a time."""
        rows = self.db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM page WHERE build = ? "
            "ORDER BY portal, coalesce(report_year, 0), coalesce(agency, ''), slug",
            (self.build,),
        )
        portal, listed = None, []
        for values in rows:
            summary = ReportSummary(*values)
            if summary.portal != portal and listed:
                yield portal, listed
                listed = []
            portal = summary.portal
            listed.append(summary)
        if listed:
            yield portal, listed

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.commit()
        self.db.close()
