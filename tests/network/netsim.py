"""The world the net command tests run in: a stack (dev plus a Cisco router, so every vendor family is there),
its simulated devices over SSH, the secrets in the environment, and the CLI run as a user runs it."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from agents.sim.ssh.server import FleetThread, SshFleet
from yunwang.testkit import ROOT
from yunwang.topology import Topology, load_topology

STACK = "netops"
PASSWORD = "Sim-Test-Pw1"
CISCO = ("  - {name: luan-rt-9, role: router, vendor: cisco, model: ISR4451-X, region: luan, mgmt: 10.34.0.21, "
         "interfaces: 4, snmp: v3-core, site: 市政务云机房}\n")
CISCO_LINK = "  - {a: {device: luan-rt-9, port: 1}, b: {device: luan-fw-1, port: 4}, bandwidth_mbps: 1000}\n"
ONE_PER_FAMILY = {"huawei": "luan-acc-1", "h3c": "luan-core-1", "cisco": "luan-rt-9", "ruijie": "jinan-acc-2"}
SECRETS = {
    "YUNWANG_DEVICE_SYSTEM_PASSWORD": PASSWORD, "YUNWANG_DEVICE_SECURITY_PASSWORD": "Sec-Test-Pw2",
    "YUNWANG_DEVICE_AUDIT_PASSWORD": "Aud-Test-Pw3", "YUNWANG_DEVICE_AAA_KEY": "aaa-test-key",
    "YUNWANG_DEVICE_NTP_KEY": "ntp-test-key", "YUNWANG_DEVICE_OSPF_KEY": "ospf-test-key",
    "YUNWANG_SNMP_V3_CORE_AUTH_KEY": "core-auth-key", "YUNWANG_SNMP_V3_CORE_PRIV_KEY": "core-priv-key",
    "YUNWANG_SNMP_V3_EDGE_AUTH_KEY": "edge-auth-key", "YUNWANG_SNMP_V3_EDGE_PRIV_KEY": "edge-priv-key",
}


def topology_text(extra_devices: str = CISCO, extra_links: str = CISCO_LINK) -> str:
    text = (ROOT / "infra" / "topology" / "dev.yaml").read_text(encoding="utf-8")
    return text.replace("\nlinks:\n", f"\n{extra_devices}\nlinks:\n{extra_links}", 1)


def write_project(folder: Path, topology: str | None = None) -> Path:
    """A project folder with one stack, ``netops``, whose topology is ``topology`` (default: dev + Cisco)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / f"Pulumi.{STACK}.yaml").write_text("config:\n  yunwang:topology: topology.yaml\n", encoding="utf-8")
    (folder / "topology.yaml").write_text(topology if topology is not None else topology_text(), encoding="utf-8")
    return folder


def project_env(project: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YUNWANG_")}
    return {**env, **SECRETS, "YUNWANG_HOME": str(project), "COLUMNS": "200", **extra}


def run_net(project: Path, *args: str, timeout: float = 240, **extra_env: str) -> subprocess.CompletedProcess[str]:
    """``yunwang net <command> --stack netops …`` in ``project``, as a user runs it."""
    command = [sys.executable, "-m", "yunwang", "net", args[0], "--stack", STACK, *args[1:]]
    return subprocess.run(command, cwd=project, env=project_env(project, **extra_env), capture_output=True,
                          text=True, timeout=timeout, check=False)


@dataclass
class World:
    project: Path
    topology: Topology
    fleet: FleetThread
    endpoints: Path

    @property
    def access_args(self) -> list[str]:
        return ["--endpoints", str(self.endpoints), "--trust-simulator"]

    def env(self, **extra: str) -> dict[str, str]:
        return project_env(self.project, **extra)

    def net(self, *args: str, timeout: float = 240, **extra_env: str) -> subprocess.CompletedProcess[str]:
        """``yunwang net …`` as a user runs it against the simulated devices."""
        return run_net(self.project, *args, timeout=timeout, **extra_env)

    def running(self, name: str) -> str:
        return self.fleet.running_config(name)

    def saved(self, name: str) -> str:
        return self.fleet.saved_config(name)


@contextmanager
def world(folder: Path, topology: str | None = None) -> Iterator[World]:
    """A fresh project and fleet of factory-state simulated devices (state folder holds the host key)."""
    project = write_project(folder / "project", topology)
    topo = load_topology(project / "topology.yaml")
    state = folder / "sim"
    fleet: FleetThread | None = None
    for _attempt in range(8):
        base = random.randrange(20000, 60000 - len(topo.devices))
        candidate = FleetThread(SshFleet(topo.devices, topology=topo, base_port=base, state_dir=state,
                                         password=PASSWORD))
        try:
            candidate.start()
        except OSError:
            continue
        fleet = candidate
        break
    assert fleet is not None, "no free block of TCP ports for the simulated devices"
    endpoints = state / "ssh-endpoints.json"
    endpoints.write_text(json.dumps(fleet.endpoints), encoding="utf-8")
    try:
        yield World(project, topo, fleet, endpoints)
    finally:
        fleet.close()
