"""The crawl's own settings (GX_*): validated once at start, and the settings derived from them.

Every GX_ setting has one rule here (a test keeps it so): a bad value stops the crawl before anything
starts, with one line naming the setting, instead of a traceback or a crawl that silently does nothing.
Derived settings (the User-Agent from GX_CONTACT_URL) are computed when the crawler is built, so `-s`
changes them like any other setting.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

logger = logging.getLogger(__name__)

PLACEHOLDER_CONTACT = "https://github.com/gxcrawl/gxcrawl#contact"
USER_AGENT_TEMPLATE = "gxcrawl/0.1 (+{contact}; archiving annual reports on open government information)"
WARC_PREFIX = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class SettingsError(ValueError):
    """A GX_ setting (or the spider's arguments) that the crawl cannot run with; the message is one line."""


def user_agent(contact: str) -> str:
    return USER_AGENT_TEMPLATE.format(contact=contact)


# --- rules: each takes (settings, name) and raises SettingsError ---------------------------------------------
def _raw(settings: BaseSettings, name: str) -> object:
    return settings.get(name)


def _boolean(settings: BaseSettings, name: str) -> None:
    try:
        settings.getbool(name)
    except ValueError:
        raise SettingsError(f"{name} must be 0/1 or true/false, got {_raw(settings, name)!r}") from None


def _number(
    low: float, *, integer: bool = False, high: Callable[[], float] | None = None, low_open: bool = False
) -> Callable[[BaseSettings, str], None]:
    def rule(settings: BaseSettings, name: str) -> None:
        raw = _raw(settings, name)
        try:
            value = settings.getint(name) if integer else settings.getfloat(name)
            if integer and isinstance(raw, str) and not re.fullmatch(r"\s*[+-]?\d+\s*", raw):
                raise ValueError
        except (TypeError, ValueError):
            kind = "an integer" if integer else "a number"
            raise SettingsError(f"{name} must be {kind}, got {raw!r}") from None
        top = high() if high else None
        if value < low or (low_open and value == low) or (top is not None and value > top):
            bounds = f"{'>' if low_open else '>='} {_shown(low)}" + (
                f" and <= {_shown(top)}" if top is not None else ""
            )
            raise SettingsError(f"{name} must be {bounds}, got {raw!r}")

    return rule


def _shown(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


def _memory_mb(settings: BaseSettings, name: str) -> None:
    """0 (no limit) or enough for a parse worker to start (about 150 MB of address space) and parse."""
    _number(0, integer=True)(settings, name)
    if 0 < settings.getint(name) < 256:
        raise SettingsError(f"{name} must be 0 (no limit) or >= 256 (MB), got {_raw(settings, name)!r}")


def _max_workers() -> float:
    return max(4, 4 * (os.cpu_count() or 1))


def _directory_usable(path: Path, name: str) -> None:
    """The directory exists or can be made, is a directory, and can be written."""
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise SettingsError(f"{name}: {probe} is a file, not a directory (archive path {path})")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise SettingsError(f"{name}: {probe} is not writable (archive path {path})")


def _archive_dir(settings: BaseSettings, name: str) -> None:
    value = str(_raw(settings, name) or "").strip()
    if not value:
        raise SettingsError(f"{name} is empty: the crawl needs an archive directory (default: archive)")
    path = Path(value)
    if _is_bool(settings, "GX_REPLAY") and settings.getbool("GX_REPLAY"):
        if not path.is_dir():
            raise SettingsError(f"GX_REPLAY: the archive directory {path} does not exist; nothing to replay")
        return
    _directory_usable(path, name)


def _is_bool(settings: BaseSettings, name: str) -> bool:
    try:
        settings.getbool(name)
    except ValueError:
        return False
    return True


def _warc_prefix(settings: BaseSettings, name: str) -> None:
    value = str(_raw(settings, name) or "")
    if not WARC_PREFIX.fullmatch(value):
        raise SettingsError(
            f"{name} must be 1-64 letters, digits, '.', '_' or '-' (a file name prefix, no path), got {value!r}"
        )


def _database_url(settings: BaseSettings, name: str) -> None:
    value = str(_raw(settings, name) or "")
    if not value:
        return
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        make_url(value).get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise SettingsError(f"{name} is not a usable database URL ({exc})") from None


def _replay_at(settings: BaseSettings, name: str) -> None:
    from gxcrawl.crawl.middlewares.replay import parse_replay_at

    try:
        parse_replay_at(settings.get(name))
    except ValueError as exc:
        raise SettingsError(str(exc)) from None


def _http_url(settings: BaseSettings, name: str) -> None:
    value = str(_raw(settings, name) or "")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(f"{name} must be an http(s) URL where site owners can reach you, got {value!r}")


def _optional_file(settings: BaseSettings, name: str) -> None:
    value = str(_raw(settings, name) or "")
    if value and not Path(value).is_file():
        raise SettingsError(f"{name}: no such file {value!r}")


def _optional_output_file(settings: BaseSettings, name: str) -> None:
    value = str(_raw(settings, name) or "")
    if value:
        path = Path(value)
        if path.is_dir():
            raise SettingsError(f"{name}: {path} is a directory, not a file")
        _directory_usable(path.parent, name)


def _gc_thresholds(settings: BaseSettings, name: str) -> None:
    raw = _raw(settings, name)
    try:
        values = [int(v) for v in settings.getlist(name)]
    except (TypeError, ValueError):
        values = []
    if len(values) != 3 or values[0] < 1 or min(values) < 0:
        raise SettingsError(f"{name} must be three whole numbers like 10000,20,20 (the first >= 1), got {raw!r}")


def _redis_url(settings: BaseSettings, name: str) -> None:
    value = str(_raw(settings, name) or "")
    if value and urlsplit(value).scheme not in ("redis", "rediss", "unix"):
        raise SettingsError(
            f"{name} must be a redis://, rediss:// or unix:// URL (or empty for one process), got {value!r}"
        )


def _frontier_name(settings: BaseSettings, name: str) -> None:
    from gxcrawl.crawl.cluster.state import NAME

    value = str(_raw(settings, name) or "")
    if not NAME.fullmatch(value):
        raise SettingsError(
            f"{name} must be 1-64 letters, digits, '.', '_' or '-' (the crawl's name in Redis), got {value!r}"
        )


def _anything(settings: BaseSettings, name: str) -> None:
    """Checked where it is used (a missing browser only means pages are listed as not rendered)."""


# checked in this order; values before the file system, so the first error names the setting given wrong
RULES: dict[str, Callable[[BaseSettings, str], None]] = {
    "GX_REPLAY": _boolean,
    "GX_REPLAY_AT": _replay_at,
    "GX_CONTACT_URL": _http_url,
    "GX_ARCHIVE_DIR": _archive_dir,
    "GX_DATABASE_URL": _database_url,
    "GX_WARC_ENABLED": _boolean,
    "GX_WARC_MAX_SIZE": _number(1, integer=True),  # bytes; a file is closed once it passes this size
    "GX_WARC_PREFIX": _warc_prefix,
    "GX_WARC_FSYNC": _boolean,
    "GX_PARSE_ENABLED": _boolean,
    "GX_PARSE_WORKERS": _number(-1, integer=True, high=_max_workers),
    "GX_PARSE_TIMEOUT": _number(0, low_open=True),
    "GX_PARSE_MEMORY_MB": _memory_mb,
    "GX_REGISTRY": _optional_file,
    "GX_RENDER_ENABLED": _boolean,
    "GX_CHROMIUM_PATH": _anything,
    "GX_CRAWL_DELAY_ENABLED": _boolean,
    "GX_CRAWL_DELAY_MAX": _number(0),
    "GX_RETRY_BACKOFF_BASE": _number(0),
    "GX_RETRY_AFTER_MAX": _number(0),
    "GX_BLOCKED_ENABLED": _boolean,
    "GX_MAX_NAV_PAGES_PER_PORTAL": _number(1, integer=True),
    "GX_MAX_LINKS_PER_PAGE": _number(1, integer=True),
    "GX_OFF_REACTOR_PAGE_BYTES": _number(0, integer=True),  # pages bigger than this are read in a worker thread
    "GX_COOKIES_MAX_PER_DOMAIN": _number(1, integer=True),
    "GX_COOKIES_MAX_BYTES_PER_DOMAIN": _number(1, integer=True),
    "GX_COOKIE_MAX_BYTES": _number(1, integer=True),
    "GX_COVERAGE_ENABLED": _boolean,
    "GX_COVERAGE_FILE": _optional_output_file,
    "GX_GC_TUNING": _boolean,
    "GX_GC_THRESHOLDS": _gc_thresholds,
    "GX_CONDITIONAL_ENABLED": _boolean,
    "GX_REDIS_URL": _redis_url,
    "GX_FRONTIER_NAME": _frontier_name,
    "GX_FRONTIER_LEASE": _number(1),  # seconds; renewed every quarter of it while the process lives
    "GX_FRONTIER_POLL": _number(0, low_open=True),
}


def validate_settings(settings: BaseSettings) -> None:
    """Raise SettingsError for the first GX_ setting the crawl cannot run with."""
    for name, rule in RULES.items():
        rule(settings, name)


def check_database(settings: BaseSettings) -> None:
    """Connect once to the configured index database, so a wrong host or password stops the crawl at start."""
    url = str(settings.get("GX_DATABASE_URL") or "")
    if not url:
        return
    import sqlalchemy as sa

    engine = sa.create_engine(url, connect_args={"connect_timeout": 10} if url.startswith("postgresql") else {})
    try:
        with engine.connect():
            pass
    except sa.exc.SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise SettingsError(f"GX_DATABASE_URL: cannot connect to the index database ({reason})") from None
    finally:
        engine.dispose()


def check_redis(settings: BaseSettings) -> None:
    """Reach the Redis frontier once, so a wrong URL or a stopped Redis stops the crawl at start."""
    url = str(settings.get("GX_REDIS_URL") or "")
    if not url:
        return
    from gxcrawl.crawl.cluster.state import ServiceUnavailable, connect

    try:
        connect(url).close()
    except ServiceUnavailable as exc:
        raise SettingsError(f"GX_REDIS_URL: {exc}") from None


class ConfigAddon:
    """Validates the GX_ settings when a crawler is built and derives the User-Agent from GX_CONTACT_URL
    (unless USER_AGENT itself was set on the command line)."""

    PRIORITY = "spider"  # above settings.py, below -s on the command line

    def update_settings(self, settings: BaseSettings) -> None:
        validate_settings(settings)
        contact = str(settings.get("GX_CONTACT_URL"))
        if (settings.getpriority("USER_AGENT") or 0) <= SETTINGS_PRIORITIES["default"]:
            settings.set("USER_AGENT", user_agent(contact), priority=self.PRIORITY)
        if contact == PLACEHOLDER_CONTACT:
            logger.warning(
                "GX_CONTACT_URL is still the placeholder %s: set -s GX_CONTACT_URL=<a page where site "
                "owners can reach you> so portals know who is crawling",
                contact,
            )
