"""The shared frontier's Redis scripts on a real Redis: leases come back when their process stops renewing
them, seeding happens once, per-host turns hold for every process, and the settings and commands around them."""

from __future__ import annotations

import time
import uuid

import pytest
from scrapy.settings import Settings

from gxcrawl.cli import main
from gxcrawl.crawl.cluster.state import Frontier, Throttle, connect
from gxcrawl.crawl.config import SettingsError, validate_settings

pytestmark = pytest.mark.services


def _frontier(redis_url: str, name: str | None = None, **kw: float) -> Frontier:
    return Frontier(connect(redis_url), name or f"t{uuid.uuid4().hex[:8]}", **kw)


def test_a_lease_not_renewed_goes_back_to_the_queue(redis_url: str) -> None:
    one = _frontier(redis_url, lease_seconds=1)
    other = Frontier(one.client, one.name, lease_seconds=1)
    one.push(b"first", -10, "p1")
    one.push(b"second", 0, "p2")
    lease, payload = one.pop()
    assert payload == b"first"  # the highest priority first
    kept, _ = other.pop()
    assert one.status()["portals"]["p1"] == {"queued": 0, "inflight": 1, "done": 0, "requeued": 0}
    assert other.requeue_expired() == 0  # still within its lease
    assert one.leases_by_process() == {one.owner: 1, other.owner: 1}
    other.renew([kept])
    time.sleep(1.3)  # `one` dies: its lease runs out; `other` renews its own
    other.renew([kept])
    assert other.requeue_expired() == 1
    assert one.leases_by_process() == {other.owner: 1}  # the dead process holds nothing any more
    again, payload = other.pop()
    assert payload == b"first" and again == lease
    assert not one.ack(kept + 1000)  # an unknown lease acks nothing
    assert other.ack(again) and other.ack(kept, done=False)
    status = other.status()
    assert status["portals"]["p1"] == {"queued": 0, "inflight": 0, "done": 1, "requeued": 1}
    assert status["portals"]["p2"] == {"queued": 0, "inflight": 0, "done": 0, "requeued": 0}  # replaced, not done
    assert status["queued"] == status["in_flight"] == 0


def test_seeding_is_claimed_once_and_taken_over_when_the_seeder_dies(redis_url: str) -> None:
    first = _frontier(redis_url, lease_seconds=1)
    second = Frontier(first.client, first.name, lease_seconds=1)
    assert first.claim_seeding() == 1
    assert second.claim_seeding() == -1
    time.sleep(2.1)  # the first seeder stopped renewing its guard
    assert second.claim_seeding() == 1
    second.seeding_done()
    assert first.claim_seeding() == 0 and second.seeded()
    assert first.finished()  # seeded, nothing queued, nothing leased


def test_host_turns_hold_for_every_process(redis_url: str) -> None:
    a = _frontier(redis_url)
    b = Frontier(a.client, a.name)
    host = "h.example"
    assert a.acquire_host(host, "a1", limit=2, interval=0, hold=30) == 0
    assert b.acquire_host(host, "b1", limit=2, interval=0, hold=30) == 0
    assert b.acquire_host(host, "b2", limit=2, interval=0, hold=30) == -1  # two at once, cluster-wide
    a.release_host(host, "a1")
    assert b.acquire_host(host, "b2", limit=2, interval=0, hold=30) == 0
    for holder in ("b1", "b2"):
        b.release_host(host, holder)
    # DOWNLOAD_DELAY between starts
    assert a.acquire_host(host, "a2", limit=2, interval=5, hold=30) == 0
    wait = b.acquire_host(host, "b3", limit=2, interval=5, hold=30)
    assert 4 < wait <= 5
    # a Crawl-delay: one at a time, the delay counted from the end of the previous request
    other = "d.example"
    assert a.acquire_host(other, "a", limit=2, interval=0, hold=30) == 0
    a.release_host(other, "a", crawl_delay=3.0)
    assert 2 < b.acquire_host(other, "b", limit=2, interval=0, hold=30) <= 3
    # Retry-After holds the host for everyone; challenge pages are counted on it
    third = "r.example"
    assert a.acquire_host(third, "a", limit=2, interval=0, hold=30) == 0
    a.release_host(third, "a", backoff=20.0, blocked="challenge-412")
    assert 19 < b.acquire_host(third, "b", limit=2, interval=0, hold=30) <= 20
    assert a.status()["hosts"][third]["blocked:challenge-412"] == "1"
    # a holder that died gives its turn back when its hold runs out
    fourth = "k.example"
    assert a.acquire_host(fourth, "dead", limit=1, interval=0, hold=0.5) == 0
    assert b.acquire_host(fourth, "b", limit=1, interval=0, hold=30) == -1
    time.sleep(0.7)
    assert b.acquire_host(fourth, "b", limit=1, interval=0, hold=30) == 0
    # a holder that lives pushes its deadline back while its request is out
    fifth = "l.example"
    assert a.acquire_host(fifth, "live", limit=1, interval=0, hold=1.0) == 0
    for _ in range(3):
        time.sleep(0.4)
        assert a.renew_hosts([(fifth, "live"), (fourth, "dead")], 1.0) == 1  # an expired turn is not brought back
    assert b.acquire_host(fifth, "b", limit=1, interval=0, hold=30) == -1
    time.sleep(1.2)
    assert b.acquire_host(fifth, "b", limit=1, interval=0, hold=30) == 0


def test_autothrottle_keeps_one_delay_per_host_for_the_whole_cluster(redis_url: str) -> None:
    a = _frontier(redis_url)
    b = Frontier(a.client, a.name)
    throttle = Throttle(start=2.0, min_delay=0.5, max_delay=10.0, target_concurrency=1.0)
    host = "t.example"
    assert a.host_throttle(host) is None
    assert a.acquire_host(host, "a1", limit=2, interval=0.5, hold=30, throttle=throttle) == 0
    assert 1.9 < b.acquire_host(host, "b1", limit=2, interval=0.5, hold=30, throttle=throttle) <= 2.0  # start
    # Scrapy's rule: half-way towards latency / target concurrency, never below it, within [min, max]
    a.release_host(host, "a1", latency=0.2, throttle=throttle)
    assert a.host_throttle(host) == pytest.approx(1.1)
    a.release_host(host, "x", latency=30.0, throttle=throttle)
    assert a.host_throttle(host) == pytest.approx(10.0)  # capped
    a.release_host(host, "x", latency=0.0, ok=False, throttle=throttle)
    assert a.host_throttle(host) == pytest.approx(10.0)  # an error answer never lowers it
    a.release_host(host, "x", latency=0.0, throttle=throttle)
    assert a.host_throttle(host) == pytest.approx(5.0)
    a.release_host(host, "x", latency=9.0, throttle=None)  # AutoThrottle off in that process: no adjustment
    assert a.host_throttle(host) == pytest.approx(5.0)
    # every process spaces its requests by the host's one delay
    other = "u.example"
    a.release_host(other, "x", latency=3.0, throttle=throttle)  # max(3.0 / 1, (2.0 + 3.0) / 2) = 3.0
    assert a.acquire_host(other, "a2", limit=2, interval=0.5, hold=30, throttle=throttle) == 0
    assert 2.9 < b.acquire_host(other, "b2", limit=2, interval=0.5, hold=30, throttle=throttle) <= 3.0
    assert 0 < b.acquire_host(other, "b3", limit=2, interval=0.5, hold=30) <= 3.0  # off: next_at still holds


def test_a_page_is_marked_seen_and_queued_in_one_step(redis_url: str) -> None:
    frontier = _frontier(redis_url)
    first = frontier.push(b"page", 0, "p", fingerprint="fp-page")
    assert first > 0
    assert frontier.push(b"page again", 0, "p", fingerprint="fp-page") == 0  # a duplicate queues nothing
    assert frontier.push(b"page again", 0, "p") > 0  # dont_filter: no fingerprint, always queued
    assert frontier.client.sismember(frontier.key("seen"), "fp-page")
    assert frontier.queued() == 2


def test_a_redirect_met_by_a_dead_process_is_followed_when_its_request_is_redone(redis_url: str) -> None:
    frontier = _frontier(redis_url)
    assert frontier.claim_successor("fp-target", 7)  # lease 7's redirect meets the target first
    assert not frontier.claim_successor("fp-target", 8)  # another request met it later: a duplicate
    assert frontier.claim_successor("fp-target", 7)  # lease 7 redone after its process died: followed again
    frontier.push(b"linked", 0, "p", fingerprint="fp-linked")
    assert not frontier.claim_successor("fp-linked", 9)  # a redirect to a page already queued is a duplicate


def test_clear_deletes_only_its_own_crawl(redis_url: str) -> None:
    mine, theirs = _frontier(redis_url), _frontier(redis_url)
    mine.push(b"x", 0, "p")
    theirs.push(b"y", 0, "p")
    assert mine.clear() > 0
    assert mine.queued() == 0 and theirs.queued() == 1


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("GX_REDIS_URL", "http://127.0.0.1:6379", "redis://"),
        ("GX_FRONTIER_NAME", "a b", "letters"),
        ("GX_FRONTIER_LEASE", "0", ">= 1"),
        ("GX_FRONTIER_POLL", "0", "> 0"),
    ],
)
def test_bad_cluster_settings_stop_the_crawl_with_one_line(name: str, value: str, message: str) -> None:
    settings = Settings()
    settings.setmodule("gxcrawl.settings")
    settings.set(name, value, priority="cmdline")
    with pytest.raises(SettingsError, match=message) as error:
        validate_settings(settings)
    assert "\n" not in str(error.value) and name in str(error.value)


def test_frontier_status_lists_portals(redis_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    frontier = _frontier(redis_url)
    frontier.push(b"x", 0, "portal-a")
    frontier.push(b"y", 0, "portal-b")
    lease, _ = frontier.pop()
    frontier.ack(lease)
    frontier.pop()
    frontier.heartbeat({"state": "busy", "in_flight": 0})  # a tick old: the lease count comes from the frontier
    throttle = Throttle(start=1.0, min_delay=0.0, max_delay=60.0, target_concurrency=1.0)
    frontier.release_host("slow.example", "x", latency=2.0 / 3, throttle=throttle)
    frontier.release_host("fast.example", "x")
    assert main(["frontier", "status", "--redis", redis_url, "--name", frontier.name]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.startswith("portal-")}
    assert rows == {"portal-a": ["0", "0", "1", "0"], "portal-b": ["0", "1", "0", "0"]}
    assert f"{frontier.owner} busy" in " ".join(out.split()) and "1 leased" in out
    slowest = out.split("slowest hosts by AutoThrottle delay (1 hosts have one):\n")[1].splitlines()
    assert slowest[0].split() == ["slow.example", "0.83", "s"] and "fast.example" not in out


def test_missing_services_give_one_line(tmp_path, capsys: pytest.CaptureFixture[str], monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("GXCRAWL_REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setenv("GXCRAWL_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    assert main(["demo", "--processes", "3", "--archive", str(tmp_path / "a")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Redis frontier" in err and "127.0.0.1:1" in err
    assert main(["frontier", "status"]) == 2
    assert "cannot use the Redis frontier" in capsys.readouterr().err


def test_frontier_seed_pushes_the_start_requests_once(redis_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    name = f"t{uuid.uuid4().hex[:8]}"
    assert main(["frontier", "seed", "--redis", redis_url, "--name", name, "--portals", "gd"]) == 0
    assert "start requests queued" in capsys.readouterr().out
    assert main(["frontier", "seed", "--redis", redis_url, "--name", name, "--portals", "gd"]) == 0
    assert "seeded already" in capsys.readouterr().out
    frontier = Frontier(connect(redis_url), name)
    status = frontier.status()
    assert status["seeded"] and list(status["portals"]) == ["gd"] and status["queued"] >= 1
    assert frontier.client.scard(frontier.key("seen")) == status["queued"]  # each through the duplicate filter
