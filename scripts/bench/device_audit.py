#!/usr/bin/env python3
"""Time the device audit of a folder of running configurations: read, recognise and parse every file, then run
every device rule — in-process, so the interpreter's start-up is not counted.

Reports the median and the minimum of wall and CPU time over --rounds rounds. CPU time is the figure to compare
on a shared machine (wall time there measures the neighbours too). To compare two versions of the code on the same
configurations, run this script once from each checkout with that checkout first on PYTHONPATH:

    .venv/bin/python -m yunwang net render --stack liuan --out /tmp/liuan
    .venv/bin/python scripts/bench/device_audit.py /tmp/liuan [--rounds 9]
    (cd /tmp/base && PYTHONPATH=/tmp/base /path/to/.venv/bin/python /path/to/scripts/bench/device_audit.py /tmp/liuan)
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from policies.engine import ReadStats, run_audit
from policies.facts_device import load_device_configs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="running configurations (e.g. `yunwang net render --out`)")
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    wall: list[float] = []
    cpu: list[float] = []
    configs = findings = 0
    for _ in range(args.rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        loaded = load_device_configs([args.folder])
        report = run_audit(loaded.units(), stats=ReadStats(), errors=loaded.errors)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        configs, findings = len(loaded.configs), len(report.findings)
    print(f"{configs} configurations, {findings} findings; wall median {statistics.median(wall):.3f} s "
          f"(min {min(wall):.3f}), CPU median {statistics.median(cpu):.3f} s (min {min(cpu):.3f})")


if __name__ == "__main__":
    main()
