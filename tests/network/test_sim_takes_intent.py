"""The simulated devices take every rendered configuration and then print it back as their intent: each vendor
family, each product line and role of the liuan city (the grammar the hardened configurations need)."""

from __future__ import annotations

from functools import cache

import pytest

from agents.sim.ssh.accounts import LoginAccount
from agents.sim.ssh.build import build_device
from agents.sim.ssh.device import Frame, SimDevice
from infra.network.remediation import remediate
from infra.network.render import render_stack
from yunwang.stacks import load_stack
from yunwang.topology import Device, Topology


@cache
def liuan() -> Topology:
    topo = load_stack("liuan").topology
    assert topo is not None
    return topo


def one_of_each_kind() -> list[Device]:
    kinds: dict[tuple[str, str, str, bool], Device] = {}
    for device in liuan().devices:
        kinds.setdefault((device.vendor.value, device.model, device.role.value, bool(device.intent.edge_auth)),
                         device)
    return list(kinds.values())


def type_lines(sim: SimDevice, lines: tuple[str, ...]) -> list[tuple[str, str]]:
    stack = [*sim.login_frames("sysadmin"), Frame(sim.dialect.config_mode, sim.root)]
    rejected = []
    for line in lines:
        output = sim.execute(stack, line, "sysadmin").output
        if output.lstrip().startswith(("Error", "%")) or "\nError" in output or "\n%" in output:
            rejected.append((line, output.strip().splitlines()[-1]))
    return rejected


@pytest.mark.parametrize("device", one_of_each_kind(), ids=lambda d: f"{d.vendor.value}-{d.model}-{d.role.value}")
def test_the_device_takes_its_remediation_and_then_runs_its_intent(device: Device, secrets: dict[str, str]) -> None:
    topo = liuan()
    env = {**secrets, **{f"YUNWANG_SNMP_V3_{p}_{k}_KEY": "k3y-" + p for p in ("CORE", "EDGE", "IOT")
                         for k in ("AUTH", "PRIV")}}
    intent = render_stack(topo, devices=[device.name])[0].text
    real = render_stack(topo, devices=[device.name], push=True, env=env)[0].text
    sim = build_device(device, LoginAccount("sysadmin", secrets["YUNWANG_DEVICE_SYSTEM_PASSWORD"]))
    found = remediate(device.vendor, sim.running_config(), intent, real, device=device.name)
    assert not found.empty
    assert type_lines(sim, found.commands) == []
    left = remediate(device.vendor, sim.running_config(), intent, device=device.name)
    assert left.empty, left.text


def test_trunk_vlan_1_ospf_process_and_ios_secrets_are_shown_as_the_devices_show_them(
        secrets: dict[str, str]) -> None:
    topo = liuan()
    account = LoginAccount("sysadmin", secrets["YUNWANG_DEVICE_SYSTEM_PASSWORD"])
    vrp = build_device(next(d for d in topo.devices if d.vendor.value == "huawei" and d.role.value == "router"),
                       account)
    port = next(line.split()[1] for line in vrp.running_config().splitlines() if line.startswith("interface G"))
    assert type_lines(vrp, (f"interface {port}", "portswitch", "port link-type trunk",
                            "undo port trunk allow-pass vlan 1", "port trunk allow-pass vlan 10 20", "quit",
                            "ospf router-id 10.0.0.1", "quit")) == []
    shown = vrp.running_config()
    assert " undo port trunk allow-pass vlan 1\n" in shown and " port trunk allow-pass vlan 10 20\n" in shown
    assert "\nospf 1 router-id 10.0.0.1\n" in shown  # process 1 named once, as VRP prints it
    assert type_lines(vrp, (f"interface {port}", "port trunk allow-pass vlan 1")) == []
    assert "undo port trunk allow-pass vlan 1" not in vrp.running_config()

    ios = build_device(next(d for d in topo.devices if d.vendor.value == "cisco"), account)
    assert type_lines(ios, ("tacacs server T1", "key 0 clear-key", "exit", "service password-encryption",
                            "snmp-server user ops ops v3 auth sha-2 256 auth-key priv aes 128 priv-key")) == []
    shown = ios.running_config()
    assert "clear-key" not in shown and "\n key 7 " in shown  # type 0 re-stored in type 7
    assert "snmp-server user" not in shown and "auth-key" not in shown  # IOS never prints SNMPv3 users
