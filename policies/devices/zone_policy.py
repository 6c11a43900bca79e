"""Read the security policy of a zone firewall: Huawei USG (`security-policy` `rule name …`, `ip address-set`,
`ip service-set`) and H3C SecPath (`security-policy ip` `rule N name …`, `object-policy ip` applied by
`zone-pair security`, `object-group ip address|service`).

Each rule becomes a :class:`PolicyRule` whose addresses and services are resolved through the named objects into a
:class:`~policies.devices.matching.Match`, so the rules can compare them (shadowing, any-to-any, high-risk ports).
Anything not understood (a time range, users, an exclusion, an unknown predefined service) makes the match opaque:
it may hide a finding, never invent one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from policies.devices.matching import (
    ALL_ADDRESSES,
    ALL_PORTS,
    ANY_SERVICE,
    IP,
    Match,
    Ranges,
    Service,
    merge,
    network_range,
    port_range,
)
from policies.devices.model import DeviceConfig, Firewall, PolicyObject, PolicyRule
from policies.devices.tree import ConfigTree, Node
from policies.devices.vrp_hardening import untrusted_zone, zone_name

# Predefined services both vendors name in rules (`service http`, `service ssh` …).
_PREDEFINED: dict[str, tuple[Service, ...]] = {
    name: tuple((protocol, ALL_PORTS, ((port, port),)) for protocol in protocols)
    for name, protocols, port in (
        ("http", ("tcp",), 80), ("https", ("tcp",), 443), ("ssh", ("tcp",), 22), ("telnet", ("tcp",), 23),
        ("ftp", ("tcp",), 21), ("smtp", ("tcp",), 25), ("pop3", ("tcp",), 110), ("imap", ("tcp",), 143),
        ("dns", ("tcp", "udp"), 53), ("snmp", ("udp",), 161), ("snmptrap", ("udp",), 162), ("ntp", ("udp",), 123),
        ("tftp", ("udp",), 69), ("syslog", ("udp",), 514), ("rdp", ("tcp",), 3389), ("ldap", ("tcp",), 389),
        ("sqlserver", ("tcp",), 1433), ("mysql", ("tcp",), 3306), ("oracle", ("tcp",), 1521),
        ("smb", ("tcp",), 445), ("netbios-session", ("tcp",), 139), ("bgp", ("tcp",), 179),
        ("radius", ("udp",), 1812), ("tacacs", ("tcp",), 49), ("vnc", ("tcp",), 5900),
    )}
_PREDEFINED.update({"icmp": (("icmp", ALL_PORTS, ALL_PORTS),), "ping": (("icmp", ALL_PORTS, ALL_PORTS),),
                    "any": ANY_SERVICE})
_NARROWING = re.compile(r"^(time-range|user|user-group|source-address-exclude|destination-address-exclude|"
                        r"access-authentication|url-category|source-ip-exclude|destination-ip-exclude|"
                        r"vrf|session-type|term|parent-group)\b")


@dataclass
class _Objects:
    """Named address and service objects, resolved (None: not understood)."""

    addresses: dict[str, Ranges | None] = field(default_factory=dict)
    services: dict[str, tuple[Service, ...] | None] = field(default_factory=dict)


def read_zone_policy(config: DeviceConfig, tree: ConfigTree) -> None:
    """Rules, objects and untrusted zones of a USG or SecPath configuration (nothing when it has no zone)."""
    fw = config.firewall
    if fw is None:
        return
    objects = _Objects()
    _read_objects(fw, tree, objects)
    fw.untrusted_zones = {z for z in _zones(tree) if untrusted_zone(z)}
    for policy in tree.matching(re.compile(r"^security-policy( ip)?\s*$")):
        for child in policy.children_matching(re.compile(r"^rule (\d+ )?name \S+")):
            fw.rules.append(_usg_or_secpath_rule(child, objects))
    applied = {n.words[-1] for n in tree.starting("object-policy", pattern=re.compile(r"^object-policy apply ip \S+"))}
    for block in tree.matching(re.compile(r"^object-policy ip \S+")):
        name = block.words[2]
        fw.objects.append(PolicyObject("policy", name, block.line, used=name in applied))
        for child in block.children_matching(re.compile(r"^rule (\d+ )?(pass|drop|inspect) ")):
            fw.rules.append(_object_policy_rule(name, child, objects))
    _mark_used(fw, tree)


def _zones(tree: ConfigTree) -> list[str]:
    return [zone_name(b.words) for b in tree.matching(re.compile(r"^(firewall zone|security-zone name) \S+"))]


def _address(words: list[str]) -> Ranges | None:
    """`A mask M`, `A M`, `A/len`, `A len`, `range A B`, `subnet A M`, `host [address] A`, `any`."""
    words = [w for w in words if w not in ("address", "network", "mask", "subnet", "host", "wildcard")]
    if not words:
        return None
    if words[0] == "any":
        return ALL_ADDRESSES
    if words[0] == "range" and len(words) > 2:
        lo, hi = network_range(words[1]), network_range(words[2])
        return merge([(lo[0], hi[1])]) if lo and hi else None
    if "/" in words[0]:
        base, _, bits = words[0].partition("/")
        found = network_range(base, bits, "mask")
    else:
        found = network_range(words[0], words[1] if len(words) > 1 else None, "mask")
    return (found,) if found else None


def _service_words(words: list[str]) -> tuple[Service, ...] | None:
    """`protocol tcp [source-port A [to B]] destination-port C [to D]` (USG) or `tcp [source OP …] [destination
    OP …]` (SecPath) → services; None when not understood."""
    words = [w.lower() for w in words if w.lower() != "protocol"]
    if not words:
        return None
    protocol = words[0] if not words[0].isdigit() else {"6": "tcp", "17": "udp", "1": "icmp"}.get(words[0])
    if protocol is None:
        return None
    source: Ranges = ALL_PORTS
    destination: Ranges = ALL_PORTS
    rest = words[1:]
    i = 0
    while i < len(rest):
        key = rest[i]
        if key in ("source-port", "destination-port") and i + 1 < len(rest):
            spans = i + 3 < len(rest) and rest[i + 2] == "to"
            lo, hi = rest[i + 1], rest[i + 3] if spans else rest[i + 1]
            if not (lo.isdigit() and hi.isdigit()):
                return None
            ranges = merge([(int(lo), int(hi))])
            source, destination = (ranges, destination) if key == "source-port" else (source, ranges)
            i += 4 if spans else 2
        elif key in ("source", "destination") and i + 1 < len(rest):
            parsed = port_range(rest[i + 1], rest[i + 2:i + 4])
            if parsed is None:
                return None
            ranges, used = parsed
            source, destination = (ranges, destination) if key == "source" else (source, ranges)
            i += 2 + used
        else:
            return None
    return ((IP if protocol == "ip" else protocol, source, destination),)


def _read_objects(fw: Firewall, tree: ConfigTree, objects: _Objects) -> None:
    for block in tree.matching(re.compile(r"^(ip address-set|object-group ip address) \S+")):
        name = block.words[2] if block.words[0] == "ip" else block.words[3]
        ranges: list[tuple[int, int]] = []
        understood = True
        for child in block.children:
            w = child.words[1:] if child.words[0] in ("address",) or child.words[0].isdigit() else child.words
            if w and w[0].isdigit():
                w = w[1:]  # USG `address 0 …`: the entry's number
            if child.words[0] == "description":
                continue
            found = _address(w)
            if found is None:
                understood = False
            else:
                ranges.extend(found)
        objects.addresses[name] = merge(ranges) if understood else None
        fw.objects.append(PolicyObject("address", name, block.line))
    for block in tree.matching(re.compile(r"^(ip service-set|object-group service) \S+")):
        name = block.words[2]
        services: list[Service] = []
        known = True
        for child in block.children:
            w = child.words[1:] if child.words[0].isdigit() else child.words
            if w and w[0] == "service":
                w = w[1:]
                if w and w[0].isdigit():
                    w = w[1:]
            if w and w[0] == "description":
                continue
            parsed = _service_words(w)
            if parsed is None:
                known = False
            else:
                services.extend(parsed)
        objects.services[name] = tuple(services) if known else None
        fw.objects.append(PolicyObject("service", name, block.line))


def _named_address(objects: _Objects, name: str) -> Ranges | None:
    return objects.addresses.get(name) if name in objects.addresses else None


def _named_service(objects: _Objects, name: str) -> tuple[Service, ...] | None:
    if name in objects.services:
        return objects.services[name]
    return _PREDEFINED.get(name.lower())


@dataclass
class _RuleParts:
    sources: list[tuple[int, int]] = field(default_factory=list)
    destinations: list[tuple[int, int]] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    opaque: bool = False

    def match(self) -> Match:
        return Match(services=tuple(self.services) or ANY_SERVICE,
                     sources=merge(self.sources) if self.sources else ALL_ADDRESSES,
                     destinations=merge(self.destinations) if self.destinations else ALL_ADDRESSES,
                     opaque=self.opaque)

    def add_address(self, side: str, ranges: Ranges | None) -> None:
        if ranges is None:
            self.opaque = True
        else:
            (self.sources if side == "source" else self.destinations).extend(ranges)

    def add_service(self, services: tuple[Service, ...] | None) -> None:
        if services is None:
            self.opaque = True
        else:
            self.services.extend(services)


def _usg_or_secpath_rule(node: Node, objects: _Objects) -> PolicyRule:
    """One `rule name X` (USG) / `rule N name X` (SecPath) block."""
    w = node.words
    name = w[w.index("name") + 1]
    parts = _RuleParts()
    action = "deny"
    source_zones: list[str] = []
    destination_zones: list[str] = []
    applications: list[str] = []
    logged = False
    enabled = True
    for child in node.children:
        cw = child.words
        key = cw[0]
        if key == "action" and len(cw) > 1:
            action = "permit" if cw[1] in ("permit", "pass") else "deny"
        elif key == "source-zone":
            source_zones += cw[1:]
        elif key == "destination-zone":
            destination_zones += cw[1:]
        elif key in ("source-address", "destination-address", "source-ip", "destination-ip", "source-ip-host",
                     "destination-ip-host", "source-ip-subnet", "destination-ip-subnet", "source-ip-range",
                     "destination-ip-range"):
            side = "source" if key.startswith("source") else "destination"
            if (len(cw) > 2 and cw[1] == "address-set") or key in ("source-ip", "destination-ip"):
                parts.add_address(side, _named_address(objects, cw[-1]))
            else:
                parts.add_address(side, _address(cw[1:] if not key.endswith("-range") else ["range", *cw[1:]]))
        elif key == "service" and len(cw) > 1:
            parts.add_service(_service_words(cw[1:]) if cw[1] == "protocol" else _named_service(objects, cw[1]))
        elif key == "service-port" and len(cw) > 1:
            parts.add_service(_service_words(cw[1:]))
        elif key in ("application", "app-group", "app"):
            applications.append(" ".join(cw[1:]))
        elif child.text in ("policy logging", "session logging", "logging enable", "logging"):
            logged = True
        elif child.text == "disable":
            enabled = False
        elif _NARROWING.match(child.text):
            parts.opaque = True
    return PolicyRule(name, node.line, action, parts.match(), tuple(source_zones),  # type: ignore[arg-type]
                      tuple(destination_zones), tuple(applications), logged, enabled)


def _object_policy_rule(policy: str, node: Node, objects: _Objects) -> PolicyRule:
    """`rule [N] pass|drop [source-ip X] [destination-ip Y] [service Z] [logging] …` inside an object policy."""
    w = node.words[1:]
    if w and w[0].isdigit():
        w = w[1:]
    parts = _RuleParts()
    action = "permit" if w[0] == "pass" else "deny"
    logged = False
    i = 1
    while i < len(w):
        key = w[i]
        value = w[i + 1] if i + 1 < len(w) else ""
        if key in ("source-ip", "destination-ip"):
            parts.add_address("source" if key == "source-ip" else "destination", _named_address(objects, value))
            i += 2
        elif key == "service":
            parts.add_service(_named_service(objects, value))
            i += 2
        elif key == "logging":
            logged = True
            i += 1
        elif key == "counting":
            i += 1
        else:
            parts.opaque = True
            i += 1
    return PolicyRule(f"{policy} rule {node.words[1]}", node.line, action, parts.match(),  # type: ignore[arg-type]
                      logged=logged, policy=policy)


def _mark_used(fw: Firewall, tree: ConfigTree) -> None:
    """An address or service object is used when its name appears in any line outside its own definition."""
    names = {o.name for o in fw.objects if o.kind != "policy"}
    if not names:
        return
    own: set[int] = set()
    for block in tree.matching(re.compile(r"^(ip address-set|ip service-set|object-group) \S+")):
        own.update(n.line for n in block.walk())
    used: set[str] = set()
    for node in tree.walk():
        if node.line in own:
            continue
        used.update(names.intersection(node.words))
    for obj in fw.objects:
        if obj.kind != "policy":
            obj.used = obj.name in used
