"""Read Cisco IOS / IOS-XE running configurations into DeviceConfig facts.

IOS defaults matter here: without `aaa new-model` a line's `login` uses the shared line password;
without `ip ssh version 2` the SSH server also speaks SSHv1 (1.99) before IOS-XE 16; numbered `access-list N …`
entries are top-level lines that belong together.

Ruijie RGOS is IOS-like (policies.devices.rgos): the pieces both read the same way are public here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from policies.devices.acl_syntax import ios_entry
from policies.devices.common import first_address, idle_seconds, index_acl_references, is_any_any, snmp_level
from policies.devices.ios_hardening import CISCO_DEFAULTS, read_ios_hardening
from policies.devices.model import (
    Acl,
    AclRule,
    DeviceConfig,
    Evidence,
    Firewall,
    Interface,
    LocalUser,
    MgmtLine,
    PasswordKind,
    SnmpCommunity,
    SnmpV3Entry,
    Wlan,
)
from policies.devices.registry import DeviceReader, Family, markers, register
from policies.devices.tree import ConfigTree, Node
from yunwang.contracts.vendors import Vendor

_LINE_KINDS = {"con": "console", "console": "console", "aux": "aux", "vty": "vty"}
_EDGE_AUTH = re.compile(r"^(switchport port-security|authentication port-control|access-session port-control|"
                        r"dot1x (pae|port-control|mac-auth-bypass)|mab\b)")
_RISKY = re.compile(r"^(service (tcp|udp)-small-servers|ip finger|service finger|tftp-server |ip ftp server|"
                    r"ip identd)")


def password_kind(words: list[str]) -> tuple[PasswordKind, bool]:
    """(kind, found) for `… password [0|7] X` / `… secret [5|8|9] X` / `… nopassword`."""
    if "nopassword" in words:
        return "none", True
    if "secret" in words:
        return "hashed", True
    if "password" in words:
        at = words.index("password")
        kind = words[at + 1] if at + 1 < len(words) else ""
        return ("weak" if kind == "7" else "plain"), True
    return "none", False


_LINE_PASSWORD = re.compile(r"^password (0 )?(?!policy |encryption )[^7 ]")


def read_users(config: DeviceConfig, tree: ConfigTree) -> None:
    """`username X … password|secret …`, `enable password|secret`, and whether clear passwords stay readable."""
    # One account may take several lines (RGOS: `username X password …`, then `username X privilege 15`).
    accounts: dict[str, LocalUser] = {}
    for node in tree.matching(re.compile(r"^username \S+")):
        name = node.words[1]
        kind, found = password_kind(node.words[2:])
        user = accounts.get(name)
        if user is None:
            user = accounts[name] = LocalUser(name, node.line, kind, node.line if found else None)
            config.users.append(user)
        elif found:
            user.password, user.password_line = kind, node.line
    for node in tree.matching(re.compile(r"^enable (password|secret) ")):
        kind, _ = password_kind(node.words[1:])
        config.users.append(LocalUser("enable", node.line, kind, node.line))
    has_plain_passwords = any(u.password == "plain" for u in config.users) or bool(tree.anywhere(_LINE_PASSWORD))
    config.password_encryption_missing = has_plain_passwords and not tree.first(
        re.compile(r"^service password-encryption"))


def _community(config: DeviceConfig, node: Node, w: list[str]) -> None:
    """`snmp-server community STRING [view V] [RO|RW] [ACL]`."""
    rest = [t for t in w[3:] if t not in ("view",)]
    access = next((t for t in rest if t.upper() in ("RO", "RW")), "RO")
    after = rest[rest.index(access) + 1:] if access in rest else []
    acl = after[-1] if after else None
    config.communities.append(SnmpCommunity(node.line, w[2], access.upper() == "RW", acl))


CommunityReader = Callable[[DeviceConfig, Node, list[str]], None]


def read_snmp(config: DeviceConfig, tree: ConfigTree, community: CommunityReader = _community) -> None:
    """`snmp-server` communities (through ``community``: spellings differ), v3 groups and users, trap hosts."""
    for node in tree.matching(re.compile(r"^snmp-server ")):
        w = node.words
        config.snmp_enabled = True
        if w[1] == "community" and len(w) > 2:
            community(config, node, w)
            config.snmp_v1v2c.append(Evidence(node.line, "SNMP community configured (v1/v2c access)"))
        elif w[1] in ("group", "user") and len(w) > 3:
            version = next((t for t in w if t in ("v1", "v2c", "v3")), None)
            if version in ("v1", "v2c"):
                config.snmp_v1v2c.append(Evidence(node.line, f"SNMP {w[1]} for {version}"))
            elif version == "v3":
                config.snmp_v3.append(SnmpV3Entry(w[1], w[2], snmp_level(w[w.index("v3") + 1:]),  # type: ignore[arg-type]
                                                  node.line))
        elif w[1] == "host":
            config.trap_hosts.append(node.line)


_REMOTE_AAA = re.compile(r"^(tacacs-server host|tacacs server|radius-server host|radius server|aaa group server) ")
_ACCOUNTING = re.compile(r"^aaa accounting (commands|exec) ")


def read_shared_global(config: DeviceConfig, node: Node) -> bool:
    """A top-level command IOS and RGOS write alike (logging, NTP, banner, central AAA); False when not one."""
    text, w = node.text, node.words
    if text == "no logging on":
        config.logging_disabled = Evidence(node.line, "logging disabled (no logging on)")
    elif (w[0] == "logging" and len(w) > 1 and (w[1] in ("host", "server") or first_address(w[1:2]))
          and first_address(w[1:])):
        config.log_hosts.append(node.line)
    elif w[0] in ("ntp", "sntp") and len(w) > 2 and w[1] in ("server", "peer") and first_address(w[2:]):
        config.ntp_servers.append(node.line)
    elif w[0] == "banner" and len(w) > 1 and w[1] in ("motd", "login", "exec"):
        config.banner = config.banner or node.line
    elif _REMOTE_AAA.match(text):
        config.remote_aaa = True
    elif _ACCOUNTING.match(text):
        config.accounting = True
    else:
        return False
    return True


def _globals(config: DeviceConfig, tree: ConfigTree) -> None:
    for node in tree.roots:
        if read_shared_global(config, node):
            continue
        text, w = node.text, node.words
        if text.startswith("ip http server"):
            config.http.append(Evidence(node.line, "HTTP (unencrypted) management server enabled"))
        elif _RISKY.match(text):
            config.risky_services.append(Evidence(node.line, f"unneeded service: {text}"))
        elif text.startswith(("login block-for ", "aaa local authentication attempts max-fail")):
            config.lockout = Evidence(node.line, text)
        elif re.match(r"^(process cpu threshold |memory free low-watermark )", text):
            config.capacity_alarms.append(node.line)
        elif text.startswith("service timestamps log ") and "datetime" not in w:
            config.timestamps_bad = Evidence(node.line, text)
    if not tree.first(re.compile(r"^service timestamps log datetime")) and config.timestamps_bad is None:
        config.timestamps_bad = Evidence(1, "no `service timestamps log datetime`: log lines carry no date")


def read_lines(config: DeviceConfig, tree: ConfigTree) -> None:
    """`line con|console|aux|vty` blocks: timeout, inbound ACL, transports and how logins are checked (with
    `aaa new-model` every line not set to `no login` authenticates through AAA)."""
    aaa = tree.first(re.compile(r"^aaa new-model")) is not None
    for block in tree.matching(re.compile(r"^line (con|console|aux|vty)\b")):
        mgmt = MgmtLine(_LINE_KINDS[block.words[1]], block.text, block.line)  # type: ignore[arg-type]
        login: str | None = None
        has_password = False
        for child in block.children:
            w = child.words
            if w[0] == "exec-timeout":
                mgmt.idle_timeout_s, mgmt.idle_line = idle_seconds(w), child.line
            elif w[0] == "access-class" and w[-1] == "in":
                mgmt.acl_in = w[1]
            elif w[:2] == ["transport", "input"]:
                mgmt.protocols, mgmt.protocols_line = w[2:], child.line
            elif w[0] == "login":
                login, mgmt.auth_line = ("local" if len(w) > 1 else "password"), child.line
            elif child.text == "no login":
                login, mgmt.auth_line = "none", child.line
            elif w[0] == "password":
                has_password = True
        if aaa and login != "none":
            mgmt.auth = "aaa"
        elif login is None:
            mgmt.auth = "password" if mgmt.kind == "vty" and has_password else ("none" if mgmt.kind != "vty" else None)
        else:
            mgmt.auth = login
        config.lines.append(mgmt)


def _ssh_v2_only(tree: ConfigTree) -> bool:
    """`ip ssh version 2`, or IOS-XE 16 and later, which removed SSHv1 and no longer print the command."""
    version = tree.first(re.compile(r"^version \d+\."))
    return tree.first(re.compile(r"^ip ssh version 2")) is not None or (
        version is not None and int(version.words[1].split(".")[0]) >= 16)


def _vty_transport(config: DeviceConfig, mgmt: MgmtLine, ssh_v2: bool) -> None:
    protocols = mgmt.protocols
    if protocols is None:
        config.telnet.append(Evidence(mgmt.line, f"{mgmt.label}: no `transport input ssh`, the platform "
                                                 "default may accept Telnet"))
    elif {"telnet", "all"} & set(protocols):
        config.telnet.append(Evidence(mgmt.protocols_line or mgmt.line, f"{mgmt.label} accepts Telnet"))
    if (protocols is None or {"ssh", "all"} & set(protocols)) and not ssh_v2:
        config.ssh_v1.append(Evidence(mgmt.line, f"{mgmt.label} accepts SSH but `ip ssh version 2` is not set "
                                                 "(the server also speaks SSHv1)"))


def _acl_entry(node: Node, words: list[str], standard: bool) -> AclRule | None:
    if words and words[0].isdigit():
        words = words[1:]
    if not words or words[0] not in ("permit", "deny"):
        return None
    match, logged = ios_entry(words[1:], standard)
    return AclRule(node.line, words[0], node.text, is_any_any(words[1:]), match, logged)  # type: ignore[arg-type]


def _numbered_standard(name: str) -> bool:
    """Numbered ACLs 1-99 and 1300-1999 are standard (source address only)."""
    return name.isdigit() and (1 <= int(name) <= 99 or 1300 <= int(name) <= 1999)


def read_acls(config: DeviceConfig, tree: ConfigTree) -> None:
    """Named `ip access-list standard|extended NAME` blocks (entries may carry sequence numbers) and numbered
    `access-list N permit|deny …` lines, which belong together by number."""
    for block in tree.matching(re.compile(r"^ip(v6)? access-list (standard |extended )?\S+")):
        acl = Acl(block.words[-1], block.line)
        standard = "standard" in block.words or _numbered_standard(acl.name)
        acl.rules = [r for r in (_acl_entry(c, c.words, standard) for c in block.children) if r]
        config.acls[acl.name] = acl
    for node in tree.matching(re.compile(r"^access-list \S+ (permit|deny) ")):
        acl = config.acls.setdefault(node.words[1], Acl(node.words[1], node.line))
        rule = _acl_entry(node, node.words[2:], _numbered_standard(node.words[1]))
        if rule:
            acl.rules.append(rule)


def read_interfaces(config: DeviceConfig, tree: ConfigTree, name: Callable[[Node], str] = lambda b: b.words[1],
                    access_by_vlan: bool = False) -> None:
    """`interface` blocks. ``name`` takes the interface's name from its block line (RGOS writes a space inside it);
    ``access_by_vlan``: `switchport access vlan N` alone makes an access port (where access is the default mode)."""
    for block in tree.matching(re.compile(r"^interface \S+")):
        iface = Interface(name(block), block.line)
        routed_or_trunk = False
        for child in block.children:
            w, text = child.words, child.text
            if text == "switchport mode access" or (access_by_vlan and w[:3] == ["switchport", "access", "vlan"]):
                iface.access_port = True
            elif text in ("switchport mode trunk", "no switchport"):
                routed_or_trunk = True
            elif _EDGE_AUTH.match(text):
                iface.edge_auth = True
            elif w[:2] == ["ip", "address"]:
                iface.l3 = True
            elif text == "shutdown":
                iface.shutdown = True
            elif w[:2] == ["ip", "access-group"] and len(w) > 3:
                iface.acls.append((w[2], "inbound" if w[3] == "in" else "outbound", child.line))
        iface.access_port = iface.access_port and not routed_or_trunk
        config.interfaces.append(iface)


def hostname(tree: ConfigTree, file: str) -> str:
    """The `hostname`, or the file's name when the configuration has none."""
    node = tree.first(re.compile(r"^hostname \S+"))
    return node.words[1] if node else file


def _firewall(config: DeviceConfig, tree: ConfigTree) -> None:
    zones = tree.matching(re.compile(r"^(zone security |ip inspect name )"))
    if not zones:
        return
    fw = Firewall(line=zones[0].line)
    fw.policy_rules = len(tree.matching(re.compile(r"^zone-pair security "))) + len(
        tree.matching(re.compile(r"^ip inspect name ")))
    for block in tree.matching(re.compile(r"^class-map type inspect ")):
        if any(re.match(r"^match protocol (?!tcp$|udp$|icmp$)\S+", c.text) for c in block.children):
            fw.app_control = True
    for block in tree.matching(re.compile(r"^policy-map type inspect ")):
        for cls in block.children_matching(re.compile(r"^class class-default")):
            passing = cls.child_matching(re.compile(r"^pass\b"))
            if passing is not None:
                fw.default_permit = Evidence(passing.line, f"{block.text}: class-default passes traffic")
    fw.attack_defense = bool(tree.matching(re.compile(r"^ip ips (name|config) ")) or
                             tree.anywhere(re.compile(r"^(audit-trail on|alert on)")))
    config.firewall = fw


def _wlans(config: DeviceConfig, tree: ConfigTree) -> None:
    for block in tree.matching(re.compile(r"^dot11 ssid \S+")):
        if not block.child_matching(re.compile(r"^authentication key-management ")):
            config.wlans.append(Wlan(block.words[2], block.line, True, "no WPA key management: open system"))


def read_ios(tree: ConfigTree, file: str) -> DeviceConfig:
    """Facts from a Cisco IOS configuration."""
    config = DeviceConfig(file=file, vendor=Vendor.CISCO, hostname=hostname(tree, file), acl_implicit_deny=True)
    read_users(config, tree)
    read_snmp(config, tree)
    _globals(config, tree)
    read_lines(config, tree)
    ssh_v2 = _ssh_v2_only(tree)
    for mgmt in config.mgmt_lines("vty"):
        _vty_transport(config, mgmt, ssh_v2)
    read_acls(config, tree)
    read_interfaces(config, tree)
    _firewall(config, tree)
    _wlans(config, tree)
    index_acl_references(config, tree)
    read_ios_hardening(config, tree, CISCO_DEFAULTS)
    return config


IOS_LIKE = Family(
    name="IOS-like", syntax="`hostname`/`!`/`end`", fallback=Vendor.CISCO,
    markers=markers(r"^hostname \S+", r"^!\s*$", r"^end\s*$", r"^version \d+\.\d+", r"^line (vty|con)"))
"""IOS syntax, which other vendors (Ruijie RGOS) follow closely."""

register(DeviceReader(Vendor.CISCO, "Cisco IOS", IOS_LIKE, read=read_ios, markers=markers(
    r"^version \d+\.\d+\s*$", r"^! Last configuration change at ", r"^boot-(start|end)-marker",
    r"^interface (GigabitEthernet|FastEthernet|TenGigabitEthernet|Ethernet|Serial)\d", r"^line con 0",
)))
