"""Read Huawei VRP and H3C Comware running configurations into DeviceConfig facts.

The two share most commands (`telnet server enable`, `info-center loghost`, `snmp-agent …`,
`ntp-service unicast-server`, `rule N permit …`); the differences handled here are where users and
lines live (VRP: ` local-user` under `aaa`, `user-interface`; Comware: `local-user X class manage`
blocks, `line vty`), HTTP (`http server enable` vs `ip http enable`), interface ACLs
(`traffic-filter` vs `packet-filter`) and lockout (`local-aaa-user wrong-password` vs `password-control`).

Telling them apart: both print `sysname`, `#` separators and `return`; they differ in a few commands characteristic
enough to score: Comware's `local-user X class manage`, `line vty`, `password hash`, `user-role`,
`acl basic|advanced`; VRP's `!Software Version V…R…`, `aaa` + ` local-user X password`, `stelnet server enable`,
`traffic-filter`, `port link-type`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from policies.devices.acl_syntax import vrp_rule
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
from policies.devices.registry import DeviceReader, Family, markers, register
from policies.devices.tree import ConfigTree, Node
from policies.devices.vrp_hardening import read_vrp_hardening
from policies.devices.zone_policy import read_zone_policy
from yunwang.contracts.vendors import Vendor

_PASSWORD_KINDS: dict[str, PasswordKind] = {
    "simple": "plain", "cipher": "encrypted", "irreversible-cipher": "hashed", "hash": "hashed",
}
_LINE_KINDS = {"con": "console", "console": "console", "aux": "aux", "vty": "vty"}
_EDGE_AUTH = re.compile(r"^(port-security|dot1x|mac-authen|mac-authentication|authentication-profile|"
                        r"authentication (dot1x|mac))")


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _global(config: DeviceConfig, node: Node) -> None:
    """Commands that mean the same wherever they sit in the tree."""
    text = node.text
    if not _ANY_GLOBAL.match(text):
        return
    for pattern, handler in _GLOBAL_HANDLERS:
        if pattern.match(text):
            handler(config, node, node.words)
            return


def _community(config: DeviceConfig, node: Node, w: list[str]) -> None:
    rest = w[3:]
    encrypted = bool(rest) and rest[0] == "cipher"
    if rest and rest[0] in ("cipher", "simple"):
        rest = rest[1:]
    value = None if encrypted or not rest else rest[0]
    acl = w[w.index("acl") + 1] if "acl" in w and w.index("acl") + 1 < len(w) else None
    config.communities.append(SnmpCommunity(node.line, value, w[2] == "write", acl))
    config.snmp_enabled = True
    config.snmp_v1v2c.append(Evidence(node.line, "SNMP community configured (v1/v2c access)"))


def _snmp_version(config: DeviceConfig, node: Node, w: list[str]) -> None:
    config.snmp_enabled = True
    versions = {v.lower() for v in w[3:]}
    if versions & {"v1", "v2c", "all"}:
        config.snmp_v1v2c.append(Evidence(node.line, f"SNMP versions enabled: {' '.join(w[3:])}"))


def _v3_group(config: DeviceConfig, node: Node, w: list[str]) -> None:
    if len(w) > 3:
        config.snmp_v3.append(SnmpV3Entry("group", w[3], snmp_level(w[4:]), node.line))


def _v3_user(config: DeviceConfig, node: Node, w: list[str]) -> None:
    if len(w) <= 3:
        return
    level = snmp_level(w[4:])
    for entry in config.snmp_v3:
        if entry.kind == "user" and entry.name == w[3]:
            order = ("noauth", "auth", "priv")
            if order.index(level) > order.index(entry.level):
                entry.level = level
            return
    config.snmp_v3.append(SnmpV3Entry("user", w[3], level, node.line))


def _aaa_user(config: DeviceConfig, node: Node, w: list[str]) -> None:
    """VRP: ` local-user NAME password irreversible-cipher …` (several lines per user under `aaa`)."""
    user = _user(config, w[1], node.line)
    if len(w) > 3 and w[2] == "password":
        user.password = _PASSWORD_KINDS.get(w[3], "encrypted")
        user.password_line = node.line


def _user(config: DeviceConfig, name: str, line: int) -> LocalUser:
    for user in config.users:
        if user.name == name:
            return user
    user = LocalUser(name, line)
    config.users.append(user)
    return user


def _evidence(attr: str, what: str) -> Callable[[DeviceConfig, Node, list[str]], None]:
    def add(config: DeviceConfig, node: Node, _w: list[str]) -> None:
        getattr(config, attr).append(Evidence(node.line, what))
    return add


def _setter(attr: str, what: str) -> Callable[[DeviceConfig, Node, list[str]], None]:
    def put(config: DeviceConfig, node: Node, _w: list[str]) -> None:
        setattr(config, attr, Evidence(node.line, what))
    return put


def _loghost(config: DeviceConfig, node: Node, w: list[str]) -> None:
    if first_address(w[2:]):
        config.log_hosts.append(node.line)


def _ntp(config: DeviceConfig, node: Node, w: list[str]) -> None:
    if first_address(w[2:]):
        config.ntp_servers.append(node.line)


def _trap_host(config: DeviceConfig, node: Node, _w: list[str]) -> None:
    config.trap_hosts.append(node.line)


def _password_control(config: DeviceConfig, node: Node, w: list[str]) -> None:
    if "unlock" in w:
        config.lockout_disabled = Evidence(node.line, "failed logins never lock the account (exceed unlock)")
    else:
        config.lockout = Evidence(node.line, "password-control login-attempt")


def _flag(attr: str) -> Callable[[DeviceConfig, Node, list[str]], None]:
    def put(config: DeviceConfig, _node: Node, _w: list[str]) -> None:
        setattr(config, attr, True)
    return put


def _capacity(config: DeviceConfig, node: Node, _w: list[str]) -> None:
    config.capacity_alarms.append(node.line)


def _banner(config: DeviceConfig, node: Node, _w: list[str]) -> None:
    config.banner = config.banner or node.line


_GLOBAL_HANDLERS: list[tuple[re.Pattern[str], Callable[[DeviceConfig, Node, list[str]], None]]] = [
    (_p(r"^snmp-agent community (read|write) "), _community),
    (_p(r"^snmp-agent sys-info version "), _snmp_version),
    (_p(r"^snmp-agent group v3 "), _v3_group),
    (_p(r"^snmp-agent usm-user v3 "), _v3_user),
    (_p(r"^snmp-agent target-host (trap|inform) "), _trap_host),
    (_p(r"^snmp-agent( |$)"), _flag("snmp_enabled")),
    (_p(r"^telnet (ipv6 )?server enable"), _evidence("telnet", "Telnet server enabled")),
    (_p(r"^(http server enable|ip http enable)"), _evidence("http", "HTTP (unencrypted) management server enabled")),
    (_p(r"^ssh server compatible-ssh1x enable"), _evidence("ssh_v1", "SSH server accepts SSHv1 clients")),
    (_p(r"^(ftp (ipv6 )?server enable|tftp server enable|tftp-server enable)"),
     _evidence("risky_services", "FTP/TFTP server enabled (clear-text file transfer)")),
    (_p(r"^local-user \S+ password "), _aaa_user),
    (_p(r"^undo info-center enable"), _setter("logging_disabled", "information center (logging) disabled")),
    (_p(r"^info-center loghost "), _loghost),
    (_p(r"^info-center timestamp (\S+ )?(boot|none)\b"),
     _setter("timestamps_bad", "log timestamps without date and time")),
    (_p(r"^ntp(-service)? (unicast-server|unicast-peer|server) "), _ntp),
    (_p(r"^local-aaa-user wrong-password "), _setter("lockout", "local-aaa-user wrong-password")),
    (_p(r"^undo local-aaa-user wrong-password"),
     _setter("lockout_disabled", "lockout after failed logins switched off")),
    (_p(r"^local-user \S+ state block fail-times "), _setter("lockout", "local-user state block fail-times")),
    (_p(r"^password-control login-attempt "), _password_control),
    (_p(r"^header (login|shell|motd|legal|incoming) "), _banner),
    (_p(r"^(set )?(cpu-usage|memory-usage) threshold |^monitor (cpu-usage|memory-usage) threshold |"
        r"^memory-threshold "), _capacity),
    (_p(r"^(hwtacacs-server template|radius-server template|hwtacacs scheme|radius scheme) "),
     _flag("remote_aaa")),
    (_p(r"^(accounting-mode (hwtacacs|radius)|accounting (command|login|default) (hwtacacs|radius)-scheme|"
        r"cmd-accounting)"), _flag("accounting")),
]
# Most lines (interface and block sub-commands) match no handler: one anchored alternation turns them away with a
# single regex call instead of one per handler (about half of the reader's time on a large configuration).
_ANY_GLOBAL = _p("|".join(f"(?:{pattern.pattern})" for pattern, _ in _GLOBAL_HANDLERS))

_LINE_BLOCK = _p(r"^(user-interface|line) (class )?(con|console|aux|vty)\b")
_ACL_BLOCK = _p(r"^acl (number |basic |advanced |name |ipv6 )*(\S+)")
_PASSWORD_CONTROL_ON = _p(r"^password-control enable")


def _read_line(config: DeviceConfig, block: Node, kind: str) -> MgmtLine:
    mgmt = MgmtLine(kind, block.text, block.line)  # type: ignore[arg-type]
    for child in block.children:
        w = child.words
        if w[0] == "idle-timeout":
            mgmt.idle_timeout_s, mgmt.idle_line = idle_seconds(w), child.line
        elif w[0] == "acl" and "inbound" in w:
            names = [t for t in w[1:] if t not in ("ipv6", "basic", "advanced", "name", "inbound", "number")]
            mgmt.acl_in = names[0] if names else None
        elif w[0] == "authentication-mode" and len(w) > 1:
            mgmt.auth, mgmt.auth_line = w[1], child.line
        elif w[:2] == ["protocol", "inbound"]:
            mgmt.protocols, mgmt.protocols_line = w[2:], child.line
            if {"telnet", "all"} & set(w[2:]) and (config.telnet or "telnet" in w[2:]):
                config.telnet.append(Evidence(child.line, f"{block.text} accepts Telnet"))
    return mgmt


_INHERITED = ("idle_timeout_s", "idle_line", "acl_in", "auth", "auth_line", "protocols", "protocols_line")


def _lines(config: DeviceConfig, tree: ConfigTree) -> None:
    """Console/AUX/VTY lines; Comware's `line class vty` settings apply to every VTY line not setting its own."""
    classes: dict[str, MgmtLine] = {}
    lines: list[MgmtLine] = []
    for block in tree.matching(_LINE_BLOCK):
        is_class = block.words[1] == "class"
        kind = _LINE_KINDS[block.words[2] if is_class else block.words[1]]
        mgmt = _read_line(config, block, kind)
        if is_class:
            classes[kind] = mgmt
        else:
            lines.append(mgmt)
    for mgmt in lines:
        default = classes.get(mgmt.kind)
        if default is not None:
            for name in _INHERITED:
                if getattr(mgmt, name) is None:
                    setattr(mgmt, name, getattr(default, name))
    config.lines.extend(lines)


def _comware_users(config: DeviceConfig, tree: ConfigTree) -> None:
    """Comware: `local-user NAME [class manage|network]` blocks with ` password simple|cipher|hash …`."""
    for block in tree.matching(_p(r"^local-user \S+( class \S+)?\s*$")):
        user = _user(config, block.words[1], block.line)
        user.manages_device = "network" not in block.words[2:]
        for child in block.children_matching(_p(r"^password (simple|cipher|hash) ")):
            user.password = _PASSWORD_KINDS[child.words[1]]
            user.password_line = child.line


def _acl_rule(node: Node) -> AclRule | None:
    w = node.words
    if w[0] != "rule":
        return None
    rest = w[1:]
    if rest and rest[0].isdigit():
        rest = rest[1:]
    if not rest or rest[0] not in ("permit", "deny"):
        return None
    match, logged = vrp_rule(rest[1:])
    return AclRule(node.line, rest[0], node.text, is_any_any(rest[1:]), match, logged)  # type: ignore[arg-type]


def _acls(config: DeviceConfig, tree: ConfigTree) -> None:
    for block in tree.matching(_ACL_BLOCK):
        match = _ACL_BLOCK.match(block.text)
        assert match is not None
        acl = Acl(match.group(2), block.line)
        acl.rules = [r for r in (_acl_rule(c) for c in block.children) if r is not None]
        config.acls[acl.name] = acl


def _interfaces(config: DeviceConfig, tree: ConfigTree) -> None:
    for block in tree.matching(_p(r"^interface \S+")):
        iface = Interface(block.words[1], block.line)
        trunk = False
        for child in block.children:
            w, text = child.words, child.text
            if text in ("port link-type access",) or w[:2] == ["port", "access"]:
                iface.access_port = True
            elif w[:2] == ["port", "link-type"] or w[:2] == ["port", "trunk"]:
                trunk = True
            elif w[:3] == ["port", "default", "vlan"]:
                iface.access_port = True
            elif _EDGE_AUTH.match(text):
                iface.edge_auth = True
            elif w[0] == "ip" and len(w) > 1 and w[1] == "address":
                iface.l3 = True
            elif text == "shutdown":
                iface.shutdown = True
            elif w[0] == "traffic-filter" and len(w) > 3:
                iface.acls.append((w[-1], w[1], child.line))
            elif w[0] == "packet-filter" and len(w) > 2 and w[-1] in ("inbound", "outbound"):
                iface.acls.append((w[-2], w[-1], child.line))
        iface.access_port = iface.access_port and not trunk
        config.interfaces.append(iface)


def _firewall(config: DeviceConfig, tree: ConfigTree) -> None:
    zones = tree.matching(_p(r"^(firewall zone|security-zone name) "))
    policies = tree.matching(_p(r"^security-policy( ip| ipv6)?\s*$"))
    if not zones and not policies:
        return
    fw = Firewall(line=(zones or policies)[0].line)
    for policy in policies:
        for child in policy.children:
            if child.words[0] == "rule":
                fw.policy_rules += 1
                if any(g.words[0] in ("application", "profile", "app-group") for g in child.children):
                    fw.app_control = True
            elif child.text.startswith("default action permit"):
                fw.default_permit = Evidence(child.line, "security policy default action permit")
    fw.policy_rules += len(tree.matching(_p(r"^zone-pair security ")))
    for node in tree.walk():
        if re.match(r"^(firewall packet-filter default permit|security-zone intrazone default permit)", node.text):
            fw.default_permit = Evidence(node.line, node.text)
        elif re.match(r"^(firewall defend \S+ enable|attack-defense (policy|apply)|ips (enable|policy)|"
                       r"profile type ips)", node.text):
            fw.attack_defense = True
    config.firewall = fw


def _wlans(config: DeviceConfig, tree: ConfigTree) -> None:
    for node in tree.walk():
        if node.text.startswith("security-profile name "):
            for child in node.children_matching(_p(r"^security (open|wep)")):
                config.wlans.append(Wlan(node.words[2], child.line, True, child.text))
        elif node.text.startswith("wlan service-template "):
            secured = any(c.words[0] in ("akm", "security-ie") for c in node.children)
            wep = next((c for c in node.children if re.match(r"^cipher-suite wep", c.text)), None)
            if wep is not None:
                config.wlans.append(Wlan(node.words[2], wep.line, True, wep.text))
            elif not secured:
                config.wlans.append(Wlan(node.words[2], node.line, True, "no AKM / security IE: open system"))


def read_vrp_family(tree: ConfigTree, file: str, vendor: Vendor) -> DeviceConfig:
    """Facts from a Huawei VRP or H3C Comware configuration."""
    sysname = tree.first(_p(r"^sysname \S+"))
    config = DeviceConfig(file=file, vendor=vendor, hostname=sysname.words[1] if sysname else file)
    for node in tree.walk():
        _global(config, node)
    if vendor == "h3c" and config.lockout and not tree.first(_PASSWORD_CONTROL_ON):
        config.lockout = None  # Comware ignores password-control settings until the feature is enabled
    _lines(config, tree)
    _comware_users(config, tree)
    _acls(config, tree)
    _interfaces(config, tree)
    _firewall(config, tree)
    _wlans(config, tree)
    index_acl_references(config, tree)
    read_vrp_hardening(config, tree)
    read_zone_policy(config, tree)
    return config


def read_vrp(tree: ConfigTree, file: str) -> DeviceConfig:
    return read_vrp_family(tree, file, Vendor.HUAWEI)


def read_comware(tree: ConfigTree, file: str) -> DeviceConfig:
    return read_vrp_family(tree, file, Vendor.H3C)


VRP_FAMILY = Family(
    name="VRP/Comware", syntax="`sysname`/`#`/`return`", fallback=Vendor.HUAWEI,
    markers=markers(r"^\s*sysname \S+", r"^#\s*$", r"^return\s*$"))

register(DeviceReader(Vendor.HUAWEI, "Huawei VRP", VRP_FAMILY, read=read_vrp, markers=markers(
    r"^!Software Version V\d{3}R", r"^\s+local-user \S+ password ", r"stelnet server enable",
    r"^\s*traffic-filter (inbound|outbound)", r"^\s*port link-type", r"irreversible-cipher",
    r"local-aaa-user", r"^user-interface ", r"^\s*http (secure-)?server enable", r"^firewall zone ",
    r"^\s*ssh user \S+ authentication-type",
)))
register(DeviceReader(Vendor.H3C, "H3C Comware", VRP_FAMILY, read=read_comware, markers=markers(
    r"^\s*version \d\.\d+\.\d+, (Release|ESS|Feature)", r"^local-user \S+ class (manage|network)",
    r"^line (vty|con|aux) ", r"^\s*password hash ", r"user-role network-", r"^acl (basic|advanced) ",
    r"^\s*port link-mode (bridge|route)", r"^\s*ip https? enable", r"^\s*packet-filter \S+ (inbound|outbound)",
    r"^\s*password-control ", r"^security-zone name ", r"Comware",
)))
