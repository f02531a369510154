"""The export record (docs/record.md, "Export record") built from plain values (its flat tables: tables.py).

No database here: `gxcrawl.corpus.export` reads index rows and hands plain values to
`build_export_record`; tests build records from dicts the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

import orjson

# the statistical tables of the report record, in report order: tables 二/三/四, then the pre-2019 sheet
# (rows are its indicators, columns this_year/cumulative; only pre-2019 records have it)
TABLES: tuple[str, ...] = ("active", "applications", "appeals", "pre2019")

# the registry's description of the portal a report was found on, as the crawl recorded it (index `portal` table)
PORTAL_KEYS: tuple[str, ...] = ("portal_name", "portal_level", "portal_region_code")


def iso_utc(moment: datetime | str | None) -> str | None:
    """ISO 8601 in UTC with a trailing Z; naive datetimes (SQLite) are taken as UTC already."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def export_fields(
    *,
    url: str,
    final_url: str | None,
    portal: str | None,
    portal_info: Mapping[str, Any] | None = None,
    fetched_at: datetime | str,
    content_type: str | None,
    sources: Iterable[Mapping[str, Any]],
    versions: int,
    warc: Mapping[str, Any],
    attachments: Iterable[Mapping[str, Any]] = (),
    parser_version: str,
) -> dict[str, Any]:
    """The keys the export adds to a report record: where, when and how often it was seen. `portal_info`: the
    portal's `name`, `level` and `region_code` (None: unknown, the keys are null)."""
    info = portal_info or {}
    return {
        "url": url,
        "final_url": final_url,
        "portal": portal,
        "portal_name": info.get("name"),
        "portal_level": info.get("level"),
        "portal_region_code": info.get("region_code"),
        "fetched_at": iso_utc(fetched_at),
        "content_type": content_type,
        "sources": [
            {
                "url": source["url"],
                "portal": source.get("portal"),
                "first_seen": iso_utc(source["first_seen"]),
                "last_seen": iso_utc(source["last_seen"]),
            }
            for source in sources
        ],
        "versions": int(versions),
        "warc": {"file": str(warc["file"]), "offset": int(warc["offset"]), "length": int(warc["length"])},
        "attachments": [
            {"url": a["url"], "content_type": a.get("content_type"), "sha256": a.get("sha256")} for a in attachments
        ],
        "parser_version": parser_version,
    }


def build_export_record(report: Mapping[str, Any], **fields: Any) -> dict[str, Any]:
    """The report record plus `export_fields(**fields)`; report keys are never renamed or dropped."""
    return {**report, **export_fields(**fields)}


@dataclass(slots=True)
class ExportRow:
    """One export record before serialisation: the stored report record as JSON text plus the export keys.

    `jsonl()` appends the export keys to the stored JSON text without decoding it, which is what makes the
    export fast (a ~30 KB record costs ~150 us to decode). The report record never carries export keys
    (docs/interfaces.md, "The parser") except `parser_version`; `record_parser_version` is that key's
    stored value, and when it
    differs from the export's the line is rebuilt from the decoded record so no key appears twice.
    """

    record_json: str
    fields: dict[str, Any]
    record_parser_version: str | None = None
    # checks between this report and others of its agency (gxcrawl.corpus.crossyear), appended to `checks`
    cross_year_checks: list[dict[str, Any]] | None = None

    def record(self) -> dict[str, Any]:
        record = {**orjson.loads(self.record_json), **self.fields}
        if self.cross_year_checks:
            record["checks"] = [*record.get("checks", []), *self.cross_year_checks]
        return record

    def jsonl(self) -> str:
        if self.cross_year_checks:  # `checks` itself changes: the stored text cannot be reused as it is
            return dumps_jsonl(self.record())
        extra = dict(self.fields)
        if self.record_parser_version is not None:
            if self.record_parser_version != extra["parser_version"]:
                return dumps_jsonl(self.record())
            del extra["parser_version"]  # already in the record, same value
        text = self.record_json.strip()
        if not (text.startswith("{") and text.endswith("}")):
            raise ValueError(f"stored report record is not a JSON object: {text[:60]!r}")
        # re-encoded when pretty-printed (JSON strings never hold raw line breaks), or stored with \u escapes
        # (json.dumps' default, as indexes were written before records were stored as plain UTF-8): the export
        # is plain UTF-8, Chinese readable with `head` and half the size
        if "\n" in text or "\r" in text or "\\u" in text:
            return dumps_jsonl(self.record())
        body = text[1:-1].strip()
        tail = orjson.dumps(extra).decode("utf-8")[1:-1]
        return "{" + body + ("," if body and tail else "") + tail + "}\n"


_JSON_DECODER = json.JSONDecoder()


def peek_json_values(text: str, keys: Mapping[str, str] | Iterable[str]) -> dict[str, list[Any]]:
    """Values of `keys` where they occur as object keys in JSON `text`, without decoding the rest.

    In JSON text a key is a quoted string right after `{` or `,` (whitespace allowed) and followed by
    `:`; inside a string value every quote is escaped, so this pattern cannot match string content.
    Only the matched values are decoded (json raw_decode from their offset), which is what keeps the
    export from paying for a full decode of every ~30 KB record. `keys` may map a key to "first" (stop
    at the first occurrence), "last" (search from the end: a top-level key written last) or "all".
    """
    modes = dict(keys) if isinstance(keys, Mapping) else dict.fromkeys(keys, "all")
    found: dict[str, list[Any]] = {}
    for key, mode in modes.items():
        values = found.setdefault(key, [])
        needle = f'"{key}"'
        backwards = mode == "last"
        at = text.rfind(needle) if backwards else text.find(needle)
        while at >= 0:
            after = at + len(needle)
            colon = _skip_space(text, after)
            if text[colon : colon + 1] == ":" and _previous_char(text, at) in ("{", ","):
                values.append(_JSON_DECODER.raw_decode(text, _skip_space(text, colon + 1))[0])
                if mode != "all":
                    break
            at = text.rfind(needle, 0, at) if backwards else text.find(needle, after)
    return found


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at


def _previous_char(text: str, at: int) -> str:
    at -= 1
    while at >= 0 and text[at] in " \t\r\n":
        at -= 1
    return text[at] if at >= 0 else ""


def dumps_jsonl(record: Mapping[str, Any]) -> str:
    """One JSONL line: UTF-8 text (Chinese kept readable), compact separators."""
    return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE).decode("utf-8")


# --- the JSON Schema -------------------------------------------------------------------------------------------
def _load_schema(name: str) -> dict[str, Any]:
    path = resources.files("gxcrawl").joinpath("schemas", name)
    if not path.is_file():
        raise FileNotFoundError(f"gxcrawl/schemas/{name} is missing from the installed package")
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def export_validator() -> Any:
    """A plain jsonschema validator of the export record: export.schema.json is self-contained (schema.py)."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(_load_schema("export.schema.json"))


def validation_errors(record: Mapping[str, Any]) -> Sequence[str]:
    """Readable messages for every way `record` breaks the export schema (empty when valid)."""
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<record>'}: {error.message}"
        for error in export_validator().iter_errors(record)
    ]
