"""What a poller would receive from a simulated device, without snmpsim or the network.

WHY: sizing the poller's /metrics for a whole city (667 devices, every module) through snmpsim takes many
minutes of simulator CPU; the recordings are the data snmpsim serves, so walking them in-process gives the
same varbinds (counters at their initial values) in a second.
"""

from __future__ import annotations

from agents.sim.snmprec import (
    TAG_COUNTER32,
    TAG_COUNTER64,
    TAG_GAUGE32,
    TAG_INTEGER,
    TAG_IPADDRESS,
    TAG_OCTETS,
    TAG_OCTETS_HEX,
    TAG_OID,
    TAG_TIMETICKS,
    Record,
)
from agents.snmp import ber

_TAGS = {TAG_INTEGER: ber.INTEGER, TAG_OCTETS: ber.OCTET_STRING, TAG_OCTETS_HEX: ber.OCTET_STRING,
         TAG_OID: ber.OBJECT_IDENTIFIER, TAG_IPADDRESS: ber.IP_ADDRESS, TAG_COUNTER32: ber.COUNTER32,
         TAG_GAUGE32: ber.GAUGE32, TAG_TIMETICKS: ber.TIMETICKS, TAG_COUNTER64: ber.COUNTER64}


def varbind(record: Record) -> ber.Varbind:
    """The varbind snmpsim answers for ``record`` (a variation's value is its ``initial=``)."""
    tag = _TAGS[record.tag]
    value = record.value
    if record.variation:
        value = dict(part.split("=", 1) for part in value.split(",")).get("initial", "0")
    body: int | bytes
    if record.tag == TAG_OCTETS_HEX:
        body = bytes.fromhex(value)
    elif record.tag == TAG_OCTETS:
        body = value.encode()
    elif record.tag == TAG_OID:
        body = ber.oid_from_text(value)
    elif record.tag == TAG_IPADDRESS:
        body = bytes(int(x) for x in value.split("."))
    else:
        body = int(value)
    return ber.encode_oid_body(record.oid), tag, body


def walk_records(records: list[Record], walk: tuple[bytes, ...], get: tuple[bytes, ...]) -> list[list[ber.Varbind]]:
    """One list per GET batch and walk root, as the poller's sinks hold them after a poll."""
    by_oid = {vb[0]: vb for vb in map(varbind, sorted(records))}
    ordered = list(by_oid.values())
    sinks = [[by_oid[oid] for oid in get if oid in by_oid]] if get else []
    sinks += [[vb for vb in ordered if vb[0].startswith(root) and vb[0] != root] for root in walk]
    return sinks
