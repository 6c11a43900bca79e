"""Monitoring planes: which region's plane polls which regions' devices, and with how many SNMP poller shards.

Decided once from the topology, for the Pulumi plan (infra/program.py: one MonitoringPlane per plane, a poller
StatefulSet of that many shards) and for the local stack (`yunwang up` runs the same shards as processes).
"""

from __future__ import annotations

import math
from collections import Counter

from yunwang.topology import Topology, Zone, ZoneKind

DEVICES_PER_SHARD = 200
MIN_SHARDS = 2
"""Even a small region gets two poller shards: losing one pod then silences half the devices, not all."""
MAX_SHARDS = 16


def monitoring_planes(topo: Topology) -> tuple[Zone | None, dict[str, list[str]]]:
    """The management zone and, per region hosting a plane, the regions whose devices it polls.

    Every region with a security-management range hosts its own plane; regions without one are adopted by
    the first city region with a plane (else the first region with one).
    """
    zone = topo.zone_of_kind(ZoneKind.SECURITY_MANAGEMENT)
    if zone is None:
        return None, {}
    hosts = [r for r in topo.regions if zone.name in r.zones]
    if not hosts:
        return zone, {}
    adopter = next((r for r in hosts if r.kind == "city"), hosts[0]).name
    planes: dict[str, list[str]] = {r.name: [r.name] for r in hosts}
    for r in topo.regions:
        if r.name not in planes:
            planes[adopter].append(r.name)
    return zone, planes


def shards_for(devices: int) -> int:
    return max(MIN_SHARDS, min(MAX_SHARDS, math.ceil(devices / DEVICES_PER_SHARD)))


def poller_shards(topo: Topology, planes: dict[str, list[str]],
                  overrides: tuple[tuple[str, int], ...] = ()) -> dict[str, int]:
    """Plane region → its poller shards: :func:`shards_for` its devices, unless ``overrides`` names it."""
    per_region = Counter(d.region for d in topo.devices)
    shards = {name: shards_for(sum(per_region[r] for r in polled)) for name, polled in planes.items()}
    shards.update((name, n) for name, n in overrides if name in shards)
    return shards


def city_plane(topo: Topology, planes: dict[str, list[str]]) -> str | None:
    """The plane that hosts the city view and alerts the city's team: the city's own, else the first plane."""
    if not planes:
        return None
    return topo.city.name if topo.city.name in planes else next(iter(planes))
