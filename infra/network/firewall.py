"""A region firewall's security policy from the zone access matrix: the same flows the NetworkPolicies allow.

The matrix is read once, by :func:`infra.networkpolicy.merged_flows`, for both halves. A region's firewall is the
gateway of that region's zones, so it allows exactly the matrix flows between the zone ranges of its region (the
NetworkPolicies of a region allow the same: namespaces of a zone, and the region's range for it). Around them:
high-risk ports denied first (MLPS: closed at every border), management of the device itself, and a final
deny-all that logs what it drops.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from infra.networkpolicy import merged_flows
from yunwang.intent import HIGH_RISK_PORTS
from yunwang.topology import ManagementServices, Region, Topology

Service = tuple[str, int, int]
"""(protocol, first port, last port); protocol ``tcp``, ``udp`` (or ``ospf`` for a protocol match)."""
LOCAL_ZONE = "local"
OUTSIDE_ZONE = "untrust"
"""Where routed links to other regions and to routers sit."""
SSH, SNMP, SYSLOG, NTP = ("tcp", 22, 22), ("udp", 161, 161), ("udp", 514, 514), ("udp", 123, 123)
AAA_PORTS: dict[str, tuple[Service, ...]] = {"tacacs": (("tcp", 49, 49),),
                                              "radius": (("udp", 1812, 1812), ("udp", 1813, 1813))}


@dataclass(frozen=True)
class PolicyRule:
    """One rule of a zone firewall's policy; empty tuples match anything."""

    name: str
    action: str
    description: str = ""
    source_zones: tuple[str, ...] = ()
    destination_zones: tuple[str, ...] = ()
    sources: tuple[ipaddress.IPv4Network, ...] = ()
    destinations: tuple[ipaddress.IPv4Network, ...] = ()
    services: tuple[Service, ...] = ()
    log: bool = False


def high_risk_services() -> tuple[Service, ...]:
    """135, 137-139 and 445 over TCP and UDP, ranges merged (137-139 is one entry)."""
    ranges: list[tuple[int, int]] = []
    for port in sorted(HIGH_RISK_PORTS):
        if ranges and ranges[-1][1] == port - 1:
            ranges[-1] = (ranges[-1][0], port)
        else:
            ranges.append((port, port))
    return tuple((proto, first, last) for proto in ("tcp", "udp") for first, last in ranges)


def _host(address: ipaddress.IPv4Address) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network(f"{address}/32")


def management_rules(topo: Topology, services: ManagementServices) -> list[PolicyRule]:
    """Administrators reach the firewall itself (SSH, SNMP) from the security-management ranges; the firewall
    reaches its log, time and AAA servers."""
    admins = tuple(topo.management_networks())
    rules = [PolicyRule("management-to-device", "permit", "administration from the security-management zone",
                        destination_zones=(LOCAL_ZONE,), sources=admins, services=(SSH, SNMP))]
    targets = [(services.syslog or (), SYSLOG), (services.ntp or (), NTP)]
    if services.aaa is not None:
        targets += [(services.aaa.servers, s) for s in AAA_PORTS[services.aaa.protocol]]
    destinations = tuple(sorted({_host(a) for addresses, _ in targets for a in addresses}))
    used = tuple(sorted({s for addresses, s in targets if addresses}))
    if destinations:
        rules.append(PolicyRule("device-to-management", "permit", "logs, time and AAA of the device itself",
                                source_zones=(LOCAL_ZONE,), destinations=destinations, services=used))
    return rules


def zone_policy(topo: Topology, region: Region) -> list[PolicyRule]:
    """The whole ordered policy of a firewall in ``region`` (first match wins, then the final deny)."""
    rules = [PolicyRule("deny-high-risk-ports", "deny", "RPC/NetBIOS/SMB closed at the border",
                        services=high_risk_services(), log=True)]
    for (src, dst), ports in merged_flows(topo.access).items():
        if src in region.zones and dst in region.zones:
            rules.append(PolicyRule(
                f"{src}-to-{dst}", "permit", "access matrix", source_zones=(src,), destination_zones=(dst,),
                sources=(region.zones[src],), destinations=(region.zones[dst],),
                services=tuple((p["protocol"].lower(), p["port"], p["port"]) for p in ports)))
    rules += management_rules(topo, topo.services_for(region.name))
    rules.append(PolicyRule("deny-all", "deny", "everything not listed above", log=True))
    return rules
