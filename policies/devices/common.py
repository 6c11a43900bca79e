"""Pieces every vendor reader shares: ACL references, idle-timeout arithmetic, address tokens."""

from __future__ import annotations

import re

from policies.devices.model import DeviceConfig, SnmpLevel
from policies.devices.tree import ConfigTree

ADDRESS = re.compile(r"^(\d{1,3}(\.\d{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]+)$")
_ACL_CONTEXT = re.compile(
    r"\b(acl|access|access-group|access-class|access-list|filter|match|classifier|policy|community|snmp-server|snmp-agent)\b",
    re.I)


def first_address(words: list[str]) -> str | None:
    return next((w for w in words if ADDRESS.match(w)), None)


def idle_seconds(words: list[str]) -> int | None:
    """`idle-timeout M [S]` / `exec-timeout M [S]` → seconds; None when not numeric."""
    numbers = [w for w in words[1:3] if w.isdigit()]
    if not numbers:
        return None
    minutes = int(numbers[0])
    seconds = int(numbers[1]) if len(numbers) > 1 else 0
    return minutes * 60 + seconds


def snmp_level(words: list[str]) -> SnmpLevel:
    """Security level from the keywords a v3 group/user line carries (vendor spellings included)."""
    lowered = {w.lower() for w in words}
    if lowered & {"privacy", "priv", "privacy-mode"}:
        return "priv"
    if lowered & {"authentication", "auth", "authentication-mode"}:
        return "auth"
    return "noauth"


def index_acl_references(config: DeviceConfig, tree: ConfigTree) -> None:
    """Record where each ACL is referenced outside its own definition (interfaces, lines, SNMP, QoS…).

    Matching by token inside lines that mention ACL-ish keywords keeps references we do not model
    (traffic classifiers, route maps, NAT) from making an ACL look unused.
    """
    if not config.acls:
        return
    own_lines: set[int] = set()
    for acl in config.acls.values():
        own_lines.add(acl.line)
        own_lines.update(r.line for r in acl.rules)
    for node in tree.walk():
        if node.line in own_lines or not _ACL_CONTEXT.search(node.text):
            continue
        tokens = set(node.words)
        for name in config.acls:
            if name in tokens:
                config.acl_refs.setdefault(name, []).append(node.line)


_ANY_ANY_TOKENS = {"ip", "any", "source", "destination", "log", "log-input", "logging", "counting", "statistics"}


def is_any_any(match_words: list[str]) -> bool:
    """True when an ACL entry's match part (the words after permit/deny) restricts nothing."""
    return all(w.lower() in _ANY_ANY_TOKENS for w in match_words)


def record_acl_uses(config: DeviceConfig) -> None:
    """Where the facts already read apply an ACL by name: interfaces, management lines, SNMP, NTP."""
    uses = config.acl_uses
    for iface in config.interfaces:
        uses.extend((name, f"interface {iface.name}", line) for name, _direction, line in iface.acls)
    for mgmt in config.lines:
        if mgmt.acl_in:
            uses.append((mgmt.acl_in, mgmt.label, mgmt.line))
    for community in config.communities:
        if community.acl:
            uses.append((community.acl, "SNMP community", community.line))
    for entry in config.snmp_v3:
        if entry.acl:
            uses.append((entry.acl, f"SNMPv3 {entry.kind} {entry.name}", entry.line))
    for name, line in config.ntp.access_acls:
        uses.append((name, "NTP access", line))
