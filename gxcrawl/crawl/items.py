"""The item the spider yields for every report page or report attachment (docs/interfaces.md, "The crawl")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gxcrawl.archive import DocumentOutcome


@dataclass
class ReportPage:
    url: str
    final_url: str
    portal: str | None
    body: bytes
    content_type: str | None
    capture_id: int | None  # request.meta["gx_capture_id"], set by the WARC capture hook
    fetched_at: str | None
    hints: dict[str, Any] = field(default_factory=dict)  # discovery: title, agency, report_year, published, list_url
    attachments: list[dict[str, Any]] = field(default_factory=list)  # {"url","content_type","sha256","capture_id"}
    kind: str = "page"  # "page" | "attachment"
    # filled by the pipelines
    record: dict[str, Any] | None = None  # ParsePipeline: the parsed report record (docs/record.md)
    record_json: str | None = field(default=None, repr=False)  # ParsePipeline: `record` as json.dumps wrote it
    text: str | None = None  # ParsePipeline: the normalised report text
    document_id: int | None = None  # StorePipeline
    outcome: DocumentOutcome | None = field(default=None, repr=False)  # StorePipeline: what the sighting changed
