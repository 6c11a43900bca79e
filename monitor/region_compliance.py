"""Compliance per region from the latest audit: the same weighting as ``yunwang:compliance:ratio``.

Each finding is placed in the region of what it is about — a device or host by name, an SNMP target by its
address, a plan or Kubernetes object by a region named in its id; a finding placed nowhere (stack-wide: the
access matrix, the monitoring plane) counts in every region. For every assessed clause a region scores 1
without an open finding, 0.5 with only medium or low ones, 0 with a high one; its score is the mean.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from yunwang.topology import Topology

ASSESSED = ("compliant", "partial", "non-compliant")
SCORE = {"compliant": 1.0, "partial": 0.5, "non-compliant": 0.0}


def target_region(topo: Topology, target: dict[str, Any], addresses: dict[str, str]) -> str | None:
    ident = str(target.get("id", ""))
    device = topo.device_by_name.get(ident) or topo.device_by_name.get(addresses.get(ident, ""))
    if device is not None:
        return device.region
    host = next((h for h in topo.hosts if h.name == ident), None)
    if host is not None:
        return host.region
    parts = set(re.split(r"[/:.$\s]+", ident.lower()))
    return next((r.name for r in topo.regions if r.name in parts), None)


def region_scores(topo: Topology, document: dict[str, Any] | None,
                  addresses: dict[str, str]) -> dict[str, float | None]:
    """Region → score in [0, 1], or None when the audit assessed no clause (or there is no audit)."""
    if document is None:
        return {r.name: None for r in topo.regions}
    controls = document.get("summary", {}).get("controls", {})
    assessed = [c for c, status in controls.items() if status in ASSESSED]
    if not assessed:
        return {r.name: None for r in topo.regions}
    worst: dict[str, dict[str, str]] = defaultdict(dict)  # region → clause → worst severity seen
    everywhere: dict[str, str] = {}
    for finding in document.get("findings", []):
        if finding.get("waived"):
            continue
        region = target_region(topo, finding.get("target", {}), addresses)
        severity = "high" if finding.get("severity") == "high" else "other"
        into = everywhere if region is None else worst[region]
        for clause in finding.get("clauses", []):
            if into.get(clause) != "high":
                into[clause] = severity
    out: dict[str, float | None] = {}
    for r in topo.regions:
        total = 0.0
        for clause in assessed:
            seen = {worst[r.name].get(clause), everywhere.get(clause)}
            total += 0.0 if "high" in seen else 0.5 if "other" in seen else 1.0
        out[r.name] = total / len(assessed)
    return out
