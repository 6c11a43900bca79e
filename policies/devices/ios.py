"""Read Cisco IOS / IOS-XE running configurations into DeviceConfig facts.

IOS defaults matter here: without `aaa new-model` a line's `login` uses the shared line password;
without `ip ssh version 2` the SSH server also speaks SSHv1 (1.99) before IOS-XE 16; numbered `access-list N …`
entries are top-level lines that belong together.
"""

from __future__ import annotations

import re

from policies.devices.common import first_address, idle_seconds, index_acl_references, is_any_any, snmp_level
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
from policies.devices.tree import ConfigTree, Node

_LINE_KINDS = {"con": "console", "console": "console", "aux": "aux", "vty": "vty"}
_EDGE_AUTH = re.compile(r"^(switchport port-security|authentication port-control|access-session port-control|"
                        r"dot1x pae|mab\b)")
_RISKY = re.compile(r"^(service (tcp|udp)-small-servers|ip finger|service finger|tftp-server |ip ftp server|"
                    r"ip bootp server|ip source-route)")


def _password_kind(words: list[str]) -> tuple[PasswordKind, bool]:
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


def _users(config: DeviceConfig, tree: ConfigTree) -> None:
    for node in tree.matching(re.compile(r"^username \S+")):
        kind, found = _password_kind(node.words[2:])
        config.users.append(LocalUser(node.words[1], node.line, kind, node.line if found else None))
    for node in tree.matching(re.compile(r"^enable (password|secret) ")):
        kind, _ = _password_kind(node.words[1:])
        config.users.append(LocalUser("enable", node.line, kind, node.line))
    has_plain_passwords = any(u.password == "plain" for u in config.users) or bool(
        tree.anywhere(re.compile(r"^password (0 )?[^7 ]")))
    config.password_encryption_missing = has_plain_passwords and not tree.first(
        re.compile(r"^service password-encryption"))


def _snmp(config: DeviceConfig, tree: ConfigTree) -> None:
    for node in tree.matching(re.compile(r"^snmp-server ")):
        w = node.words
        config.snmp_enabled = True
        if w[1] == "community" and len(w) > 2:
            rest = [t for t in w[3:] if t not in ("view",)]
            access = next((t for t in rest if t.upper() in ("RO", "RW")), "RO")
            after = rest[rest.index(access) + 1:] if access in rest else []
            acl = after[-1] if after else None
            config.communities.append(SnmpCommunity(node.line, w[2], access.upper() == "RW", acl))
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


def _globals(config: DeviceConfig, tree: ConfigTree) -> None:
    for node in tree.roots:
        text, w = node.text, node.words
        if text.startswith("ip http server"):
            config.http.append(Evidence(node.line, "HTTP (unencrypted) management server enabled"))
        elif _RISKY.match(text):
            config.risky_services.append(Evidence(node.line, f"unneeded service: {text}"))
        elif text == "no logging on":
            config.logging_disabled = Evidence(node.line, "logging disabled (no logging on)")
        elif (w[0] == "logging" and len(w) > 1 and (w[1] == "host" or first_address(w[1:2]))
              and first_address(w[1:])):
            config.log_hosts.append(node.line)
        elif w[0] in ("ntp", "sntp") and len(w) > 2 and w[1] in ("server", "peer") and first_address(w[2:]):
            config.ntp_servers.append(node.line)
        elif text.startswith(("login block-for ", "aaa local authentication attempts max-fail")):
            config.lockout = Evidence(node.line, text)
        elif w[0] == "banner" and len(w) > 1 and w[1] in ("motd", "login", "exec"):
            config.banner = config.banner or node.line
        elif re.match(r"^(tacacs-server host|tacacs server|radius-server host|radius server|aaa group server) ",
                      text):
            config.remote_aaa = True
        elif re.match(r"^(process cpu threshold |memory free low-watermark )", text):
            config.capacity_alarms.append(node.line)
        elif re.match(r"^aaa accounting (commands|exec) ", text):
            config.accounting = True
        elif text.startswith("service timestamps log ") and "datetime" not in w:
            config.timestamps_bad = Evidence(node.line, text)
    if not tree.first(re.compile(r"^service timestamps log datetime")) and config.timestamps_bad is None:
        config.timestamps_bad = Evidence(1, "no `service timestamps log datetime`: log lines carry no date")


def _lines(config: DeviceConfig, tree: ConfigTree) -> None:
    aaa = tree.first(re.compile(r"^aaa new-model")) is not None
    version = tree.first(re.compile(r"^version \d+\."))
    # IOS-XE 16 and later removed SSHv1 and no longer print `ip ssh version 2`.
    ssh_v2 = tree.first(re.compile(r"^ip ssh version 2")) is not None or (
        version is not None and int(version.words[1].split(".")[0]) >= 16)
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
        if mgmt.kind == "vty":
            _vty_transport(config, mgmt, ssh_v2)
        config.lines.append(mgmt)


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


def _acl_entry(node: Node, words: list[str]) -> AclRule | None:
    if words and words[0].isdigit():
        words = words[1:]
    if not words or words[0] not in ("permit", "deny"):
        return None
    return AclRule(node.line, words[0], node.text, is_any_any(words[1:]))  # type: ignore[arg-type]


def _acls(config: DeviceConfig, tree: ConfigTree) -> None:
    for block in tree.matching(re.compile(r"^ip(v6)? access-list (standard |extended )?\S+")):
        acl = Acl(block.words[-1], block.line)
        acl.rules = [r for r in (_acl_entry(c, c.words) for c in block.children) if r]
        config.acls[acl.name] = acl
    for node in tree.matching(re.compile(r"^access-list \S+ (permit|deny) ")):
        acl = config.acls.setdefault(node.words[1], Acl(node.words[1], node.line))
        rule = _acl_entry(node, node.words[2:])
        if rule:
            acl.rules.append(rule)


def _interfaces(config: DeviceConfig, tree: ConfigTree) -> None:
    for block in tree.matching(re.compile(r"^interface \S+")):
        iface = Interface(block.words[1], block.line)
        for child in block.children:
            w, text = child.words, child.text
            if text == "switchport mode access":
                iface.access_port = True
            elif _EDGE_AUTH.match(text):
                iface.edge_auth = True
            elif w[:2] == ["ip", "address"]:
                iface.l3 = True
            elif text == "shutdown":
                iface.shutdown = True
            elif w[:2] == ["ip", "access-group"] and len(w) > 3:
                iface.acls.append((w[2], "inbound" if w[3] == "in" else "outbound", child.line))
        config.interfaces.append(iface)


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
    hostname = tree.first(re.compile(r"^hostname \S+"))
    config = DeviceConfig(file=file, vendor="cisco", hostname=hostname.words[1] if hostname else file)
    _users(config, tree)
    _snmp(config, tree)
    _globals(config, tree)
    _lines(config, tree)
    _acls(config, tree)
    _interfaces(config, tree)
    _firewall(config, tree)
    _wlans(config, tree)
    index_acl_references(config, tree)
    return config
