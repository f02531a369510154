"""Scrapy commands of the project (COMMANDS_MODULE): `scrapy crawl` checks its settings and arguments first."""
