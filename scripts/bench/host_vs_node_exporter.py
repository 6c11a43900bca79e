#!/usr/bin/env python3
"""Side by side: CPU per scrape and peak RSS of `yunwang agent host` against node_exporter 1.5, same run.

Both run on 127.0.0.1 with their default collectors. Scrapes alternate between the two in rounds; each round
does --per-round scrapes of one exporter over a kept-alive connection and reads that process's CPU time
(sum of /proc/<pid>/task/*/schedstat, nanoseconds) before and after. Reported: medians over rounds, the ratio
ours/node_exporter, and peak RSS (VmHWM) after the run.

With --monitor our agent also pushes heartbeats and facts (`--monitor URL`, token from the environment) to a
small recording server in this process, which node_exporter does not do; the run waits for the first facts
post so that the peak RSS includes it.

    .venv/bin/python scripts/bench/host_vs_node_exporter.py [--rounds 30] [--per-round 20] [--monitor] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
NODE_EXPORTER = "/usr/bin/prometheus-node-exporter"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_ns(pid: int) -> int:
    """CPU time of every live thread of ``pid``, in ns (schedstat is per thread and precise)."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                total += int(f.read().split()[0])
        except OSError:
            continue
    return total


def peak_rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


@dataclass
class Side:
    name: str
    url: str
    pid: int
    proc: subprocess.Popen[bytes]
    cpu_per_scrape_ms: list[float]
    wall_per_scrape_ms: list[float]
    series: int = 0


def wait_ready(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{url} did not start") from None
            time.sleep(0.05)


class _MonitorStandIn(BaseHTTPRequestHandler):
    """Accepts heartbeats and facts like the monitor (200), counting the facts posts."""

    facts_posts = 0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path.endswith("/facts"):
            type(self).facts_posts += 1
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def start_monitor_stand_in() -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _MonitorStandIn)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def start(name: str, argv: list[str], port: int, env: dict[str, str] | None = None) -> Side:
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    url = f"http://127.0.0.1:{port}/metrics"
    wait_ready(url, proc)
    return Side(name, url, proc.pid, proc, [], [])


def run(rounds: int, per_round: int, warmup: int = 20, monitor: bool = False) -> dict[str, object]:
    if not Path(NODE_EXPORTER).exists():
        raise SystemExit(f"{NODE_EXPORTER} not found: apt-get install prometheus-node-exporter")
    yunwang = shutil.which("yunwang", path=str(Path(sys.executable).parent)) or "yunwang"
    ours_port, theirs_port = free_port(), free_port()
    ours_argv = [yunwang, "agent", "host", "--listen", f"127.0.0.1:{ours_port}"]
    stand_in = start_monitor_stand_in() if monitor else None
    env = None
    if stand_in is not None:
        ours_argv += ["--monitor", f"http://127.0.0.1:{stand_in.server_address[1]}"]
        env = {**os.environ, "YUNWANG_AGENT_TOKEN": "bench-token-not-secret"}
    ours = start("yunwang agent host", ours_argv, ours_port, env)
    theirs = start("node_exporter 1.5", [NODE_EXPORTER, f"--web.listen-address=127.0.0.1:{theirs_port}"],
                   theirs_port)
    sides = [ours, theirs]
    try:
        # Plain text on both sides (no gzip), one kept-alive connection each, like a Prometheus server.
        clients = {s.name: httpx.Client(headers={"Accept-Encoding": "identity"}, timeout=30) for s in sides}
        for side in sides:
            for _ in range(warmup):
                side.series = sum(1 for line in clients[side.name].get(side.url).text.splitlines()
                                  if line and not line.startswith("#"))
        for number in range(rounds):
            for side in (sides if number % 2 == 0 else sides[::-1]):
                client = clients[side.name]
                before, wall = cpu_ns(side.pid), time.perf_counter()
                for _ in range(per_round):
                    client.get(side.url).raise_for_status()
                wall = time.perf_counter() - wall
                side.cpu_per_scrape_ms.append((cpu_ns(side.pid) - before) / per_round / 1e6)
                side.wall_per_scrape_ms.append(wall / per_round * 1e3)
        deadline = time.monotonic() + 60
        while stand_in is not None and not _MonitorStandIn.facts_posts and time.monotonic() < deadline:
            time.sleep(0.1)
        result: dict[str, object] = {"rounds": rounds, "scrapes_per_round": per_round, "monitor_push": monitor,
                                     "load_average": os.getloadavg()[0]}
        for side in sides:
            result[side.name] = {
                "cpu_ms_per_scrape_median": round(statistics.median(side.cpu_per_scrape_ms), 3),
                "wall_ms_per_scrape_median": round(statistics.median(side.wall_per_scrape_ms), 3),
                "peak_rss_mib": round(peak_rss_kib(side.pid) / 1024, 1),
                "series": side.series,
            }
        mine, other = result[ours.name], result[theirs.name]
        assert isinstance(mine, dict) and isinstance(other, dict)
        result["cpu_ratio"] = round(mine["cpu_ms_per_scrape_median"] / other["cpu_ms_per_scrape_median"], 3)
        result["rss_ratio"] = round(mine["peak_rss_mib"] / other["peak_rss_mib"], 3)
        return result
    finally:
        for side in sides:
            side.proc.terminate()
        for side in sides:
            side.proc.wait(10)
        if stand_in is not None:
            stand_in.shutdown()
            stand_in.server_close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--per-round", type=int, default=20)
    parser.add_argument("--monitor", action="store_true", help="our agent also pushes to a local monitor stand-in")
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args()
    result = run(args.rounds, args.per_round, monitor=args.monitor)
    for name in ("yunwang agent host", "node_exporter 1.5"):
        figures = result[name]
        assert isinstance(figures, dict)
        print(f"{name:20s} cpu/scrape {figures['cpu_ms_per_scrape_median']:7.3f} ms  wall/scrape "
              f"{figures['wall_ms_per_scrape_median']:7.3f} ms  peak RSS {figures['peak_rss_mib']:5.1f} MiB  "
              f"{figures['series']} series")
    print(f"ratio ours/node_exporter: CPU per scrape {result['cpu_ratio']:.2f}x, peak RSS {result['rss_ratio']:.2f}x "
          f"({result['rounds']} rounds x {result['scrapes_per_round']} scrapes, medians; pushing to a monitor: "
          f"{'yes' if args.monitor else 'no'}; load average {result['load_average']:.2f})")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

