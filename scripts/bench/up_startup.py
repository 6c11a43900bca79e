"""How long `yunwang up --stack dev` takes to start, to get every device into Prometheus, to be all green, to stop.

Usage: .venv/bin/python scripts/bench/up_startup.py [--runs 3] [--audit]
Runs `yunwang up` (scrape 5 s, poll 15 s; no audits unless --audit: `make run` has them) on spare ports with a fresh
state folder each time and prints per-run and median seconds: all services started and Prometheus ready; every
device of the stack's inventory in `yunwang:device:up`; the status line's "all green" (every service healthy, every
target up, every device answering, the audit posted when --audit); SIGTERM until exit (every child stopped).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from yunwang.inventory import build_inventory
from yunwang.stacks import load_stack

PORTS = {"--monitor-port": 48080, "--host-agent-port": 49810, "--snmp-agent-port": 49811,
         "--prometheus-port": 49090, "--sim-base-port": 56100}
PROMETHEUS = f"http://127.0.0.1:{PORTS['--prometheus-port']}"
GREEN = re.compile(r"all green [\d.]+ s after start")
LIMIT_S = 240.0


def one_run(state: Path, devices: int, audit: bool) -> tuple[float, float, float, float]:
    args = [x for pair in PORTS.items() for x in (pair[0], str(pair[1]))]
    state.mkdir(parents=True)
    out_path = state.parent / f"{state.name}.out"
    started = time.monotonic()
    with open(out_path, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "yunwang", "up", "--state-dir", str(state), *args,
                                 "--scrape-interval", "5s", "--poll-interval", "15s",
                                 *([] if audit else ["--no-audit"])],
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    ready = recorded = green = float("nan")
    try:
        while time.monotonic() - started < LIMIT_S and (math.isnan(recorded) or math.isnan(green)):
            if math.isnan(green) and GREEN.search(out_path.read_text(errors="replace")):
                green = time.monotonic() - started  # on the same clock as the other figures
            try:
                children = json.loads((state / "supervisor-state.json").read_text())["children"].values()
                if math.isnan(ready) and all(c["pid"] for c in children) and \
                        httpx.get(f"{PROMETHEUS}/-/ready", timeout=1).status_code == 200:
                    ready = time.monotonic() - started
                if math.isnan(recorded):
                    result = httpx.get(f"{PROMETHEUS}/api/v1/query", params={"query": "count(yunwang:device:up)"},
                                       timeout=2).json()["data"]["result"]
                    if result and float(result[0]["value"][1]) == devices:
                        recorded = time.monotonic() - started
            except (OSError, ValueError, KeyError, httpx.HTTPError):
                pass
            time.sleep(0.5)
    finally:
        stopping = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
    return ready, recorded, green, time.monotonic() - stopping


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--audit", action="store_true", help="run the audits too (all green then waits for them)")
    options = parser.parse_args()
    topology = load_stack("dev").topology
    assert topology is not None
    devices = len(build_inventory(topology).devices)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(options.runs):
            state = Path(tmp) / f"state{i}"
            results.append(one_run(state, devices, options.audit))
            shutil.rmtree(state, ignore_errors=True)
            ready, recorded, green, stop = results[-1]
            print(f"run {i}: started+ready {ready:.1f} s, {devices} devices recorded {recorded:.1f} s, "
                  f"all green {green:.1f} s, stop {stop:.1f} s", flush=True)
    finite = [[r[k] for r in results if not math.isnan(r[k])] for k in range(4)]
    medians = [statistics.median(values) if values else float("nan") for values in finite]
    print(f"median of {options.runs}: started+ready {medians[0]:.1f} s, {devices} devices recorded {medians[1]:.1f} s, "
          f"all green {medians[2]:.1f} s, stop {medians[3]:.1f} s (load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
