"""Heartbeat ingest: 1,000 agents every 15 s (67/s, spread evenly) on SQLite, then the burst capacity.

    .venv/bin/python scripts/bench/monitor_heartbeat.py [--agents 1000] [--interval 15] [--cycles 2] [--burst 3000]

Paced part: each agent sends one heartbeat per interval with an increasing seq; prints p50/p99/max latency and
how far behind schedule the generator fell (goal: p99 < 50 ms, nothing rejected). Burst part: as many heartbeats
as 50 concurrent clients can push, to show the headroom over the paced rate.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from monitor_lib import (
    HEARTBEAT_HEADERS,
    BenchServer,
    RawHttp,
    describe,
    heartbeat_body,
    paced_heartbeats,
    percentile,
)


async def burst(base: str, total: int, connections: int = 50) -> tuple[float, float, int]:
    """(heartbeats/s, p99 ms, errors) for ``total`` first heartbeats of distinct agents from ``connections``."""
    host, port = base.removeprefix("http://").split(":")
    client = RawHttp(host, int(port), connections)
    latencies: list[float] = []
    errors = 0
    queue = iter(range(total))

    async def worker() -> None:
        nonlocal errors
        for n in queue:
            name = f"burst-{n}"
            t0 = time.perf_counter()
            status = await client.request("POST", f"/api/v1/agents/{name}/heartbeat", heartbeat_body(name, 1),
                                          HEARTBEAT_HEADERS)
            latencies.append(time.perf_counter() - t0)
            errors += status != 200

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    elapsed = time.perf_counter() - start
    await client.close()
    return total / elapsed, percentile(latencies, 99) * 1000, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--interval", type=float, default=15.0)
    parser.add_argument("--cycles", type=int, default=2)
    parser.add_argument("--burst", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, BenchServer(f"sqlite:///{tmp}/monitor.db", "liuan") as server:
        paced = asyncio.run(paced_heartbeats(server.url, args.agents, args.interval, args.cycles))
        print(f"paced  {args.agents} agents / {args.interval:g} s x {args.cycles}: {describe(paced)}")
        if args.burst:
            rate, p99, errors = asyncio.run(burst(server.url, args.burst))
            print(f"burst  {args.burst} heartbeats, 50 clients: {rate:.0f}/s, p99 {p99:.1f} ms, errors {errors}")


if __name__ == "__main__":
    main()
