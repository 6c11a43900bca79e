"""`yunwang up` at city scale: time to all green, peak RSS and CPU of every process, the status line against Prometheus.

Usage: .venv/bin/python scripts/bench/up_city.py [--stack liuan] [--limit 480] [--after-green 150] [--json FILE]
          [-- extra `yunwang up` options]
Runs `yunwang up` (audits included, as `make run` does) on spare ports with a fresh state folder, samples every
child's process group (RSS summed over its processes, CPU of user + system from /proc) and `yunwang up` itself
every 2 s, and compares the status `yunwang up` last wrote (<state>/status.json) with Prometheus' own
`count(snmp_up == 1)`. It stops `--after-green` seconds after "all green" (to measure steady-state CPU per poll
cycle) or at `--limit`, and prints one line per process plus the load average before, during and after.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

PORTS = {"--monitor-port": 28080, "--host-agent-port": 28810, "--snmp-agent-port": 28811,
         "--prometheus-port": 28090, "--sim-base-port": 26100}
"""Below Linux's ephemeral range (32768+), where an outgoing connection could take a poller's port first."""
PROMETHEUS = f"http://127.0.0.1:{PORTS['--prometheus-port']}"
GREEN = re.compile(r"all green ([\d.]+) s after start")
TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Usage:
    """Peak RSS and the CPU seconds of one process group, as seen so far."""

    peak_rss: int = 0
    cpu: float = 0.0
    cpu_at_green: float | None = None
    samples: list[tuple[float, int, float]] = field(default_factory=list)


def group_members(pgid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid:
                out.append(int(entry.name))
    return out


def rss_cpu(pids: list[int]) -> tuple[int, float]:
    rss, cpu = 0, 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            rss += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        except OSError:
            continue
        cpu += (int(fields[11]) + int(fields[12])) / TICK
    return rss, cpu


def prometheus_up(at: float) -> int | None:
    """``count(snmp_up == 1)`` evaluated at ``at``: the instant the status's own queries were evaluated at."""
    try:
        result = httpx.get(f"{PROMETHEUS}/api/v1/query", params={"query": "count(snmp_up == 1)", "time": f"{at:.3f}"},
                           timeout=10).json()["data"]["result"]
    except (httpx.HTTPError, ValueError, KeyError):
        return None
    return int(float(result[0]["value"][1])) if result else 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stack", default="liuan")
    parser.add_argument("--limit", type=float, default=480.0, help="give up after this many seconds")
    parser.add_argument("--after-green", type=float, default=150.0, help="keep running this long after all green")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the state folder (printed)")
    options, extra = parser.parse_known_args()
    extra = [a for a in extra if a != "--"]
    tmp = Path(tempfile.mkdtemp(prefix="up-city-"))
    state = tmp / "state"
    out_path = tmp / "up.out"
    args = [x for pair in PORTS.items() for x in (pair[0], str(pair[1]))]
    load_before = os.getloadavg()
    started = time.monotonic()
    with open(out_path, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "yunwang", "up", "--stack", options.stack, "--state-dir",
                                 str(state), *args, *extra], stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    usage: dict[str, Usage] = {}
    green_at: float | None = None
    checks: list[dict[str, object]] = []
    loads: list[float] = []
    try:
        while time.monotonic() - started < options.limit and proc.poll() is None:
            now = time.monotonic() - started
            groups = {"yunwang up": proc.pid}
            try:
                children = json.loads((state / "supervisor-state.json").read_text())["children"]
                groups.update({name: c["pid"] for name, c in children.items() if c.get("pid")})
            except (OSError, ValueError, KeyError):
                pass
            for name, pid in groups.items():
                pids = [pid] if name == "yunwang up" else group_members(pid)
                rss, cpu = rss_cpu(pids)
                u = usage.setdefault(name, Usage())
                u.peak_rss = max(u.peak_rss, rss)
                u.cpu = max(u.cpu, cpu) if name != "yunwang up" else cpu
                u.samples.append((round(now, 1), rss, round(cpu, 2)))
            loads.append(os.getloadavg()[0])
            if green_at is None:
                found = GREEN.search(out_path.read_text(errors="replace"))
                if found:
                    green_at = float(found.group(1))
                    for u in usage.values():
                        u.cpu_at_green = u.cpu
            try:
                status = json.loads((state / "status.json").read_text())
            except (OSError, ValueError):
                status = None
            at = status.get("prometheus_at") if status is not None else None
            if status is not None and at and status.get("devices_source") == "prometheus" and \
                    (not checks or checks[-1]["at"] != at):
                checks.append({"t": round(now, 1), "at": at, "status": status.get("devices_up"),
                               "prometheus": prometheus_up(at),
                               "status_age": round(time.time() - float(status.get("at", 0)), 1)})
            if green_at is not None and now > green_at + options.after_green:
                break
            time.sleep(2.0)
    finally:
        stopping = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(90)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        stop_s = time.monotonic() - stopping
    elapsed = stopping - started
    green = f"{green_at:.1f} s" if green_at is not None else "never"
    print(f"stack {options.stack}: all green {green} after start; "
          f"ran {elapsed:.0f} s; stop {stop_s:.1f} s; load average before {load_before[0]:.1f}, "
          f"during max {max(loads, default=0):.1f} median {sorted(loads)[len(loads) // 2] if loads else 0:.1f}, "
          f"after {os.getloadavg()[0]:.1f}")
    for name, u in sorted(usage.items()):
        steady = ""
        if u.cpu_at_green is not None and green_at is not None:
            span = elapsed - green_at
            if span > 10:
                steady = f", after green {(u.cpu - u.cpu_at_green) / span * 100:.0f}% of a core"
        print(f"  {name:<14} peak RSS {u.peak_rss / 2**20:7.1f} MiB  CPU {u.cpu:7.1f} s"
              f" ({u.cpu / max(elapsed, 1) * 100:.0f}% of a core){steady}")
    mismatched = [c for c in checks if c["status"] != c["prometheus"]]
    if checks:
        ages = sorted(float(str(c["status_age"])) for c in checks)
        print(f"  status vs Prometheus at the same instant: {len(checks) - len(mismatched)}/{len(checks)} refreshes "
              f"equal" + (f"; e.g. {mismatched[:3]}" if mismatched else "")
              + f"; status.json age when read: median {ages[len(ages) // 2]:.1f} s, max {ages[-1]:.1f} s")
    print("  last lines of `yunwang up`:\n    " + "\n    ".join(
        out_path.read_text(errors="replace").splitlines()[-12:]))
    if options.json:
        options.json.write_text(json.dumps({
            "stack": options.stack, "green_s": green_at, "elapsed_s": elapsed, "stop_s": stop_s,
            "load": {"before": load_before, "during": loads, "after": os.getloadavg()},
            "usage": {k: {"peak_rss": v.peak_rss, "cpu": v.cpu, "cpu_at_green": v.cpu_at_green,
                          "samples": v.samples} for k, v in usage.items()},
            "checks": checks}, indent=1))
    if options.keep:
        print(f"state kept in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
