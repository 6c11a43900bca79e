"""The hardening facts of IOS-syntax configurations (Cisco IOS, Ruijie RGOS) the CIS Cisco IOS benchmark judges.

Both vendors write these commands alike; where they differ in *defaults* the caller says so through
:class:`IosDefaults`: IOS starts the pad service, the BOOTP server, source routing, CDP and proxy ARP unless told
not to and waits 120 s for an SSH login; RGOS starts none of those services and prints what it changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policies.devices.adjacency import auth_strength, weakest
from policies.devices.common import first_address, record_acl_uses
from policies.devices.model import (
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

_LOG_LEVELS = {"emergencies": 0, "alerts": 1, "critical": 2, "errors": 3, "warnings": 4, "notifications": 5,
               "informational": 6, "debugging": 7}
INFORMATIONAL = 6


@dataclass(frozen=True)
class IosDefaults:
    """What a vendor runs when the configuration says nothing."""

    services_on: tuple[tuple[str, str], ...] = ()  # (command that is on by default, why it is unneeded)
    proxy_arp: bool = False  # routed interfaces answer ARP for other networks
    cdp: bool = False
    ssh_timeout: int = 120
    ssh_retries: int = 3
    login_logging: bool = False  # whether `login on-failure/on-success log` are judged


CISCO_DEFAULTS = IosDefaults(
    services_on=(("service pad", "X.25 PAD service (remote terminals over X.25)"),
                 ("ip bootp server", "BOOTP server (hands out boot images and addresses)"),
                 ("ip source-route", "IP source routing (senders choose the path, bypassing filters)"),
                 ("service dhcp", "DHCP server and relay service (nothing here relays or serves DHCP)")),
    proxy_arp=True, cdp=True, login_logging=True)
RGOS_DEFAULTS = IosDefaults()


def read_ios_hardening(config: DeviceConfig, tree: ConfigTree, defaults: IosDefaults) -> None:
    """Fill the hardening facts from the top-level commands, the `line` blocks and the interfaces."""
    _snmp(config, tree)
    _users(config, tree)
    _password_policy(config, tree)
    _ssh(config, tree, defaults)
    _services(config, tree, defaults)
    _logging(config, tree, defaults)
    _ntp(config, tree)
    _sources(config, tree)
    _aaa(config, tree)
    _web(config, tree)
    _aux(config, tree)
    _interfaces(config, tree, defaults)
    _adjacencies(config, tree)
    _switching(config, tree)
    _acl_uses(config, tree)


def _after(words: list[str], key: str) -> str | None:
    """The word after ``key`` (None when absent or last)."""
    return words[words.index(key) + 1] if key in words and words.index(key) + 1 < len(words) else None


def _snmp(config: DeviceConfig, tree: ConfigTree) -> None:
    """Views, the view and ACL of each community and v3 group, v3 users' algorithms, trap switch."""
    by_line = {e.line: e for e in config.snmp_v3}
    communities = {c.line: c for c in config.communities}
    traps = False
    for node in tree.matching(re.compile(r"^snmp-server ")):
        w = node.words
        if w[1] == "view" and len(w) > 2:
            config.snmp_views.setdefault(w[2], node.line)
        elif w[1] == "community" and node.line in communities:
            communities[node.line].view = _after(w, "view")
        elif w[1] == "enable" and len(w) > 2 and w[2] in ("traps", "trap"):
            traps = True
        elif w[1] == "group" and node.line in by_line:
            entry = by_line[node.line]
            entry.view, entry.acl = _after(w, "read"), _after(w, "access")
        elif w[1] == "user" and node.line in by_line:
            entry = by_line[node.line]
            auth, priv = _after(w, "auth"), _after(w, "priv")
            if auth == "sha-2":
                auth = f"sha2-{_after(w[w.index('auth') + 1:], 'sha-2') or '256'}"
            if priv == "aes":  # IOS `priv aes 128 KEY`; RGOS writes `priv aes128 KEY`
                priv = f"aes{_after(w[w.index('priv'):], 'aes') or '128'}"
            entry.auth, entry.priv, entry.algorithm_line = auth, priv, node.line
            entry.acl = _after(w, "access")
    config.traps_enabled = traps


def _users(config: DeviceConfig, tree: ConfigTree) -> None:
    """`username X privilege N` (IOS default 1); `enable` entries are escalation passwords, not accounts."""
    levels: dict[str, int] = {}
    for node in tree.matching(re.compile(r"^username \S+")):
        level = _after(node.words, "privilege")
        levels[node.words[1]] = max(levels.get(node.words[1], 1), int(level) if level and level.isdigit() else 1)
    for user in config.users:
        if user.name == "enable" and user.password_line is not None and \
                re.match(r"^enable ", _text_at(tree, user.password_line)):
            user.escalation = True
        elif user.name in levels:
            user.level = levels[user.name]
    secret = tree.first(re.compile(r"^enable (algorithm-type \S+ )?secret "))
    password = tree.first(re.compile(r"^enable password "))
    aaa = tree.first(re.compile(r"^aaa authentication enable "))
    if aaa is not None:
        config.enable_guard, config.enable_line = "aaa", aaa.line
    elif secret is not None:
        config.enable_guard, config.enable_line = "secret", secret.line
    elif password is not None:
        config.enable_guard, config.enable_line = "password", password.line
    else:
        config.enable_guard = "none"


_CLASS_WORDS = ("upper-case", "lower-case", "numeric-count", "special-case")


def _text_at(tree: ConfigTree, line: int) -> str:
    return next((n.text for n in tree.roots if n.line == line), "")


def _password_policy(config: DeviceConfig, tree: ConfigTree) -> None:
    """IOS `security passwords min-length` and `aaa common-criteria policy`; RGOS `password policy …`."""
    policy: PasswordPolicy | None = None
    for node in tree.roots:
        w = node.words
        if w[:3] == ["security", "passwords", "min-length"] and len(w) > 3:
            policy = policy or PasswordPolicy(node.line)
            policy.min_length = int(w[3])
        elif w[:3] == ["aaa", "common-criteria", "policy"]:
            policy = policy or PasswordPolicy(node.line)
            classes = 0
            for child in node.children:
                cw = child.words
                if cw[0] == "min-length" and len(cw) > 1:
                    policy.min_length = int(cw[1])
                elif cw[0] in _CLASS_WORDS and len(cw) > 1 and cw[1] != "0":
                    classes += 1
                elif cw[0] == "lifetime" and "days" in cw and (_after(cw, "days") or "").isdigit():
                    policy.max_age_days = int(_after(cw, "days") or 0)
            policy.min_classes = classes or None
        elif w[:2] == ["password", "policy"] and len(w) > 2:
            policy = policy or PasswordPolicy(node.line)
            if w[2] == "strong":
                policy.min_classes = 3  # RGOS: letters, digits and symbols, and not the user name
            elif w[2] == "min-size" and len(w) > 3:
                policy.min_length = int(w[3])
            elif w[2] == "life-cycle" and len(w) > 3:
                policy.max_age_days = int(w[3])
            elif w[2] == "no-repeat-times" and len(w) > 3:
                policy.history = int(w[3])
    config.password_policy = policy


def algorithm_names(words: list[str]) -> list[str]:
    """Algorithm names as the rules compare them: lower case, ``_`` written ``-``."""
    return [w.lower().replace("_", "-") for w in words]


_SSH_KINDS: dict[str, AlgorithmKind] = {"encryption": "ssh-cipher", "mac": "ssh-mac", "kex": "ssh-kex",
                                        "hostkey": "ssh-hostkey"}


def _ssh(config: DeviceConfig, tree: ConfigTree, defaults: IosDefaults) -> None:
    timeout = tree.first(re.compile(r"^ip ssh time-out \d+"))
    retries = tree.first(re.compile(r"^ip ssh authentication-retries \d+"))
    config.ssh_timeout = Setting(int(timeout.words[3]), timeout.line) if timeout else Setting(defaults.ssh_timeout)
    config.ssh_retries = Setting(int(retries.words[3]), retries.line) if retries else Setting(defaults.ssh_retries)
    for node in tree.matching(re.compile(r"^ip ssh server algorithm \S+ ")):
        ssh_kind = _SSH_KINDS.get(node.words[4])
        if ssh_kind:
            config.ssh_algorithms.append(AlgorithmList(ssh_kind, node.line, algorithm_names(node.words[5:])))
    for node in tree.matching(re.compile(r"^ip ssh dh min size \d+")):
        config.key_sizes.append(KeySize(node.line, "SSH Diffie-Hellman group", int(node.words[5])))
    for node in tree.matching(re.compile(r"^crypto key generate rsa .*modulus \d+")):
        config.key_sizes.append(KeySize(node.line, "RSA key", int(_after(node.words, "modulus") or 0)))
    for node in tree.matching(re.compile(r"^ip http (tls-version|secure-ciphersuite) ")):
        kind: AlgorithmKind = "tls-version" if node.words[2] == "tls-version" else "tls-cipher"
        config.ssh_algorithms.append(AlgorithmList(kind, node.line, algorithm_names(node.words[3:])))


def _services(config: DeviceConfig, tree: ConfigTree, defaults: IosDefaults) -> None:
    """Default-on services not switched off; `service tcp-keepalives-in/out` for dead sessions; identd."""
    texts = {n.text for n in tree.roots}
    needs_dhcp = any(n.text.startswith(("ip helper-address", "ip dhcp pool", "ip dhcp snooping"))
                     for n in tree.starting("ip"))
    for command, why in defaults.services_on:
        if command == "service dhcp" and needs_dhcp:
            continue  # relays, pools and DHCP snooping need the DHCP service
        if f"no {command}" not in texts:
            config.unsafe_defaults.append(Evidence(None, f"{why} is on: `no {command}` is not set"))
    for node in tree.roots:
        if node.text in ("ip domain-lookup server",) or \
                (node.text in ("service pad", "ip source-route", "ip bootp server") and not defaults.services_on):
            config.unsafe_defaults.append(Evidence(node.line, f"`{node.text}` is on"))
    if defaults.services_on:  # IOS: dead SSH sessions keep their VTY line without TCP keepalives
        config.session_gaps = [k for k in ("service tcp-keepalives-in", "service tcp-keepalives-out")
                               if k not in texts]


def _logging(config: DeviceConfig, tree: ConfigTree, defaults: IosDefaults) -> None:
    texts = {n.text for n in tree.roots}
    if defaults.login_logging:
        config.missing_login_logs = [kind for kind in ("failure", "success")
                                     if not any(t.startswith(f"login on-{kind} log") for t in texts)]
    for node in tree.matching(re.compile(r"^logging trap \S+")):
        level = node.words[2]
        number = int(level) if level.isdigit() else _LOG_LEVELS.get(level)
        if number is not None and number < INFORMATIONAL:
            config.log_levels.append(Evidence(node.line, f"`{node.text}`: informational messages (logins, ACL "
                                                         "hits, configuration changes) never reach the log server"))
    if not tree.first(re.compile(r"^service timestamps debug datetime")) and config.timestamps_bad is None \
            and defaults.services_on:
        config.timestamps_bad = Evidence(None, "no `service timestamps debug datetime`: debug lines carry no date")


def _ntp(config: DeviceConfig, tree: ConfigTree) -> None:
    ntp = config.ntp
    for node in tree.matching(re.compile(r"^ntp ")):
        w = node.words
        if w[1] == "authenticate":
            ntp.authenticate = True
        elif w[1] == "authentication-key" and len(w) > 3 and w[2].isdigit():
            ntp.keys[int(w[2])] = (w[3].lower(), node.line)
        elif w[1] == "trusted-key":
            ntp.trusted.update(int(k) for k in w[2:] if k.isdigit())
        elif w[1] in ("server", "peer") and first_address(w[2:]):
            key = _after(w, "key")
            ntp.servers.append(NtpServer(node.line, int(key) if key and key.isdigit() else None))
        elif w[1] == "access-group" and len(w) > 3:
            ntp.access_acls.append((w[3] if w[2] != "ipv4" else w[4], node.line))


_SOURCES = (
    ("syslog", re.compile(r"^logging source[- ]interface (.+)$")),
    ("ntp", re.compile(r"^ntp source (.+)$")),
    ("aaa", re.compile(r"^(?:ip )?(?:tacacs|radius)[- ]server source[- ]interface (.+)$|^ip (?:tacacs|radius) "
                      r"source-interface (.+)$")),
    ("snmp-trap", re.compile(r"^snmp-server trap-source (.+)$")),
    ("ssh", re.compile(r"^ip ssh source-interface (.+)$")),
)


def _sources(config: DeviceConfig, tree: ConfigTree) -> None:
    """Which interface each management protocol leaves from (`ip tacacs source-interface` may sit in a group)."""
    found: dict[str, SourceBinding] = {}
    for node in tree.starting("logging", "ntp", "ip", "tacacs-server", "radius-server", "snmp-server"):
        for service, pattern in _SOURCES:
            match = pattern.match(node.text)
            if match and service not in found:
                found[service] = SourceBinding(service, next(g for g in match.groups() if g), node.line)
    config.sources = list(found.values())


def _aaa(config: DeviceConfig, tree: ConfigTree) -> None:
    """What `aaa new-model` leaves unauthenticated or unaccounted (CIS 1.1.x)."""
    texts = [n.text for n in tree.roots]
    if "aaa new-model" not in texts:
        config.aaa_gaps = ["aaa new-model"]
        return
    wanted = {"authentication login": "aaa authentication login ",
              "authentication enable": "aaa authentication enable ",
              "accounting commands 15": "aaa accounting commands 15 ", "accounting exec": "aaa accounting exec ",
              "accounting connection": "aaa accounting connection ", "accounting system": "aaa accounting system "}
    if any(t.startswith(("aaa authentication dot1x ", "aaa authentication ppp ")) for t in texts):
        wanted["accounting network"] = "aaa accounting network "
    config.aaa_gaps = [what for what, prefix in wanted.items() if not any(t.startswith(prefix) for t in texts)]


def _web(config: DeviceConfig, tree: ConfigTree) -> None:
    """IOS web server: how users log in, session limits (only while a server is on)."""
    texts = {n.text for n in tree.roots}
    on = any(t in texts for t in ("ip http server", "ip http secure-server"))
    if not on:
        return
    if not any(t.startswith("ip http authentication ") and not t.endswith(" enable") for t in texts):
        config.web_auth = Evidence(None, "the web server logs users in with the shared enable password (no "
                                         "`ip http authentication local|aaa`)")
    if not any(t.startswith("ip http max-connections ") for t in texts):
        config.web_limits.append("ip http max-connections")
    if not any(t.startswith("ip http timeout-policy idle ") for t in texts):
        config.web_limits.append("ip http timeout-policy idle 600")


def _aux(config: DeviceConfig, tree: ConfigTree) -> None:
    """`line aux 0`: `no exec` closes the shell; `transport input none` refuses reverse connections."""
    for block in tree.matching(re.compile(r"^line aux ")):
        for mgmt in config.lines:
            if mgmt.line == block.line:
                mgmt.exec_enabled = block.child_matching(re.compile(r"^no exec\s*$")) is None


# Whole words only: `to internet` faces the outside, a zone called `internet-access` need not.
_EXTERNAL_WORDS = re.compile(r"(?<![-\w])(internet|isp|untrust|outside|wan|外网|互联网|公网|运营商)(?![-\w])", re.I)


def external_reason(description: str) -> str | None:
    """Why a described interface faces an untrusted network (None when its description says nothing of it)."""
    match = _EXTERNAL_WORDS.search(description)
    return f"description says `{match.group(1)}`" if match else None


_NO_ARP = ("loopback", "null", "tunnel")  # interfaces without ARP at all


def _interfaces(config: DeviceConfig, tree: ConfigTree, defaults: IosDefaults) -> None:
    """Descriptions, VLANs, external side, uRPF, CDP, proxy ARP and edge ports of every interface."""
    cdp_global = defaults.cdp and tree.first(re.compile(r"^no cdp run\s*$")) is None
    by_line = {i.line: i for i in config.interfaces}
    for block in tree.matching(re.compile(r"^interface \S+")):
        iface = by_line.get(block.line)
        if iface is None:
            continue
        texts = {c.text for c in block.children}
        proxy_off = "no ip proxy-arp" in texts
        iface.cdp = cdp_global and "no cdp enable" not in texts
        for child in block.children:
            w = child.words
            if w[0] == "description":
                iface.description = child.text[len("description "):]
            elif w[:3] == ["switchport", "access", "vlan"] and len(w) > 3 and w[3].isdigit():
                iface.access_vlan = int(w[3])
            elif w[:3] == ["switchport", "mode", "trunk"]:
                iface.trunk = True
            elif w[:3] == ["ip", "verify", "unicast"]:
                iface.urpf = True
            elif w[:3] == ["ip", "nat", "outside"] or (w[0] == "zone-member" and _EXTERNAL_WORDS.search(child.text)):
                iface.external = f"`{child.text}`"
            elif child.text in ("spanning-tree portfast", "spanning-tree portfast edge", "spanning-tree edgeport"):
                iface.edge = True
            elif child.text in ("spanning-tree bpduguard enable", "spanning-tree bpduguard"):
                iface.bpdu_guard = True
            elif child.text == "ip proxy-arp" and not defaults.proxy_arp:
                iface.unsafe.append(Evidence(child.line, "proxy ARP answers for other networks"))
            elif child.text == "ip directed-broadcast":
                iface.unsafe.append(Evidence(child.line, "directed broadcasts are forwarded (smurf amplification)"))
        if iface.external is None:
            iface.external = external_reason(iface.description)
        if defaults.proxy_arp and iface.l3 and not iface.shutdown and not proxy_off and \
                not iface.name.lower().startswith(_NO_ARP):
            iface.unsafe.append(Evidence(iface.line, "proxy ARP is on by default: `no ip proxy-arp` is not set"))
        if iface.access_port and iface.access_vlan is None:
            iface.access_vlan = 1
    config.bpdu_protection = tree.first(re.compile(r"^spanning-tree portfast (edge )?bpduguard default")) is not None


def _key_chains(tree: ConfigTree) -> dict[str, AuthStrength]:
    """Each `key chain` and the weakest algorithm of its keys (no `cryptographic-algorithm`: keyed MD5)."""
    chains: dict[str, AuthStrength] = {}
    for block in tree.matching(re.compile(r"^key chain \S+")):
        strengths: list[AuthStrength] = []
        for key in block.children_matching(re.compile(r"^key \d+")):
            algorithm = key.child_matching(re.compile(r"^cryptographic-algorithm \S+"))
            strengths.append(auth_strength(algorithm.words[1]) if algorithm else "md5")
        chains[block.words[2]] = weakest(strengths)
    return chains


def _interface_auth(block: Node, chains: dict[str, AuthStrength], protocol: str) -> AuthStrength | None:
    """The strength an interface sets for ``protocol`` (ospf, rip, eigrp, isis); None: not set here."""
    for child in block.children:
        w = child.words
        if protocol == "ospf" and w[:3] == ["ip", "ospf", "authentication"]:
            if len(w) == 3:
                return "plain"
            named: dict[str, AuthStrength] = {"null": "none", "message-digest": "md5"}
            return named.get(w[3]) or chains.get(_after(w, "key-chain") or "", "none")
        if protocol == "ospf" and w[:3] == ["ip", "ospf", "message-digest-key"]:
            return "md5"
        if protocol in ("rip", "eigrp") and w[:3] == ["ip", protocol, "authentication"] and "key-chain" in w:
            return chains.get(w[-1], "none")
        if protocol == "eigrp" and w[:3] == ["ip", "authentication", "key-chain"]:
            return chains.get(w[-1], "none")
        if protocol == "isis" and w[:2] == ["isis", "authentication"] and "key-chain" in w:
            return chains.get(w[-1], "none")
    return None


def _adjacencies(config: DeviceConfig, tree: ConfigTree) -> None:
    """OSPF, EIGRP, RIP, IS-IS processes, BGP neighbours, HSRP and VRRP groups, each with how it authenticates."""
    chains = _key_chains(tree)
    interfaces = tree.matching(re.compile(r"^interface \S+"))
    for process in tree.matching(re.compile(r"^router (ospf|eigrp|rip|isis)\b")):
        protocol = process.words[1]
        if protocol == "ospf" and _loopback_only(process):
            continue
        strengths = [s for s in (_interface_auth(b, chains, protocol) for b in interfaces) if s is not None]
        strengths += _process_auth(process, chains)
        strength = weakest(strengths)
        config.adjacencies.append(Adjacency(protocol.upper().replace("ISIS", "IS-IS"), process.text, process.line,
                                            strength))
    for process in tree.matching(re.compile(r"^router bgp \d+")):
        _bgp(config, process, chains)
    for block in interfaces:
        _gateway_groups(config, block, chains)


def _loopback_only(process: Node) -> bool:
    """`router ospf` whose `network` statements are all host routes and with no interface-level OSPF: a device
    advertising only its loopback has no neighbour to authenticate."""
    networks = process.children_matching(re.compile(r"^network \S+ \S+ area "))
    return bool(networks) and all(n.words[2] == "0.0.0.0" for n in networks)


def _process_auth(process: Node, chains: dict[str, AuthStrength]) -> list[AuthStrength]:
    found: list[AuthStrength] = []
    for child in process.walk():
        w = child.words
        if w[0] == "area" and len(w) > 2 and w[2] == "authentication":
            found.append("md5" if "message-digest" in w else "plain")
        elif w[0] == "authentication" and len(w) > 1:  # EIGRP named mode af-interface, IS-IS process
            if w[1] == "mode":
                found.append(auth_strength(w[-1]))
            elif w[1] == "key-chain":
                found.append(chains.get(w[-1], "none"))
    return found


def _bgp(config: DeviceConfig, process: Node, chains: dict[str, AuthStrength]) -> None:
    """Each `neighbor X remote-as`: `password` is TCP MD5, `ao` is TCP-AO; peer-group settings apply to members."""
    auth: dict[str, AuthStrength] = {}
    group_of: dict[str, str] = {}
    neighbours: dict[str, int] = {}
    for child in process.walk():
        w = child.words
        if w[0] != "neighbor" or len(w) < 3:
            continue
        if w[2] == "remote-as":
            neighbours.setdefault(w[1], child.line)
        elif w[2] == "password":
            auth[w[1]] = "md5"
        elif w[2] == "ao":
            auth[w[1]] = "strong"
        elif w[2] == "peer-group" and len(w) > 3:
            group_of[w[1]] = w[3]
    for neighbour, line in neighbours.items():
        if neighbour in group_of.values() and neighbour not in group_of:
            continue  # a peer group's own `remote-as`
        strength = auth.get(neighbour) or auth.get(group_of.get(neighbour, ""), "none")
        config.adjacencies.append(Adjacency("BGP", f"neighbor {neighbour}", line, strength))


def _gateway_groups(config: DeviceConfig, block: Node, chains: dict[str, AuthStrength]) -> None:
    groups: dict[tuple[str, str], tuple[int, AuthStrength]] = {}
    for child in block.children:
        w = child.words
        if w[0] not in ("standby", "vrrp") or len(w) < 3 or not w[1].isdigit():
            continue
        key = ("HSRP" if w[0] == "standby" else "VRRP", w[1])
        if w[2] in ("ip", "address-family"):
            if w[2] == "address-family":
                continue  # VRRPv3 carries no authentication at all
            groups.setdefault(key, (child.line, "none"))
        elif w[2] == "authentication":
            strength: AuthStrength = "md5" if "md5" in w else "plain"
            if "key-chain" in w:
                strength = chains.get(w[-1], "md5")
            line = groups.get(key, (child.line, "none"))[0]
            groups[key] = (line, strength)
    for (protocol, group), (line, strength) in groups.items():
        config.adjacencies.append(Adjacency(protocol, f"{block.text} group {group}", line, strength))


def _vlan_list(words: list[str]) -> set[int]:
    """`10,20-30 40` → {10, 20, …, 30, 40}."""
    vlans: set[int] = set()
    for part in ",".join(words).split(","):
        if "-" in part:
            lo, _, hi = part.partition("-")
            if lo.isdigit() and hi.isdigit():
                vlans.update(range(int(lo), int(hi) + 1))
        elif part.isdigit():
            vlans.add(int(part))
    return vlans


def _switching(config: DeviceConfig, tree: ConfigTree) -> None:
    """DHCP snooping and ARP inspection: IOS by VLAN list; RGOS snooping on every VLAN, ARP check per port."""
    snooping = tree.first(re.compile(r"^ip dhcp snooping\s*$"))
    if snooping is None:
        return
    config.dhcp_snooping = Evidence(snooping.line, "DHCP snooping enabled")
    listed = [n for n in tree.matching(re.compile(r"^ip dhcp snooping vlan "))]
    vlans = set().union(*(_vlan_list(n.words[4:]) for n in listed)) if listed else None
    arp_vlans = set().union(*(_vlan_list(n.words[4:]) for n in tree.matching(
        re.compile(r"^ip arp inspection vlan "))))
    arp_ports = {b.line for b in tree.matching(re.compile(r"^interface \S+"))
                 if b.child_matching(re.compile(r"^arp-check\b"))}
    for iface in config.interfaces:
        vlan = iface.access_vlan
        iface.dhcp_snooping = vlans is None or (vlan is not None and vlan in vlans)
        iface.arp_inspection = (vlan is not None and vlan in arp_vlans) or iface.line in arp_ports


def _acl_uses(config: DeviceConfig, tree: ConfigTree) -> None:
    """Where ACLs are applied by name: interfaces, VTY lines, SNMP, NTP, the web server."""
    record_acl_uses(config)
    for node in tree.matching(re.compile(r"^ip http access-class \S+")):
        config.acl_uses.append((node.words[-1], "web server", node.line))
