"""IaC rules over the declared topology: zones and address plan, isolation, redundancy, boundary, management.

These read what the stack declares (infra/topology/<stack>.yaml as planned). They prove a design decision is
present (a firewall at each region's boundary, a management zone), not that a device is configured well; the
device and SNMP rules check the running side.
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

from policies.engine import Target, Violation, rule
from policies.plan import PlanFacts

if TYPE_CHECKING:
    from yunwang.topology import Topology

INTERNET_ACCESS, CORE_DATA, SECURITY_MANAGEMENT = "internet-access", "core-data", "security-management"

SENSITIVE_ZONES = (CORE_DATA, SECURITY_MANAGEMENT)
MANAGEMENT_PORTS = frozenset({22, 23, 161, 162, 3389, 5900, 6443})
WEAK_AUTH = frozenset({"MD5"})
WEAK_PRIV = frozenset({"DES"})


def _target(facts: PlanFacts, what: str) -> Target:
    return Target(source="plan", id=what, file=facts.topology_file or facts.file)


def _kinds(topo: Topology) -> dict[str, str]:
    """Zone name → kind (ZoneKind is a StrEnum: compared as text, so no model import on the k8s path)."""
    return {z.name: str(z.kind) for z in topo.zones}


@rule(id="YW-IAC-001", clauses=("8.1.2.1-c",), severity="high", source="plan",
      title="Zone without its own address range", title_zh="安全区域未划分独立地址段",
      remediation="Give every zone used in a region its own range under regions[].zones, inside the supernet and "
                  "overlapping no other range.",
      remediation_zh="在 regions[].zones 中为区域内使用的每个安全区域分配独立、互不重叠且位于总地址段内的网段。")
def zone_ranges(facts: PlanFacts) -> Iterator[Violation]:
    topo = facts.topology
    nets: list[tuple[str, ipaddress.IPv4Network]] = []
    for region in topo.regions:
        nets.append((f"region/{region.name}/management", region.management))
        for zone, net in region.zones.items():
            nets.append((f"region/{region.name}/zone/{zone}", net))
    for name, net in nets:
        if not net.subnet_of(topo.supernet):
            yield Violation(_target(facts, name), f"{net} is outside the supernet {topo.supernet}")
    for i, (a_name, a) in enumerate(nets):
        for b_name, b in nets[i + 1:]:
            if a.overlaps(b):
                yield Violation(_target(facts, a_name), f"{a} overlaps {b_name} ({b})")
    regions = topo.region_by_name
    placed = [(t.region, t.zone, f"tenant/{t.name}") for t in topo.tenants]
    placed += [(p.region, p.zone, f"platform/{p.name}") for p in topo.platforms]
    placed += [(p.region, p.zone, f"portal/{p.name}") for p in topo.portals]
    placed += [(h.region, h.zone, f"host/{h.name}") for h in topo.hosts]
    for region_name, zone, what in placed:
        if region_name in regions and zone not in regions[region_name].zones:
            yield Violation(_target(facts, what), f"placed in zone '{zone}' of region '{region_name}', which has "
                                                  "no address range for it")


@rule(id="YW-IAC-002", clauses=("8.1.2.1-d",), severity="high", source="plan",
      title="Important zone reachable from the internet edge", title_zh="重要区域可从互联网边界直接访问",
      remediation="Remove access rules from the internet-access zone to core-data/security-management zones, and "
                  "keep portals in the internet-access zone.",
      remediation_zh="删除互联网接入区到核心数据区/安全管理区的访问规则，门户只部署在互联网接入区。")
def edge_isolation(facts: PlanFacts) -> Iterator[Violation]:
    topo = facts.topology
    kinds = _kinds(topo)
    for i, a in enumerate(topo.access):
        if kinds.get(a.from_zone) == INTERNET_ACCESS and kinds.get(a.to_zone) in SENSITIVE_ZONES:
            yield Violation(_target(facts, f"access[{i}]"),
                            f"{a.from_zone} → {a.to_zone} is allowed: the internet edge reaches an important zone")
    for p in topo.portals:
        if kinds.get(p.zone) in SENSITIVE_ZONES:
            yield Violation(_target(facts, f"portal/{p.name}"), f"portal is published from zone '{p.zone}'")


def _backbone_roles(kind: str) -> tuple[str, ...]:
    return ("core",) if kind == "city" else ("core", "aggregation")


@rule(id="YW-IAC-003", clauses=("8.1.2.1-e",), severity="medium", source="plan",
      title="Key network devices or links not redundant", title_zh="关键网络设备或链路无冗余",
      remediation="Deploy key devices in pairs (core at the city node; core/aggregation in districts) and give each "
                  "at least two links.",
      remediation_zh="关键设备成对部署（市级核心、区县核心/汇聚），且每台至少两条链路。")
def redundancy(facts: PlanFacts) -> Iterator[Violation]:
    topo = facts.topology
    links: Counter[str] = Counter()
    for link in topo.links:
        links[link.a.device] += 1
        links[link.b.device] += 1
    for region in topo.regions:
        roles = _backbone_roles(region.kind)
        key = [d for d in topo.devices_in(region.name) if d.role.value in roles]
        if not topo.devices_in(region.name):
            continue
        if len(key) < 2:
            yield Violation(_target(facts, f"region/{region.name}"),
                            f"{len(key)} {'/'.join(roles)} device(s): no redundant backbone device")
        for d in key:
            if links[d.name] < 2:
                yield Violation(_target(facts, f"device/{d.name}"), f"{d.role.value} device has {links[d.name]} "
                                                                    "link(s): no redundant path")


@rule(id="YW-IAC-004", clauses=("8.1.2.1-e", "8.2.4.6-c", "8.1.4.9-c"), severity="medium", source="plan",
      title="Platform without redundant replicas", title_zh="中台无冗余副本",
      remediation="Set replicas: 2 or more for every platform in the topology.",
      remediation_zh="在拓扑中将每个中台的 replicas 设为 2 或以上。")
def platform_replicas(facts: PlanFacts) -> Iterator[Violation]:
    for p in facts.topology.platforms:
        if p.replicas < 2:
            yield Violation(_target(facts, f"platform/{p.name}"), f"{p.kind} platform runs {p.replicas} replica")


@rule(id="YW-IAC-005", clauses=("8.1.2.2-a", "8.1.2.2-b", "8.1.5.4-b"), severity="high", source="plan",
      title="Device management protocol without integrity and encryption", title_zh="设备管理协议缺少完整性与加密保护",
      remediation="Use SNMPv3 authPriv with SHA-2 authentication and AES privacy for every profile.",
      remediation_zh="所有 SNMP 配置使用 v3 authPriv，认证 SHA-2，加密 AES。")
def snmp_profiles(facts: PlanFacts) -> Iterator[Violation]:
    used = {d.snmp for d in facts.topology.devices}
    for p in facts.topology.snmp_profiles:
        if p.name not in used:
            continue
        target = _target(facts, f"snmp_profile/{p.name}")
        if p.version != "3" or p.security_level != "authPriv":
            yield Violation(target, f"SNMP {p.version} {p.security_level or ''}: management traffic is neither "
                                    "authenticated nor encrypted".replace("  ", " "))
        elif p.auth_protocol in WEAK_AUTH or p.priv_protocol in WEAK_PRIV:
            yield Violation(target, f"weak algorithms {p.auth_protocol}/{p.priv_protocol}")


@rule(id="YW-IAC-007", clauses=("8.1.3.1-a", "8.1.3.3-a", "8.1.3.3-b", "8.1.3.4-a", "8.2.3.1-b"), severity="high",
      source="plan", title="Region without a boundary firewall", title_zh="区域边界缺少防火墙",
      remediation="Place a firewall (with IPS and anti-malware enabled) at the boundary of every region.",
      remediation_zh="在每个区域（节点）边界部署防火墙，并启用入侵防御与防恶意代码功能。")
def boundary_firewall(facts: PlanFacts) -> Iterator[Violation]:
    topo = facts.topology
    for region in topo.regions:
        devices = topo.devices_in(region.name)
        if devices and not any(d.role.value == "firewall" for d in devices):
            yield Violation(_target(facts, f"region/{region.name}"), "no firewall device at the region boundary")
    if not topo.devices:
        yield Violation(_target(facts, "devices"), "the topology declares no network devices at all")


@rule(id="YW-IAC-014", clauses=("8.1.5.4-a",), severity="high", source="plan",
      title="No dedicated management zone", title_zh="未划分安全管理区",
      remediation="Declare a zone of kind security-management and give every region a management range.",
      remediation_zh="声明类型为 security-management 的安全管理区，并为每个区域分配管理网段。")
def management_zone(facts: PlanFacts) -> Iterator[Violation]:
    topo = facts.topology
    mgmt = [z.name for z in topo.zones if str(z.kind) == SECURITY_MANAGEMENT]
    if not mgmt:
        yield Violation(_target(facts, "zones"), "no zone of kind security-management")
    elif not any(name in r.zones for r in topo.regions for name in mgmt):
        yield Violation(_target(facts, "regions"), "no region gives the security-management zone an address range")


@rule(id="YW-IAC-016", clauses=("8.2.5.1-b",), severity="medium", source="plan",
      title="Management traffic not separated", title_zh="管理流量未与业务流量分离",
      remediation="Give each device a management address inside its region's management range.",
      remediation_zh="设备管理地址应位于所在区域的管理网段内。")
def management_separation(facts: PlanFacts) -> Iterator[Violation]:
    topo = facts.topology
    regions = topo.region_by_name
    for d in topo.devices:
        region = regions.get(d.region)
        if region is not None and d.mgmt not in region.management:
            yield Violation(_target(facts, f"device/{d.name}"), f"management address {d.mgmt} is outside "
                                                                f"{region.name}'s management range {region.management}")


@rule(id="YW-IAC-017", clauses=("8.1.3.2-a", "8.2.3.1-b"), severity="high", source="plan",
      title="Access matrix opens management ports between zones", title_zh="访问矩阵在区域间开放管理端口",
      remediation="Allow management ports (SSH, Telnet, SNMP, RDP, VNC, Kubernetes API) only from the "
                  "security-management zone.",
      remediation_zh="管理端口（SSH、Telnet、SNMP、RDP、VNC、Kubernetes API）只允许来自安全管理区。")
def access_matrix(facts: PlanFacts) -> Iterator[Violation]:
    topo = facts.topology
    kinds = _kinds(topo)
    for i, a in enumerate(topo.access):
        if kinds.get(a.from_zone) == SECURITY_MANAGEMENT:
            continue
        ports = sorted(p.port for p in a.ports if p.port in MANAGEMENT_PORTS)
        if ports:
            yield Violation(_target(facts, f"access[{i}]"), f"{a.from_zone} → {a.to_zone} opens management "
                                                            f"port(s) {', '.join(map(str, ports))}")
