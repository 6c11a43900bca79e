"""An independent reading of a Huawei USG ``security-policy`` as the firewall applies it.

Rules are tried in order; a rule matches when every condition it states matches (several values of one condition
are alternatives, an absent condition matches anything); the first matching rule's action decides. A packet no
rule matches is dropped (the USG's implicit default). Written from the vendor's documented semantics, not from
the renderer.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field


@dataclass
class Rule:
    name: str
    conditions: dict[str, list[str]] = field(default_factory=dict)
    action: str = ""


def read_policy(config: str) -> list[Rule]:
    """The rules of the ``security-policy`` block of a rendered configuration."""
    rules: list[Rule] = []
    inside = False
    for raw in config.splitlines():
        if raw == "security-policy":
            inside = True
            continue
        if not inside:
            continue
        if raw and not raw.startswith(" "):
            break  # the next top-level command (or `#`) ends the block
        words = raw.split()
        if raw.startswith(" rule name "):
            rules.append(Rule(words[2]))
        elif raw.startswith("  ") and words:
            if words[0] == "action":
                rules[-1].action = words[1]
            elif words[0] == "service" and words[1] == "protocol":
                rules[-1].conditions.setdefault("service", []).append(" ".join(words[2:]))
            elif words[0] in ("source-zone", "destination-zone", "source-address", "destination-address"):
                rules[-1].conditions.setdefault(words[0], []).append(" ".join(words[1:]))
    return rules


def _in(address: str, spec: str) -> bool:
    parts = spec.split()
    net = ipaddress.IPv4Network(f"{parts[0]}/{parts[2]}" if len(parts) == 3 and parts[1] == "mask"
                                else f"{parts[0]}/{parts[1]}" if len(parts) == 2 else f"{parts[0]}/32")
    return ipaddress.IPv4Address(address) in net


def _service(spec: str, proto: str, port: int) -> bool:
    words = spec.split()  # tcp destination-port 137 [to 139]
    first = int(words[2])
    last = int(words[4]) if len(words) > 4 and words[3] == "to" else first
    return words[0] == proto.lower() and first <= port <= last


def permits(rules: list[Rule], src_zone: str, dst_zone: str, src: str, dst: str, port: int, proto: str) -> bool:
    checks = {
        "source-zone": lambda v: v == src_zone,
        "destination-zone": lambda v: v == dst_zone,
        "source-address": lambda v: _in(src, v),
        "destination-address": lambda v: _in(dst, v),
        "service": lambda v: _service(v, proto, port),
    }
    for rule in rules:
        if all(any(checks[key](v) for v in values) for key, values in rule.conditions.items()):
            return rule.action == "permit"
    return False
