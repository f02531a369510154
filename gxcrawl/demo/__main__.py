"""`python -m gxcrawl.demo` and `gxcrawl demo-portal serve`: run the demo portal in the foreground."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from collections.abc import Sequence

from gxcrawl.demo.portal import DemoPortal


def serve_forever(*, sites: int | None, seed: int, reports_per_site: int | None, out: str | None) -> int:
    """Start the portal, print where everything is, and serve until Ctrl-C (or SIGTERM)."""
    started = time.perf_counter()
    portal = DemoPortal(sites=sites, seed=seed, reports_per_site=reports_per_site, out_dir=out)
    portal.start()
    elapsed = time.perf_counter() - started
    stop = threading.Event()
    try:
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    except ValueError:  # not the main thread: Ctrl-C only
        previous = None
    try:
        m = portal.manifest
        print(
            f"demo portal: {len(portal.sites)} sites, {len(m['reports'])} reports, "
            f"{len(m['distractors'])} distractors, "
            f"{len(m['blocked'])} blocked pages; started in {elapsed:.2f} s",
            flush=True,
        )
        for site in portal.sites:
            flags = ", ".join(sorted(set(site.behaviours))) or "-"
            print(f"  {site.id:<22} {site.url(site.entry_path):<28} {site.family:<12} {flags}", flush=True)
        print(f"registry: {portal.registry_path}", flush=True)
        print(f"manifest: {portal.manifest_path}", flush=True)
        if out is None:
            print("(temporary files, removed on exit; use --out DIR to keep them)", flush=True)
        print("Ctrl-C to stop.", flush=True)
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        portal.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m gxcrawl.demo", description=__doc__.splitlines()[0])
    p.add_argument("--sites", type=int, default=None)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--reports-per-site", type=int, default=None)
    p.add_argument("--out", default=None, help="directory for registry.json and manifest.json")
    args = p.parse_args(argv)
    return serve_forever(sites=args.sites, seed=args.seed, reports_per_site=args.reports_per_site, out=args.out)


if __name__ == "__main__":
    sys.exit(main())
