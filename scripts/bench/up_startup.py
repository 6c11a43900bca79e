"""How long `yunwang up --stack dev` takes to start, to get every device into Prometheus, and to stop.

Usage: .venv/bin/python scripts/bench/up_startup.py [--runs 3]
Runs `yunwang up` (no audits, scrape 5 s, poll 15 s) on spare ports with a fresh state folder each time and prints
per-run and median seconds: all services started and Prometheus ready; `count(yunwang:device:up) == 10`; SIGTERM
until exit (every child stopped).
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

PORTS = {"--monitor-port": 48080, "--host-agent-port": 49810, "--snmp-agent-port": 49811,
         "--prometheus-port": 49090, "--sim-base-port": 56100}
PROMETHEUS = f"http://127.0.0.1:{PORTS['--prometheus-port']}"


def one_run(state: Path) -> tuple[float, float, float]:
    args = [x for pair in PORTS.items() for x in (pair[0], str(pair[1]))]
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "yunwang", "up", "--state-dir", str(state), *args,
                             "--scrape-interval", "5s", "--poll-interval", "15s", "--no-audit"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    ready = recorded = float("nan")
    try:
        while time.monotonic() - started < 240:
            try:
                children = json.loads((state / "supervisor-state.json").read_text())["children"].values()
                if math.isnan(ready) and all(c["pid"] for c in children) and \
                        httpx.get(f"{PROMETHEUS}/-/ready", timeout=1).status_code == 200:
                    ready = time.monotonic() - started
                result = httpx.get(f"{PROMETHEUS}/api/v1/query", params={"query": "count(yunwang:device:up)"},
                                   timeout=2).json()["data"]["result"]
                if result and float(result[0]["value"][1]) == 10:
                    recorded = time.monotonic() - started
                    break
            except (OSError, ValueError, KeyError, httpx.HTTPError):
                pass
            time.sleep(0.5)
    finally:
        stopping = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
    return ready, recorded, time.monotonic() - stopping


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs):
            state = Path(tmp) / f"state{i}"
            results.append(one_run(state))
            shutil.rmtree(state, ignore_errors=True)
            print(f"run {i}: started+ready {results[-1][0]:.1f} s, 10 devices recorded {results[-1][1]:.1f} s, "
                  f"stop {results[-1][2]:.1f} s", flush=True)
    medians = [statistics.median(r[k] for r in results) for k in range(3)]
    print(f"median of {runs}: started+ready {medians[0]:.1f} s, 10 devices recorded {medians[1]:.1f} s, "
          f"stop {medians[2]:.1f} s")


if __name__ == "__main__":
    main()
