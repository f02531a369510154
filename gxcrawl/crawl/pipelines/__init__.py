"""Item pipelines, in order: parse (300) -> dedupe (400) -> store (500)."""
