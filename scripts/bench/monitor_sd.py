"""Monitor HTTP SD and /metrics under 50 concurrent clients, against the floor, same server, same run.

    .venv/bin/python scripts/bench/monitor_sd.py [--stack liuan] [--seconds 5] [--rounds 3] [--connections 50]

Starts the monitor (SQLite) with the floor routes of monitor_lib.py, then alternates, each round: the floor
for SD bytes, GET /api/v1/sd/snmp, the floor for /metrics bytes, GET /metrics. Prints median req/s and p99 and
the ratio to the floor (goal: within 2x). Uses `wrk` when installed, else an httpx async generator.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from monitor_lib import VIEWER, BenchServer, Load, load, median_load

PAIRS = (("sd/snmp", "/bench/floor/snmp", "/api/v1/sd/snmp"), ("metrics", "/bench/floor/metrics", "/metrics"))


def run(stack: str, seconds: float, rounds: int, connections: int) -> dict[str, dict[str, Load]]:
    results: dict[str, dict[str, list[Load]]] = {name: {"floor": [], "monitor": []} for name, _, _ in PAIRS}
    with tempfile.TemporaryDirectory() as tmp, BenchServer(f"sqlite:///{tmp}/monitor.db", stack) as server:
        for _, floor, real in PAIRS:  # warm-up: caches filled, connections established
            load(server.url + floor, None, connections, 1)
            load(server.url + real, VIEWER, connections, 1)
        for _ in range(rounds):
            for name, floor, real in PAIRS:
                results[name]["floor"].append(load(server.url + floor, None, connections, seconds))
                results[name]["monitor"].append(load(server.url + real, VIEWER, connections, seconds))
    return {name: {kind: median_load(r) for kind, r in by_kind.items()} for name, by_kind in results.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", default="liuan")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    figures = run(args.stack, args.seconds, args.rounds, args.connections)
    if args.json:
        print(json.dumps({n: {k: vars(v) | {"rps": v.rps} for k, v in d.items()} for n, d in figures.items()}))
        return
    print(f"{'endpoint':<10} {'kind':<8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, d in figures.items():
        for kind, r in d.items():
            print(f"{name:<10} {kind:<8} {r.rps:>9.0f} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f} {r.errors:>7}")
        print(f"{name:<10} ratio    floor/monitor req/s = {d['floor'].rps / d['monitor'].rps:.2f}x, "
              f"p99 monitor/floor = {d['monitor'].p99_ms / d['floor'].p99_ms:.2f}x")


if __name__ == "__main__":
    main()
