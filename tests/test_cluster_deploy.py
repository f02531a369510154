"""The compose file of docs/scale-out.md parses and wires Redis, PostgreSQL and the crawlers together."""

from __future__ import annotations

from pathlib import Path

import yaml

COMPOSE = Path(__file__).resolve().parent.parent / "deploy" / "compose.yaml"


def test_compose_file_parses_and_wires_the_services() -> None:
    compose = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"redis", "postgres", "init", "crawler"} <= set(services)
    env = services["crawler"]["environment"]
    assert env["GXCRAWL_REDIS_URL"].startswith("redis://redis:")
    assert (
        env["GXCRAWL_DATABASE_URL"].startswith("postgresql+psycopg://") and "@postgres:" in env["GXCRAWL_DATABASE_URL"]
    )
    assert env == services["init"]["environment"]  # the seeder and the crawlers name the same crawl
    assert "scrapy crawl portals" in " ".join(services["crawler"]["command"])
    assert services["crawler"]["depends_on"]["init"]["condition"] == "service_completed_successfully"
    # every crawler writes into the one archive volume
    assert any(v.endswith(":/archive") for v in services["crawler"]["volumes"])
    assert env["GXCRAWL_ARCHIVE_DIR"] == "/archive"
