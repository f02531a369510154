"""The `gxcrawl` command: argument parsing only; each verb calls one library function.

Verbs: parse, demo, demo-portal, export, validate, reparse, quality, archive, portals, frontier.
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
  gxcrawl export --format csv --out tables/      the corpus for analysts (reports, tables, checks, issues)
  gxcrawl validate corpus.jsonl                  check an export against its schema
  gxcrawl reparse                                re-run the current parser over the archive
  gxcrawl quality --out site                     coverage, failed checks, every report: a site to open offline
  gxcrawl archive check --archive archive        verify the WARC files against the index
  gxcrawl archive wacz --out corpus.wacz         the archive as one WACZ file for ReplayWeb.page / pywb
  gxcrawl frontier status                        a shared crawl's queue per portal (docs/scale-out.md)

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
    p.add_argument(
        "--processes",
        type=int,
        default=1,
        help="crawl processes; more than 1 share a Redis frontier ($GXCRAWL_REDIS_URL) and a PostgreSQL "
        "index ($GXCRAWL_DATABASE_URL)",
    )
    p.set_defaults(func=_cmd_demo)


def _cmd_demo(args: argparse.Namespace) -> int:
    from gxcrawl.crawl.demo import run_demo

    if args.processes < 1:
        raise ValueError(f"--processes must be at least 1, got {args.processes}")
    return run_demo(
        sites=args.sites,
        seed=args.seed,
        archive_dir=args.archive,
        browser=not args.no_browser,
        reports_per_site=args.reports_per_site,
        processes=args.processes,
    )


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
    p = sub.add_parser(
        "export",
        help="export the corpus (one record per distinct report)",
        description="JSONL: one export record per distinct report (export.schema.json). CSV and "
        "Parquet: a directory of flat tables (reports, tables, checks, issues) that join "
        "on text_sha256. See docs/export.md.",
    )
    p.add_argument("--format", choices=["jsonl", "csv", "parquet"], default="jsonl")
    p.add_argument(
        "--out",
        default="-",
        help="jsonl: output file; csv/parquet: output directory (default: stdout, jsonl and csv only)",
    )
    p.add_argument("--force", action="store_true", help="replace output files that exist already")
    p.add_argument("--portal", default=None, help="only reports found on these portals: ID or ID,ID")
    p.add_argument("--year", default=None, help="only these report years: 2020 or 2019-2021")
    p.add_argument("--since", default=None, help="only reports first seen on or after DATE (YYYY-MM-DD)")
    p.add_argument("--archive", default="archive")
    p.add_argument(
        "--database", default=None, help="SQLAlchemy URL (default: $GXCRAWL_DATABASE_URL or archive/index.sqlite)"
    )
    p.set_defaults(func=_cmd_export)


def _cmd_export(args: argparse.Namespace) -> int:
    from gxcrawl.corpus.export import run_export

    return run_export(args)


def _add_validate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate",
        help="check an export: JSONL against export.schema.json, CSV/Parquet tables' "
        "columns and types (one line per problem, exit 1 if any)",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="a .jsonl file, an export directory or one table file")
    p.set_defaults(func=_cmd_validate)


def _cmd_validate(args: argparse.Namespace) -> int:
    from gxcrawl.corpus.validate import run_validate

    return run_validate(args)


def _add_reparse(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("reparse", help="re-run the current parser over every archived document")
    p.add_argument("--archive", default="archive")
    p.add_argument("--database", default=None)
    p.set_defaults(func=_cmd_reparse)


def _cmd_reparse(args: argparse.Namespace) -> int:
    from gxcrawl.corpus.reparse import run_reparse

    return run_reparse(args)


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


def _add_quality(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("quality", help="write the quality report: a static site of coverage, checks and reports")
    p.add_argument("--out", required=True, help="directory for the site (index.html opens offline)")
    p.add_argument("--archive", default="archive")
    p.add_argument(
        "--database", default=None, help="SQLAlchemy URL (default: $GXCRAWL_DATABASE_URL or archive/index.sqlite)"
    )
    p.add_argument(
        "--registry",
        default=None,
        help="a registry file for portals the crawls did not record in the index (default: the bundled registry)",
    )
    p.add_argument(
        "--jobs", type=_positive_int, default=None, help="worker processes writing report pages (default: one per CPU)"
    )
    p.set_defaults(func=_cmd_quality)


def _cmd_quality(args: argparse.Namespace) -> int:
    from gxcrawl.quality.site import run_quality

    return run_quality(args)


# --- archive maintenance ----------------------------------------------------------------------------------------
def _archive_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    # accepted before and after the verb (`gxcrawl archive --archive D check` and `gxcrawl archive check --archive D`):
    # on the verb the default is SUPPRESS, so an option given before it is not overwritten
    parser.add_argument(
        "--archive", default=argparse.SUPPRESS if suppress else "archive", help="archive directory (default: archive/)"
    )
    parser.add_argument(
        "--database",
        default=argparse.SUPPRESS if suppress else None,
        help="SQLAlchemy URL of the index (default: $GXCRAWL_DATABASE_URL or <archive>/index.sqlite)",
    )


def _add_archive(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("archive", help="archive maintenance: init, check, reindex; wacz packaging")
    _archive_options(p, suppress=False)
    verbs = p.add_subparsers(dest="archive_verb", required=True)
    for name, text in (
        ("init", "create the index database (create-all + alembic stamp)"),
        ("check", "verify every index row points at a readable record with the right digest"),
        ("reindex", "rebuild a lost or deleted index from the WARC files"),
    ):
        _archive_options(verbs.add_parser(name, help=text), suppress=True)
    wacz = verbs.add_parser(
        "wacz", help="package the WARC files, a CDXJ index and the report pages as one WACZ file (ReplayWeb.page, pywb)"
    )
    _archive_options(wacz, suppress=True)
    wacz.add_argument("--out", required=True, help="the WACZ file to write, e.g. corpus.wacz")
    wacz.add_argument("--title", default=None, help="the collection's title (default: from the archive directory)")
    wacz.add_argument("--force", action="store_true", help="replace the file if it exists")
    p.set_defaults(func=_cmd_archive)


def _cmd_archive(args: argparse.Namespace) -> int:
    if args.archive_verb == "wacz":  # needs the corpus (report pages and titles), which the archive knows nothing of
        from gxcrawl.corpus.wacz import run_wacz

        return run_wacz(args)
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
    check.add_argument(
        "--strict", action="store_true", help="also list entries without a source, or whose source is not confirmed"
    )
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


# --- frontier: the shared crawl queue ------------------------------------------------------------------------
def _add_frontier(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("frontier", help="a shared Redis frontier: status per portal, seed it, clear it")
    verbs = p.add_subparsers(dest="frontier_verb", required=True)
    for name, text in (
        ("status", "queued, in flight and done per portal; processes; hosts held back"),
        ("seed", "push the registry's start requests once (the first crawl process also does)"),
        ("clear", "delete the frontier (queue, duplicate filter, host state) to crawl afresh"),
    ):
        verb = verbs.add_parser(name, help=text)
        verb.add_argument("--redis", default=None, help="Redis URL (default: $GXCRAWL_REDIS_URL)")
        verb.add_argument("--name", default=None, help="the crawl's name (default: $GXCRAWL_FRONTIER or gxcrawl)")
        verb.set_defaults(func=_cmd_frontier)
        if name == "status":
            verb.add_argument("--json", action="store_true", help="the status as JSON")
        if name == "seed":
            verb.add_argument("--registry", default=None, help="a registry file (default: the bundled registry)")
            verb.add_argument("--portals", default=None, help="only these portal ids (ID,ID)")


def _cmd_frontier(args: argparse.Namespace) -> int:
    from gxcrawl.crawl.cluster import cli
    from gxcrawl.crawl.cluster.state import ServiceUnavailable

    try:
        return {"status": cli.run_status, "seed": cli.run_seed, "clear": cli.run_clear}[args.frontier_verb](args)
    except ServiceUnavailable as exc:
        raise ValueError(str(exc)) from None


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gxcrawl")
    except PackageNotFoundError:
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gxcrawl", description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"gxcrawl {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="VERB")
    for add in (
        _add_parse,
        _add_demo,
        _add_demo_portal,
        _add_export,
        _add_validate,
        _add_reparse,
        _add_quality,
        _add_archive,
        _add_portals,
        _add_frontier,
    ):
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
    return bool(
        (errors is not None and isinstance(exc, errors.SQLAlchemyError))
        or (database is not None and isinstance(exc, database.ArchiveWriteError))
    )


if __name__ == "__main__":
    sys.exit(main())
