"""What crawler processes share in Redis, as atomic Lua scripts: no Scrapy here, only bytes and names.

One crawl (`name`) owns every key under `gx:<name>:`:

- the frontier: `queue` (ZSET id -> score, lowest first: scrapy-redis's -priority), `data` (HASH id -> the
  serialised request), `score`/`portal` (HASH id -> its score / portal), `seq` (the id counter);
- leases: `leases` (ZSET id -> deadline) and `owner` (HASH id -> process). A popped request is leased, not
  removed: a process that dies (kill -9) stops renewing its leases and any live process puts them back on the
  queue once they expire. A request is done (`ack`) only when its callback's requests are queued and its items
  stored, so a crash loses nothing and refetches at most what was in flight;
- counters per portal: `queued`, `inflight`, `done`, `requeued` (HASH portal -> n), kept by the same scripts;
- `seen` (scrapy-redis's duplicate filter SET; a fingerprint is added in the same script that queues its request),
  `successor_of` (HASH fingerprint -> lease: the request whose redirect first met a page), `spellings:<key>` (the
  page-key spellings met), `seed` (the seeding guard: a process id while one seeds, `done` after), `procs` (HASH
  process -> last heartbeat JSON);
- per host: `host:<host>` (HASH next_at, crawl_delay, blocked_until, blocked:<reason>) and `slots:<host>`
  (ZSET holder -> deadline, renewed while the request is in flight): the cluster's per-host concurrency, delay and
  Retry-After back-off;
  `robots:<url>` caches robots.txt so the cluster fetches it once.

Times are Redis's own clock (TIME inside the scripts): machines with skewed clocks still agree.
"""

from __future__ import annotations

import json
import os
import re
import socket
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
SEED_DONE = b"done"

_NOW = "local t = redis.call('TIME'); local now = tonumber(t[1]) + tonumber(t[2]) / 1000000\n"

# KEYS: queue data score portal seq queued seen; ARGV: payload score portal fingerprint ('' = no duplicate check).
# The fingerprint is marked seen and the request queued in one step: a process killed between the two would
# otherwise leave a page marked seen that no queue holds, and no later link to it would be followed.
_PUSH = """
if ARGV[4] ~= '' and redis.call('SADD', KEYS[7], ARGV[4]) == 0 then return 0 end
local id = redis.call('INCR', KEYS[5])
redis.call('ZADD', KEYS[1], ARGV[2], id)
redis.call('HSET', KEYS[2], id, ARGV[1])
redis.call('HSET', KEYS[3], id, ARGV[2])
redis.call('HSET', KEYS[4], id, ARGV[3])
redis.call('HINCRBY', KEYS[6], ARGV[3], 1)
return id
"""

# KEYS: queue data portal leases owner queued inflight; ARGV: lease seconds, owner
_POP = (
    _NOW
    + """
local ids = redis.call('ZRANGE', KEYS[1], 0, 0)
if #ids == 0 then return false end
local id = ids[1]
redis.call('ZREM', KEYS[1], id)
redis.call('ZADD', KEYS[4], now + tonumber(ARGV[1]), id)
redis.call('HSET', KEYS[5], id, ARGV[2])
local portal = redis.call('HGET', KEYS[3], id) or ''
redis.call('HINCRBY', KEYS[6], portal, -1)
redis.call('HINCRBY', KEYS[7], portal, 1)
return {id, redis.call('HGET', KEYS[2], id)}
"""
)

# KEYS: leases data score portal owner inflight done; ARGV: id, count as done (1) or replaced by a retry (0)
_ACK = """
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
local portal = redis.call('HGET', KEYS[4], ARGV[1]) or ''
redis.call('HINCRBY', KEYS[6], portal, -1)
if ARGV[2] == '1' then redis.call('HINCRBY', KEYS[7], portal, 1) end
redis.call('HDEL', KEYS[2], ARGV[1]); redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1]); redis.call('HDEL', KEYS[5], ARGV[1])
return 1
"""

# KEYS: seen successor_of; ARGV: fingerprint, lease. 1: the lease may fetch this successor (a redirect's target):
# first met now, or first met under this same lease by a process that died before fetching it; 0: another request
# met it first (it is queued, fetched or in flight there).
_CLAIM_SUCCESSOR = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 1 then redis.call('HSET', KEYS[2], ARGV[1], ARGV[2]); return 1 end
if redis.call('HGET', KEYS[2], ARGV[1]) == ARGV[2] then return 1 end
return 0
"""

# KEYS: leases; ARGV: lease seconds, ids...
_RENEW = (
    _NOW
    + """
local n = 0
for i = 2, #ARGV do n = n + redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[1]), ARGV[i]) end
return n
"""
)

# KEYS: leases queue score portal owner queued inflight requeued; ARGV: max
_REQUEUE = (
    _NOW
    + """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZADD', KEYS[2], redis.call('HGET', KEYS[3], id) or 0, id)
  redis.call('HDEL', KEYS[5], id)
  local portal = redis.call('HGET', KEYS[4], id) or ''
  redis.call('HINCRBY', KEYS[6], portal, 1)
  redis.call('HINCRBY', KEYS[7], portal, -1)
  redis.call('HINCRBY', KEYS[8], portal, 1)
end
return #ids
"""
)

# KEYS: seed; ARGV: owner, guard seconds. 1: this process seeds; 0: seeding is done; -1: another seeds now
_CLAIM_SEED = """
local v = redis.call('GET', KEYS[1])
if v == 'done' then return 0 end
if v == false or v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]); return 1 end
return -1
"""

# KEYS: seed; ARGV: owner ('' = whoever holds it), guard seconds (0: mark done)
_KEEP_SEED = """
local v = redis.call('GET', KEYS[1])
if v == 'done' then return 0 end
if ARGV[1] ~= '' and v ~= ARGV[1] then return -1 end
if ARGV[2] == '0' then redis.call('SET', KEYS[1], 'done') else redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return 1
"""

# KEYS: slots:<host> host:<host>; ARGV: holder, limit, interval, hold seconds, serial (robots.txt: one at a time),
# AutoThrottle's start delay ('' = AutoThrottle off; otherwise the host's `throttle` delay, once set, spaces starts).
# Returns "0" when granted, "-1" when the host is at its concurrency limit, else the seconds to wait (a string:
# Lua numbers would come back truncated to integers).
_ACQUIRE = (
    _NOW
    + """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local delay = tonumber(redis.call('HGET', KEYS[2], 'crawl_delay') or '0')
local limit = tonumber(ARGV[2])
if delay > 0 or ARGV[5] == '1' then limit = 1 end
local ready = math.max(tonumber(redis.call('HGET', KEYS[2], 'next_at') or '0'),
                       tonumber(redis.call('HGET', KEYS[2], 'blocked_until') or '0'))
if ready > now then return tostring(ready - now) end
if redis.call('ZCARD', KEYS[1]) >= limit then return '-1' end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
local spacing = math.max(tonumber(ARGV[3]), delay)
if ARGV[6] ~= '' then spacing = math.max(spacing, tonumber(redis.call('HGET', KEYS[2], 'throttle') or ARGV[6])) end
redis.call('HSET', KEYS[2], 'next_at', tostring(now + spacing))
return '0'
"""
)

# KEYS: slots:<host>...; ARGV: hold seconds, one holder per key. A host turn is held while its request is in flight
# and renewed by its process: a killed process gives its hosts back after one hold, not after a download timeout.
_RENEW_HOSTS = (
    _NOW
    + """
local n = 0
for i = 1, #KEYS do n = n + redis.call('ZADD', KEYS[i], 'XX', 'CH', now + tonumber(ARGV[1]), ARGV[i + 1]) end
return n
"""
)

# KEYS: slots:<host> host:<host>; ARGV: holder, crawl delay ('' = unchanged), back-off seconds, blocked reason,
# then for AutoThrottle: the answer's latency ('' = no adjustment), target concurrency, start, min and max delay,
# and '1' for a 200 answer.
# A host with a Crawl-delay waits it after each answer too: the next request starts at least the delay after
# the previous one ended, so the server never sees two closer than the delay, whatever the network did.
# AutoThrottle's rule, on the host's one `throttle` delay for the whole cluster: move half-way towards
# latency / target concurrency (never below it), within [min, max]; an answer other than 200 may only raise it.
_RELEASE = (
    _NOW
    + """
redis.call('ZREM', KEYS[1], ARGV[1])
if ARGV[2] ~= '' then redis.call('HSET', KEYS[2], 'crawl_delay', ARGV[2]) end
local delay = tonumber(redis.call('HGET', KEYS[2], 'crawl_delay') or '0')
local next_at = tonumber(redis.call('HGET', KEYS[2], 'next_at') or '0')
if delay > 0 and now + delay > next_at then redis.call('HSET', KEYS[2], 'next_at', tostring(now + delay)) end
local backoff = tonumber(ARGV[3])
if backoff > 0 then
  local until_ = tonumber(redis.call('HGET', KEYS[2], 'blocked_until') or '0')
  if now + backoff > until_ then redis.call('HSET', KEYS[2], 'blocked_until', tostring(now + backoff)) end
end
if ARGV[4] ~= '' then redis.call('HINCRBY', KEYS[2], 'blocked:' .. ARGV[4], 1) end
if ARGV[5] ~= '' then
  local current = tonumber(redis.call('HGET', KEYS[2], 'throttle') or ARGV[7])
  local target = tonumber(ARGV[5]) / tonumber(ARGV[6])
  local new = math.min(math.max(tonumber(ARGV[8]), math.max(target, (current + target) / 2)), tonumber(ARGV[9]))
  if ARGV[10] == '1' or new > current then redis.call('HSET', KEYS[2], 'throttle', tostring(new)) end
end
return 1
"""
)


@dataclass(frozen=True)
class Throttle:
    """AutoThrottle's settings, applied per host for the whole cluster."""

    start: float
    min_delay: float
    max_delay: float
    target_concurrency: float


class ServiceUnavailable(RuntimeError):
    """Redis cannot be reached or used; the message is one line."""


def connect(url: str) -> Any:
    """A Redis client for `url`, checked with one PING (ServiceUnavailable with the reason otherwise)."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30, health_check_interval=30)
        client.ping()
    except (redis.RedisError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ServiceUnavailable(f"cannot use the Redis frontier at {redact(url)}: {reason}") from None
    return client


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"//([^:/@]*):[^@/]*@", r"//\1:***@", url)


def process_id() -> str:
    """This process, as other processes see it: host, pid and a random part (pids repeat across machines)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class Timer:
    """Seconds spent in Redis round trips and how many, for the overhead per request."""

    seconds: float = 0.0
    calls: int = 0

    def add(self, started: float) -> None:
        self.seconds += time.perf_counter() - started
        self.calls += 1


@dataclass
class Frontier:
    """One crawl's shared frontier in Redis (see the module docstring for the keys)."""

    client: Any
    name: str
    lease_seconds: float = 120.0
    owner: str = field(default_factory=process_id)
    timer: Timer = field(default_factory=Timer)

    def __post_init__(self) -> None:
        if not NAME.fullmatch(self.name):
            raise ValueError(f"frontier name must be 1-64 letters, digits, '.', '_' or '-', got {self.name!r}")
        self.prefix = f"gx:{self.name}:"
        reg = self.client.register_script
        self._push, self._pop, self._ack = reg(_PUSH), reg(_POP), reg(_ACK)
        self._renew, self._requeue = reg(_RENEW), reg(_REQUEUE)
        self._claim_seed, self._keep_seed = reg(_CLAIM_SEED), reg(_KEEP_SEED)
        self._acquire, self._release, self._renew_hosts = reg(_ACQUIRE), reg(_RELEASE), reg(_RENEW_HOSTS)
        self._claim_successor = reg(_CLAIM_SUCCESSOR)

    def key(self, part: str) -> str:
        return self.prefix + part

    def _keys(self, *parts: str) -> list[str]:
        return [self.prefix + p for p in parts]

    def _run(self, script: Any, keys: list[str], args: list[Any]) -> Any:
        started = time.perf_counter()
        try:
            return script(keys=keys, args=args)
        finally:
            self.timer.add(started)

    # --- the queue and its leases ------------------------------------------------------------------------
    def push(self, payload: bytes, score: float, portal: str | None, *, fingerprint: str = "") -> int:
        """Queue a request; with a `fingerprint`, only if no request with that fingerprint was met before (its id,
        or 0 when it was)."""
        return int(
            self._run(
                self._push,
                self._keys("queue", "data", "score", "portal", "seq", "queued", "seen"),
                [payload, score, portal or "", fingerprint],
            )
        )

    def claim_successor(self, fingerprint: str, lease: int) -> bool:
        """May the request leased as `lease` fetch the successor (a redirect's target) with this fingerprint?"""
        return bool(self._run(self._claim_successor, self._keys("seen", "successor_of"), [fingerprint, lease]))

    def pop(self) -> tuple[int, bytes] | None:
        """The best request, leased to this process for `lease_seconds` (renew it, then ack it)."""
        got = self._run(
            self._pop,
            self._keys("queue", "data", "portal", "leases", "owner", "queued", "inflight"),
            [self.lease_seconds, self.owner],
        )
        if not got:
            return None
        return int(got[0]), got[1]

    def ack(self, lease: int, *, done: bool = True) -> bool:
        """The leased request is finished (`done`) or was replaced by a queued successor (a retry, a redirect)."""
        return bool(
            self._run(
                self._ack,
                self._keys("leases", "data", "score", "portal", "owner", "inflight", "done"),
                [lease, int(done)],
            )
        )

    def renew(self, leases: list[int]) -> int:
        if not leases:
            return 0
        return int(self._run(self._renew, self._keys("leases"), [self.lease_seconds, *leases]))

    def requeue_expired(self, limit: int = 1000) -> int:
        """Leases whose holder stopped renewing them (a dead process) go back on the queue."""
        return int(
            self._run(
                self._requeue,
                self._keys("leases", "queue", "score", "portal", "owner", "queued", "inflight", "requeued"),
                [limit],
            )
        )

    def queued(self) -> int:
        return int(self.client.zcard(self.key("queue")))

    def in_flight(self) -> int:
        return int(self.client.zcard(self.key("leases")))

    def leases_by_process(self) -> dict[str, int]:
        """How many leases each process holds now (a heartbeat's count can be a tick old)."""
        held: dict[str, int] = {}
        for owner in self.client.hvals(self.key("owner")):
            held[owner.decode()] = held.get(owner.decode(), 0) + 1
        return held

    # --- seeding and ending ------------------------------------------------------------------------------
    def claim_seeding(self) -> int:
        """1: this process pushes the start requests now; 0: they were pushed already; -1: another process is
        pushing them (wait, then claim again: a seeder that died lets its guard expire)."""
        return int(self._run(self._claim_seed, self._keys("seed"), [self.owner, max(1, int(self.lease_seconds))]))

    def keep_seeding(self) -> None:
        self._run(self._keep_seed, self._keys("seed"), [self.owner, max(1, int(self.lease_seconds))])

    def seeding_done(self, *, owner: str | None = None) -> None:
        self._run(self._keep_seed, self._keys("seed"), [self.owner if owner is None else owner, 0])

    def seeded(self) -> bool:
        return self.client.get(self.key("seed")) == SEED_DONE

    def finished(self) -> bool:
        """Seeded, nothing queued, nothing leased: no process can make more work."""
        pipe = self.client.pipeline(transaction=True)
        pipe.get(self.key("seed")).zcard(self.key("queue")).zcard(self.key("leases"))
        seed, queued, leased = pipe.execute()
        return seed == SEED_DONE and queued == 0 and leased == 0

    def heartbeat(self, state: dict[str, Any]) -> None:
        self.client.hset(self.key("procs"), self.owner, json.dumps({**state, "at": time.time()}))

    def clear(self) -> int:
        """Delete every key of this crawl (its frontier, duplicate filter, host state)."""
        deleted = 0
        for batch in _batched(self.client.scan_iter(match=self.prefix + "*", count=1000), 500):
            deleted += self.client.delete(*batch)
        return deleted

    def status(self) -> dict[str, Any]:
        """Per portal: queued, in flight, done, requeued; and the processes and hosts the crawl knows."""
        counts: dict[str, dict[str, int]] = {}
        for column in ("queued", "inflight", "done", "requeued"):
            for portal, n in self.client.hgetall(self.key(column)).items():
                counts.setdefault(portal.decode() or "-", {}).setdefault(column, int(n))
        portals = {
            p: {c: v.get(c, 0) for c in ("queued", "inflight", "done", "requeued")} for p, v in sorted(counts.items())
        }
        held = self.leases_by_process()
        procs = {
            k.decode(): {**json.loads(v), "leased": held.get(k.decode(), 0)}
            for k, v in self.client.hgetall(self.key("procs")).items()
        }
        hosts = {}
        for key in self.client.scan_iter(match=self.prefix + "host:*", count=1000):
            fields = {k.decode(): v.decode() for k, v in self.client.hgetall(key).items()}
            hosts[key.decode()[len(self.prefix) + 5 :]] = fields
        seed = self.client.get(self.key("seed"))
        return {
            "name": self.name,
            "seeded": seed == SEED_DONE,
            "seeding": bool(seed) and seed != SEED_DONE,
            "queued": self.queued(),
            "in_flight": self.in_flight(),
            "portals": portals,
            "processes": procs,
            "hosts": dict(sorted(hosts.items())),
        }

    # --- page-key spellings (gxcrawl/crawl/fingerprint.py) ------------------------------------------------
    def add_spelling(self, key: str, url: str, limit: int) -> None:
        name = self.key("spellings:" + key)
        if not self.client.sismember(name, url) and self.client.scard(name) < limit:
            self.client.sadd(name, url)

    def spellings(self, key: str) -> list[str]:
        return sorted(v.decode() for v in self.client.smembers(self.key("spellings:" + key)))

    # --- per-host politeness --------------------------------------------------------------------------------
    def acquire_host(
        self,
        host: str,
        holder: str,
        *,
        limit: int,
        interval: float,
        hold: float,
        serial: bool = False,
        throttle: Throttle | None = None,
    ) -> float:
        """0.0: `holder` may send one request to `host` now (release it after); -1.0: the host is at its
        concurrency limit; otherwise the seconds until it may be asked again (delay, Crawl-delay, Retry-After,
        the host's AutoThrottle delay)."""
        start = "" if throttle is None else repr(float(throttle.start))
        got = self._run(
            self._acquire,
            self._keys("slots:" + host, "host:" + host),
            [holder, limit, interval, hold, int(serial), start],
        )
        return float(got)

    def release_host(
        self,
        host: str,
        holder: str,
        *,
        crawl_delay: float | None = None,
        backoff: float = 0.0,
        blocked: str = "",
        latency: float | None = None,
        ok: bool = True,
        throttle: Throttle | None = None,
    ) -> None:
        """Give the turn back; with `throttle` and the answer's `latency`, adjust the host's AutoThrottle delay."""
        args: list[Any] = [holder, "" if crawl_delay is None else repr(float(crawl_delay)), backoff, blocked]
        if throttle is not None and latency is not None:
            t = throttle
            args += [repr(float(latency)), t.target_concurrency, t.start, t.min_delay, t.max_delay, int(ok)]
        else:
            args += ["", 1, 0, 0, 0, 0]
        self._run(self._release, self._keys("slots:" + host, "host:" + host), args)

    def host_throttle(self, host: str) -> float | None:
        """The host's AutoThrottle delay (None before its first adjusted answer)."""
        value = self.client.hget(self.key("host:" + host), "throttle")
        return None if value is None else float(value)

    def renew_hosts(self, turns: list[tuple[str, str]], hold: float) -> int:
        """Push back the deadline of host turns (host, holder) whose requests are still in flight."""
        if not turns:
            return 0
        keys = self._keys(*("slots:" + host for host, _ in turns))
        return int(self._run(self._renew_hosts, keys, [hold, *(holder for _, holder in turns)]))

    def cached_robots(self, url: str) -> dict[str, Any] | None:
        raw = self.client.get(self.key("robots:" + url))
        return json.loads(raw) if raw else None

    def cache_robots(self, url: str, status: int, headers: dict[str, str], body: bytes, ttl: int = 86_400) -> None:
        value = {"status": status, "headers": headers, "body": body.decode("latin-1")}
        self.client.set(self.key("robots:" + url), json.dumps(value), ex=ttl)


def _batched(items: Any, n: int) -> Any:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == n:
            yield batch
            batch = []
    if batch:
        yield batch
