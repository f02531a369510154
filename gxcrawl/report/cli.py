"""`gxcrawl parse PATH...`: one report record per input, one JSON object per line (or indented)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

from gxcrawl.report import INTERNAL_ERROR, parse_report
from gxcrawl.report.errors import UnreadableDocument


def run_parse(paths: list[str], *, pretty: bool, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Parse every path; a file that cannot be read is reported on stderr and the others still parsed.

    Returns 0 when every input was parsed, 1 otherwise.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    failed = 0
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            print(f"gxcrawl parse: cannot read {path}: {exc.strerror or exc}", file=err)
            failed += 1
            continue
        try:
            record = parse_report(data, url=path)
        except UnreadableDocument as exc:
            print(f"gxcrawl parse: {path}: unreadable document: {_one_line(exc)}", file=err)
            failed += 1
            continue
        except Exception as exc:  # MemoryError, or a bug past the parser's own guard: this file only
            print(f"gxcrawl parse: {path}: cannot parse ({type(exc).__name__}: {_one_line(exc)})", file=err)
            failed += 1
            continue
        internal = [issue for issue in record.get("issues", ()) if issue.startswith(INTERNAL_ERROR)]
        if internal:  # the record is still written, with what loading got
            print(f"gxcrawl parse: {path}: {internal[0]}", file=err)
            failed += 1
        elif not _has_values(record):
            reason = next((i for i in record["issues"] if i.startswith("document:")), None) or record["issues"][0]
            print(f"gxcrawl parse: {path}: no report values read: {reason}", file=err)
        record = {"source": path, **record}
        if pretty:
            out.write(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
        else:
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
    out.flush()
    return 1 if failed else 0


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300]


def _has_values(record: dict[str, Any]) -> bool:
    return any(
        v is not None
        for table in ("active", "applications", "appeals", "pre2019")
        for row in (record.get(table) or {}).values()
        for v in row.values()
    )
