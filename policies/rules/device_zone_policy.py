"""Device rules: the security policy of zone firewalls (Huawei USG, H3C SecPath): rules that permit everything,
permits that leave no log, high-risk ports reachable from untrusted zones, rules an earlier rule shadows, objects
and policies nothing uses."""

from __future__ import annotations

from collections.abc import Iterator

from policies.devices.matching import Match, Ranges, covers, network_range
from policies.devices.model import DeviceConfig, PolicyRule
from policies.engine import Violation, rule
from policies.facts_device import device_target

# Ports an untrusted zone must never reach: clear-text administration, Windows file sharing and RPC, databases,
# remote desktops, and management protocols.
HIGH_RISK_PORTS: tuple[tuple[str, int, str], ...] = (
    ("tcp", 21, "FTP"), ("tcp", 22, "SSH"), ("tcp", 23, "Telnet"), ("udp", 69, "TFTP"), ("tcp", 135, "MS RPC"),
    ("udp", 137, "NetBIOS"), ("tcp", 139, "NetBIOS"), ("udp", 161, "SNMP"), ("tcp", 445, "SMB"),
    ("tcp", 1433, "SQL Server"), ("tcp", 1521, "Oracle"), ("tcp", 2375, "Docker API"), ("tcp", 3306, "MySQL"),
    ("tcp", 3389, "RDP"), ("tcp", 5432, "PostgreSQL"), ("tcp", 5900, "VNC"), ("tcp", 6379, "Redis"),
    ("tcp", 9200, "Elasticsearch"), ("tcp", 27017, "MongoDB"))


def _rules(config: DeviceConfig) -> list[PolicyRule]:
    return [r for r in config.firewall.rules if r.enabled] if config.firewall else []


@rule(id="YW-DEV-068", clauses=["8.1.3.2-c", "8.1.3.2-a"], severity="high", source="device",
      title="Firewall rule permits any to any", title_zh="防火墙策略放行任意地址任意服务",
      remediation="Name the source and destination addresses and the services of every permit rule.",
      remediation_zh="每条放行策略须限定源地址、目的地址与服务。",
      peers=("huawei-vrp:fw.any-any", "h3c-comware:fw.any-any"))
def firewall_any_any(config: DeviceConfig) -> Iterator[Violation]:
    for r in _rules(config):
        if r.action == "permit" and r.match.any_any and not r.applications:
            zones = f"{'/'.join(r.source_zones) or 'any zone'} → {'/'.join(r.destination_zones) or 'any zone'}"
            yield Violation(device_target(config, r.line), f"rule {r.name} ({zones}) permits every service between "
                                                           "any addresses")


@rule(id="YW-DEV-069", clauses=["8.1.3.5-a"], severity="low", source="device",
      title="Firewall permit rule without logging", title_zh="防火墙放行策略未记录日志",
      remediation="Log the sessions each permit rule allows (`policy logging` / `session logging` on USG, "
                  "`logging enable` on SecPath).",
      remediation_zh="放行策略开启日志（USG `policy logging`/`session logging`，SecPath `logging enable`）。",
      peers=("huawei-vrp:fw.logging", "h3c-comware:fw.logging"))
def firewall_permit_unlogged(config: DeviceConfig) -> Iterator[Violation]:
    for r in _rules(config):
        if r.action == "permit" and not r.logged:
            yield Violation(device_target(config, r.line), f"rule {r.name} permits traffic without a log entry")


_PRIVATE: tuple[Ranges, ...] = tuple((r,) for r in (network_range(a, m, "mask") for a, m in (
    ("10.0.0.0", "8"), ("172.16.0.0", "12"), ("192.168.0.0", "16"))) if r)


def _reaches_from_untrusted(config: DeviceConfig, r: PolicyRule) -> list[str]:
    """The untrusted zones a permit rule lets in: those it names, or every one when it names no source zone and
    admits public source addresses (a private source arriving from outside is spoofed: YW-DEV-063/064 judge that,
    and a TCP session from it cannot complete)."""
    untrusted = config.firewall.untrusted_zones if config.firewall else set()
    if r.source_zones:
        return [z for z in r.source_zones if z in untrusted]
    private_only = all(any(covers(block, (span,)) for block in _PRIVATE) for span in r.match.sources)
    return [] if private_only else sorted(untrusted)


@rule(id="YW-DEV-070", clauses=["8.1.3.1-b", "8.1.3.2-c", "8.1.3.3-a"], severity="high", source="device",
      title="High-risk port open from an untrusted zone", title_zh="不可信区域可访问高危端口",
      remediation="Remove permits from untrusted zones to administration, file-sharing, database and remote-desktop "
                  "ports; publish such services only through a VPN or a bastion host.",
      remediation_zh="删除从不可信区域到管理、文件共享、数据库与远程桌面等高危端口的放行策略，"
                     "必要时经 VPN 或堡垒机访问。",
      peers=("huawei-vrp:fw.high-risk-ports", "h3c-comware:fw.high-risk-ports"))
def high_risk_ports(config: DeviceConfig) -> Iterator[Violation]:
    for r in _rules(config):
        if r.action != "permit" or r.match.opaque:
            continue
        zones = _reaches_from_untrusted(config, r)
        if not zones:
            continue
        ports = [f"{name} ({protocol}/{port})" for protocol, port, name in HIGH_RISK_PORTS
                 if r.match.allows_port(protocol, port)]
        if ports:
            shown = ", ".join(ports[:5]) + (f" and {len(ports) - 5} more" if len(ports) > 5 else "")
            yield Violation(device_target(config, r.line), f"rule {r.name} opens {shown} from {', '.join(zones)}")


def _zones_cover(outer: tuple[str, ...], inner: tuple[str, ...]) -> bool:
    return not outer or (bool(inner) and set(inner) <= set(outer))


def _covers(earlier: PolicyRule, later: PolicyRule) -> bool:
    return (earlier.policy == later.policy and not earlier.applications
            and _zones_cover(earlier.source_zones, later.source_zones)
            and _zones_cover(earlier.destination_zones, later.destination_zones)
            and Match.covers(earlier.match, later.match))


@rule(id="YW-DEV-071", clauses=["8.1.3.2-b"], severity="low", source="device",
      title="Firewall rule shadowed by an earlier rule", title_zh="防火墙策略被前序策略遮蔽",
      remediation="Delete or move the rule: an earlier rule matches all of its traffic, so it never applies (with "
                  "the opposite action, the intended decision is silently reversed).",
      remediation_zh="删除或调整该策略：前序策略已匹配其全部流量，该策略永不生效（动作相反时实际效果与意图相反）。",
      peers=("huawei-vrp:fw.shadowed", "h3c-comware:fw.shadowed"))
def shadowed_policy_rules(config: DeviceConfig) -> Iterator[Violation]:
    enabled = _rules(config)
    for index, later in enumerate(enabled):
        earlier = next((e for e in enabled[:index] if _covers(e, later)), None)
        if earlier is not None:
            how = "the same" if earlier.action == later.action else f"the opposite ({earlier.action})"
            yield Violation(device_target(config, later.line),
                            f"rule {later.name} never matches: rule {earlier.name} (line {earlier.line}) takes all "
                            f"of its traffic with {how} action")


@rule(id="YW-DEV-072", clauses=["8.1.3.2-b"], severity="low", source="device",
      title="Firewall object or policy never used", title_zh="防火墙对象或策略未被使用",
      remediation="Delete address sets, service sets, object groups and object policies nothing refers to, and "
                  "rules left disabled.",
      remediation_zh="删除未被引用的地址集、服务集、对象组、对象策略以及长期禁用的策略。",
      peers=("huawei-vrp:fw.unused", "h3c-comware:fw.unused"))
def unused_firewall_objects(config: DeviceConfig) -> Iterator[Violation]:
    if config.firewall is None:
        return
    for obj in config.firewall.objects:
        if not obj.used:
            what = {"address": "address set", "service": "service set", "policy": "object policy"}[obj.kind]
            yield Violation(device_target(config, obj.line), f"{what} {obj.name} is defined but never used")
    for r in config.firewall.rules:
        if not r.enabled:
            yield Violation(device_target(config, r.line), f"rule {r.name} is disabled")
