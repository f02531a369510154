"""Archive throughput: gxcrawl's Archive.write_exchange (what the crawl's capture hook calls) against plain
warcio writing the same payloads, in the same process.

    .venv/bin/python bench/archive.py [-n 1000] [--database-url URL] [--rounds 5]

Payloads: mixed sizes (1 KB - 400 KB, log-uniform), 30% gzip-encoded on the wire, Chinese HTML text, every
payload distinct (no revisits, so both sides write full records). Plain warcio writes a response + request
record per payload (WARCWriter, gzip, WARC/1.1); gxcrawl writes response + request + metadata records,
computes sha256, looks the digest up and inserts an index row per payload. Prints records/s, MB/s (payload
bytes) and the time ratio gxcrawl / warcio, wall clock and CPU (time.process_time; target: <= 1.5): `--rounds`
runs per side, interleaved in one process (the order alternating), fresh payloads per round; the ratio of each
round, then the median of those ratios.
"""

from __future__ import annotations

import argparse
import gzip
import math
import random
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from gxcrawl.archive import Archive, Exchange

TEXT = (
    "政府信息公开工作年度报告 一、总体情况 本年度共主动公开政府信息 1234 条，其中规范性文件 56 件。"
    "二、主动公开政府信息情况 三、收到和处理政府信息公开申请情况 四、政府信息公开行政复议、行政诉讼情况 "
)


def make_payloads(count: int, seed: int = 7, salt: str = "") -> list[tuple[str, bytes, list[tuple[str, str]]]]:
    """`salt` makes the payloads of one bench run unlike any an earlier run left in a server database (where
    they would become revisits and skip most of the writing)."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        size = int(math.exp(rng.uniform(math.log(1_000), math.log(400_000))))
        words = [TEXT[rng.randrange(len(TEXT) - 20) :][:20] for _ in range(size // 60 + 1)]
        html = f"<html><body><p>page {salt}{seed}/{n}</p>{'<p>'.join(words)}</body></html>".encode()[:size]
        headers = [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Server", "nginx"),
            ("Set-Cookie", f"sid={n}; Path=/"),
            ("Set-Cookie", "lang=zh; Path=/"),
        ]
        if rng.random() < 0.3:
            html = gzip.compress(html, mtime=0)
            headers.append(("Content-Encoding", "gzip"))
        headers.append(("Content-Length", str(len(html))))
        out.append((f"http://127.0.0.1/site/{seed}/{n}/报告.html?id={n}", html, headers))
    return out


REQUEST_HEADERS = [
    ("Host", "127.0.0.1"),
    ("User-Agent", "gxcrawl/0.1"),
    ("Accept", "text/html"),
    ("Accept-Language", "zh-CN,zh;q=0.9"),
    ("Accept-Encoding", "gzip, deflate"),
]


def run_warcio(payloads: list, directory: Path) -> tuple[float, float]:
    from w3lib.url import safe_url_string

    start, cpu = time.perf_counter(), time.process_time()
    with open(directory / "plain.warc.gz", "wb") as stream:
        writer = WARCWriter(stream, gzip=True, warc_version="1.1")
        for url, body, headers in payloads:
            uri = safe_url_string(url)
            response = writer.create_warc_record(
                uri,
                "response",
                payload=BytesIO(body),
                length=len(body),
                http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"),
            )
            request = writer.create_warc_record(
                uri,
                "request",
                payload=BytesIO(b""),
                length=0,
                http_headers=StatusAndHeaders(
                    f"GET {uri.split('127.0.0.1', 1)[1]} HTTP/1.1", REQUEST_HEADERS, is_http_request=True
                ),
            )
            writer.write_request_response_pair(request, response)
        stream.flush()
    return time.perf_counter() - start, time.process_time() - cpu


def run_gxcrawl(payloads: list, directory: Path, database_url: str | None) -> tuple[float, float]:
    archive = Archive.open(directory / "archive", database_url)
    record_types: list[str] = []
    try:
        start, cpu = time.perf_counter(), time.process_time()
        for url, body, headers in payloads:
            ref = archive.write_exchange(
                Exchange(
                    url=url,
                    status=200,
                    body=body,
                    fetched_at=datetime.now(UTC),
                    request_headers=REQUEST_HEADERS,
                    response_headers=headers,
                    duration=0.05,
                    portal="bench",
                    referer="http://127.0.0.1/",
                    depth=1,
                )
            )
            record_types.append(ref.record_type)
        elapsed = time.perf_counter() - start, time.process_time() - cpu
    finally:
        archive.close()
    if set(record_types) != {"response"}:  # the comparison needs full records on both sides
        raise SystemExit(f"bench payloads were not all new: {sorted(set(record_types))}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="responses to archive per run (default 1000)")
    parser.add_argument("--rounds", type=int, default=5, help="runs per side, interleaved (default 5)")
    parser.add_argument("--database-url", default=None, help="index database (default: SQLite in a temp dir)")
    args = parser.parse_args()

    runs: dict[str, list[tuple[float, float]]] = {"warcio": [], "gxcrawl": []}
    ratios: list[tuple[float, float]] = []
    total = 0
    salt = f"{time.time_ns():x}-"
    for round_ in range(args.rounds):
        # fresh payloads each round: a shared server database keeps the digests of earlier rounds
        payloads = make_payloads(args.n, seed=7 + round_, salt=salt)
        total = sum(len(body) for _, body, _ in payloads)
        if round_ == 0:
            gz = sum(1 for _, _, h in payloads if ("Content-Encoding", "gzip") in h)
            print(
                f"{args.n} responses, {total / 1e6:.1f} MB of payload ({gz} gzip-encoded), "
                f"index: {args.database_url or 'SQLite'}, {args.rounds} rounds"
            )
        # alternate which side goes first, so neither always runs on a warmer (or busier) machine
        order = ("warcio", "gxcrawl") if round_ % 2 == 0 else ("gxcrawl", "warcio")
        this_round: dict[str, tuple[float, float]] = {}
        for side in order:
            directory = Path(tempfile.mkdtemp(prefix=f"gx-bench-{side}-"))
            try:
                if side == "warcio":
                    this_round[side] = run_warcio(payloads, directory)
                else:
                    this_round[side] = run_gxcrawl(payloads, directory, args.database_url)
            finally:
                shutil.rmtree(directory, ignore_errors=True)
            runs[side].append(this_round[side])
        (w_wall, w_cpu), (g_wall, g_cpu) = this_round["warcio"], this_round["gxcrawl"]
        ratios.append((g_wall / w_wall, g_cpu / w_cpu))
        print(
            f"  round {round_ + 1}: warcio {w_wall:6.2f} s wall {w_cpu:6.2f} s CPU | gxcrawl {g_wall:6.2f} s wall "
            f"{g_cpu:6.2f} s CPU | ratio {ratios[-1][0]:.2f}x wall {ratios[-1][1]:.2f}x CPU"
        )
    for side, records in (("warcio", 2), ("gxcrawl", 3)):
        seconds = statistics.median(wall for wall, _ in runs[side])
        cpu = statistics.median(cpu for _, cpu in runs[side])
        print(
            f"{side:>8}: {seconds:7.2f} s wall ({cpu:6.2f} s CPU in this process)  "
            f"{args.n / seconds:8.1f} responses/s  "
            f"{args.n * records / seconds:8.1f} records/s  {total / 1e6 / seconds:7.1f} MB/s  (medians)"
        )
    wall_ratio = statistics.median(wall for wall, _ in ratios)
    cpu_ratio = statistics.median(cpu for _, cpu in ratios)
    print(
        f"median ratio gxcrawl / plain warcio: {wall_ratio:.2f}x wall, {cpu_ratio:.2f}x CPU of this process "
        f"(target <= 1.5x; per-round ratios wall {min(r[0] for r in ratios):.2f}-{max(r[0] for r in ratios):.2f}, "
        f"CPU {min(r[1] for r in ratios):.2f}-{max(r[1] for r in ratios):.2f}; on a loaded machine the CPU ratio is "
        "the steadier one; a server database's own work shows only in the wall ratio)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
