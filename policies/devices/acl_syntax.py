"""What an ACL entry matches, read from the two syntaxes the supported vendors write (into matching.Match).

* IOS and RGOS: ``permit|deny PROTO SRC [PORT] DST [PORT] [options]`` (extended) or ``permit|deny SRC`` (standard),
  with addresses ``any``, ``host A`` or ``A WILDCARD``;
* VRP and Comware: ``rule [N] permit|deny [PROTO] [source A W|any] [source-port OP …] [destination A W|any]
  [destination-port OP …] [options]``, basic ACLs without a protocol.

Logging keywords only log; every other option the entry carries (time ranges, ``established``, ICMP types, DSCP,
fragments, object groups …) narrows it in ways not modelled here, so the entry becomes opaque (see matching).
"""

from __future__ import annotations

from collections.abc import Sequence

from policies.devices.matching import (
    ALL_ADDRESSES,
    ALL_PORTS,
    IP,
    PORT_PROTOCOLS,
    PROTOCOL_NUMBERS,
    Match,
    Ranges,
    network_range,
    port_range,
)

LOG_WORDS = frozenset({"log", "log-input", "logging"})
_COUNTING = frozenset({"counting", "statistics", "count"})
_PORT_OPS = frozenset({"eq", "lt", "gt", "neq", "range"})


_PROTOCOL_WORDS = frozenset({"ip", "tcp", "udp", "icmp", "gre", "ospf", "igmp", "ipinip", "sctp", "esp", "ah",
                             "vrrp", "pim", "eigrp", "nos", "pcp", "ahp"})


def _protocol(word: str) -> str | None:
    """The protocol an entry names, ``ip`` (IP: every protocol) for ``ip`` and protocol 0; None when not one."""
    word = word.lower()
    if word.isdigit():
        return PROTOCOL_NUMBERS.get(word, f"proto-{word}")
    if word == "ip":
        return IP
    return word if word in _PROTOCOL_WORDS else None


class _Words:
    """A cursor over an entry's words."""

    def __init__(self, words: Sequence[str]) -> None:
        self.words = list(words)
        self.at = 0
        self.opaque = False
        self.logged = False

    def peek(self) -> str | None:
        return self.words[self.at].lower() if self.at < len(self.words) else None

    def take(self) -> str | None:
        word = self.peek()
        self.at += word is not None
        return word

    def rest_options(self) -> None:
        """The words left are options: logging is noted, anything else makes the entry opaque."""
        while (word := self.take()) is not None:
            if word in LOG_WORDS:
                self.logged = True
            elif word not in _COUNTING:
                self.opaque = True


def _ios_address(w: _Words) -> Ranges | None:
    word = w.take()
    if word is None:
        return None
    if word == "any":
        return ALL_ADDRESSES
    if word == "host":
        found = network_range(w.take() or "")
        return (found,) if found else None
    if word in ("object-group", "addrgroup"):
        w.take()
        w.opaque = True
        return ALL_ADDRESSES
    wildcard = w.peek()
    if wildcard is not None and wildcard.count(".") == 3:
        w.take()
        found = network_range(word, wildcard, "wildcard")
    else:
        found = network_range(word)
    return (found,) if found else None


def _ports(w: _Words) -> Ranges:
    op = w.peek()
    if op not in _PORT_OPS:
        return ALL_PORTS
    w.take()
    parsed = port_range(op or "", w.words[w.at:w.at + 2])
    if parsed is None:
        w.opaque = True
        w.take()
        return ALL_PORTS
    ranges, used = parsed
    w.at += used
    while op == "eq" and w.peek() is not None and port_range("eq", [w.peek() or ""]) is not None \
            and w.peek() not in LOG_WORDS:
        extra = port_range("eq", [w.take() or ""])  # IOS `eq 80 443`: several ports
        if extra:
            ranges = tuple(sorted({*ranges, *extra[0]}))
    return ranges


def ios_entry(words: Sequence[str], standard: bool) -> tuple[Match, bool]:
    """(match, logged) for the words after ``permit``/``deny`` of an IOS/RGOS ACL entry."""
    w = _Words(words)
    if standard:
        sources = _ios_address(w)
        w.rest_options()
        if sources is None:
            return Match(opaque=True), w.logged
        return Match(sources=sources, opaque=w.opaque), w.logged
    protocol = _protocol(w.take() or "")
    if protocol is None:
        return Match(opaque=True), False
    sources = _ios_address(w)
    source_ports = _ports(w) if protocol in PORT_PROTOCOLS else ALL_PORTS
    destinations = _ios_address(w)
    destination_ports = _ports(w) if protocol in PORT_PROTOCOLS else ALL_PORTS
    w.rest_options()
    if sources is None or destinations is None:
        return Match(opaque=True), w.logged
    return Match(services=((protocol, source_ports, destination_ports),), sources=sources,
                 destinations=destinations, opaque=w.opaque), w.logged


def _vrp_address(w: _Words) -> Ranges | None:
    word = w.take()
    if word is None:
        return None
    if word == "any":
        return ALL_ADDRESSES
    if word in ("object-group", "address-set", "ip-group"):
        w.take()
        w.opaque = True
        return ALL_ADDRESSES
    mask = w.peek()
    if mask is not None and (mask.count(".") == 3 or mask.isdigit()):
        w.take()
        found = network_range(word, mask, "auto")
    else:
        found = network_range(word)
    return (found,) if found else None


def vrp_rule(words: Sequence[str]) -> tuple[Match, bool]:
    """(match, logged) for the words after ``permit``/``deny`` of a VRP/Comware ``rule``."""
    w = _Words(words)
    protocol = _protocol(w.peek() or "") or IP  # basic ACLs name no protocol
    if _protocol(w.peek() or "") is not None:
        w.take()
    sources = destinations = ALL_ADDRESSES
    source_ports = destination_ports = ALL_PORTS
    while (word := w.peek()) is not None:
        if word == "source":
            w.take()
            sources = _vrp_address(w) or ()
        elif word == "destination":
            w.take()
            destinations = _vrp_address(w) or ()
        elif word == "source-port":
            w.take()
            source_ports = _ports(w)
        elif word == "destination-port":
            w.take()
            destination_ports = _ports(w)
        elif word in LOG_WORDS:
            w.take()
            w.logged = True
        elif word in _COUNTING:
            w.take()
        else:
            w.rest_options()
    if not sources or not destinations:
        return Match(opaque=True), w.logged
    if protocol not in PORT_PROTOCOLS and (source_ports != ALL_PORTS or destination_ports != ALL_PORTS):
        w.opaque = True
    return Match(services=((protocol, source_ports, destination_ports),), sources=sources,
                 destinations=destinations, opaque=w.opaque), w.logged
