#!/usr/bin/env python3
"""Reading /proc directly (the host agent's collectors) against psutil, for the same kinds of data, same run.

For each pair (ours: a collector's ``collect()``; psutil: the calls that return the same kind of data) it times
alternating rounds of calls in this process and counts the values each returns (ours: exposition samples under
node_exporter's names; psutil: the numeric fields of its named tuples). Reported: median µs per call, values
per call, and µs per value. psutil is not a dependency of the project: install it in the venv to run this.

    .venv/bin/python scripts/bench/host_proc_vs_psutil.py [--rounds 31] [--calls 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from agents.host.collectors import build_collectors


def _fields(value: Any) -> int:
    """Numeric values in whatever psutil returned (named tuples, lists and dicts of them)."""
    if isinstance(value, dict):
        return sum(_fields(v) for v in value.values())
    if isinstance(value, list | tuple) and not hasattr(value, "_fields"):
        return sum(_fields(v) for v in value)
    if hasattr(value, "_fields"):
        return sum(1 for v in value if isinstance(v, int | float))
    return 1 if isinstance(value, int | float) else 0


def _psutil_pairs() -> dict[str, Callable[[], Any]]:
    import psutil

    def filesystems() -> list[Any]:
        return [psutil.disk_usage(p.mountpoint) for p in psutil.disk_partitions(all=False)]

    return {
        "cpu": lambda: psutil.cpu_times(percpu=True),
        "meminfo": lambda: [psutil.virtual_memory(), psutil.swap_memory()],
        "filesystem": filesystems,
        "netdev": lambda: psutil.net_io_counters(pernic=True),
        "diskstats": lambda: psutil.disk_io_counters(perdisk=True),
        "loadavg": psutil.getloadavg,
    }


def _time(call: Callable[[], Any], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - started) / calls * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=31)
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()
    try:
        theirs = _psutil_pairs()
    except ImportError:
        print("psutil is not installed: .venv/bin/pip install psutil", file=sys.stderr)
        return 2
    ours = {c.name: c for c in build_collectors() if c.name in theirs}
    times: dict[tuple[str, str], list[float]] = {(n, side): [] for n in ours for side in ("proc", "psutil")}
    for _ in range(args.rounds):
        for name, collector in ours.items():
            times[(name, "proc")].append(_time(collector.collect, args.calls))
            times[(name, "psutil")].append(_time(theirs[name], args.calls))
    print(f"{'collector':<11} {'/proc µs':>9} {'values':>7} {'µs/value':>9}   {'psutil µs':>9} {'values':>7} "
          f"{'µs/value':>9}")
    for name, collector in ours.items():
        mine = statistics.median(times[(name, "proc")])
        other = statistics.median(times[(name, "psutil")])
        n_mine = sum(len(f.samples) for f in collector.collect())
        n_other = _fields(theirs[name]())
        print(f"{name:<11} {mine:9.1f} {n_mine:7d} {mine / max(n_mine, 1):9.2f}   {other:9.1f} {n_other:7d} "
              f"{other / max(n_other, 1):9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
