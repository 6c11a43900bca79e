"""`yunwang up` at city scale: time to all green, peak RSS and CPU of every process, the status line against Prometheus.

Usage: .venv/bin/python scripts/bench/up_city.py [--stack liuan] [--limit 480] [--after-green 150] [--json FILE]
          [-- extra `yunwang up` options]
Runs `yunwang up` (audits included, as `make run` does) on spare ports with a fresh state folder, samples every
child's process group (RSS summed over its processes, CPU of user + system from /proc) and `yunwang up` itself
every 2 s, and compares the status `yunwang up` last wrote (<state>/status.json) with Prometheus' own
`count(snmp_up == 1)` (summed over the region servers when `yunwang up` runs one per region). It stops
`--after-green` seconds after "all green" (to measure steady-state CPU per poll cycle) or at `--limit`, and prints
one line per process plus the load average before, during and after.
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
from typing import Any

import httpx

PORTS = {"--monitor-port": 28080, "--host-agent-port": 28810, "--snmp-agent-port": 28811,
         "--prometheus-port": 28090, "--city-view-port": 28120, "--alertmanager-port": 28121,
         "--sim-base-port": 26100, "--ssh-base-port": 22200}
"""Below Linux's ephemeral range (32768+), where an outgoing connection could take a poller's port first."""
PROMETHEUS = f"http://127.0.0.1:{PORTS['--prometheus-port']}"
LISTEN = re.compile(r"--web\.listen-address=(\S+)")
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


def scraping_servers(children: dict[str, Any]) -> list[str]:
    """Base URLs of the Prometheus servers that scrape (one per region, or the one), not the city view."""
    urls = []
    for name, child in sorted(children.items()):
        if name.startswith("prometheus") and child.get("pid"):
            found = LISTEN.search(" ".join(child.get("argv", [])))
            if found:
                urls.append(f"http://{found.group(1)}")
    return urls or [PROMETHEUS]


def prometheus_up(at: float, servers: list[str]) -> int | None:
    """``count(snmp_up == 1)`` evaluated at ``at`` (the instant the status's own queries were evaluated at),
    summed over ``servers``."""
    total = 0
    for url in servers:
        try:
            result = httpx.get(f"{url}/api/v1/query", params={"query": "count(snmp_up == 1)", "time": f"{at:.3f}"},
                               timeout=10).json()["data"]["result"]
        except (httpx.HTTPError, ValueError, KeyError):
            return None
        total += int(float(result[0]["value"][1])) if result else 0
    return total


def metrics_bytes(address: str) -> int | None:
    """Size of a poller's uncompressed /metrics (streamed, not held)."""
    try:
        with httpx.stream("GET", f"http://{address}/metrics", headers={"Accept-Encoding": "identity"},
                          timeout=60) as response:
            return sum(len(chunk) for chunk in response.iter_raw())
    except httpx.HTTPError:
        return None


def peak_rss(pid: int) -> int:
    """VmHWM: the process's own peak resident set, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def poller_sizes(state: Path) -> dict[str, dict[str, int]]:
    """Each running poller shard's uncompressed /metrics size, RSS now and peak RSS (the ≤ 2× goal)."""
    out = {}
    children = json.loads((state / "supervisor-state.json").read_text())["children"]
    for name, child in sorted(children.items()):
        argv = child.get("argv", [])
        if "snmp" not in argv or "--listen" not in argv or not child.get("pid"):
            continue
        size = metrics_bytes(argv[argv.index("--listen") + 1])
        if size is None:
            continue
        rss, _ = rss_cpu([child["pid"]])
        out[name] = {"metrics": size, "rss": rss, "peak_rss": peak_rss(child["pid"])}
    return out


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
    sizes: dict[str, dict[str, int]] = {}
    servers = [PROMETHEUS]
    try:
        while time.monotonic() - started < options.limit and proc.poll() is None:
            now = time.monotonic() - started
            groups = {"yunwang up": proc.pid}
            try:
                children = json.loads((state / "supervisor-state.json").read_text())["children"]
                groups.update({name: c["pid"] for name, c in children.items() if c.get("pid")})
                servers = scraping_servers(children)
            except (OSError, ValueError, KeyError):
                pass
            if "sim" in groups:  # the simulator's own process serves SSH (its children serve SNMP)
                groups["sim (ssh)"] = groups["sim"]
            for name, pid in groups.items():
                pids = [pid] if name in ("yunwang up", "sim (ssh)") else group_members(pid)
                rss, cpu = rss_cpu(pids)
                u = usage.setdefault(name, Usage())
                u.peak_rss = max(u.peak_rss, rss)
                u.cpu = max(u.cpu, cpu) if name not in ("yunwang up", "sim (ssh)") else cpu
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
                               "prometheus": prometheus_up(at, servers),
                               "status_age": round(time.time() - float(status.get("at", 0)), 1)})
            if green_at is not None and now > green_at + options.after_green:
                break
            time.sleep(2.0)
        sizes = poller_sizes(state) if proc.poll() is None else {}
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
    print(f"stack {options.stack}: all green {green} after start; {len(servers)} scraping Prometheus server(s); "
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
    if sizes:
        ratios = sorted(v["peak_rss"] / v["metrics"] for v in sizes.values())
        worst = max(sizes.items(), key=lambda kv: kv[1]["peak_rss"] / kv[1]["metrics"])
        print(f"  pollers: /metrics {min(v['metrics'] for v in sizes.values()) / 2**20:.1f}–"
              f"{max(v['metrics'] for v in sizes.values()) / 2**20:.1f} MiB uncompressed per shard, "
              f"{sum(v['metrics'] for v in sizes.values()) / 2**20:.1f} MiB in all; peak RSS / /metrics median "
              f"{ratios[len(ratios) // 2]:.2f}, max {ratios[-1]:.2f} ({worst[0]}: {worst[1]['peak_rss'] / 2**20:.1f} "
              f"MiB for {worst[1]['metrics'] / 2**20:.1f} MiB)")
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
            "checks": checks, "pollers": sizes}, indent=1))
    if options.keep:
        print(f"state kept in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
