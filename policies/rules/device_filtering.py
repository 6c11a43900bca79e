"""Device rules: anti-spoofing on interfaces that face untrusted networks, ACLs that are applied but never defined,
denied packets that leave no trace — the data-plane items of the CIS Cisco IOS benchmark and of Huawei's and H3C's
hardening guides."""

from __future__ import annotations

from collections.abc import Iterator

from policies.devices.matching import Ranges, covers, merge, network_range
from policies.devices.model import DeviceConfig, Interface
from policies.engine import Violation, rule
from policies.facts_device import device_target

# Sources no packet from an untrusted network may carry: RFC 1918, loopback, "this network", link-local.
SPOOFED_SOURCES: tuple[tuple[str, str], ...] = (
    ("10.0.0.0", "8"), ("172.16.0.0", "12"), ("192.168.0.0", "16"), ("127.0.0.0", "8"), ("0.0.0.0", "8"),
    ("169.254.0.0", "16"))
_SPOOFED: list[Ranges] = [(r,) for r in (network_range(a, m, "mask") for a, m in SPOOFED_SOURCES) if r]


def _external(config: DeviceConfig) -> list[Interface]:
    return [i for i in config.interfaces if i.external and not i.shutdown]


@rule(id="YW-DEV-063", clauses=["8.1.3.3-a", "8.1.3.1-b"], severity="low", source="device",
      title="No uRPF on an interface facing an untrusted network", title_zh="外部接口未启用 uRPF",
      remediation="Check source addresses against the routing table on external interfaces (`ip verify unicast "
                  "source reachable-via rx`, `urpf strict`, `ip urpf strict`).",
      remediation_zh="外部接口开启单播逆向路径检查（`ip verify unicast source reachable-via rx`、`urpf strict`）。",
      peers=("cis-ios:3.1.4", "huawei-vrp:fwd.urpf", "h3c-comware:fwd.urpf"))
def no_urpf(config: DeviceConfig) -> Iterator[Violation]:
    for iface in _external(config):
        if not iface.urpf:
            yield Violation(device_target(config, iface.line), f"{iface.name} ({iface.external}): source addresses "
                                                               "are not checked (no uRPF)")


def _denies_spoofed(config: DeviceConfig, iface: Interface) -> bool:
    """An inbound ACL on the interface denies every private/bogon source block before permitting anything."""
    denied: list[tuple[int, int]] = []
    for name, direction, _line in iface.acls:
        acl = config.acls.get(name)
        if acl is None or direction != "inbound":
            continue
        for entry in acl.rules:
            if entry.match is None or entry.match.opaque:
                continue
            if entry.action == "deny":
                denied.extend(entry.match.sources)
    joined = merge(denied)
    return all(covers(joined, block) for block in _SPOOFED)


@rule(id="YW-DEV-064", clauses=["8.1.3.1-b", "8.1.3.2-c"], severity="low", source="device",
      title="No anti-spoofing ACL on an interface facing an untrusted network", title_zh="外部接口未过滤伪造源地址",
      remediation="Deny private, loopback and link-local sources inbound on external interfaces before any permit "
                  "(`deny ip 10.0.0.0 0.255.255.255 any`, `rule deny ip source 10.0.0.0 0.255.255.255` …).",
      remediation_zh="外部接口入方向 ACL 首先拒绝私有、环回与链路本地源地址。",
      peers=("cis-ios:3.2.1", "huawei-vrp:fwd.anti-spoof-acl", "h3c-comware:fwd.anti-spoof-acl"))
def no_antispoofing(config: DeviceConfig) -> Iterator[Violation]:
    for iface in _external(config):
        if config.firewall is not None and iface.urpf:
            continue  # a zone firewall filters by policy, and its reverse-path check drops sources not routed back
        if not _denies_spoofed(config, iface):
            yield Violation(device_target(config, iface.line), f"{iface.name} ({iface.external}): no inbound ACL "
                                                               "denies private and bogon source addresses")


@rule(id="YW-DEV-065", clauses=["8.1.3.2-a", "8.1.4.4-c"], severity="medium", source="device",
      title="ACL applied but never defined", title_zh="引用了未定义的 ACL",
      remediation="Define the ACL or correct the name: an undefined ACL filters nothing (IOS, VRP and Comware "
                  "permit everything through it).",
      remediation_zh="定义该 ACL 或更正名称：引用未定义的 ACL 不做任何过滤。",
      peers=("cis-ios:1.5.6", "huawei-vrp:fwd.acl-undefined", "h3c-comware:fwd.acl-undefined"))
def undefined_acls(config: DeviceConfig) -> Iterator[Violation]:
    seen: set[tuple[str, int]] = set()
    for name, where, line in config.acl_uses:
        if name not in config.acls and (name, line) not in seen:
            seen.add((name, line))
            yield Violation(device_target(config, line), f"{where} applies ACL {name}, which is not defined")


@rule(id="YW-DEV-066", clauses=["8.1.3.5-a", "8.1.4.3-a"], severity="low", source="device",
      title="Interface ACL drops packets without logging", title_zh="接口 ACL 拒绝报文未记录日志",
      remediation="Log the final deny of every interface ACL (`deny ip any any log`, `rule 1000 deny ip logging`).",
      remediation_zh="接口 ACL 的末尾拒绝规则开启日志（`deny ip any any log`、`rule 1000 deny ip logging`）。",
      peers=("huawei-vrp:fwd.acl-log", "h3c-comware:fwd.acl-log"))
def unlogged_denies(config: DeviceConfig) -> Iterator[Violation]:
    applied = sorted({name for i in config.interfaces for name, _direction, _line in i.acls})
    for name in applied:
        acl = config.acls.get(name)
        if acl is None:
            continue
        silent = [r for r in acl.rules if r.action == "deny" and r.match is not None and not r.logged]
        if silent:
            yield Violation(device_target(config, silent[-1].line),
                            f"ACL {name}: {len(silent)} deny rule(s) drop packets without a log entry")
