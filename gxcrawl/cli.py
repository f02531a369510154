"""The `gxcrawl` command: argument parsing only; each verb calls one library function.

Verbs: parse, demo, demo-portal, export, reparse, archive, portals.
`main(argv)` returns an exit status so tests can call it directly.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

DESCRIPTION = """\
gxcrawl turns China's 政府信息公开工作年度报告 (annual reports on open government information) into a
versioned, machine-readable corpus. The crawl itself is `scrapy crawl portals` (see README.md); this command
parses single documents, runs the demo, and exports, re-parses and maintains the archive."""

EPILOG = """\
examples:
  gxcrawl demo                                   crawl the bundled demo portal into archive/ and check it
  gxcrawl parse report.pdf page.html             one JSON record per document
  scrapy crawl portals -a portals=gd,bj          crawl real portals into archive/
  gxcrawl export --format csv --out tables.csv   the corpus for analysts
  gxcrawl reparse                                re-run the current parser over the archive
  gxcrawl archive check --archive archive        verify the WARC files against the index

`gxcrawl VERB --help` describes each verb's options."""


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
    p.add_argument("--reports-per-site", type=int, default=None, help="reports on each demo site (a quicker demo)")
    p.add_argument("--no-browser", action="store_true", help="do not render JS-only pages")
    p.set_defaults(func=_cmd_demo)


def _cmd_demo(args: argparse.Namespace) -> int:
    from gxcrawl.crawl.demo import run_demo

    return run_demo(sites=args.sites, seed=args.seed, archive_dir=args.archive, browser=not args.no_browser,
                    reports_per_site=args.reports_per_site)


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
def _archive_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    # accepted before and after the verb (`gxcrawl archive --archive D check` and `gxcrawl archive check --archive D`):
    # on the verb the default is SUPPRESS, so an option given before it is not overwritten
    parser.add_argument("--archive", default=argparse.SUPPRESS if suppress else "archive",
                        help="archive directory (default: archive/)")
    parser.add_argument("--database", default=argparse.SUPPRESS if suppress else None,
                        help="SQLAlchemy URL of the index (default: $GXCRAWL_DATABASE_URL or <archive>/index.sqlite)")


def _add_archive(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("archive", help="archive maintenance: init, check, reindex")
    _archive_options(p, suppress=False)
    verbs = p.add_subparsers(dest="archive_verb", required=True)
    for name, text in (("init", "create the index database (create-all + alembic stamp)"),
                       ("check", "verify every index row points at a readable record with the right digest"),
                       ("reindex", "rebuild a lost or deleted index from the WARC files")):
        _archive_options(verbs.add_parser(name, help=text), suppress=True)
    p.set_defaults(func=_cmd_archive)


def _cmd_archive(args: argparse.Namespace) -> int:
    from gxcrawl.archive.cli import run_archive

    return run_archive(args)


# --- portals: the registry --------------------------------------------------------------------------------------
def _add_portals(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("portals", help="the portal registry: list its ids, check a registry file")
    verbs = p.add_subparsers(dest="portals_verb", required=True)
    listing = verbs.add_parser("list", help="one line per portal: id, level, region code, name, entry URL")
    listing.add_argument("--registry", default=None, help="a registry file (default: the bundled registry)")
    listing.add_argument("--level", default=None, help="only this level (province, city, county, central, …)")
    listing.add_argument("--province", default=None, help="only this province: two-digit code or name (广东, 44)")
    listing.set_defaults(func=_cmd_portals_list)
    check = verbs.add_parser("check", help="validate a registry: one line per problem, exit 1 if any")
    check.add_argument("registry", nargs="?", default=None, help="registry file (default: the bundled registry)")
    check.add_argument("--strict", action="store_true",
                       help="also list entries without a source, or whose source is not confirmed")
    check.set_defaults(func=_cmd_portals_check)


def _cmd_portals_list(args: argparse.Namespace) -> int:
    from gxcrawl.discovery.registry import load_registry
    from gxcrawl.discovery.registry_check import host_of, select

    for portal in select(load_registry(args.registry), level=args.level, province=args.province):
        print(f"{portal.id}\t{portal.level or ''}\t{portal.region_code or ''}\t{portal.name}\t{host_of(portal)}")
    return 0


def _cmd_portals_check(args: argparse.Namespace) -> int:
    from gxcrawl.discovery.registry_check import registry_problems

    problems = registry_problems(args.registry, strict=args.strict)
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gxcrawl")
    except PackageNotFoundError:
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gxcrawl", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"gxcrawl {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="VERB")
    for add in (_add_parse, _add_demo, _add_demo_portal, _add_export, _add_reparse, _add_archive, _add_portals):
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
    except Exception as exc:
        if not _is_database_error(exc):
            raise
        cause = exc.__cause__ if isinstance(exc.__cause__, Exception) and _is_database_error(exc.__cause__) else exc
        reason = str(getattr(cause, "orig", None) or cause).strip().splitlines()[0]
        print(f"gxcrawl: error: the index database cannot be used: {reason}", file=sys.stderr)
        return 2


def _is_database_error(exc: Exception) -> bool:
    """An unreachable or misconfigured index database, or an index write that failed for good (the modules are
    looked up, not imported: a verb that never touched the database has none of these errors)."""
    errors = sys.modules.get("sqlalchemy.exc")
    database = sys.modules.get("gxcrawl.archive.database")
    return bool((errors is not None and isinstance(exc, errors.SQLAlchemyError)) or
                (database is not None and isinstance(exc, database.ArchiveWriteError)))


if __name__ == "__main__":
    sys.exit(main())
