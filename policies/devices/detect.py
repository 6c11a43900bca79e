"""Guess which vendor wrote a running configuration, from the markers each registered reader declares.

The family whose markers match most wins (at least two must match); a tie between families goes to the family
of the earlier vendor in :class:`Vendor` order. Inside the family the vendor whose own markers match most wins,
and a tie goes to the family's fallback vendor (Huawei for VRP/Comware, Cisco for IOS-like syntax).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from policies.devices.registry import DeviceReader, families, readers
from yunwang.contracts.vendors import Vendor

MIN_FAMILY_MARKERS = 2


def _score(text: str, patterns: Iterable[re.Pattern[str]]) -> int:
    return sum(1 for p in patterns if p.search(text))


def has_config_markers(text: str) -> bool:
    """True when at least one marker of any family appears: the floor even for a forced --vendor, so a stray file
    is not audited as an empty (and therefore wholly non-compliant) configuration."""
    return any(p.search(text) for family in families() for p in family.markers)


def detect_vendor(text: str) -> Vendor | None:
    """The vendor, or None when the text looks like none of the supported configurations."""
    scores = {family.name: _score(text, family.markers) for family in families()}
    if not scores or max(scores.values()) < MIN_FAMILY_MARKERS:
        return None
    best = max(scores.values())
    family_name = next(name for name, score in scores.items() if score == best)  # families() is in vendor order
    candidates = [r for r in readers().values() if r.family.name == family_name]
    return max(candidates, key=lambda r: _vendor_key(text, r)).vendor


def _vendor_key(text: str, reader: DeviceReader) -> tuple[int, bool]:
    return _score(text, reader.markers), reader.vendor == reader.family.fallback
