"""`yunwang net apply` to 100 simulated devices, ~40 remediation lines each, against the floor of pushing the same
lines with a bare asyncssh client at the same concurrency (scripts/bench/net_apply_floor.py). Goal: ≤ 1.5×.

The devices (the first 100 of liuan: core, aggregation and access switches, firewalls, routers, IoT gateways of
three vendors) are first brought to their intent except for a few blocks, about 40 lines, which are left to do;
each round starts from that same state (restored in the simulator), ours and the floor alternating. Both run
in a fresh interpreter; ours is the whole command (load the stack, render, read every device, plan, push, read
again and verify, save), the floor only connects and types. `net apply --report` tells where the time goes.

Run: make bench PYTEST_ARGS='-k net_apply -s'
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import asyncssh
import pytest

from agents.sim.ssh.device import Frame, SimDevice
from agents.sim.ssh.server import FleetThread, SshFleet
from infra.network.remediation import Change, remediate
from infra.network.render import render_stack
from yunwang.stacks import load_stack
from yunwang.testkit import ROOT

DEVICES = 100
LEFT = 40
CONCURRENCY = 20
ROUNDS = 3
PASSWORD = "Bench-Pw-1"
SECRETS = {"YUNWANG_DEVICE_SYSTEM_PASSWORD": PASSWORD, "YUNWANG_DEVICE_SECURITY_PASSWORD": "Bench-Pw-2",
           "YUNWANG_DEVICE_AUDIT_PASSWORD": "Bench-Pw-3", "YUNWANG_DEVICE_AAA_KEY": "bench-aaa",
           "YUNWANG_DEVICE_NTP_KEY": "bench-ntp", "YUNWANG_DEVICE_OSPF_KEY": "bench-ospf",
           "YUNWANG_SNMP_V3_CORE_AUTH_KEY": "bench-core-auth", "YUNWANG_SNMP_V3_CORE_PRIV_KEY": "bench-core-priv",
           **{f"YUNWANG_SNMP_V3_{p}_{k}_KEY": f"bench-{p}-{k}".lower() for p in ("CORE", "EDGE", "IOT")
              for k in ("AUTH", "PRIV")}}


def blocks(changes: tuple[Change, ...]) -> list[list[Change]]:
    out: list[list[Change]] = []
    for change in changes:
        if change.depth == 0:
            out.append([])
        out[-1].append(change)
    return out


def type_block(sim: SimDevice, block: list[Change]) -> None:
    stack = [*sim.login_frames("sysadmin"), Frame(sim.dialect.config_mode, sim.root)]
    base = len(stack)
    depth_base = {0: base}
    for change in block:
        del stack[depth_base[change.depth]:]
        sim.execute(stack, change.sent, "sysadmin")
        depth_base[change.depth + 1] = len(stack)


def prepare(fleet: FleetThread, names: list[str]) -> dict[str, Any]:
    """Every device at its intent but for its last blocks (~LEFT lines); returns their snapshots and commands."""
    loaded = load_stack("liuan")
    topo = loaded.topology
    assert topo is not None
    intents = {r.device.name: r.text for r in render_stack(topo, devices=names)}
    pushes = {r.device.name: r.text for r in render_stack(topo, devices=names, push=True, env=SECRETS)}
    state: dict[str, Any] = {"snapshots": {}, "commands": {}}
    for name in names:
        vendor = topo.device_by_name[name].vendor

        def on_loop(name: str = name, vendor: Any = vendor) -> None:
            sim = fleet.fleet.device(name)
            found = remediate(vendor, sim.running_config(), intents[name], pushes[name])
            parts = blocks(found.changes)
            left, kept = 0, len(parts)
            while kept > 1 and left < LEFT:
                kept -= 1
                left += len(parts[kept])
            for block in parts[:kept]:
                type_block(sim, block)
            sim.save()
            todo = remediate(vendor, sim.running_config(), intents[name], pushes[name])
            state["snapshots"][name] = (sim.root.copy(), sim.saved.copy())
            state["commands"][name] = {"vendor": vendor.value, "commands": list(todo.commands),
                                       "lines": len(todo.changes)}
        fleet.call(on_loop)
    return state


def restore(fleet: FleetThread, state: dict[str, Any]) -> None:
    def on_loop() -> None:
        for name, (root, saved) in state["snapshots"].items():
            sim = fleet.fleet.device(name)
            sim.root, sim.saved = root.copy(), saved.copy()
    fleet.call(on_loop)


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_net_apply_100_devices_against_the_bare_asyncssh_floor(tmp_path: Path) -> None:
    topo = load_stack("liuan").topology
    assert topo is not None
    names = [d.name for d in topo.devices[:DEVICES]]
    state_dir = tmp_path / "sim"
    fleet = None
    for base in (31000, 33000, 35000, 37000):
        try:
            fleet = FleetThread(SshFleet(topo.devices[:DEVICES], topology=topo, base_port=base, state_dir=state_dir,
                                         password=PASSWORD))
            fleet.start()
            break
        except OSError:
            fleet = None
    assert fleet is not None
    try:
        endpoints = state_dir / "ssh-endpoints.json"
        endpoints.write_text(json.dumps(fleet.endpoints), encoding="utf-8")
        started = time.perf_counter()
        state = prepare(fleet, names)
        print(f"\nprepared {DEVICES} devices in {time.perf_counter() - started:.1f} s")
        lines = [c["lines"] for c in state["commands"].values()]
        commands = tmp_path / "commands.json"
        commands.write_text(json.dumps(state["commands"]), encoding="utf-8")
        key = asyncssh.read_private_key(str(state_dir / "ssh_host_ed25519_key")).export_public_key().decode().strip()
        known = tmp_path / "known_hosts"
        known.write_text("".join(f"[127.0.0.1]:{e.split(':')[1]} {key}\n" for e in fleet.endpoints.values()),
                         encoding="utf-8")
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("YUNWANG_")}, **SECRETS}
        ours_cmd = [sys.executable, "-m", "yunwang", "net", "apply", "--stack", "liuan", "--yes", "--concurrency",
                    str(CONCURRENCY), "--known-hosts", str(known), "--endpoints", str(endpoints),
                    "--report", str(tmp_path / "report.json"), *[a for n in names for a in ("-d", n)]]
        floor_cmd = [sys.executable, str(ROOT / "scripts" / "bench" / "net_apply_floor.py"), "--endpoints",
                     str(endpoints), "--commands", str(commands), "--concurrency", str(CONCURRENCY),
                     "--known-hosts", str(known)]
        ours: list[float] = []
        floor: list[float] = []
        cpu: dict[str, list[float]] = {"ours": [], "floor": []}

        def children_cpu() -> float:
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            return usage.ru_utime + usage.ru_stime

        reports = []
        for _ in range(ROUNDS):
            restore(fleet, state)
            started, before = time.perf_counter(), children_cpu()
            done = subprocess.run(ours_cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
                                  check=False)
            ours.append(time.perf_counter() - started)
            cpu["ours"].append(children_cpu() - before)
            assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
            reports.append(json.loads((tmp_path / "report.json").read_text(encoding="utf-8")))
            restore(fleet, state)
            started, before = time.perf_counter(), children_cpu()
            pushed = subprocess.run(floor_cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
                                    check=True)
            floor.append(time.perf_counter() - started)
            cpu["floor"].append(children_cpu() - before)
            assert json.loads(pushed.stdout)["devices"] == DEVICES
    finally:
        fleet.close()
    ours_m, floor_m = statistics.median(ours), statistics.median(floor)
    report = reports[len(reports) // 2]
    phases = report["phases"]
    device_phases: dict[str, float] = {}
    for d in report["devices"]:
        for phase, seconds in d["timings"].items():
            device_phases[phase] = device_phases.get(phase, 0.0) + seconds
    print(f"\nnet apply, {DEVICES} devices, {statistics.median(lines):.0f} lines each (median; {min(lines)}–"
          f"{max(lines)}), concurrency {CONCURRENCY}: ours {ours_m:.2f} s, floor {floor_m:.2f} s, ratio "
          f"{ours_m / floor_m:.2f} (rounds: ours {[round(x, 2) for x in ours]}, floor {[round(x, 2) for x in floor]})")
    print(f"  ours by phase: start-up + render {phases['render_s']:.2f} s, read + plan {phases['plan_s']:.2f} s, "
          f"apply {phases['apply_s']:.2f} s (remaining {ours_m - sum(phases.values()):.2f} s: interpreter start-up "
          f"and imports before the clock, output)")
    print(f"  client CPU (median): ours {statistics.median(cpu['ours']):.2f} s, floor "
          f"{statistics.median(cpu['floor']):.2f} s; the simulated devices run in this test's process")
    print("  apply, summed over devices: " + ", ".join(f"{k} {v:.1f} s" for k, v in sorted(device_phases.items())))
    assert all(d["status"] == "applied" for d in report["devices"])
    assert ours_m <= 1.5 * floor_m
