"""Guess which vendor wrote a running configuration, from markers each vendor's output always has.

VRP and Comware share most syntax (`sysname`, `#` separators, `return`); they differ in a few
commands that are characteristic enough to score: Comware's `local-user X class manage`,
`line vty`, `password hash`, `user-role`, `acl basic|advanced`; VRP's `!Software Version V…R…`,
`aaa` + ` local-user X password`, `stelnet server enable`, `traffic-filter`, `port link-type`.
"""

from __future__ import annotations

import re

from policies.devices.model import Vendor

_FAMILY_MARKERS: dict[str, list[re.Pattern[str]]] = {
    "vrp": [re.compile(p, re.M) for p in (r"^\s*sysname \S+", r"^#\s*$", r"^return\s*$")],
    "cisco": [re.compile(p, re.M) for p in (r"^hostname \S+", r"^!\s*$", r"^end\s*$",
                                            r"^version \d+\.\d+", r"^line (vty|con)")],
}

_HUAWEI = [re.compile(p, re.M) for p in (
    r"^!Software Version V\d{3}R", r"^\s+local-user \S+ password ", r"stelnet server enable",
    r"^\s*traffic-filter (inbound|outbound)", r"^\s*port link-type", r"irreversible-cipher",
    r"local-aaa-user", r"^user-interface ", r"^\s*http (secure-)?server enable", r"^firewall zone ",
    r"^\s*ssh user \S+ authentication-type",
)]
_H3C = [re.compile(p, re.M) for p in (
    r"^\s*version \d\.\d+\.\d+, (Release|ESS|Feature)", r"^local-user \S+ class (manage|network)",
    r"^line (vty|con|aux) ", r"^\s*password hash ", r"user-role network-", r"^acl (basic|advanced) ",
    r"^\s*port link-mode (bridge|route)", r"^\s*ip https? enable", r"^\s*packet-filter \S+ (inbound|outbound)",
    r"^\s*password-control ", r"^security-zone name ", r"Comware",
)]


def _score(text: str, patterns: list[re.Pattern[str]]) -> int:
    return sum(1 for p in patterns if p.search(text))


def has_config_markers(text: str) -> bool:
    """True when at least one marker of either family appears: the floor even for a forced --vendor, so a
    stray file is not audited as an empty (and therefore wholly non-compliant) configuration."""
    return any(p.search(text) for family in _FAMILY_MARKERS.values() for p in family)


def detect_vendor(text: str) -> Vendor | None:
    """The vendor, or None when the text looks like none of the supported configurations."""
    vrp = _score(text, _FAMILY_MARKERS["vrp"])
    cisco = _score(text, _FAMILY_MARKERS["cisco"])
    if max(vrp, cisco) < 2:
        return None
    if cisco > vrp:
        return "cisco"
    return "h3c" if _score(text, _H3C) > _score(text, _HUAWEI) else "huawei"
