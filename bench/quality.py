"""`gxcrawl quality` time and memory on a large index: synthetic report records (bench/export.py's) in a temp SQLite
index, every capture pointing at one real archived report page, the site written to a temp folder.

    .venv/bin/python bench/quality.py [--sizes 2000 100000]

For each size a fresh child process builds the site (cross-year refresh included) with `--jobs` worker processes
(default one per CPU) and prints its time, its peak RSS (VmHWM) and the largest peak of its worker processes; then
it builds again into the same folder (a re-run over an unchanged index: nothing to rewrite). As a baseline, the same
process exports the same index to /dev/null first (the reading of the index the site shares with the export), so
the ratio says what rendering, originals and plots add.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from export import build_index  # noqa: E402  (bench/export.py: this script's folder is on sys.path)
from memory import peak_rss  # noqa: E402
from sqlalchemy import create_engine, update  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from gxcrawl.archive.database import init_schema  # noqa: E402
from gxcrawl.archive.models import Capture  # noqa: E402
from gxcrawl.archive.records import Exchange  # noqa: E402

PAGE = (
    "<html><head><meta charset='utf-8'><title>合成市2023年政府信息公开工作年度报告</title>"
    "<script>track()</script></head><body><h1>合成市2023年政府信息公开工作年度报告</h1>"
    + "<p>本机关认真贯彻落实《中华人民共和国政府信息公开条例》。</p>" * 200
    + "<table>"
    + "<tr><td>本年新收政府信息公开申请数量</td><td>1</td><td>2</td></tr>" * 40
    + "</table></body></html>"
)


def point_captures_at_a_real_record(root: Path, db: Path) -> None:
    """Write one real report page into a WARC under `root` and point every capture of the index at it."""
    from gxcrawl.archive import Archive

    with Archive.open(root / "page") as archive:
        ref = archive.write_exchange(
            Exchange(
                url="http://127.0.0.1/page.html",
                status=200,
                body=PAGE.encode("utf-8"),
                fetched_at=datetime.now(UTC),
                response_headers=[("Content-Type", "text/html; charset=utf-8")],
            )
        )
        info = archive.capture(ref.id)
    shutil.copyfile(root / "page" / info.warc_file, root / "bench.warc.gz")
    engine = create_engine(f"sqlite:///{db}")
    init_schema(engine)  # the tables bench/export.py's index lacks (cross-year checks), and the alembic stamp
    with Session(engine) as session:
        session.execute(
            update(Capture).values(
                warc_file="bench.warc.gz",
                warc_offset=info.warc_offset,
                warc_length=info.warc_length,
                content_type="text/html; charset=utf-8",
            )
        )
        session.commit()
    engine.dispose()


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the site's workers, once the pool is shut)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class ChildPeaks:
    """The largest VmHWM of this process's child processes (the site's workers), polled while they run."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while not self._stop.wait(0.2):
            try:
                children = Path("/proc/self/task").glob("*/children")
                pids = [pid for path in children for pid in path.read_text().split()]
            except OSError:
                continue
            self.peak = max([self.peak, *(peak_rss(pid) for pid in pids)])

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def quality_child(root: str, db: str, out: str, jobs: str) -> None:
    """Runs in a fresh process: the export baseline, the site, the site again; prints seconds and peaks as JSON."""
    from gxcrawl.archive import Archive
    from gxcrawl.corpus.crossyear import refresh_cross_year
    from gxcrawl.corpus.export import export_corpus
    from gxcrawl.quality import build_site

    with Archive.open(root, f"sqlite:///{db}") as archive:
        started, cpu = time.perf_counter(), cpu_seconds()
        with archive.session() as session, open("/dev/null", "w", encoding="utf-8") as sink:
            export_corpus(session, sink, progress=False)
        export_seconds, export_cpu = time.perf_counter() - started, cpu_seconds() - cpu
        export_peak = peak_rss() / 2**20
        workers = ChildPeaks()
        started, cpu = time.perf_counter(), cpu_seconds()
        refresh_cross_year(archive)
        with archive.session() as session:
            summary = build_site(session, Path(root), Path(out), directory={}, jobs=int(jobs) or None)
        seconds, site_cpu = time.perf_counter() - started, cpu_seconds() - cpu
        peak = peak_rss() / 2**20
        started = time.perf_counter()
        refresh_cross_year(archive)
        with archive.session() as session:
            build_site(session, Path(root), Path(out), directory={}, jobs=int(jobs) or None)
        rerun_seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "reports": summary["reports"],
                "seconds": seconds,
                "export_seconds": export_seconds,
                "export_peak_mb": export_peak,
                "peak_mb": peak,
                "worker_peak_mb": workers.stop() / 2**20,
                "rerun_seconds": rerun_seconds,
                "cpu": site_cpu,
                "export_cpu": export_cpu,
                "rerun_peak_mb": peak_rss() / 2**20,
            }
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2_000, 100_000])
    parser.add_argument("--jobs", type=int, default=0, help="worker processes (default: one per CPU)")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        quality_child(*args.child)
        return 0
    from gxcrawl.quality.site import default_jobs

    print(
        f"gxcrawl quality bench: site build vs exporting the same index (same process, same load); "
        f"{args.jobs or default_jobs()} worker process(es), {default_jobs()} CPU(s) here"
    )
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="gx-bench-quality-") as tmp:
            root = Path(tmp)
            db = root / "index.sqlite"
            started = time.perf_counter()
            build_index(db, size)
            point_captures_at_a_real_record(root, db)
            index_seconds = time.perf_counter() - started
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(root), str(db), str(root / "site"), str(args.jobs)],
                capture_output=True,
                text=True,
                timeout=4 * 3600,
            )
            if out.returncode:
                raise SystemExit(out.stderr[-2000:])
            r = json.loads(out.stdout.strip().splitlines()[-1])
            site_mb = sum(f.stat().st_size for f in (root / "site").rglob("*") if f.is_file()) / 2**20
            print(
                f"  {r['reports']:>7,} reports (index built in {index_seconds:.0f} s): site in {r['seconds']:.0f} s "
                f"({r['reports'] / r['seconds']:,.0f} reports/s, {site_mb:,.0f} MB written), peak RSS "
                f"{r['peak_mb']:.0f} MB (each worker at most {r['worker_peak_mb']:.0f} MB); baseline export "
                f"{r['export_seconds']:.1f} s (peak {r['export_peak_mb']:.0f} MB): the site takes "
                f"{r['seconds'] / r['export_seconds']:.1f}x the export's time "
                f"({r['cpu'] / r['export_cpu']:.1f}x its CPU time: "
                f"{1000 * r['cpu'] / r['reports']:.0f} ms per report in all processes); "
                "re-run over the unchanged index "
                f"{r['rerun_seconds']:.0f} s ({r['rerun_seconds'] / r['export_seconds']:.1f}x the export), "
                f"peak {r['rerun_peak_mb']:.0f} MB",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
