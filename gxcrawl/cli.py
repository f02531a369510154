"""The `gxcrawl` command: argument parsing only; each verb calls one library function.

Verbs: parse, demo, demo-portal, export, reparse, archive.
`main(argv)` returns an exit status so tests can call it directly.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


# --- parse ------------------------------------------------------------------------------------------------
def _add_parse(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("parse", help="parse report documents (.html/.htm/.txt/.md/.pdf/.docx) into records")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--pretty", action="store_true", help="indented JSON for humans")
    p.set_defaults(func=_cmd_parse)


def _cmd_parse(args: argparse.Namespace) -> int:
    from gxcrawl.report.cli import run_parse

    return run_parse(args.paths, pretty=args.pretty)


# --- demo: the README's main job --------------------------------------------------------------------------
def _add_demo(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="start the demo portal and crawl it into archive/")
    p.add_argument("--sites", type=int, default=None, help="number of demo sites (default: all families)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--archive", default="archive", help="archive directory (default: archive/)")
    p.add_argument("--no-browser", action="store_true", help="do not render JS-only pages")
    p.set_defaults(func=_cmd_demo)


def _cmd_demo(args: argparse.Namespace) -> int:
    from gxcrawl.crawl.demo import run_demo

    return run_demo(sites=args.sites, seed=args.seed, archive_dir=args.archive, browser=not args.no_browser)


# --- demo-portal --------------------------------------------------------------------------------------------
def _add_demo_portal(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo-portal", help="the local imitation of government portals")
    verbs = p.add_subparsers(dest="demo_portal_verb", required=True)
    serve = verbs.add_parser("serve", help="serve the demo portal in the foreground")
    serve.add_argument("--sites", type=int, default=None)
    serve.add_argument("--seed", type=int, default=1)
    serve.add_argument("--reports-per-site", type=int, default=None)
    serve.add_argument("--out", default=None, help="directory for registry.json and manifest.json")
    serve.set_defaults(func=_cmd_demo_portal_serve)


def _cmd_demo_portal_serve(args: argparse.Namespace) -> int:
    from gxcrawl.demo.__main__ import serve_forever

    return serve_forever(sites=args.sites, seed=args.seed, reports_per_site=args.reports_per_site, out=args.out)


# --- export / reparse ------------------------------------------------------------------------------------------
def _add_export(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="export the corpus (one record per distinct report)")
    p.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    p.add_argument("--out", default="-", help="output file (default: stdout)")
    p.add_argument("--portal", default=None)
    p.add_argument("--year", type=int, default=None)
    p.add_argument("--since", default=None, help="only reports first seen on or after DATE (YYYY-MM-DD)")
    p.add_argument("--archive", default="archive")
    p.add_argument("--database", default=None, help="SQLAlchemy URL (default: $GXCRAWL_DATABASE_URL or archive/index.sqlite)")
    p.set_defaults(func=_cmd_export)


def _cmd_export(args: argparse.Namespace) -> int:
    from gxcrawl.corpus.export import run_export

    return run_export(args)


def _add_reparse(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("reparse", help="re-run the current parser over every archived document")
    p.add_argument("--archive", default="archive")
    p.add_argument("--database", default=None)
    p.set_defaults(func=_cmd_reparse)


def _cmd_reparse(args: argparse.Namespace) -> int:
    from gxcrawl.corpus.reparse import run_reparse

    return run_reparse(args)


# --- archive maintenance ----------------------------------------------------------------------------------------
def _add_archive(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("archive", help="archive maintenance: init, check")
    p.add_argument("--archive", default="archive")
    p.add_argument("--database", default=None)
    verbs = p.add_subparsers(dest="archive_verb", required=True)
    verbs.add_parser("init", help="create the index database (create-all + alembic stamp)")
    verbs.add_parser("check", help="verify every index row points at a readable record with the right digest")
    p.set_defaults(func=_cmd_archive)


def _cmd_archive(args: argparse.Namespace) -> int:
    from gxcrawl.archive.cli import run_archive

    return run_archive(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gxcrawl", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for add in (_add_parse, _add_demo, _add_demo_portal, _add_export, _add_reparse, _add_archive):
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except (OSError, ValueError) as exc:  # bad input: a clear message, not a traceback
        print(f"gxcrawl: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
