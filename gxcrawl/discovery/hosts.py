"""The host policy: which URLs a portal's crawl may request (docs/interfaces.md, "Host policy").

A registry entry's `allowed_hosts` lists `host` or `host:port` entries:
  - `host:port` admits exactly that host on exactly that port;
  - `host` admits that host on the standard web ports only (80 and 443, whatever the scheme), and, when it is a
    registrable-looking name (x.gov.cn, example.org; never a bare IP), its subdomains on those ports too.
A URL's port is the one it names, else its scheme's default (http 80, https 443). So the crawling machine's
other services (PostgreSQL 5432, Redis 6379, …) are never the portal's, even on an allowed host, unless the
registry names that port. Every request of a crawl passes this one policy (the spider's, the downloader
middleware's, redirects', a rendered page's own requests). Pure: no Scrapy, no network.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

WEB_PORTS = frozenset({80, 443})
DEFAULT_PORTS = {"http": 80, "https": 443}


def _host(name: str) -> str:
    return name.strip().lower().rstrip(".")


def origin(url: str) -> tuple[str, int] | None:
    """(host, port) a request to `url` connects to; None for a URL that is not http(s) or has a bad port."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port out of range or not a number
        return None
    scheme = parts.scheme.lower()
    host = _host(parts.hostname or "")
    if scheme not in DEFAULT_PORTS or not host:
        return None
    return host, port if port is not None else DEFAULT_PORTS[scheme]


def _is_ip(host: str) -> bool:
    return host.replace(".", "").isdigit() or ":" in host


@dataclass(frozen=True, slots=True)
class HostPolicy:
    """Allowed origins of one portal, from its registry `allowed_hosts`."""

    pinned: frozenset[tuple[str, int]]  # host:port entries
    hosts: frozenset[str]  # host entries (on WEB_PORTS)
    roots: tuple[str, ...]  # registrable roots whose subdomains are admitted (on WEB_PORTS)

    @classmethod
    def from_allowed_hosts(cls, allowed_hosts: Iterable[str]) -> HostPolicy:
        pinned: set[tuple[str, int]] = set()
        hosts: set[str] = set()
        roots: list[str] = []
        for entry in allowed_hosts:
            host, port = parse_allowed_host(entry)
            if port is not None:
                pinned.add((host, port))
                continue
            hosts.add(host)
            root = host.removeprefix("www.")
            # a registrable-looking root (x.gov.cn, example.org) admits its subdomains; a bare IP never does
            if root.count(".") >= 1 and not _is_ip(root):
                roots.append(root)
        return cls(frozenset(pinned), frozenset(hosts), tuple(sorted(set(roots))))

    def allows(self, url: str) -> bool:
        where = origin(url)
        if where is None:
            return False
        host, port = where
        if where in self.pinned:
            return True
        if port not in WEB_PORTS:
            return False
        return host in self.hosts or any(host.endswith("." + root) for root in self.roots)


def parse_allowed_host(entry: str) -> tuple[str, int | None]:
    """`host` or `host:port` (`[v6]:port` for IPv6) -> (lower-case host, port or None); ValueError when malformed."""
    text = entry.strip()
    if not text or any(c in text for c in "/?#@ \t"):
        raise ValueError(f"{entry!r} is not a host name or host:port")
    try:
        parts = urlsplit("//" + text)
        port = parts.port
    except ValueError:
        raise ValueError(f"{entry!r} has a bad port") from None
    host = _host(parts.hostname or "")
    if not host:
        raise ValueError(f"{entry!r} is not a host name or host:port")
    return host, port


@functools.lru_cache(maxsize=4096)
def host_policy(allowed_hosts: tuple[str, ...]) -> HostPolicy:
    return HostPolicy.from_allowed_hosts(allowed_hosts)


def request_allowed(
    url: str, allowed_hosts: Sequence[str] | None, crawl_allowed_hosts: Iterable[Sequence[str]] = ()
) -> bool | None:
    """Whether a request to `url` passes the host policy: its portal's `allowed_hosts` when it has a portal, else
    (a request of no portal: robots.txt and its redirects) any of the crawl's portals' `crawl_allowed_hosts`.
    None when neither is known: no policy applies."""
    if allowed_hosts is not None:
        return host_policy(tuple(allowed_hosts)).allows(url)
    decided = None
    for hosts in crawl_allowed_hosts:
        if host_policy(tuple(hosts)).allows(url):
            return True
        decided = False
    return decided


def allowed_host_entry(url: str) -> str | None:
    """The `allowed_hosts` entry that admits exactly `url`'s origin: `host` on a standard port, else `host:port`."""
    where = origin(url)
    if where is None:
        return None
    host, port = where
    if port in WEB_PORTS:
        return host
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
