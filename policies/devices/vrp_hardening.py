"""The hardening facts of Huawei VRP and H3C Comware configurations that the vendors' security hardening guides
and the CIS IOS benchmark's equivalents judge.

Vendor defaults that matter here: VRP checks new passwords for at least two character classes and eight
characters unless `undo user-password complexity-check`; Comware checks nothing until `password-control enable`,
then asks for ten characters of one class, 90-day ageing and ten remembered passwords. Both wait 60 s for an SSH
login and allow three attempts, log logins without being told, and enable DHCP snooping on every port once
it is enabled globally (Comware) or per VLAN / port (VRP).
"""

from __future__ import annotations

import re

from policies.devices.adjacency import auth_strength, weakest
from policies.devices.common import record_acl_uses
from policies.devices.ios_hardening import algorithm_names, external_reason
from policies.devices.model import (
    TOP_LEVEL,
    Adjacency,
    AlgorithmKind,
    AlgorithmList,
    AuthStrength,
    DeviceConfig,
    Evidence,
    KeySize,
    NtpServer,
    PasswordPolicy,
    Setting,
    SourceBinding,
)
from policies.devices.tree import ConfigTree, Node
from yunwang.contracts.vendors import Vendor

_LEVELS = {"emergencies": 0, "alert": 1, "alerts": 1, "critical": 2, "error": 3, "errors": 3, "warning": 4,
           "warnings": 4, "notification": 5, "notifications": 5, "informational": 6, "debugging": 7}
_ROLE_LEVELS = {"network-admin": TOP_LEVEL, "network-operator": 1, "security-audit": 1, "level-15": TOP_LEVEL}
_SSH_WORDS: dict[str, AlgorithmKind] = {"cipher": "ssh-cipher", "hmac": "ssh-mac", "mac": "ssh-mac",
                                        "key-exchange": "ssh-kex", "publickey": "ssh-hostkey",
                                        "public-key": "ssh-hostkey"}


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _after(words: list[str], key: str) -> str | None:
    return words[words.index(key) + 1] if key in words and words.index(key) + 1 < len(words) else None


def read_vrp_hardening(config: DeviceConfig, tree: ConfigTree) -> None:
    """Fill the hardening facts of a VRP or Comware configuration."""
    comware = config.vendor == Vendor.H3C
    _snmp(config, tree)
    _users(config, tree, comware)
    _password_policy(config, tree, comware)
    _ssh(config, tree)
    _logging(config, tree)
    _ntp(config, tree)
    _sources(config, tree)
    _interfaces(config, tree)
    _adjacencies(config, tree)
    _switching(config, tree, comware)
    _acl_uses(config, tree)


def _snmp(config: DeviceConfig, tree: ConfigTree) -> None:
    communities = {c.line: c for c in config.communities}
    groups = {e.line: e for e in config.snmp_v3 if e.kind == "group"}
    users = {e.name: e for e in config.snmp_v3 if e.kind == "user"}
    for node in tree.starting("snmp-agent"):
        w = node.words
        if len(w) < 3:
            continue
        if w[1] == "mib-view" and len(w) > 3:
            config.snmp_views.setdefault(w[3], node.line)
        elif w[1] == "community" and node.line in communities:
            communities[node.line].view = _after(w, "mib-view")
        elif w[1] == "group" and node.line in groups:
            groups[node.line].view, groups[node.line].acl = _after(w, "read-view"), _after(w, "acl")
        elif w[1] == "usm-user" and len(w) > 3 and w[3] in users:
            entry = users[w[3]]
            auth, priv = _after(w, "authentication-mode"), _after(w, "privacy-mode")
            entry.auth = auth.lower() if auth else entry.auth
            entry.priv = priv.lower() if priv else entry.priv
            if auth or priv:
                entry.algorithm_line = node.line
            entry.acl = _after(w, "acl") or entry.acl


def _users(config: DeviceConfig, tree: ConfigTree, comware: bool) -> None:
    """Levels and login services: VRP ` local-user X privilege level N` / `service-type …` under `aaa`;
    Comware `local-user X` blocks with `authorization-attribute user-role R` and `service-type …`."""
    by_name = {u.name: u for u in config.users}
    for node in tree.starting("local-user", pattern=_p(r"^local-user \S+ (privilege level \d+|service-type )")):
        user = by_name.get(node.words[1])
        if user is None:
            continue
        if node.words[2] == "privilege":
            user.level = int(node.words[4])
        else:
            user.services, user.services_line = [s.lower() for s in node.words[3:]], node.line
    for block in tree.matching(_p(r"^local-user \S+")):
        user = by_name.get(block.words[1])
        if user is None or not block.children:
            continue
        for child in block.children:
            w = child.words
            if w[0] == "service-type":
                user.services = (user.services or []) + [s.lower() for s in w[1:]]
                user.services_line = child.line
            elif w[:2] == ["authorization-attribute", "user-role"] and len(w) > 2:
                role = w[2]
                level = _ROLE_LEVELS.get(role, int(role[6:]) if role.startswith("level-") and role[6:].isdigit()
                                         else 1)
                user.level = max(user.level or 0, level)
    for user in config.users:
        if user.level is None and user.manages_device:
            user.level = 1 if comware else 0  # Comware: network-operator; VRP: level 0 (visit)


def _password_policy(config: DeviceConfig, tree: ConfigTree, comware: bool) -> None:
    if comware:
        if tree.first(_p(r"^password-control enable")) is None:
            return
        policy = PasswordPolicy(None, min_length=10, min_classes=1, max_age_days=90, history=10)
        for node in tree.matching(_p(r"^(undo )?password-control ")):
            w = node.words
            if w[0] == "undo" and len(w) > 2 and w[2] in ("aging", "composition", "length", "history"):
                policy.line = node.line
                if w[2] == "aging":
                    policy.max_age_days = 0
                elif w[2] == "composition":
                    policy.min_classes = 1
                elif w[2] == "length":
                    policy.min_length = None
                else:
                    policy.history = 0
            elif w[1] == "length" and len(w) > 2 and w[2].isdigit():
                policy.min_length, policy.line = int(w[2]), node.line
            elif w[1] == "composition" and (_after(w, "type-number") or "").isdigit():
                policy.min_classes, policy.line = int(_after(w, "type-number") or 1), node.line
            elif w[1] == "aging" and len(w) > 2 and w[2].isdigit():
                policy.max_age_days, policy.line = int(w[2]), node.line
            elif w[1] == "history" and len(w) > 2 and w[2].isdigit():
                policy.history, policy.line = int(w[2]), node.line
        config.password_policy = policy
        return
    policy = PasswordPolicy(None, min_length=8, min_classes=2)
    disabled = tree.starting("undo", pattern=_p(r"^undo user-password complexity-check"))
    if disabled:
        policy.complexity_disabled = Evidence(disabled[0].line, "password complexity checking switched off")
        policy.min_classes = 1
    for node in tree.starting("local-aaa-user", pattern=_p(r"^local-aaa-user password policy administrator")):
        policy.line = node.line
        for child in node.children:
            w = child.words
            if w[:2] == ["password", "expire"] and len(w) > 2 and w[2].isdigit():
                policy.max_age_days = int(w[2])
            elif w[:4] == ["password", "history", "record", "number"] and len(w) > 4:
                policy.history = int(w[4])
    for node in tree.starting("user-password", pattern=_p(r"^user-password min-length \d+")):
        policy.min_length, policy.line = int(node.words[2]), node.line
    config.password_policy = policy


def _ssh(config: DeviceConfig, tree: ConfigTree) -> None:
    timeout = tree.first(_p(r"^ssh server (authentication-)?timeout \d+"))
    retries = tree.first(_p(r"^ssh server authentication-retries \d+"))
    config.ssh_timeout = Setting(int(timeout.words[-1]), timeout.line) if timeout else Setting(60)
    config.ssh_retries = Setting(int(retries.words[-1]), retries.line) if retries else Setting(3)
    for node in tree.starting("ssh", "ssh2", "rsa"):
        w = node.words
        if w[:2] in (["ssh", "server"], ["ssh2", "algorithm"]) and len(w) > 3 and w[2] in _SSH_WORDS:
            config.ssh_algorithms.append(AlgorithmList(_SSH_WORDS[w[2]], node.line, algorithm_names(w[3:])))
        elif w[:3] == ["ssh", "server", "dh-exchange"] and (_after(w, "min-len") or "").isdigit():
            config.key_sizes.append(KeySize(node.line, "SSH Diffie-Hellman group", int(_after(w, "min-len") or 0)))
        elif w[:2] == ["rsa", "key-pair"] and (_after(w, "modulus") or "").isdigit():
            config.key_sizes.append(KeySize(node.line, "RSA key", int(_after(w, "modulus") or 0)))
    for block in tree.matching(_p(r"^ssl (server-)?policy \S+")):
        for child in block.children:
            w = child.words
            if w[0] == "version" or w[:2] == ["ssl", "minimum"]:
                config.ssh_algorithms.append(AlgorithmList("tls-version", child.line, algorithm_names(w[-1:])))
            elif w[0] == "ciphersuite":
                config.ssh_algorithms.append(AlgorithmList("tls-cipher", child.line, algorithm_names(w[1:])))


_LOG_LEVEL = _p(r"^info-center source \S+ .*\bloghost\b.*\blevel \S+")
_ACL_USERS = _p(r"^(ssh server acl|ssh server ipv4 acl|http acl|ip http acl|snmp-agent acl) \S+")


def _logging(config: DeviceConfig, tree: ConfigTree) -> None:
    """`info-center source … loghost … level X` below informational drops login and ACL events."""
    for node in tree.starting("info-center", pattern=_LOG_LEVEL):
        level = _LEVELS.get(_after(node.words, "level") or "")
        if level is not None and level < _LEVELS["informational"] and node.words[2] == "default":
            config.log_levels.append(Evidence(node.line, f"`{node.text}`: informational messages (logins, ACL "
                                                         "hits, configuration changes) never reach the log server"))


def _ntp(config: DeviceConfig, tree: ConfigTree) -> None:
    ntp = config.ntp
    for node in tree.starting("ntp-service"):
        w = node.words
        if len(w) < 3:
            continue
        if w[1:3] == ["authentication", "enable"]:
            ntp.authenticate = True
        elif w[1] == "authentication-keyid" and len(w) > 2 and w[2].isdigit():
            ntp.keys[int(w[2])] = ((_after(w, "authentication-mode") or "md5").lower(), node.line)
        elif w[1:3] == ["reliable", "authentication-keyid"] and len(w) > 3 and w[3].isdigit():
            ntp.trusted.add(int(w[3]))
        elif w[1] in ("unicast-server", "unicast-peer") and len(w) > 2:
            key = _after(w, "authentication-keyid")
            ntp.servers.append(NtpServer(node.line, int(key) if key and key.isdigit() else None))
        elif (w[1] == "access" and len(w) > 3) or (w[1] in _NTP_ACCESS and "acl" in w):
            ntp.access_acls.append((w[-1], node.line))
        elif w[1:3] == ["server", "disable"]:
            ntp.serves = False


_NTP_ACCESS = ("peer", "server", "synchronization", "query", "limited")
_SOURCES = (
    ("syslog", _p(r"^info-center loghost source (\S+)")),
    ("ntp", _p(r"^ntp-service source(?:-interface)? (\S+)")),
    ("aaa", _p(r"^(?:hwtacacs-server source-ip|radius-server source ip|nas-ip) (\S+)")),
    ("snmp-trap", _p(r"^snmp-agent trap source (\S+)")),
    ("ssh", _p(r"^ssh server-source -i (\S+)")),
)


_SOURCE_WORDS = ("info-center", "ntp-service", "hwtacacs-server", "radius-server", "nas-ip", "snmp-agent", "ssh")


def _sources(config: DeviceConfig, tree: ConfigTree) -> None:
    found: dict[str, SourceBinding] = {}
    for node in tree.starting(*_SOURCE_WORDS):
        for service, pattern in _SOURCES:
            match = pattern.match(node.text)
            if match and service not in found:
                found[service] = SourceBinding(service, match.group(1), node.line)
    config.sources = list(found.values())


def _zone_members(tree: ConfigTree) -> dict[str, str]:
    """Interfaces in an untrusted zone (USG `firewall zone untrust` `add interface`; SecPath `security-zone name
    Untrust` `import interface`) → the zone."""
    members: dict[str, str] = {}
    for block in tree.matching(_p(r"^(firewall zone( name)?|security-zone name) \S+")):
        zone = zone_name(block.words)
        if not untrusted_zone(zone):
            continue
        for child in block.children_matching(_p(r"^(add|import) interface \S+")):
            members[child.words[2]] = zone
    return members


def zone_name(words: list[str]) -> str:
    """The zone a `firewall zone [name] Z [id N]` (USG) or `security-zone name Z` (SecPath) block defines."""
    return words[3] if words[:3] == ["firewall", "zone", "name"] else words[2]


_UNTRUSTED = ("untrust", "outside", "internet", "isp", "external", "wan")


def untrusted_zone(zone: str) -> bool:
    """A zone whose name says it faces an untrusted network (`untrust`, `Untrust`, `outside`, `internet` …)."""
    lowered = zone.lower()
    return lowered in _UNTRUSTED or lowered.startswith("untrust")


def _interfaces(config: DeviceConfig, tree: ConfigTree) -> None:
    members = _zone_members(tree)
    spoofing = tree.first(_p(r"^firewall defend ip-spoofing enable"))
    if spoofing is not None and config.firewall is not None:
        config.firewall.spoofing_defense = Evidence(spoofing.line, "IP-spoofing defence checks every source's route")
    urpf_global = tree.first(_p(r"^ip urpf (strict|loose)")) is not None or spoofing is not None
    by_line = {i.line: i for i in config.interfaces}
    for block in tree.matching(_p(r"^interface \S+")):
        iface = by_line.get(block.line)
        if iface is None:
            continue
        iface.urpf = urpf_global
        if iface.name in members:
            iface.external = f"member of zone {members[iface.name]}"
        for child in block.children:
            w = child.words
            if w[0] == "description":
                iface.description = child.text[len("description "):]
            elif w[:3] in (["port", "default", "vlan"], ["port", "access", "vlan"]) and len(w) > 3 and \
                    w[3].isdigit():
                iface.access_vlan = int(w[3])
            elif w[:2] == ["port", "link-type"] and len(w) > 2 and w[2] in ("trunk", "hybrid"):
                iface.trunk = True
            elif w[0] == "urpf" or w[:2] == ["ip", "urpf"]:
                iface.urpf = True
            elif w[:2] == ["nat", "outbound"] and iface.external is None:
                iface.external = f"`{child.text}` (source NAT towards an outside network)"
            elif child.text in ("stp edged-port enable", "stp edged-port"):
                iface.edge = True
            elif child.text in ("arp-proxy enable", "proxy-arp enable"):
                iface.unsafe.append(Evidence(child.line, "proxy ARP answers for other networks"))
            elif child.text in ("ip directed-broadcast enable", "ip forward-broadcast"):
                iface.unsafe.append(Evidence(child.line, "directed broadcasts are forwarded (smurf amplification)"))
        if iface.external is None:
            iface.external = external_reason(iface.description)
        if iface.access_port and iface.access_vlan is None:
            iface.access_vlan = 1
    config.bpdu_protection = tree.first(_p(r"^stp bpdu-protection")) is not None


def _keyword_strength(words: list[str], key: str) -> AuthStrength | None:
    """The strength a `…authentication-mode X` / `password cipher|simple` spelling states."""
    mode = _after(words, key)
    if mode is None:
        return None
    if mode in ("keychain", "key-chain"):
        return "strong"  # VRP/Comware key chains carry HMAC-SHA-256 where configured (unread: counted strong)
    return auth_strength(mode)


def _adjacencies(config: DeviceConfig, tree: ConfigTree) -> None:
    interfaces = tree.matching(_p(r"^interface \S+"))
    for process in tree.matching(_p(r"^(ospf|isis|rip)( \d+)?\b")):
        protocol = process.words[0]
        strengths = _process_strengths(process)
        iface_key = f"{protocol} authentication-mode"
        configured = [b for b in interfaces if any(c.text.startswith(f"{protocol} ") for c in b.children)]
        for block in configured:
            found = [_keyword_strength(c.words, "authentication-mode") for c in block.children
                     if c.text.startswith(iface_key)]
            strengths.extend(s for s in found if s is not None)
            if not found and not _process_strengths(process):
                strengths.append("none")
        if protocol == "ospf" and not configured and _host_networks_only(process):
            continue
        config.adjacencies.append(Adjacency(protocol.upper().replace("ISIS", "IS-IS"), process.text, process.line,
                                            weakest(strengths)))
    for process in tree.matching(_p(r"^bgp \d+")):
        _bgp(config, process)
    for block in interfaces:
        _vrrp(config, block)


def _process_strengths(process: Node) -> list[AuthStrength]:
    found: list[AuthStrength] = []
    for child in process.walk():
        for key in ("authentication-mode", "area-authentication-mode", "domain-authentication-mode"):
            if child.words[0] == key:
                strength = _keyword_strength(child.words, key)
                if strength is not None:
                    found.append(strength)
    return found


def _host_networks_only(process: Node) -> bool:
    networks = [n for n in process.walk() if n.words[0] == "network" and len(n.words) > 2]
    return bool(networks) and all(n.words[2] == "0.0.0.0" for n in networks)


def _bgp(config: DeviceConfig, process: Node) -> None:
    auth: dict[str, AuthStrength] = {}
    group_of: dict[str, str] = {}
    peers: dict[str, int] = {}
    groups: set[str] = set()
    for child in process.walk():
        w = child.words
        if w[0] == "group" and len(w) > 1:
            groups.add(w[1])
        if w[0] != "peer" or len(w) < 3:
            continue
        if w[2] == "as-number":
            peers.setdefault(w[1], child.line)
        elif w[2] == "password":
            auth[w[1]] = "md5"
        elif w[2] in ("keychain", "tcp-ao"):
            auth[w[1]] = "strong"
        elif w[2] == "group" and len(w) > 3:
            group_of[w[1]] = w[3]
    for peer, line in peers.items():
        if peer in groups:
            continue
        strength = auth.get(peer) or auth.get(group_of.get(peer, ""), "none")
        config.adjacencies.append(Adjacency("BGP", f"peer {peer}", line, strength))


def _vrrp(config: DeviceConfig, block: Node) -> None:
    groups: dict[str, tuple[int, AuthStrength]] = {}
    for child in block.children:
        w = child.words
        if w[:2] != ["vrrp", "vrid"] or len(w) < 4:
            continue
        if w[3] == "virtual-ip":
            groups.setdefault(w[2], (child.line, "none"))
        elif w[3] == "authentication-mode" and len(w) > 4:
            line = groups.get(w[2], (child.line, "none"))[0]
            groups[w[2]] = (line, auth_strength(w[4]))
    for group, (line, strength) in groups.items():
        config.adjacencies.append(Adjacency("VRRP", f"{block.text} vrid {group}", line, strength))


def _vlan_numbers(words: list[str]) -> set[int]:
    """`10 20 to 30` → {10, 20, …, 30}."""
    vlans: set[int] = set()
    i = 0
    while i < len(words):
        if words[i].isdigit():
            if i + 2 < len(words) and words[i + 1] == "to" and words[i + 2].isdigit():
                vlans.update(range(int(words[i]), int(words[i + 2]) + 1))
                i += 3
                continue
            vlans.add(int(words[i]))
        i += 1
    return vlans


_ARP_CHECKS = frozenset({"arp anti-attack check user-bind enable", "arp detection enable", "arp check enable"})


def _switching(config: DeviceConfig, tree: ConfigTree, comware: bool) -> None:
    """DHCP snooping and ARP inspection per access port (VRP: per VLAN or port; Comware: snooping everywhere)."""
    enabled = tree.first(_p(r"^dhcp snooping enable\s*$"))
    vlan_snoop: set[int] = set()
    vlan_arp: set[int] = set()
    for node in tree.matching(_p(r"^dhcp snooping enable vlan ")):
        vlan_snoop |= _vlan_numbers(node.words[4:])
    for block in tree.matching(_p(r"^vlan \d+\s*$")):
        vlan = int(block.words[1])
        if block.child_matching(_p(r"^dhcp snooping enable")):
            vlan_snoop.add(vlan)
        if block.child_matching(_p(r"^(arp anti-attack check user-bind enable|arp detection enable)")):
            vlan_arp.add(vlan)
    if enabled is not None:
        config.dhcp_snooping = Evidence(enabled.line, "DHCP snooping enabled")
    port_snoop: set[int] = set()
    port_arp: set[int] = set()
    for block in tree.matching(_p(r"^interface \S+")):
        for child in block.children:
            if child.text.startswith("dhcp snooping enable"):
                port_snoop.add(block.line)
            elif child.text in _ARP_CHECKS:
                port_arp.add(block.line)
    for iface in config.interfaces:
        port_vlan = iface.access_vlan
        iface.dhcp_snooping = enabled is not None and (comware or iface.line in port_snoop or port_vlan in vlan_snoop)
        iface.arp_inspection = iface.line in port_arp or port_vlan in vlan_arp


def _acl_uses(config: DeviceConfig, tree: ConfigTree) -> None:
    record_acl_uses(config)
    uses = config.acl_uses
    for node in tree.starting("ssh", "http", "ip", "snmp-agent", pattern=_ACL_USERS):
        uses.append((node.words[-1], node.text.rsplit(" ", 1)[0], node.line))
