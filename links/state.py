"""The state of every declared link, from what the devices report: the one definition of the link-state logic.

For each declared link (both ends' ports, named by ``yunwang.hardware``):

* ``miswired`` — an LLDP neighbour shows one end cabled to another device or port than declared (either end's
  own table names a stranger, or a third device's table names one of the ends); the reason says which;
* ``down`` — otherwise, either end's interface is not operationally up;
* ``ok`` — otherwise, an end's LLDP table names the declared peer port;
* ``missing`` — both ports up (as far as known) but no LLDP neighbour where a whole LLDP table was read;
* ``unknown`` — nothing to decide on (a device not answering or cut short by its poll's deadline, no LLDP read
  at either end). Rows a source still holds for a device that did not answer this time (Prometheus keeps the
  last minutes' rows of such a device, see :mod:`links.prometheus`) count as what it reports.

Every LLDP neighbour on a port that no declared link uses, seeing a port no declared link uses, is
``unexpected``. Port ids are matched by canonical interface name (:mod:`links.ports`) whatever their LLDP
subtype: an interface name, an alias, a local number (ifIndex) or a MAC address resolve through the far
device's own interface table when it is polled, else through its model's port names; the reason says how.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from links.declared import DeclaredLink, DeclaredNetwork, End
from links.observed import DOWN, UP, InterfaceRow, NeighbourRow, Observations
from links.ports import mac_text, spelling_note


class State(StrEnum):
    OK = "ok"
    DOWN = "down"
    MISSING = "missing"
    MISWIRED = "miswired"
    UNKNOWN = "unknown"


STATE_ZH: dict[State, str] = {State.OK: "正常", State.DOWN: "中断", State.MISSING: "未见邻居",
                              State.MISWIRED: "接错", State.UNKNOWN: "未知"}
UNEXPECTED_ZH = "意外邻居"


@dataclass(frozen=True)
class Sighting:
    """One LLDP row, resolved: at which port of which device, which far device and port it names, and how."""

    at_device: str
    at_port: int | None
    at_name: str
    device: str
    known: bool
    """The far device is one of the topology's."""
    port: int | None
    port_name: str
    note: str
    row: NeighbourRow

    def far(self) -> str:
        return f"{self.device} {self.port_name}".strip()

    def near(self) -> str:
        return f"{self.at_device} {self.at_name}".strip()


@dataclass(frozen=True)
class EndStatus:
    end: End
    reachable: bool | None
    """The device answered its last poll (None: nothing known of it)."""
    oper: int | None
    """ifOperStatus of the port (1 up, 2 down, …), None when not read."""
    lldp: bool
    """This end's whole LLDP neighbour table was read (not cut short by the poll's deadline)."""


@dataclass(frozen=True)
class LinkStatus:
    link: DeclaredLink
    state: State
    ends: tuple[EndStatus, EndStatus]
    right: tuple[Sighting, ...]
    wrong: tuple[Sighting, ...]
    reason: str
    reason_zh: str


@dataclass(frozen=True)
class Unexpected:
    sighting: Sighting
    region: str
    region_zh: str
    reason: str
    reason_zh: str


@dataclass
class LinkReport:
    links: list[LinkStatus]
    unexpected: list[Unexpected]
    source: str = ""
    taken_at: float = 0.0
    sightings: list[Sighting] = field(default_factory=list, repr=False)
    """Every LLDP neighbour reported, resolved."""
    by_id: dict[str, LinkStatus] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.by_id = {s.link.id: s for s in self.links}

    def counts(self) -> Counter[State]:
        return Counter(s.state for s in self.links)

    @property
    def all_ok(self) -> bool:
        return all(s.state == State.OK for s in self.links)

    def sightings_at(self, device: str) -> list[Sighting]:
        """Every LLDP neighbour ``device`` reports, resolved (for its device page)."""
        return [s for s in self.sightings if s.at_device == device]


class _Resolver:
    """Resolves LLDP rows against the declared network and the devices' own interface tables."""

    def __init__(self, net: DeclaredNetwork, seen: Observations) -> None:
        self.net, self.seen = net, seen
        self.names = {d.name.lower(): d.name for d in net.topology.devices}
        self.ports: dict[str, dict[int, InterfaceRow]] = {}
        for device, rows in seen.interfaces.items():
            by_port: dict[int, InterfaceRow] = {}
            for row in rows:
                port = net.port_number(device, row.name) or net.port_number(device, row.descr)
                if port is not None:
                    by_port.setdefault(port, row)
            self.ports[device] = by_port
        self.by_index = {device: {r.if_index: r for r in rows} for device, rows in seen.interfaces.items()}

    def device_name(self, reported: str) -> str | None:
        text = reported.strip().lower()
        return self.names.get(text) or self.names.get(text.split(".", 1)[0])

    def port_label(self, device: str, port: int | None, fallback: str) -> str:
        end = self.net.end(device, port) if port is not None else None
        return end.name if end is not None else fallback

    def local_port(self, row: NeighbourRow) -> int | None:
        net, device = self.net, row.device
        port = net.port_number(device, row.local_id) or net.port_number(device, row.local_desc)
        if port is None:
            itf = self.by_index.get(device, {}).get(row.local_num)
            if itf is not None:
                port = net.port_number(device, itf.name) or net.port_number(device, itf.descr)
        return port

    def remote_port(self, device: str, row: NeighbourRow) -> tuple[int | None, str]:
        """(port, how the id was understood) of the far end of ``row`` on the known ``device``."""
        net, ident, kind = self.net, row.remote_id, row.subtype_name
        polled = self.seen.interfaces.get(device, [])
        via: InterfaceRow | None = None
        if row.subtype == 3 and mac_text(ident):
            via = next((r for r in polled if r.mac and mac_text(r.mac) == mac_text(ident)), None)
        elif row.subtype == 7 and ident.strip().isdigit():
            via = self.by_index.get(device, {}).get(int(ident))
        elif row.subtype == 1:
            via = next((r for r in polled if r.alias and r.alias == ident), None)
        if via is not None:
            port = net.port_number(device, via.name) or net.port_number(device, via.descr)
            if port is not None:
                name = self.port_label(device, port, via.descr)
                return port, f"port id '{ident}' ({kind}) is {device}'s {name} (ifIndex {via.if_index})"
        for candidate, what in ((ident, f"port id ({kind})"), (row.remote_desc, "port description")):
            port = net.port_number(device, candidate)
            if port is not None:
                name = self.port_label(device, port, candidate)
                note = spelling_note(candidate, name)
                if what != f"port id ({kind})":
                    note = f"port id '{ident}' ({kind}) names no port of {device}; its {what} '{candidate}' does"
                elif row.subtype not in (5, None) and not note:
                    note = f"port id '{ident}' is sent as {kind}"
                return port, note
        return None, f"port id '{ident}' ({kind}) names no port of {device}"

    def sighting(self, row: NeighbourRow) -> Sighting:
        at_port = self.local_port(row)
        at_name = self.port_label(row.device, at_port, row.local_id or row.local_desc or f"#{row.local_num}")
        device = self.device_name(row.remote_name)
        if device is None:
            shown = row.remote_id or row.remote_desc
            return Sighting(row.device, at_port, at_name, row.remote_name or row.chassis or "?", False, None,
                            shown, "", row)
        port, note = self.remote_port(device, row)
        name = self.port_label(device, port, row.remote_id or row.remote_desc)
        return Sighting(row.device, at_port, at_name, device, True, port, name, note, row)


def _is_up(oper: int | None) -> bool:
    return oper == UP


def _end_status(end: End, net: DeclaredNetwork, seen: Observations, resolver: _Resolver) -> EndStatus:
    reachable = seen.reachable.get(end.device)
    itf = resolver.ports.get(end.device, {}).get(end.port)  # (rows of a device not answering now are recent ones)
    return EndStatus(end, reachable, itf.oper if itf is not None else None,
                     bool(reachable) and end.device in net.lldp_devices and end.device not in seen.partial)


def _declared(end: End) -> str:
    return f"{end.device} {end.name} (port {end.port})"


def _wrong_reason(s: Sighting, link: DeclaredLink, net: DeclaredNetwork) -> tuple[str, str]:
    found = net.by_end.get((s.at_device, s.at_port)) if s.at_port is not None else None
    if found is not None and found[0].id == link.id:  # one of our ends sees a stranger
        expected = link.peer_of(found[1])
        what = "another port of the right device" if s.device == expected.device else (
            "another device" if s.known else "a device not in the topology")
        far = f"{s.far()} (port {s.port})" if s.port is not None else s.far()
        text = f"{s.near()} sees {far} instead of {_declared(expected)}: {what}"
        if s.note:
            text += f" ({s.note})"
        return text, f"{s.near()} 的 LLDP 邻居是 {s.far()}，应为 {expected.device} {expected.name}"
    mine = next(e for e in (link.a, link.b) if (e.device, e.port) == (s.device, s.port))
    peer = link.peer_of(mine)
    return (f"{s.near()} sees {_declared(mine)}, which is declared to {_declared(peer)}",
            f"{s.near()} 的 LLDP 邻居是 {mine.device} {mine.name}，该端口应连接 {peer.device} {peer.name}")


def _link_status(link: DeclaredLink, net: DeclaredNetwork, seen: Observations, resolver: _Resolver,
                 at: dict[tuple[str, int], list[Sighting]], of: dict[tuple[str, int], list[Sighting]]
                 ) -> LinkStatus:
    ends = (_end_status(link.a, net, seen, resolver), _end_status(link.b, net, seen, resolver))
    right: list[Sighting] = []
    wrong: list[Sighting] = []
    for end in (link.a, link.b):
        peer = link.peer_of(end)
        for s in at.get(end.key, []):
            ok = s.device == peer.device and s.port in (peer.port, None)
            (right if ok else wrong).append(s)
        for s in of.get(end.key, []):
            if s.at_device != peer.device or s.at_port not in (peer.port, None):
                wrong.append(s)
    notes = sorted({s.note for s in right if s.note})
    if wrong:
        reasons = [_wrong_reason(s, link, net) for s in wrong]
        return LinkStatus(link, State.MISWIRED, ends, tuple(right), tuple(wrong),
                          "; ".join(r[0] for r in reasons), "；".join(r[1] for r in reasons))
    down = [e for e in ends if e.oper is not None and not _is_up(e.oper)]
    if down:
        text = "; ".join(f"{e.end} is {'down' if e.oper == DOWN else f'not up (ifOperStatus {e.oper})'}"
                         for e in down)
        return LinkStatus(link, State.DOWN, ends, tuple(right), (), text,
                          "；".join(f"{e.end} 接口中断" for e in down))
    if right:
        s = right[0]
        text = f"{s.near()} sees {s.far()}" + (f" ({'; '.join(notes)})" if notes else "")
        return LinkStatus(link, State.OK, ends, tuple(right), (), text, f"{s.near()} 的 LLDP 邻居为 {s.far()}")
    read = [e for e in ends if e.lldp and _is_up(e.oper)]
    if read:
        where = " and ".join(str(e.end) for e in read)
        return LinkStatus(link, State.MISSING, ends, (), (), f"ports up but no LLDP neighbour on {where}",
                          f"接口运行正常，但 {'、'.join(str(e.end) for e in read)} 未发现 LLDP 邻居")
    why = [_unknown_reason(e, net, seen.partial) for e in ends]
    return LinkStatus(link, State.UNKNOWN, ends, (), (), "; ".join(w[0] for w in why), "；".join(w[1] for w in why))


def _unknown_reason(e: EndStatus, net: DeclaredNetwork, partial: set[str]) -> tuple[str, str]:
    device = e.end.device
    if e.reachable is None:
        return f"nothing polled from {device}", f"未采集到 {device} 的数据"
    if not e.reachable:
        return f"{device} did not answer its last poll", f"{device} 最近一次采集无响应"
    if device in partial:
        return f"{device}'s last poll was cut short", f"{device} 最近一次采集未完成"
    if e.oper is None:
        return f"{device} reports no interface {e.end.name}", f"{device} 未报告接口 {e.end.name}"
    if device not in net.lldp_devices:
        return f"{device}'s LLDP table is not polled", f"未采集 {device} 的 LLDP 邻居表"
    return f"{e.end} is up", f"{e.end} 运行正常"


def evaluate(net: DeclaredNetwork, seen: Observations) -> LinkReport:
    """Every declared link's state and every unexpected neighbour, from one set of observations."""
    resolver = _Resolver(net, seen)
    sightings = [resolver.sighting(row) for device in sorted(seen.neighbours) for row in seen.neighbours[device]]
    at: dict[tuple[str, int], list[Sighting]] = {}
    of: dict[tuple[str, int], list[Sighting]] = {}
    for s in sightings:
        if s.at_port is not None:
            at.setdefault((s.at_device, s.at_port), []).append(s)
        if s.known and s.port is not None:
            of.setdefault((s.device, s.port), []).append(s)
    statuses = [_link_status(link, net, seen, resolver, at, of) for link in net.links]
    unexpected = []
    regions = net.topology.region_by_name
    for s in sightings:
        near_declared = s.at_port is not None and (s.at_device, s.at_port) in net.by_end
        far_declared = s.known and s.port is not None and (s.device, s.port) in net.by_end
        if near_declared or far_declared:
            continue
        region = net.topology.device_by_name[s.at_device].region
        unexpected.append(Unexpected(
            s, region, regions[region].name_zh,
            f"{s.near()} sees {s.far()}, which no declared link names" + (f" ({s.note})" if s.note else ""),
            f"{s.near()} 发现未声明的邻居 {s.far()}"))
    return LinkReport(statuses, unexpected, seen.source, seen.taken_at, sightings)
