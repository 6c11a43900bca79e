"""What the devices report, whatever it was read from: reachability, interface rows and LLDP neighbours.

Both sources (Prometheus's stored series and a direct SNMP poll) produce samples with snmp_exporter's metric
and label names (``ifOperStatus{ifIndex,ifName,ifDescr,ifAlias}``, ``lldpRemSysName{lldpRemLocalPortNum,
lldpLocPortId,lldpRemPortId,…}``); :func:`observations_from_samples` turns either into the same
:class:`Observations`, so the state logic never knows where its input came from.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

Sample = tuple[str, Mapping[str, str], float]
"""(metric name, labels, value)."""

UP, DOWN = 1, 2
REACHABLE = "snmp_up"
PARTIAL = "snmp_scrape_partial"
OPER_STATUS = "ifOperStatus"
PHYS_ADDRESS = "ifPhysAddress"
NEIGHBOUR = "lldpRemSysName"
PORT_ID_SUBTYPE = "lldpRemPortIdSubtype"
METRICS = (REACHABLE, PARTIAL, OPER_STATUS, NEIGHBOUR, PORT_ID_SUBTYPE)
"""The series link states are computed from (``ifPhysAddress`` too, when a neighbour names a port by MAC)."""

SUBTYPES = {1: "interfaceAlias", 2: "portComponent", 3: "macAddress", 4: "networkAddress", 5: "interfaceName",
            6: "agentCircuitId", 7: "local"}
"""LLDP-MIB LldpPortIdSubtype: how a neighbour encodes its port id."""


@dataclass(frozen=True)
class InterfaceRow:
    device: str
    if_index: int
    name: str
    descr: str
    alias: str = ""
    oper: int | None = None
    mac: str = ""


@dataclass(frozen=True)
class NeighbourRow:
    """One LLDP remote-table row of ``device``: who is seen on which of its ports."""

    device: str
    local_num: int
    local_id: str
    local_desc: str
    remote_name: str
    remote_id: str
    subtype: int | None = None
    remote_desc: str = ""
    chassis: str = ""

    @property
    def subtype_name(self) -> str:
        return SUBTYPES.get(self.subtype or 0, "unknown subtype")


@dataclass
class Observations:
    reachable: dict[str, bool] = field(default_factory=dict)
    partial: set[str] = field(default_factory=set)
    """Devices whose last poll the deadline cut short: a row they do not report may still exist."""
    interfaces: dict[str, list[InterfaceRow]] = field(default_factory=dict)
    neighbours: dict[str, list[NeighbourRow]] = field(default_factory=dict)
    source: str = ""
    taken_at: float = 0.0

    def needs_macs(self) -> set[str]:
        """Devices named by a neighbour whose port id is a MAC address (their ifPhysAddress resolves it)."""
        return {row.remote_name for rows in self.neighbours.values() for row in rows if row.subtype == 3}


def _int(text: str | None) -> int:
    try:
        return int(text or "")
    except ValueError:
        return 0


def observations_from_samples(samples: Iterable[Sample], source: str = "",
                              taken_at: float | None = None) -> Observations:
    """Group snmp_exporter-named samples by device (series of other names are ignored)."""
    reachable: dict[str, bool] = {}
    partial: set[str] = set()
    opers: dict[tuple[str, int], tuple[Mapping[str, str], float]] = {}
    macs: dict[tuple[str, int], str] = {}
    rows: dict[tuple[str, str, str, str], Mapping[str, str]] = {}
    subtypes: dict[tuple[str, str, str, str], int] = {}
    for name, labels, value in samples:
        device = labels.get("device", "")
        if not device:
            continue
        if name == REACHABLE:
            reachable[device] = reachable.get(device, True) and value >= 1
        elif name == PARTIAL and value >= 1:
            partial.add(device)
        elif name == OPER_STATUS:
            opers[(device, _int(labels.get("ifIndex")))] = (labels, value)
        elif name == PHYS_ADDRESS:
            macs[(device, _int(labels.get("ifIndex")))] = labels.get(PHYS_ADDRESS, "")
        elif name in (NEIGHBOUR, PORT_ID_SUBTYPE):
            key = (device, labels.get("lldpRemTimeMark", ""), labels.get("lldpRemLocalPortNum", ""),
                   labels.get("lldpRemIndex", ""))
            if name == NEIGHBOUR:
                rows[key] = labels
            else:
                subtypes[key] = int(value)
    interfaces: dict[str, list[InterfaceRow]] = defaultdict(list)
    for (device, index), (labels, value) in sorted(opers.items()):
        interfaces[device].append(InterfaceRow(device, index, labels.get("ifName", ""), labels.get("ifDescr", ""),
                                               labels.get("ifAlias", ""), int(value), macs.get((device, index), "")))
    neighbours: dict[str, list[NeighbourRow]] = defaultdict(list)
    for key, labels in sorted(rows.items()):
        device = key[0]
        neighbours[device].append(NeighbourRow(
            device, _int(labels.get("lldpRemLocalPortNum")), labels.get("lldpLocPortId", ""),
            labels.get("lldpLocPortDesc", ""), labels.get(NEIGHBOUR, ""), labels.get("lldpRemPortId", ""),
            subtypes.get(key), labels.get("lldpRemPortDesc", ""), labels.get("lldpRemChassisId", "")))
    return Observations(reachable, partial, dict(interfaces), dict(neighbours), source,
                        time.time() if taken_at is None else taken_at)
