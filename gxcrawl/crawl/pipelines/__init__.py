"""Item pipelines, in order: parse (300, in worker processes) -> dedupe and store (400, one archive transaction)."""
