"""netmiko 4.8 against the simulated devices over SSH, and the fleet's test hooks (drift, rejects, logins)."""

from __future__ import annotations

from collections.abc import Iterator

import netmiko
import pytest
from ssh_testlib import BY_DIALECT, CISCO, PASSWORD, device_named

from agents.sim.ssh.server import FleetThread, SshFleet
from yunwang.testkit import free_port
from yunwang.topology import Topology

CASES = [  # (device type, dialect, config lines, line expected in the running config afterwards)
    ("huawei", "vrp", ["vlan batch 10", "interface GigabitEthernet0/0/2", "port default vlan 10"],
     " port default vlan 10"),
    ("hp_comware", "comware", ["vlan 30", "name users"], " name users"),
    ("cisco_ios", "ios", ["interface GigabitEthernet0/0/1", "description uplink"], " description uplink"),
    ("ruijie_os", "rgos", ["vlan 30", "name users"], " name users"),
]


@pytest.fixture(scope="module")
def fleet(dev: Topology) -> Iterator[FleetThread]:
    devices = [device_named(dev, BY_DIALECT[d]) for d in ("vrp", "comware", "ios", "rgos")]
    base = free_port()
    with FleetThread(SshFleet(devices, base_port=base, password=PASSWORD)) as running:
        yield running


def connect(fleet: FleetThread, name: str, device_type: str, password: str = PASSWORD) -> object:
    host, port = fleet.endpoints[name].split(":")
    return netmiko.ConnectHandler(device_type=device_type, host=host, port=int(port), username="sysadmin",
                                  password=password, timeout=20)


@pytest.mark.parametrize(("device_type", "dialect", "lines", "expected"), CASES)
def test_netmiko_display_configure_save(fleet: FleetThread, dev: Topology, device_type: str, dialect: str,
                                        lines: list[str], expected: str) -> None:
    name = device_named(dev, BY_DIALECT[dialect]).name
    conn = connect(fleet, name, device_type)
    try:
        verb = "display current-configuration" if dialect in ("vrp", "comware") else "show running-config"
        shown = conn.send_command(verb)  # type: ignore[attr-defined]
        assert name in shown and expected not in shown
        out = conn.send_config_set(lines)  # type: ignore[attr-defined]
        assert "Error" not in out and "% " not in out, out
        saved = conn.save_config()  # type: ignore[attr-defined]
        assert "successfully" in saved or "[OK]" in saved, saved
    finally:
        conn.disconnect()  # type: ignore[attr-defined]
    assert expected in fleet.running_config(name)
    assert expected in fleet.saved_config(name)


def test_hooks_drift_reject_and_refuse(fleet: FleetThread, dev: Topology) -> None:
    name = device_named(dev, BY_DIALECT["ios"]).name
    assert name == CISCO.name
    fleet.drift(name, ["snmp-server community drifted RO"])
    fleet.fail_next(name, r"^hostname")
    conn = connect(fleet, name, "cisco_ios")
    try:
        assert "snmp-server community drifted RO" in conn.send_command("show running-config")  # type: ignore[attr-defined]
        out = conn.send_config_set(["hostname changed"])  # type: ignore[attr-defined]
        assert "% Invalid input detected at '^' marker." in out
    finally:
        conn.disconnect()  # type: ignore[attr-defined]
    assert "hostname changed" not in fleet.running_config(name)
    fleet.refuse_logins(name)
    with pytest.raises(netmiko.NetmikoAuthenticationException):
        connect(fleet, name, "cisco_ios")
    fleet.refuse_logins(name, False)
    with pytest.raises(netmiko.NetmikoAuthenticationException):
        connect(fleet, name, "cisco_ios", password="wrong")
