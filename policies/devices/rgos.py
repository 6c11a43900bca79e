"""Read Ruijie RGOS running configurations into DeviceConfig facts.

RGOS writes IOS syntax (`hostname`, `!` separators, `end`, `line vty`, `ip access-list`, `snmp-server`,
`username`), so what both write alike is read by policies.devices.ios; what RGOS does its own way is read here:

* services are switched by `[no] enable service ssh-server | telnet-server | web-server [http|https|all]`. The
  Telnet server is on by default in RGOS 10/11, so unless `no enable service telnet-server` is set, every VTY line
  not limited by `transport input` may accept Telnet. SSH is off until `enable service ssh-server` and then also
  speaks SSHv1 unless `ip ssh version 2`;
* interfaces are named with a space (`GigabitEthernet 0/1`, `interface VLAN 10`) and switch ports are access
  ports by default, so `switchport access vlan 10` alone makes one;
* a community may be stored encrypted (`snmp-server community 7 …`), and v1/v2c can be switched off
  (`no snmp-server enable version v1` and `… v2c`), leaving communities without v1/v2c access;
* lockout after failed logins: `aaa local authentication attempts N` / `aaa local authentication lockout-time T`;
* log messages carry the date and time unless `service timestamps log uptime` (or `no service timestamps`);
* CPU and memory alarms are RMON alarms on Ruijie's CPU (…4881.1.1.10.2.36) and memory (….2.35) MIB objects;
* web administrators: `webmaster level N username X password|secret …`; wireless security: `wlansec N` blocks
  (with no `security rsn|wpa …` the WLAN is open), named by `wlan-config N SSID`.
"""

from __future__ import annotations

import re

from policies.devices.common import index_acl_references
from policies.devices.ios import (
    IOS_LIKE,
    hostname,
    password_kind,
    read_acls,
    read_interfaces,
    read_lines,
    read_shared_global,
    read_snmp,
    read_users,
)
from policies.devices.ios_hardening import RGOS_DEFAULTS, read_ios_hardening
from policies.devices.model import DeviceConfig, Evidence, LocalUser, MgmtLine, SnmpCommunity, Wlan
from policies.devices.registry import DeviceReader, markers, register
from policies.devices.tree import ConfigTree, Node
from yunwang.contracts.vendors import Vendor

_SERVICE = re.compile(r"^(no )?enable service (ssh-server|telnet-server|web-server)\b\s*(.*)$")
_HTTP_VARIANTS = ("", "http", "all")  # `enable service web-server` alone serves HTTP and HTTPS
_OPTION_WITH_VALUE = ("view", "host", "ipv6")
_CAPACITY_OIDS = re.compile(r"^\.?1\.3\.6\.1\.4\.1\.4881\.1\.1\.10\.2\.3[56]\b")
_RISKY = re.compile(r"^(ftp-server enable|tftp-server enable)")


def _community(config: DeviceConfig, node: Node, w: list[str]) -> None:
    """`snmp-server community [0|7] STRING [view V] [ro|rw] [host H] [ipv6 ACL] [ACL]` (7: stored encrypted)."""
    rest = w[2:]
    encrypted = False
    if len(rest) > 1 and rest[0] in ("0", "7"):
        encrypted, rest = rest[0] == "7", rest[1:]
    options: list[str] = []
    words = iter(rest[1:])
    for word in words:
        if word in _OPTION_WITH_VALUE:
            next(words, None)
        else:
            options.append(word)
    acl = next((t for t in options if t.lower() not in ("ro", "rw")), None)
    write = any(t.lower() == "rw" for t in options)
    config.communities.append(SnmpCommunity(node.line, None if encrypted else rest[0], write, acl))


def _snmp(config: DeviceConfig, tree: ConfigTree) -> None:
    read_snmp(config, tree, _community)
    disabled = {n.words[-1] for n in tree.matching(re.compile(r"^no snmp-server enable version v(1|2c)\s*$"))}
    if {"v1", "v2c"} <= disabled:
        community_lines = {c.line for c in config.communities}
        config.snmp_v1v2c = [e for e in config.snmp_v1v2c if e.line not in community_lines]


def _global(config: DeviceConfig, node: Node) -> None:
    text, w = node.text, node.words
    if read_shared_global(config, node):
        return
    if text.startswith(("aaa local authentication attempts ", "aaa local authentication lockout-time ")):
        config.lockout = Evidence(node.line, text)
    elif text.startswith(("service timestamps log uptime", "no service timestamps")) and "debug" not in w:
        config.timestamps_bad = Evidence(node.line, text)
    elif w[:2] == ["rmon", "alarm"] and len(w) > 3 and _CAPACITY_OIDS.match(w[3]):
        config.capacity_alarms.append(node.line)
    elif _RISKY.match(text):
        config.risky_services.append(Evidence(node.line, f"unneeded service: {text}"))


def _web_users(config: DeviceConfig, tree: ConfigTree) -> None:
    """`webmaster level N username X password|secret …`: web administrators, accounts apart from `username` ones."""
    for node in tree.matching(re.compile(r"^webmaster level \S+ username \S+")):
        w = node.words
        kind, found = password_kind(w[5:])
        config.users.append(LocalUser(w[4], node.line, kind, node.line if found else None))


def _services(config: DeviceConfig, tree: ConfigTree) -> None:
    """HTTP, Telnet and SSH servers from `[no] enable service …` and the VTY lines' transports."""
    telnet: Node | None = None
    telnet_off = False
    ssh: Node | None = None
    for node in tree.roots:
        match = _SERVICE.match(node.text)
        if match is None:
            continue
        negated, service, option = bool(match.group(1)), match.group(2), match.group(3).strip()
        if service == "web-server" and not negated and option in _HTTP_VARIANTS:
            config.http.append(Evidence(node.line, "HTTP (unencrypted) web management enabled"))
        elif service == "telnet-server":
            telnet, telnet_off = node, negated
        elif service == "ssh-server":
            ssh = None if negated else node
    if not telnet_off:
        _telnet(config, config.mgmt_lines("vty"), telnet)
    if ssh is not None and not tree.first(re.compile(r"^ip ssh version 2")):
        config.ssh_v1.append(Evidence(ssh.line, "SSH server enabled without `ip ssh version 2` (it also accepts "
                                                "SSHv1)"))


def _telnet(config: DeviceConfig, vtys: list[MgmtLine], enabled: Node | None) -> None:
    """The Telnet server is not switched off: each VTY line that does not exclude Telnet accepts it."""
    for vty in vtys:
        if vty.protocols is None:
            why = "Telnet server enabled" if enabled is not None else "Telnet server not switched off"
            config.telnet.append(Evidence(vty.line, f"{vty.label}: {why} and no `transport input ssh`"))
        elif {"telnet", "all"} & set(vty.protocols):
            config.telnet.append(Evidence(vty.protocols_line or vty.line, f"{vty.label} accepts Telnet"))
    if not vtys and enabled is not None:
        config.telnet.append(Evidence(enabled.line, "Telnet server enabled"))


def _interface_name(block: Node) -> str:
    """`interface GigabitEthernet 0/1` → `GigabitEthernet 0/1`; `interface VLAN 10` → `VLAN 10`."""
    w = block.words
    return f"{w[1]} {w[2]}" if len(w) > 2 and w[2][:1].isdigit() else w[1]


def _wlans(config: DeviceConfig, tree: ConfigTree) -> None:
    ssids = {n.words[1]: n.words[2] for n in tree.matching(re.compile(r"^wlan-config \d+ \S+"))}
    for block in tree.matching(re.compile(r"^wlansec \d+")):
        wlan_id = block.words[1]
        name = ssids.get(wlan_id, f"wlansec {wlan_id}")
        wep = block.child_matching(re.compile(r"^security static-wep-key "))
        if wep is not None:
            config.wlans.append(Wlan(name, wep.line, True, "static WEP key"))
        elif not block.child_matching(re.compile(r"^security (rsn|wpa) enable")):
            config.wlans.append(Wlan(name, block.line, True, "no `security rsn|wpa enable`: open system"))


def read_rgos(tree: ConfigTree, file: str) -> DeviceConfig:
    """Facts from a Ruijie RGOS configuration."""
    config = DeviceConfig(file=file, vendor=Vendor.RUIJIE, hostname=hostname(tree, file), acl_implicit_deny=True)
    _web_users(config, tree)
    read_users(config, tree)
    _snmp(config, tree)
    for node in tree.roots:
        _global(config, node)
    read_lines(config, tree)
    _services(config, tree)
    read_acls(config, tree)
    read_interfaces(config, tree, name=_interface_name, access_by_vlan=True)
    _wlans(config, tree)
    index_acl_references(config, tree)
    read_ios_hardening(config, tree, RGOS_DEFAULTS)
    return config


register(DeviceReader(Vendor.RUIJIE, "Ruijie RGOS", IOS_LIKE, read=read_rgos, markers=markers(
    r"^version .*RGOS", r"^version \d+\.\d+\(\w+\)", r"^interface \S+ \d", r"^(no )?enable service \S+-server",
    r"^sysmac ", r"^install \d", r"^nfpp\s*$", r"^(no )?cwmp\s*$", r"^webmaster level ", r"^password policy ",
    r"^logging server ", r"^(no )?snmp-server enable version ", r"^line console ", r"^wlansec \d",
    r"^switch virtual domain ", r"^address-bind ",
)))
