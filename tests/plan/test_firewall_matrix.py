"""One access matrix, both halves: a region firewall's rendered security policy allows exactly the flows the
rendered NetworkPolicies allow, for any zone pair and port.

The topologies are the access-matrix test's, given VLANs, management services and a USG firewall; the
NetworkPolicies come from the program's components and are judged by the NetworkPolicy evaluator; the firewall
policy is read back from the rendered configuration text by an evaluator of USG semantics.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from netpol_eval import allowed
from test_access_matrix import PORTS, _manifests, matrix_of, topologies
from usg_policy_eval import permits, read_policy

from infra.network.render import render_stack
from yunwang.intent import HIGH_RISK_PORTS
from yunwang.topology import Topology

PROBES = sorted({*PORTS, *((p, proto) for p in HIGH_RISK_PORTS for proto in ("TCP", "UDP")), (22, "TCP")})


def with_network(doc: dict[str, Any]) -> dict[str, Any]:
    """The topology plus what a firewall configuration needs (VLANs, management services, the device)."""
    zones = doc["zones"]
    if not any(z["kind"] == "security-management" for z in zones):
        zones.append({"name": "zm-security", "name_zh": "区", "kind": "security-management"})
        doc["regions"][0]["zones"]["zm-security"] = "10.0.99.0/24"
    for i, zone in enumerate(zones):
        zone["vlan"] = 100 + i
    mgmt = next(z["name"] for z in zones if z["kind"] == "security-management")
    base = ipaddress.IPv4Network(doc["regions"][0]["zones"][mgmt]).network_address
    doc["device_management"] = {"syslog": [str(base + 20)], "ntp": [str(base + 21)],
                                "aaa": {"protocol": "tacacs", "servers": [str(base + 22)]}}
    doc["snmp_profiles"] = [{"name": "v3", "version": "3", "username": "nms", "security_level": "authPriv",
                             "auth_protocol": "SHA-256", "priv_protocol": "AES-128"}]
    doc["devices"] = [{"name": "fw", "role": "firewall", "vendor": "huawei", "model": "USG6650E", "region": "r1",
                       "mgmt": "10.0.0.10", "interfaces": 8, "snmp": "v3"}]
    return doc


def _inside(topo: Topology, zone: str) -> str:
    return str(topo.regions[0].zones[zone].network_address + 7)


def check_both_halves(topo: Topology) -> int:
    # The cloud half as the program plans it (devices only add the polling inventory, which needs credentials).
    manifests = _manifests(Topology.model_validate({**topo.model_dump(mode="json", by_alias=True), "devices": []}))
    ns_labels = {m["metadata"]["name"]: m["metadata"]["labels"] for m in manifests if m["kind"] == "Namespace"}
    policies = [m for m in manifests if m["kind"] == "NetworkPolicy"]
    (firewall,) = render_stack(topo)
    rules = read_policy(firewall.text)
    assert rules and rules[-1].action == "deny", "the policy ends with an explicit deny"
    # A zone's own namespace to another zone's; and a tenant namespace to its zone's (the same-zone flow).
    pairs = [(a, b) for a in topo.zone_by_name for b in topo.zone_by_name if a != b]
    pairs += [(t.name, t.zone) for t in topo.tenants]
    checked = 0
    for src_ns, dst_ns in pairs:
        src_zone, dst_zone = ns_labels[src_ns]["yunwang.io/zone"], ns_labels[dst_ns]["yunwang.io/zone"]
        for port, proto in PROBES:
            cloud = allowed(policies, ns_labels, src_ns, dst_ns, port, proto)
            network = permits(rules, src_zone, dst_zone, _inside(topo, src_zone), _inside(topo, dst_zone),
                              port, proto)
            assert cloud == network, (src_ns, dst_ns, port, proto, cloud, network)
            checked += 1
    return checked


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(topologies())
def test_firewall_allows_exactly_what_the_network_policies_allow(doc: dict[str, Any]) -> None:
    topo = Topology.model_validate(with_network(doc))
    assert check_both_halves(topo) > 0


def test_the_dev_firewalls_follow_the_dev_matrix() -> None:
    from yunwang.stacks import load_stack

    topo = load_stack("dev").topology
    assert topo is not None
    rendered = {r.device.name: r for r in render_stack(topo, devices=["luan-fw-1"])}
    rules = read_policy(rendered["luan-fw-1"].text)
    inside = {z: str(n.network_address + 7) for z, n in topo.regions[0].zones.items()}
    for src in inside:
        for dst in inside:
            for port, proto in PROBES:
                expected = (src, dst, port, proto) in matrix_of(topo)
                assert permits(rules, src, dst, inside[src], inside[dst], port, proto) == expected, \
                    (src, dst, port, proto)
    # Administrators reach the firewall itself over SSH from the security-management zone, and nothing else does.
    assert permits(rules, "security-management", "local", inside["security-management"], "10.34.0.10", 22, "TCP")
    assert not permits(rules, "extranet-service", "local", inside["extranet-service"], "10.34.0.10", 22, "TCP")


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(sorted(HIGH_RISK_PORTS)), st.sampled_from(["TCP", "UDP"]))
def test_high_risk_ports_are_denied_first(port: int, proto: str) -> None:
    from yunwang.stacks import load_stack

    topo = load_stack("dev").topology
    assert topo is not None
    (fw,) = render_stack(topo, devices=["luan-fw-1"])
    rules = read_policy(fw.text)
    assert rules[0].action == "deny"
    assert not permits(rules, "security-management", "core-data", "10.34.19.7", "10.34.18.7", port, proto)
