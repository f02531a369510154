"""Helpers for the archive tests: a loopback HTTP server with scripted routes and a crawl runner."""
