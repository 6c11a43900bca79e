#!/usr/bin/env python3
"""The SNMP poller's memory against the size of what it serves, from 100 to 1,000 devices.

For each fleet size: the first N devices of a synthetic city (liuan's device mix, `generate_city(2)`) served by
the fast simulator, one `yunwang agent snmp` process polling all of them (every 30 s), scraped like Prometheus
(gzip asked) and once uncompressed. Printed per size: uncompressed /metrics bytes, the poller's RSS after two
cycles and three scrapes, its peak RSS (VmHWM), and RSS / size. ``--code DIR`` runs the poller from another
checkout (e.g. the commit before a change: `git worktree add /tmp/before <rev>`), with this venv.

Usage: .venv/bin/python scripts/bench/poller_memory.py [--sizes 100,250,500,1000] [--code DIR] [--concurrency 64]
       [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from agents.sim.credentials import env_name  # noqa: E402
from agents.sim.fleet import SimFleet  # noqa: E402
from yunwang.generate import generate_city  # noqa: E402
from yunwang.inventory import build_inventory  # noqa: E402
from yunwang.testkit import free_port, free_udp_block  # noqa: E402
from yunwang.topology import Topology  # noqa: E402

UP = re.compile(rb"^snmp_up\{[^}]*\} (\S+)$", re.M)
PAGE = os.sysconf("SC_PAGE_SIZE")


def city(devices: int) -> Topology:
    data = generate_city(2)
    data["devices"] = data["devices"][:devices]
    kept = {d["name"] for d in data["devices"]}
    data["links"] = [ln for ln in data.get("links", []) if {ln["a"]["device"], ln["b"]["device"]} <= kept]
    return Topology.model_validate(data)


def secrets_for(topology: Topology) -> dict[str, str]:
    out = {}
    for profile in topology.snmp_profiles:
        for kind in (["COMMUNITY"] if profile.version == "2c" else ["AUTH_KEY", "PRIV_KEY"]):
            out[env_name(profile.name, kind)] = f"bench-{profile.name}-{kind.lower()}-1"
    return out


def auths_yaml(topology: Topology, secrets: dict[str, str]) -> str:
    """snmp_exporter-style auths for the inventory's profile names (what --inventory needs without a topology)."""
    lines = ["auths:"]
    for p in topology.snmp_profiles:
        lines += [f"  {p.name}:", "    version: 3", f"    username: {p.username}",
                  f"    security_level: {p.security_level or 'authPriv'}",
                  f"    auth_protocol: {(p.auth_protocol or 'SHA').replace('-', '')}",
                  f"    password: {secrets[env_name(p.name, 'AUTH_KEY')]}",
                  f"    priv_protocol: {(p.priv_protocol or 'AES-128').replace('-', '')}",
                  f"    priv_password: {secrets[env_name(p.name, 'PRIV_KEY')]}"]
    return "\n".join(lines) + "\n"


def udp_block_below_ephemeral(size: int) -> int:
    """Free UDP ports under Linux's ephemeral range (32768+), where other programs' clients cannot take one
    between this check and the simulator's bind (as happened at 1,000 devices)."""
    import socket

    for base in range(20000, 32000 - size, 1500):
        held = []
        try:
            for port in range(base, base + size):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                held.append(s)
                s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for s in held:
                s.close()
    return free_udp_block(size)


def rss(pid: int) -> tuple[int, int]:
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) * 1024, int(fields["VmHWM"].split()[0]) * 1024


def measure(devices: int, code: Path, concurrency: int = 64) -> dict[str, float]:
    topology = city(devices)
    secrets = secrets_for(topology)
    os.environ.update(secrets)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        fleet = SimFleet(topology, folder / "sim", base_port=udp_block_below_ephemeral(len(topology.devices)),
                         processes=2, engine="fast", startup_timeout_s=600)
        with fleet as endpoints:
            inventory = folder / "inventory.json"
            inventory.write_text(build_inventory(topology, endpoints).to_json())
            auths = folder / "auths.yml"
            auths.write_text(auths_yaml(topology, secrets))
            port = free_port()
            env = {**os.environ, "PYTHONPATH": str(code)}
            log = open(folder / "poller.log", "wb")  # noqa: SIM115 - closed below
            proc = subprocess.Popen([sys.executable, "-m", "yunwang", "agent", "snmp", "--listen",
                                     f"127.0.0.1:{port}", "--inventory", str(inventory), "--auths", str(auths),
                                     "--interval", "30s", "--concurrency", str(concurrency)], cwd=code, env=env,
                                    stdout=log, stderr=subprocess.STDOUT)
            try:
                url = f"http://127.0.0.1:{port}/metrics"
                client = httpx.Client(timeout=120, trust_env=False)
                deadline = time.monotonic() + 600
                polled_at = None
                while time.monotonic() < deadline:
                    time.sleep(2)
                    try:
                        body = client.get(url, headers={"Accept-Encoding": "identity"}).content
                    except httpx.HTTPError:
                        continue
                    if len(UP.findall(body)) == devices:
                        polled_at = polled_at or time.monotonic()
                        if time.monotonic() - polled_at > 35:  # a second cycle has replaced the first
                            break
                for _ in range(3):
                    client.get(url, headers={"Accept-Encoding": "gzip"})
                body = client.get(url, headers={"Accept-Encoding": "identity"}).content
                gz = len(client.get(url, headers={"Accept-Encoding": "gzip"}).content)
                time.sleep(1)
                now, peak = rss(proc.pid)
                if os.environ.get("POLLER_SMAPS"):
                    subprocess.run([sys.executable, os.environ["POLLER_SMAPS"], str(proc.pid)])
                up = sum(float(v) for v in UP.findall(body))
            finally:
                proc.send_signal(signal.SIGTERM)
                proc.wait(30)
                log.close()
    row = {"devices": devices, "up": up, "metrics_bytes": len(body), "rss": now, "peak_rss": peak,
           "rss_per_metrics": now / len(body), "peak_per_metrics": peak / len(body), "decoded_gzip_body": gz}
    print(f"{devices:5d} devices ({up:.0f} up): /metrics {len(body) / 2**20:6.1f} MiB, RSS {now / 2**20:6.1f} MiB "
          f"({now / len(body):.2f}x), peak {peak / 2**20:6.1f} MiB ({peak / len(body):.2f}x); "
          f"load {os.getloadavg()[0]:.1f}", flush=True)
    return row


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,250,500,1000")
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose poller runs (default: this one)")
    parser.add_argument("--concurrency", type=int, default=64, help="devices the poller polls at once")
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()
    rows = [measure(int(n), options.code.resolve(), options.concurrency) for n in options.sizes.split(",")]
    if len(rows) > 1:
        a, b = rows[0], rows[-1]
        slope = (b["rss"] - a["rss"]) / (b["metrics_bytes"] - a["metrics_bytes"])
        print(f"growth {a['devices']}→{b['devices']} devices: {slope:.2f} bytes of RSS per byte of /metrics")
    if options.json:
        options.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
