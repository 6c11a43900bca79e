"""Device rules: boundary protection and access control lists (edge authentication, packet filters, ACL hygiene)."""

from __future__ import annotations

from collections.abc import Iterator

from policies.devices.model import Acl, AclRule, DeviceConfig
from policies.engine import Violation, rule
from policies.facts_device import device_target

_NOT_ROUTED = ("loopback", "null", "meth", "management", "mgmt", "tunnel")
_DEFAULT_VLAN = ("vlanif1", "vlan-interface1", "vlan1")  # factory VLAN interface (RGOS `VLAN 1`), usually management


@rule(id="YW-DEV-021", clauses=["8.1.3.1-b", "8.4.2.1-a"], severity="medium", source="device",
      title="Access port without admission control", title_zh="接入端口未做准入控制",
      remediation="Enable 802.1X, MAC authentication or port security on every access port in use.",
      remediation_zh="在所有启用的接入端口上开启 802.1X、MAC 认证或端口安全。",
      peers=("huawei-vrp:ctl.port-security", "h3c-comware:ctl.port-security"))
def access_ports_without_auth(config: DeviceConfig) -> Iterator[Violation]:
    for iface in config.interfaces:
        if iface.access_port and not iface.shutdown and not iface.edge_auth:
            yield Violation(device_target(config, iface.line),
                            f"{iface.name}: any device plugged in joins the network")


def _routed(config: DeviceConfig) -> list[str]:
    return [i.name for i in config.interfaces if i.l3 and not i.shutdown
            and not i.name.lower().startswith(_NOT_ROUTED) and i.name.lower().replace(" ", "") not in _DEFAULT_VLAN]


@rule(id="YW-DEV-022", clauses=["8.1.3.1-c", "8.1.3.2-c", "8.4.2.2-a"], severity="medium", source="device",
      title="Routed interfaces without any packet filter", title_zh="三层接口未部署访问控制",
      remediation="Apply ACLs that allow only the declared flows on the routed interfaces "
                  "(`traffic-filter inbound acl …` / `packet-filter … inbound` / `ip access-group … in`).",
      remediation_zh="在三层接口上应用仅放行已声明业务流的 ACL。",
      peers=("cis-ios:3.2.2", "huawei-vrp:fwd.traffic-filter", "h3c-comware:fwd.traffic-filter"))
def no_packet_filter(config: DeviceConfig) -> Iterator[Violation]:
    routed = _routed(config)
    if config.firewall is not None or len(routed) < 2:
        return  # firewalls filter by zone policy; a single routed interface is management only
    if not any(i.acls for i in config.interfaces):
        yield Violation(device_target(config, None),
                        f"routes between {', '.join(routed)} with no ACL applied to any interface")


@rule(id="YW-DEV-023", clauses=["8.1.3.2-c", "8.1.3.2-a"], severity="medium", source="device",
      title="ACL permits any to any", title_zh="ACL 存在 any 到 any 的放行规则",
      remediation="Replace permit-any rules with rules naming source, destination, protocol and port.",
      remediation_zh="将 any 到 any 的放行规则替换为限定源、目的地址、协议和端口的规则。",
      peers=("huawei-vrp:fwd.acl-any", "h3c-comware:fwd.acl-any"))
def permit_any_any(config: DeviceConfig) -> Iterator[Violation]:
    for acl in config.acls.values():
        for r in acl.rules:
            if r.action == "permit" and r.any_any:
                yield Violation(device_target(config, r.line), f"ACL {acl.name}: `{r.text}` permits everything")


def _applied_filters(config: DeviceConfig) -> set[str]:
    return {name for i in config.interfaces for name, _direction, _line in i.acls}


@rule(id="YW-DEV-024", clauses=["8.1.3.2-a"], severity="medium", source="device",
      title="Interface ACL without a final deny", title_zh="接口 ACL 缺少末尾拒绝规则",
      remediation="End every interface ACL with an explicit deny-all rule (`rule 1000 deny ip`); VRP and Comware "
                  "permit packets that match no rule.",
      remediation_zh="接口 ACL 末尾须显式配置拒绝所有（`rule 1000 deny ip`）；VRP/Comware 对未匹配报文默认放行。",
      peers=("huawei-vrp:fwd.acl-final-deny", "h3c-comware:fwd.acl-final-deny"))
def no_final_deny(config: DeviceConfig) -> Iterator[Violation]:
    if config.acl_implicit_deny:
        return  # the platform ends every ACL with a deny of its own
    for name in sorted(_applied_filters(config)):
        acl = config.acls.get(name)
        if acl is None:
            continue
        last = acl.rules[-1] if acl.rules else None
        if last is None or not (last.action == "deny" and last.any_any):
            yield Violation(device_target(config, acl.line),
                            f"ACL {name} is applied to an interface but unmatched traffic is permitted")


def _match_part(text: str) -> str:
    """The rule from its action on (`rule 5 permit ip` and `rule 10 permit ip` are the same rule)."""
    words = text.split()
    start = next((i for i, w in enumerate(words) if w in ("permit", "deny")), 0)
    return " ".join(words[start:])


def _covers(earlier: AclRule, later: AclRule) -> bool:
    """Every packet ``later`` matches, ``earlier`` matches first: compared by address, protocol and port ranges
    where both were understood; otherwise only a catch-all or the same text counts."""
    if earlier.match is not None and later.match is not None and not (earlier.match.opaque or later.match.opaque):
        return earlier.match.covers(later.match)
    return earlier.any_any or _match_part(earlier.text) == _match_part(later.text)


def _unreachable(acl: Acl) -> Iterator[tuple[AclRule, AclRule]]:
    """(rule, the earlier rule that takes all its packets) for each rule that can never match."""
    for index, later in enumerate(acl.rules):
        earlier = next((e for e in acl.rules[:index] if _covers(e, later)), None)
        if earlier is not None:
            yield later, earlier


@rule(id="YW-DEV-025", clauses=["8.1.3.2-b"], severity="low", source="device",
      title="Redundant or ineffective ACL rules", title_zh="存在冗余或无效的访问控制规则",
      remediation="Delete ACLs nothing references and rules that an earlier catch-all rule makes unreachable.",
      remediation_zh="删除未被引用的 ACL 以及被前面全匹配规则遮蔽而永不生效的规则。",
      peers=("huawei-vrp:fwd.acl-hygiene", "h3c-comware:fwd.acl-hygiene"))
def redundant_acls(config: DeviceConfig) -> Iterator[Violation]:
    for acl in config.acls.values():
        if acl.name not in config.acl_refs:
            yield Violation(device_target(config, acl.line), f"ACL {acl.name} is defined but never used")
        for later, earlier in _unreachable(acl):
            same = _match_part(later.text) == _match_part(earlier.text)
            why = f"repeats line {earlier.line}" if same else f"is shadowed: line {earlier.line} matches all of its " \
                                                              f"packets first ({earlier.action})"
            yield Violation(device_target(config, later.line), f"ACL {acl.name}: rule {why}")


@rule(id="YW-DEV-030", clauses=["8.1.3.1-d"], severity="high", source="device",
      title="Open or WEP wireless network", title_zh="无线网络未加密或使用 WEP",
      remediation="Use WPA2/WPA3-Enterprise (802.1X) for SSIDs that reach the internal network, through the "
                  "wireless controller's boundary policy.",
      remediation_zh="接入内网的 SSID 使用 WPA2/WPA3 企业级（802.1X）认证，并经无线控制器边界策略接入。",
      peers=("huawei-vrp:wlan.encryption", "h3c-comware:wlan.encryption"))
def open_wireless(config: DeviceConfig) -> Iterator[Violation]:
    for wlan in config.wlans:
        if wlan.open_auth:
            yield Violation(device_target(config, wlan.line), f"wireless profile {wlan.name}: {wlan.why}")
