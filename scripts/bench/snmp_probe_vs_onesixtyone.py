#!/usr/bin/env python3
"""Side by side: `yunwang audit snmp`'s probe against onesixtyone (C community scanner), same targets, same run.

Two net-snmp agents serve --targets addresses on 127.0.1.x (community `public`) and 127.0.2.x (a community on
no list, v3 authPriv only), all on one port. Both tools try the same 16 well-known communities. onesixtyone
sends SNMPv1 only; ours sends v1 and v2c, v3 engine discovery and 11 v3 user names (noAuthNoPriv) per target,
so it does ~3x the requests. Alternating rounds; medians of wall time and CPU (ours: this process; onesixtyone:
the child), and how many targets each found answering `public`.

    .venv/bin/python scripts/bench/snmp_probe_vs_onesixtyone.py [--targets 100] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from policies.facts_snmp import WELL_KNOWN_COMMUNITIES, ProbeSettings, load_guesses, probe_targets  # noqa: E402


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_snmpd(tmp: Path, name: str, config: str, addresses: list[str], port: int) -> subprocess.Popen[bytes]:
    conf = tmp / f"{name}.conf"
    conf.write_text(config)
    log = tmp / f"{name}.log"
    state = tmp / f"{name}-state"
    state.mkdir()
    listen = ",".join(f"udp:{a}:{port}" for a in addresses)
    proc = subprocess.Popen(["/usr/sbin/snmpd", "-f", "-C", "-c", str(conf), "-Lf", str(log), "-I", "-smux", listen],
                            env={**os.environ, "MIBS": "", "SNMP_PERSISTENT_DIR": str(state)})
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if log.exists() and "NET-SNMP version" in log.read_text(errors="replace"):
            return proc
        time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"snmpd {name} did not start: {log.read_text(errors='replace') if log.exists() else ''}")


def run_ours(targets: list[str]) -> tuple[float, float, int]:
    cpu, wall = time.process_time(), time.perf_counter()
    probes, _errors = asyncio.run(probe_targets(targets, load_guesses(None), ProbeSettings(timeout_s=1.0)))
    found = sum(1 for p in probes if any(h.guess.value == "public" for h in p.communities))
    return time.perf_counter() - wall, time.process_time() - cpu, found


def run_onesixtyone(binary: str, hosts: Path, communities: Path, port: int, out: Path) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    subprocess.run([binary, "-c", str(communities), "-i", str(hosts), "-p", str(port), "-w", "0", "-q",
                    "-o", str(out)], check=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    found = len({line.split()[0] for line in out.read_text().splitlines() if "[public]" in line})
    out.unlink()
    return elapsed, cpu, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=100, help="even number, at most 256")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    binary = shutil.which("onesixtyone")
    if binary is None:
        raise SystemExit("onesixtyone not found: apt-get install onesixtyone")
    half = args.targets // 2
    port = free_udp_port()
    open_hosts = [f"127.0.1.{i}" for i in range(1, half + 1)]
    closed_hosts = [f"127.0.2.{i}" for i in range(1, half + 1)]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        agents = [start_snmpd(tmp, "open", "rocommunity public\n", open_hosts, port),
                  start_snmpd(tmp, "closed", 'rocommunity Zq8-Not-Listed\ncreateUser nms SHA "auth-pass-123" AES '
                                             '"priv-pass-123"\nrouser nms priv\n', closed_hosts, port)]
        try:
            hosts = tmp / "hosts.txt"
            hosts.write_text("\n".join(open_hosts + closed_hosts) + "\n")
            communities = tmp / "communities.txt"
            communities.write_text("\n".join(WELL_KNOWN_COMMUNITIES) + "\n")
            targets = [f"{h}:{port}" for h in open_hosts + closed_hosts]
            results: dict[str, list[tuple[float, float, int]]] = {"yunwang": [], "onesixtyone": []}
            for _ in range(args.rounds):
                results["yunwang"].append(run_ours(targets))
                results["onesixtyone"].append(run_onesixtyone(binary, hosts, communities, port, tmp / "out.log"))
        finally:
            for agent in agents:
                agent.terminate()
                agent.wait(timeout=5)
    print(f"{args.targets} targets ({half} answer 'public'), {len(WELL_KNOWN_COMMUNITIES)} communities, "
          f"{args.rounds} alternating rounds")
    med = {}
    for name, rows in results.items():
        wall, cpu = statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows)
        med[name] = (wall, cpu)
        print(f"  {name:12s} wall {wall:6.2f} s  cpu {cpu:6.2f} s  found 'public' on {[r[2] for r in rows]}")
    print(f"  ratio yunwang/onesixtyone: wall {med['yunwang'][0] / med['onesixtyone'][0]:.2f}x, "
          f"cpu {med['yunwang'][1] / max(med['onesixtyone'][1], 1e-3):.1f}x")


if __name__ == "__main__":
    main()
