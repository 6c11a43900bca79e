"""Device-configuration intent in the topology: VLANs, management services, administrators, device overrides.

Each mistake is reported with file, line, key path, value and a hint, like every other topology error.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_topology_errors import line_of, mutated

from yunwang.errors import InputError
from yunwang.stacks import load_stack
from yunwang.topology import load_topology

ACC2 = 'intent: {edge_auth: port-security, edge_ports: "1-20"}'

CASES = [
    # (id, old text, new text, key path, words in message, value shown, line needle)
    ("vlan-used-twice", "kind: core-data, vlan: 130", "kind: core-data, vlan: 120",
     "zones[2].vlan", "VLAN already used at zones[1].vlan", "120", "kind: core-data, vlan: 120"),
    ("vlan-clashes-with-management", "kind: iot-sensing, vlan: 150", "kind: iot-sensing, vlan: 4000",
     "zones[4].vlan", "VLAN already used at device_management.vlan", "4000", "vlan: 4000"),
    ("syslog-outside-management", "syslog: [10.34.19.20]", "syslog: [10.34.17.20]",
     "device_management.syslog[0]", "syslog server outside the security-management range", "10.34.17.20",
     "syslog: [10.34.17.20]"),
    ("ntp-outside-management", "ntp: [10.34.19.21]", "ntp: [10.34.19.21, 10.34.0.9]",
     "device_management.ntp[1]", "ntp server outside the security-management range", "10.34.0.9", "ntp: ["),
    ("aaa-outside-management", "servers: [10.34.19.22]", "servers: [10.34.48.22]",
     "device_management.aaa.servers[0]", "AAA server outside", "10.34.48.22", "servers: [10.34.48.22]"),
    ("region-override-outside", "      iot-sensing: 10.34.49.0/24\n",
     "      iot-sensing: 10.34.49.0/24\n    device_management: {syslog: [10.34.48.5]}\n",
     "regions[1].device_management.syslog[0]", "syslog server outside", "10.34.48.5", "syslog: [10.34.48.5]"),
    ("unknown-admin-role", "  aaa: {protocol: tacacs",
     "  admins: {system: ops1, network: ops2}\n  aaa: {protocol: tacacs",
     "device_management.admins.network", "unknown administrator role", "network", "admins: {system: ops1"),
    ("port-override-missing-port", ACC2, 'intent: {edge_auth: port-security, ports: {31: {enabled: false}}}',
     "devices[10].intent.ports.31", "has no port 31", "31", "ports: {31:"),
    ("edge-ports-beyond-device", ACC2, 'intent: {edge_ports: "1-30"}',
     "devices[10].intent.edge_ports", "has no port 25", "25", 'edge_ports: "1-30"'),
    ("bad-edge-port-range", ACC2, 'intent: {edge_ports: "1-x"}',
     "devices[10].intent.edge_ports", "not a port number or range", "1-x", 'edge_ports: "1-x"'),
    ("override-unknown-zone", ACC2, "intent: {ports: {3: {zone: dmz}}}",
     "devices[10].intent.ports.3.zone", "unknown zone", "dmz", "zone: dmz"),
    ("login-acl-outside-management", ACC2, "intent: {login_acl: [10.34.17.0/24]}",
     "devices[10].intent.login_acl[0]", "outside the security-management range", "10.34.17.0/24", "login_acl"),
    ("high-risk-port-in-matrix", "ports: [{port: 8080}, {port: 5432}]", "ports: [{port: 8080}, {port: 445}]",
     "access[1].ports[1].port", "high-risk port", "445", "{port: 445}"),
    ("bad-edge-auth", ACC2, "intent: {edge_auth: mac-only}",
     "devices[10].intent.edge_auth", "dot1x", "mac-only", "mac-only"),
]


@pytest.mark.parametrize(("old", "new", "path", "words", "value", "needle"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_intent_is_located(tmp_path: Path, old: str, new: str, path: str, words: str, value: str,
                               needle: str) -> None:
    bad = mutated(tmp_path, old, new)
    with pytest.raises(InputError) as info:
        load_topology(bad)
    matches = [p for p in info.value.problems if p.path == path]
    assert matches, [p.render() for p in info.value.problems]
    problem = matches[0]
    assert words in problem.message, problem.render()
    assert problem.value == value
    assert problem.line == line_of(bad, needle)
    assert problem.hint


def test_regions_inherit_and_override_management_services() -> None:
    topo = load_stack("liuan").topology
    assert topo is not None
    city, county = topo.services_for("luan"), topo.services_for("huoshan")
    assert [str(a) for a in city.syslog or ()] == ["10.32.64.20"]
    assert county.syslog != city.syslog and county.ntp == city.ntp and county.aaa == city.aaa
    assert all(any(a in net for net in topo.management_networks()) for a in county.syslog or ())


def test_device_overrides_are_parsed() -> None:
    topo = load_stack("dev").topology
    assert topo is not None
    intent = topo.device_by_name["jinan-acc-2"].intent
    assert intent.edge_auth == "port-security" and intent.edge_ports == tuple(range(1, 21))
    assert topo.device_by_name["jinan-acc-1"].intent.edge_ports is None  # role default
