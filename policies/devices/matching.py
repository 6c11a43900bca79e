"""What a packet filter entry matches, as sets of addresses, protocols and ports, so one entry can be compared
with another: an ACL line or a firewall policy rule that an earlier one covers can never take effect.

WHY a small interval model instead of a packet-filter library: every vendor's syntax reduces to the same few
dimensions (protocol, source and destination addresses, source and destination ports); each is a union of integer
ranges, and "earlier covers later" is range containment in every dimension. A dimension the reader could not
understand (a non-contiguous wildcard, an object it cannot resolve, an option such as ``established`` or a time
range) makes the entry *opaque*: opaque entries are never said to cover or be covered, so an unknown construct
can hide a finding but never invent one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Ranges = tuple[tuple[int, int], ...]
"""Sorted, merged, inclusive integer ranges."""

ALL_ADDRESSES: Ranges = ((0, 2**32 - 1),)
ALL_PORTS: Ranges = ((0, 65535),)
IP = "ip"  # the protocol wildcard: every IP protocol
PORT_PROTOCOLS = frozenset({"tcp", "udp", "sctp"})
PROTOCOL_NUMBERS = {"1": "icmp", "6": "tcp", "17": "udp", "47": "gre", "89": "ospf", "0": IP, "4": "ipinip",
                    "50": "esp", "51": "ah", "112": "vrrp", "132": "sctp"}

# Where a well-known port is written by name (IOS `eq www`, VRP `destination-port eq telnet`).
PORT_NAMES = {
    "ftp-data": 20, "ftp": 21, "ssh": 22, "telnet": 23, "smtp": 25, "domain": 53, "dns": 53, "tftp": 69,
    "bootps": 67, "bootpc": 68, "finger": 79, "www": 80, "http": 80, "www-http": 80, "pop3": 110, "sunrpc": 111,
    "ident": 113, "ntp": 123, "netbios-ns": 137, "netbios-dgm": 138, "netbios-ssn": 139, "imap": 143,
    "snmp": 161, "snmptrap": 162, "bgp": 179, "ldap": 389, "https": 443, "microsoft-ds": 445, "smb": 445,
    "syslog": 514, "rdp": 3389, "ms-wbt-server": 3389, "mysql": 3306, "ms-sql-s": 1433, "mssql": 1433,
    "oracle": 1521, "postgresql": 5432, "vnc": 5900, "redis": 6379,
}


def merge(ranges: Iterable[tuple[int, int]]) -> Ranges:
    """Sort and join overlapping or adjacent ranges."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return tuple(out)


def covers(outer: Ranges, inner: Ranges) -> bool:
    """True when every value of ``inner`` is in ``outer`` (both merged)."""
    i = 0
    for lo, hi in inner:
        while i < len(outer) and outer[i][1] < lo:
            i += 1
        if i == len(outer) or not (outer[i][0] <= lo and hi <= outer[i][1]):
            return False
    return True


def overlaps(a: Ranges, b: Ranges) -> bool:
    return any(lo <= bhi and blo <= hi for lo, hi in a for blo, bhi in b)


def _ipv4(text: str) -> int | None:
    """Dotted-quad text → integer (None when not an IPv4 address); ipaddress costs ten times more per call."""
    parts = text.split(".")
    if len(parts) != 4 or not all(p.isascii() and p.isdigit() and len(p) <= 3 for p in parts):
        return None
    a, b, c, d = (int(p) for p in parts)
    if a > 255 or b > 255 or c > 255 or d > 255:
        return None
    return (a << 24) | (b << 16) | (c << 8) | d


def network_range(address: str, mask: str | None = None, kind: str = "auto") -> tuple[int, int] | None:
    """``10.1.0.0`` with a mask (``255.255.0.0``), a prefix length (``16``) or a wildcard (``0.0.255.255``) → (first,
    last). ``kind`` says how to read the mask: ``mask``, ``wildcard``, or ``auto`` (the form tells: VRP and Comware
    accept either, and ``0`` is a host). None when the text is not an address or the wildcard is not contiguous
    (``0.0.255.0`` selects no single range)."""
    base = _ipv4(address)
    if base is None:
        return None
    if mask is None:
        return base, base
    if mask == "0" and kind != "mask":
        return (base, base) if base else (0, 2**32 - 1)  # wildcard 0: the host; `0.0.0.0 0`: every address
    if mask.isdigit():
        bits = int(mask)
        if bits > 32:
            return None
        host = (1 << (32 - bits)) - 1
    else:
        value = _ipv4(mask)
        if value is None:
            return None
        inverted = ~value & 0xFFFFFFFF
        if kind == "wildcard" or (kind == "auto" and (value == 0 or inverted & (inverted + 1) != 0)):
            host = value
        else:
            host = inverted
        if host & (host + 1):  # not of the form 0…01…1
            return None
    first = base & ~host & 0xFFFFFFFF
    return first, first | host


Service = tuple[str, Ranges, Ranges]
"""(protocol, source ports, destination ports); ports are ALL_PORTS for protocols without ports."""
ANY_SERVICE: tuple[Service, ...] = ((IP, ALL_PORTS, ALL_PORTS),)


def _protocol_covers(outer: str, inner: str) -> bool:
    return outer in (IP, inner)


def services_cover(outer: Sequence[Service], inner: Sequence[Service]) -> bool:
    """Every (protocol, ports) ``inner`` allows, one ``outer`` entry allows too; entries of one protocol that
    restrict only destination ports are joined first (tcp 1-100 and tcp 101-200 cover tcp 50-150)."""
    joined: dict[str, Ranges] = {}
    for protocol, source_ports, destination_ports in outer:
        if source_ports == ALL_PORTS:
            joined[protocol] = merge([*joined.get(protocol, ()), *destination_ports])
    for protocol, source_ports, destination_ports in inner:
        if any(_protocol_covers(p, protocol) and covers(sp, source_ports) and covers(dp, destination_ports)
               for p, sp, dp in outer):
            continue
        if protocol != IP and covers(joined.get(protocol, ()), destination_ports) and source_ports == ALL_PORTS:
            continue
        return False
    return True


@dataclass(frozen=True)
class Match:
    """What one filter entry matches; ``opaque`` when part of it was not understood (never compared then)."""

    services: tuple[Service, ...] = ANY_SERVICE
    sources: Ranges = ALL_ADDRESSES
    destinations: Ranges = ALL_ADDRESSES
    opaque: bool = False

    def covers(self, other: Match) -> bool:
        """Every packet ``other`` matches, this matches too (False when either is opaque)."""
        if self.opaque or other.opaque:
            return False
        return (covers(self.sources, other.sources) and covers(self.destinations, other.destinations)
                and services_cover(self.services, other.services))

    @property
    def any_service(self) -> bool:
        return any(p == IP for p, _sp, _dp in self.services)

    @property
    def any_any(self) -> bool:
        """Matches every packet: any protocol, from any address to any address."""
        return (not self.opaque and self.any_service and self.sources == ALL_ADDRESSES
                and self.destinations == ALL_ADDRESSES)

    def allows_port(self, protocol: str, port: int) -> bool:
        """True when a packet of ``protocol`` to destination ``port`` is among what this matches."""
        return any(_protocol_covers(p, protocol) and covers(dp, ((port, port),)) for p, _sp, dp in self.services)


def port_range(op: str, values: Sequence[str]) -> tuple[Ranges, int] | None:
    """(ranges, words consumed after the operator) for ``eq P [P…]``, ``range A B``, ``lt P``, ``gt P``, ``neq P``."""
    def number(text: str) -> int | None:
        if text.isdigit():
            return int(text)
        return PORT_NAMES.get(text.lower())

    if op == "range" and len(values) >= 2:
        lo, hi = number(values[0]), number(values[1])
        return (merge([(lo, hi)]), 2) if lo is not None and hi is not None else None
    if not values:
        return None
    value = number(values[0])
    if value is None:
        return None
    if op == "eq":
        return ((value, value),), 1
    if op == "lt":
        return (((0, value - 1),) if value > 0 else ()), 1
    if op == "gt":
        return (((value + 1, 65535),) if value < 65535 else ()), 1
    if op == "neq":
        return merge([(0, value - 1), (value + 1, 65535)]), 1
    return None


def shadowing(entries: Sequence[Match]) -> dict[int, int]:
    """For each entry fully covered by an earlier one: its index → the index of the first earlier entry that covers
    it. Pairwise containment only (a union of several earlier entries covering a later one is not reported)."""
    found: dict[int, int] = {}
    for later_index, later in enumerate(entries):
        if later.opaque:
            continue
        for earlier_index in range(later_index):
            if entries[earlier_index].covers(later):
                found[later_index] = earlier_index
                break
    return found
