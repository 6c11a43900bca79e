#!/usr/bin/env python3
"""What a simulated fleet costs: snmpsim against the fast simulator, and what a stack's poll cycle demands.

Per engine, one simulator process serves the fleet; our poller (``poll_once``, this process) walks every device
for the modules the inventory assigns, ``--rounds`` times. Printed per round: wall time, the simulator
process's CPU seconds per device walk and values per simulator CPU-second (its capacity: walks per second at
one core), the poller's CPU, failures; then the demand of the fleet per cycle (values, requests) and the CPU
a cycle needs from each simulator. ``--stack liuan`` uses a real stack's recordings (every device distinct);
the default is a uniform fleet of 48-port S5735 switches (scripts/bench/snmp_vs_snmp_exporter.py).

Usage: .venv/bin/python scripts/bench/sim_engines.py [--devices 100 | --stack liuan] [--engines snmpsim,fast]
       [--rounds 2] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from snmp_vs_snmp_exporter import PROFILE, bench_topology, sim_cpu  # noqa: E402

from agents.sim.credentials import env_name  # noqa: E402
from agents.sim.fleet import SimFleet  # noqa: E402
from agents.snmp.poller import poll_once, resolver_for  # noqa: E402
from yunwang.inventory import build_inventory  # noqa: E402
from yunwang.testkit import free_udp_block  # noqa: E402
from yunwang.topology import Topology  # noqa: E402


def set_secrets(topology: Topology) -> None:
    for profile in topology.snmp_profiles:
        kinds = ["COMMUNITY"] if profile.version == "2c" else ["AUTH_KEY", "PRIV_KEY"]
        for kind in kinds:
            os.environ.setdefault(env_name(profile.name, kind), f"bench-{profile.name}-{kind.lower()}-1")


def run_engine(engine: str, topology: Topology, rounds: int, concurrency: int, uniform: bool) -> list[dict[str, float]]:
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        fleet = SimFleet(topology, Path(tmp), base_port=free_udp_block(len(topology.devices)), processes=1,
                         startup_timeout_s=900, uniform=uniform, engine=engine)
        with fleet as endpoints:
            inventory = build_inventory(topology, endpoints)
            resolver = resolver_for(topology=topology)
            for n in range(rounds):
                sim_before, ours_before, wall_before = sim_cpu(fleet), os.times(), time.monotonic()
                results = poll_once(inventory, resolver, concurrency=concurrency)
                wall = time.monotonic() - wall_before
                ours_after = os.times()
                sim = sim_cpu(fleet) - sim_before
                values = sum(r.varbinds for r in results)
                requests = sum(r.pdus_sent for r in results)
                row = {"wall": wall, "sim_cpu": sim, "values": values, "requests": requests,
                       "poller_cpu": ours_after.user + ours_after.system - ours_before.user - ours_before.system,
                       "ok": sum(r.ok for r in results), "devices": len(results)}
                out.append(row)
                print(f"{engine:8} round {n}: {row['ok']}/{len(results)} ok, wall {wall:6.1f} s, simulator "
                      f"{sim:6.2f} CPU-s ({sim / len(results) * 1000:6.1f} ms per device walk, "
                      f"{values / max(sim, 1e-9):9,.0f} values per CPU-s), poller {row['poller_cpu']:.2f} CPU-s; "
                      f"{values:,} values, {requests:,} requests; load {os.getloadavg()[0]:.1f}", flush=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=100)
    parser.add_argument("--ports", type=int, default=48)
    parser.add_argument("--stack", help="use this stack's devices instead of a uniform fleet")
    parser.add_argument("--engines", default="snmpsim,fast")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=32)
    options = parser.parse_args()
    if options.stack:
        from yunwang.stacks import load_stack

        topology = load_stack(options.stack).topology
        assert topology is not None
    else:
        topology = bench_topology(options.devices, options.ports)
        os.environ.setdefault(env_name(PROFILE, "AUTH_KEY"), "bench-auth-key-1")
        os.environ.setdefault(env_name(PROFILE, "PRIV_KEY"), "bench-priv-key-1")
    set_secrets(topology)
    medians: dict[str, float] = {}
    demand: dict[str, float] = {}
    for engine in options.engines.split(","):
        rows = run_engine(engine, topology, options.rounds, options.concurrency, uniform=not options.stack)
        medians[engine] = statistics.median(r["sim_cpu"] for r in rows)
        demand = {"values": rows[-1]["values"], "requests": rows[-1]["requests"], "devices": rows[-1]["devices"]}
    print(f"demand of one cycle: {demand.get('devices', 0):.0f} devices, {demand.get('values', 0):,.0f} values, "
          f"{demand.get('requests', 0):,.0f} requests")
    for engine, cpu in medians.items():
        print(f"  {engine:8} {cpu:7.1f} simulator CPU-s per cycle (median)")
    if len(medians) == 2:
        (first, a), (second, b) = medians.items()
        print(f"  ratio {first}/{second}: {a / max(b, 1e-9):.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
