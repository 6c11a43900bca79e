"""The simulated dev fleet, read back with net-snmp's snmpbulkwalk: what the topology says, over real SNMP."""

from __future__ import annotations

import subprocess
import time

from sim_testlib import KEYS, need_binary

from yunwang.hardware import profile_for
from yunwang.topology import Topology


def v3_args(topo: Topology, device: str, auth_key: str | None = None) -> list[str]:
    profile = topo.profile_by_name[topo.device_by_name[device].snmp]
    auth, priv = KEYS[profile.name]
    return ["-v3", "-l", "authPriv", "-u", profile.username or "", "-a", profile.auth_protocol or "SHA",
            "-A", auth_key or auth, "-x", "AES", "-X", priv, "-t", "2", "-r", "1"]


def walk(topo: Topology, endpoints: dict[str, str], device: str, root: str, tool: str = "snmpbulkwalk",
         auth_key: str | None = None) -> dict[str, str]:
    binary = need_binary(tool, "snmp")
    done = subprocess.run([binary, *v3_args(topo, device, auth_key), "-On", "-Oq", "-Ot", "-Cc",
                           endpoints[device], root], capture_output=True, text=True, timeout=60,
                          env={"MIBS": "", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    out: dict[str, str] = {}
    for line in done.stdout.splitlines():
        oid, _, value = line.partition(" ")
        out[oid.lstrip(".")] = value.strip().strip('"').lstrip(".")
    return out


def test_every_device_answers_as_its_topology_entry(dev_topology: Topology, dev_fleet: dict[str, str]) -> None:
    for device in dev_topology.devices:
        system = walk(dev_topology, dev_fleet, device.name, "1.3.6.1.2.1.1")
        assert system["1.3.6.1.2.1.1.5.0"] == device.name
        assert system["1.3.6.1.2.1.1.2.0"] == profile_for(device).sys_object_id
        if_number = walk(dev_topology, dev_fleet, device.name, "1.3.6.1.2.1.2.1", tool="snmpwalk")
        assert int(if_number["1.3.6.1.2.1.2.1.0"]) == device.interfaces + len(profile_for(device).logical)


def test_interface_names_and_lldp_neighbours_match_links(dev_topology: Topology,
                                                         dev_fleet: dict[str, str]) -> None:
    names = walk(dev_topology, dev_fleet, "luan-acc-1", "1.3.6.1.2.1.31.1.1.1.1")
    assert names["1.3.6.1.2.1.31.1.1.1.1.1"] == "GigabitEthernet0/0/1"
    assert names["1.3.6.1.2.1.31.1.1.1.1.49"] == "XGigabitEthernet0/0/1"
    for device in dev_topology.devices:
        lldp = walk(dev_topology, dev_fleet, device.name, "1.0.8802.1.1.2.1.4.1.1.9")
        served = {(int(oid.split(".")[-2]), value) for oid, value in lldp.items()}
        expected = {(link.a.port, link.b.device) for link in dev_topology.links if link.a.device == device.name}
        expected |= {(link.b.port, link.a.device) for link in dev_topology.links if link.b.device == device.name}
        assert served == expected, device.name


def test_counters_rise_between_reads(dev_topology: Topology, dev_fleet: dict[str, str]) -> None:
    hc_in = "1.3.6.1.2.1.31.1.1.1.6.1"  # luan-core-1 port 1: the 40G core link
    first = walk(dev_topology, dev_fleet, "luan-core-1", hc_in, tool="snmpwalk")
    time.sleep(1.1)
    second = walk(dev_topology, dev_fleet, "luan-core-1", hc_in, tool="snmpwalk")
    delta = int(second[hc_in]) - int(first[hc_in])
    # 1 %–30 % of 40 Gbit/s for about a second
    assert 40e9 / 8 * 0.01 * 0.5 < delta < 40e9 / 8 * 0.30 * 3


def test_v3_wrong_key_gets_no_data(dev_topology: Topology, dev_fleet: dict[str, str]) -> None:
    binary = need_binary("snmpget", "snmp")
    done = subprocess.run([binary, *v3_args(dev_topology, "luan-fw-1", auth_key="not-the-right-key"),
                           "-t", "1", "-r", "0", dev_fleet["luan-fw-1"], "1.3.6.1.2.1.1.5.0"],
                          capture_output=True, text=True, timeout=30, env={"MIBS": "", "PATH": "/usr/bin:/bin"})
    assert done.returncode != 0
    assert "luan-fw-1" not in done.stdout
