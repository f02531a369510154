"""The export record's JSON Schema as one self-contained file.

`gxcrawl/schemas/export.unbundled.schema.json` (edited by hand) describes what the export adds to a report record
and refers to `report.schema.json` for the rest. `export.schema.json`, the schema we publish, is the same document
with report.schema.json embedded under `$defs` (JSON Schema 2020-12 bundling: the embedded schema keeps its `$id`,
which the `$ref` resolves to), so any plain validator validates an export record with that one file.

    python -m gxcrawl.corpus.schema     # regenerate export.schema.json after editing either source

tests/test_corpus_schema.py checks that the shipped file is exactly what this writes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
UNBUNDLED = "export.unbundled.schema.json"
REPORT = "report.schema.json"
BUNDLED = "export.schema.json"
EMBEDDED_KEY = "report_record"  # $defs key of the embedded report schema


def _read(name: str, schemas: Path) -> dict[str, Any]:
    return json.loads((schemas / name).read_text(encoding="utf-8"))


def bundle_export_schema(schemas: Path = SCHEMAS) -> dict[str, Any]:
    """export.unbundled.schema.json with report.schema.json embedded (it must have an `$id` for the `$ref`)."""
    export, report = _read(UNBUNDLED, schemas), _read(REPORT, schemas)
    base = export["$id"].rsplit("/", 1)[0]
    if report.get("$id") != f"{base}/{REPORT}":
        raise ValueError(f"{REPORT} must have $id {base}/{REPORT} for the export schema's $ref to find it embedded")
    embedded = {key: value for key, value in report.items() if key != "$schema"}  # the dialect is the bundle's
    export["description"] = export["description"].split(" export.schema.json is this file")[0] + (
        f" Generated from {UNBUNDLED} with {REPORT} embedded under $defs/{EMBEDDED_KEY}"
        " (python -m gxcrawl.corpus.schema): do not edit by hand."
    )
    return {**export, "$defs": {**export.get("$defs", {}), EMBEDDED_KEY: embedded}}


def bundled_text(schemas: Path = SCHEMAS) -> str:
    return json.dumps(bundle_export_schema(schemas), ensure_ascii=False, indent=2) + "\n"


def main() -> int:
    target = SCHEMAS / BUNDLED
    target.write_text(bundled_text(), encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
