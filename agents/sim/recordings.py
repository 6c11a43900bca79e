"""Build one device's snmprec recording from the topology.

Everything a poller or auditor reads must agree with the topology: sysName is the device name, ifNumber
counts its interfaces, LLDP neighbours are exactly its links (remote sysName, port name and description as
the peer device itself reports them), and traffic counters advance at a rate that fits the link speed.
A :class:`~agents.sim.wiring.Wiring` other than the declared one (a test recabling the fleet) changes what the
cables join: LLDP rows and port state follow the cables, port descriptions (ifAlias) stay as configured.
Values are derived from a hash of the device name, so regenerating gives the same file (snmpsim keeps its
index as long as the file does not change).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property

from agents.sim.snmprec import (
    TAG_COUNTER32,
    TAG_COUNTER64,
    TAG_GAUGE32,
    TAG_INTEGER,
    TAG_OCTETS_HEX,
    TAG_OID,
    TAG_TIMETICKS,
    Oid,
    Record,
    counter,
    octets,
    oid,
)
from agents.sim.wiring import Wiring
from yunwang.hardware import ModelProfile, profile_for
from yunwang.topology import Device, DeviceRole, Topology

SYSTEM = oid("1.3.6.1.2.1.1")
IF_NUMBER = oid("1.3.6.1.2.1.2.1.0")
IF_ENTRY = oid("1.3.6.1.2.1.2.2.1")
IFX_ENTRY = oid("1.3.6.1.2.1.31.1.1.1")
ENT_PHYSICAL_ENTRY = oid("1.3.6.1.2.1.47.1.1.1.1")
HUAWEI_ENTITY_STATE = oid("1.3.6.1.4.1.2011.5.25.31.1.1.1.1")
H3C_ENTITY_STATE = oid("1.3.6.1.4.1.25506.2.6.1.1.1.1")
LLDP_LOCAL = oid("1.0.8802.1.1.2.1.3")
LLDP_REM_ENTRY = oid("1.0.8802.1.1.2.1.4.1.1")

ETHERNET, LOOPBACK, OTHER = 6, 24, 1
UP, DOWN = 1, 2
VENDOR_ENTERPRISE = {"huawei": "2011", "h3c": "25506", "ruijie": "4881", "cisco": "9"}
MANUFACTURER = {"huawei": "Huawei Technologies Co., Ltd.", "h3c": "New H3C Technologies Co., Ltd.",
                "ruijie": "Ruijie Networks Co., Ltd.", "cisco": "Cisco Systems, Inc."}


def stable(device: str, key: str, low: int, high: int) -> int:
    """A number in [low, high] fixed by (device, key): same on every run and machine."""
    digest = hashlib.sha1(f"{device}/{key}".encode()).digest()
    return low + int.from_bytes(digest[:8], "big") % (high - low + 1)


@dataclass(frozen=True)
class Neighbour:
    device: str
    port: int
    bandwidth_mbps: int
    lldp: bool = True
    port_name: str = ""
    """Set for a device outside the topology (a stranger): the port id it sends."""


@dataclass(frozen=True)
class Interface:
    index: int
    descr: str
    name: str
    if_type: int
    speed_mbps: int
    oper_up: bool
    alias: str
    neighbour: Neighbour | None


class FleetView:
    """Per-topology lookups shared by every device's recording (links by port, interface names)."""

    def __init__(self, topology: Topology, wiring: Wiring | None = None) -> None:
        self.topology = topology
        self.declared: dict[tuple[str, int], Neighbour] = {}
        for link in topology.links:
            self.declared[(link.a.device, link.a.port)] = Neighbour(link.b.device, link.b.port, link.bandwidth_mbps)
            self.declared[(link.b.device, link.b.port)] = Neighbour(link.a.device, link.a.port, link.bandwidth_mbps)
        self.links = self.declared
        if wiring is not None:
            self.links = {}
            for cable in wiring.cables:
                for near, far in ((cable.a, cable.b), (cable.b, cable.a)):
                    self.links[near] = Neighbour(far[0], far[1], cable.bandwidth_mbps, cable.lldp)
            for stranger in wiring.strangers:
                self.links[stranger.at] = Neighbour(stranger.name, 0, 1000, True, stranger.port)

    def port_names(self, device: Device, port: int) -> tuple[str, str, int]:
        return profile_for(device).port(port, device.interfaces)

    def interfaces(self, device: Device) -> list[Interface]:
        """Physical ports 1..N at ifIndex 1..N (= LLDP local port numbers), then logical interfaces."""
        out: list[Interface] = []
        for port in range(1, device.interfaces + 1):
            descr, name, nominal = self.port_names(device, port)
            peer = self.links.get((device.name, port))
            planned = self.declared.get((device.name, port))
            alias = ""  # the configured description: the declared peer, wherever the cable really goes
            if planned is not None:
                far = self.topology.device_by_name[planned.device]
                alias = f"to {planned.device} {self.port_names(far, planned.port)[1]}"
            if peer is not None:
                out.append(Interface(port, descr, name, ETHERNET, peer.bandwidth_mbps, True, alias, peer))
            elif planned is not None:  # a declared port whose cable was pulled
                out.append(Interface(port, descr, name, ETHERNET, planned.bandwidth_mbps, False, alias, None))
            else:
                # unlinked ports: user ports on access switches are mostly up, spare ports elsewhere down
                busy = 70 if device.role == DeviceRole.ACCESS else 25
                up = stable(device.name, f"up{port}", 1, 100) <= busy
                out.append(Interface(port, descr, name, ETHERNET, nominal, up, "", None))
        for offset, (name, if_type) in enumerate(profile_for(device).logical, start=1):
            out.append(Interface(device.interfaces + offset, name, name, if_type, 0, True, "", None))
        return out


def _mac(device: str, index: int) -> str:
    head = hashlib.sha1(device.encode()).digest()[:4]
    return (bytes([0x00, 0xE0]) + head).hex() if index == 0 else (bytes([0x02]) + head + bytes([index % 256])).hex()


def _row(base: Oid, column: int, *index: int) -> Oid:
    return (*base, column, *index)


@dataclass
class DeviceRecording:
    fleet: FleetView
    device: Device

    @cached_property
    def profile(self) -> ModelProfile:
        return profile_for(self.device)

    @cached_property
    def interfaces(self) -> list[Interface]:
        return self.fleet.interfaces(self.device)

    def records(self) -> list[Record]:
        return [*self.system(), *self.if_table(), *self.ifx_table(), *self.entity(), *self.vendor_entity(),
                *self.lldp()]

    def system(self) -> list[Record]:
        d, p = self.device, self.profile
        days = stable(d.name, "uptime", 3, 400)
        return [
            octets((*SYSTEM, 1, 0), p.descr.format(model=d.model)),
            Record((*SYSTEM, 2, 0), TAG_OID, p.sys_object_id),
            Record((*SYSTEM, 3, 0), TAG_TIMETICKS, f"initial={days * 8_640_000},rate=100", "numeric"),
            octets((*SYSTEM, 4, 0), "noc@luan.gov.example"),
            octets((*SYSTEM, 5, 0), d.name),
            octets((*SYSTEM, 6, 0), d.site or d.region),
            Record((*SYSTEM, 7, 0), TAG_INTEGER, str(p.services)),
        ]

    def _rates(self, itf: Interface) -> tuple[float, float]:
        """Octets per second in and out: 1–30 % of the speed on busy ports."""
        if not itf.oper_up or itf.if_type != ETHERNET:
            return 0.0, 0.0
        bytes_per_s = itf.speed_mbps * 1_000_000 / 8
        return (bytes_per_s * stable(self.device.name, f"in{itf.index}", 1, 30) / 100,
                bytes_per_s * stable(self.device.name, f"out{itf.index}", 1, 30) / 100)

    def if_table(self) -> list[Record]:
        out = [Record(IF_NUMBER, TAG_INTEGER, str(len(self.interfaces)))]
        for itf in self.interfaces:
            i, name = itf.index, self.device.name
            rate_in, rate_out = self._rates(itf)
            start_in, start_out = stable(name, f"c-in{i}", 0, 2**31), stable(name, f"c-out{i}", 0, 2**31)
            speed_bps = min(itf.speed_mbps * 1_000_000, 2**32 - 1)
            status = UP if itf.oper_up else DOWN
            out += [
                Record(_row(IF_ENTRY, 1, i), TAG_INTEGER, str(i)),
                octets(_row(IF_ENTRY, 2, i), itf.descr),
                Record(_row(IF_ENTRY, 3, i), TAG_INTEGER, str(itf.if_type)),
                Record(_row(IF_ENTRY, 4, i), TAG_INTEGER, "1500"),
                Record(_row(IF_ENTRY, 5, i), TAG_GAUGE32, str(speed_bps)),
                Record(_row(IF_ENTRY, 6, i), TAG_OCTETS_HEX, _mac(name, i) if itf.if_type == ETHERNET else ""),
                Record(_row(IF_ENTRY, 7, i), TAG_INTEGER, str(UP)),
                Record(_row(IF_ENTRY, 8, i), TAG_INTEGER, str(status)),
                Record(_row(IF_ENTRY, 9, i), TAG_TIMETICKS, str(stable(name, f"chg{i}", 0, 8_640_000))),
                counter(_row(IF_ENTRY, 10, i), TAG_COUNTER32, start_in, rate_in),
                counter(_row(IF_ENTRY, 11, i), TAG_COUNTER32, start_in // 700, rate_in / 700),
                Record(_row(IF_ENTRY, 13, i), TAG_COUNTER32, "0"),
                Record(_row(IF_ENTRY, 14, i), TAG_COUNTER32, str(stable(name, f"err{i}", 0, 3))),
                counter(_row(IF_ENTRY, 16, i), TAG_COUNTER32, start_out, rate_out),
                counter(_row(IF_ENTRY, 17, i), TAG_COUNTER32, start_out // 700, rate_out / 700),
                Record(_row(IF_ENTRY, 19, i), TAG_COUNTER32, "0"),
                Record(_row(IF_ENTRY, 20, i), TAG_COUNTER32, "0"),
            ]
        return out

    def ifx_table(self) -> list[Record]:
        out: list[Record] = []
        for itf in self.interfaces:
            i, name = itf.index, self.device.name
            rate_in, rate_out = self._rates(itf)
            hc_in, hc_out = stable(name, f"hc-in{i}", 0, 2**40), stable(name, f"hc-out{i}", 0, 2**40)
            out += [
                octets(_row(IFX_ENTRY, 1, i), itf.name),
                counter(_row(IFX_ENTRY, 2, i), TAG_COUNTER32, 0, rate_in / 50_000),
                counter(_row(IFX_ENTRY, 3, i), TAG_COUNTER32, 0, rate_in / 20_000),
                counter(_row(IFX_ENTRY, 4, i), TAG_COUNTER32, 0, rate_out / 50_000),
                counter(_row(IFX_ENTRY, 5, i), TAG_COUNTER32, 0, rate_out / 20_000),
                counter(_row(IFX_ENTRY, 6, i), TAG_COUNTER64, hc_in, rate_in),
                counter(_row(IFX_ENTRY, 7, i), TAG_COUNTER64, hc_in // 700, rate_in / 700),
                counter(_row(IFX_ENTRY, 8, i), TAG_COUNTER64, 0, rate_in / 50_000),
                counter(_row(IFX_ENTRY, 9, i), TAG_COUNTER64, 0, rate_in / 20_000),
                counter(_row(IFX_ENTRY, 10, i), TAG_COUNTER64, hc_out, rate_out),
                counter(_row(IFX_ENTRY, 11, i), TAG_COUNTER64, hc_out // 700, rate_out / 700),
                counter(_row(IFX_ENTRY, 12, i), TAG_COUNTER64, 0, rate_out / 50_000),
                counter(_row(IFX_ENTRY, 13, i), TAG_COUNTER64, 0, rate_out / 20_000),
                Record(_row(IFX_ENTRY, 14, i), TAG_INTEGER, "1"),
                Record(_row(IFX_ENTRY, 15, i), TAG_GAUGE32, str(itf.speed_mbps)),
                Record(_row(IFX_ENTRY, 16, i), TAG_INTEGER, "2"),
                Record(_row(IFX_ENTRY, 17, i), TAG_INTEGER, "1" if itf.if_type == ETHERNET else "2"),
                octets(_row(IFX_ENTRY, 18, i), itf.alias),
                Record(_row(IFX_ENTRY, 19, i), TAG_TIMETICKS, "0"),
            ]
        return out

    def entities(self) -> list[tuple[int, int, int, str, str]]:
        """(entPhysicalIndex, class, contained-in, descr, name): chassis, main board, fan, power supply."""
        base = 67108867 if self.profile.entity == "huawei" else 1
        d = self.device
        return [
            (base, 3, 0, f"{d.model} chassis", d.model),
            (base + 6, 9, base, "Main processing unit", "MPU 0/1" if self.profile.entity else "Supervisor 0"),
            (base + 12, 7, base, "Fan module", "FAN 1"),
            (base + 18, 6, base, "Power supply", "PWR 1"),
        ]

    def entity(self) -> list[Record]:
        out: list[Record] = []
        d = self.device
        enterprise = VENDOR_ENTERPRISE[d.vendor.value]
        for index, klass, parent, descr, name in self.entities():
            serial = f"21{stable(d.name, f'sn{index}', 10**9, 10**10 - 1)}"
            out += [
                octets(_row(ENT_PHYSICAL_ENTRY, 2, index), descr),
                Record(_row(ENT_PHYSICAL_ENTRY, 3, index), TAG_OID, f"1.3.6.1.4.1.{enterprise}.3.{klass}"),
                Record(_row(ENT_PHYSICAL_ENTRY, 4, index), TAG_INTEGER, str(parent)),
                Record(_row(ENT_PHYSICAL_ENTRY, 5, index), TAG_INTEGER, str(klass)),
                Record(_row(ENT_PHYSICAL_ENTRY, 6, index), TAG_INTEGER, "-1" if parent == 0 else "1"),
                octets(_row(ENT_PHYSICAL_ENTRY, 7, index), name),
                octets(_row(ENT_PHYSICAL_ENTRY, 11, index), serial),
                octets(_row(ENT_PHYSICAL_ENTRY, 12, index), MANUFACTURER[d.vendor.value]),
                octets(_row(ENT_PHYSICAL_ENTRY, 13, index), d.model if klass == 3 else ""),
                Record(_row(ENT_PHYSICAL_ENTRY, 16, index), TAG_INTEGER, "2" if klass == 3 else "1"),
            ]
        return out

    def vendor_entity(self) -> list[Record]:
        """CPU %, memory % and temperature °C of every entity (0 where the part has none, as real devices do)."""
        style = self.profile.entity
        if not style:
            return []
        base, (cpu_col, mem_col, temp_col) = ((HUAWEI_ENTITY_STATE, (5, 7, 11)) if style == "huawei"
                                               else (H3C_ENTITY_STATE, (6, 8, 12)))
        out: list[Record] = []
        name = self.device.name
        for index, klass, *_ in self.entities():
            board = klass == 9
            cpu = stable(name, "cpu", 5, 45) if board else 0
            mem = stable(name, "mem", 25, 70) if board else 0
            temp = stable(name, "temp", 33, 52) if klass in (3, 9) else 0
            out += [Record(_row(base, cpu_col, index), TAG_INTEGER, str(cpu)),
                    Record(_row(base, mem_col, index), TAG_INTEGER, str(mem)),
                    Record(_row(base, temp_col, index), TAG_INTEGER, str(temp))]
        return out

    def lldp(self) -> list[Record]:
        d = self.device
        out = [Record((*LLDP_LOCAL, 1, 0), TAG_INTEGER, "4"),
               Record((*LLDP_LOCAL, 2, 0), TAG_OCTETS_HEX, _mac(d.name, 0)),
               octets((*LLDP_LOCAL, 3, 0), d.name)]
        for itf in self.interfaces:
            if itf.if_type == ETHERNET:
                out += [Record((*LLDP_LOCAL, 7, 1, 2, itf.index), TAG_INTEGER, "5"),
                        octets((*LLDP_LOCAL, 7, 1, 3, itf.index), itf.name),
                        octets((*LLDP_LOCAL, 7, 1, 4, itf.index), itf.descr)]
        topo = self.fleet.topology
        for itf in self.interfaces:
            peer = itf.neighbour
            if peer is None or not peer.lldp:
                continue
            remote = topo.device_by_name.get(peer.device)
            if remote is not None:
                descr, remote_name, _ = self.fleet.port_names(remote, peer.port)
                sys_descr = profile_for(remote).descr.format(model=remote.model)
            else:
                descr = remote_name = peer.port_name
                sys_descr = "unknown device"
            key = (0, itf.index, 1)  # lldpRemTimeMark.lldpRemLocalPortNum.lldpRemIndex
            out += [
                Record(_row(LLDP_REM_ENTRY, 4, *key), TAG_INTEGER, "4"),
                Record(_row(LLDP_REM_ENTRY, 5, *key), TAG_OCTETS_HEX, _mac(peer.device, 0)),
                Record(_row(LLDP_REM_ENTRY, 6, *key), TAG_INTEGER, "5"),
                octets(_row(LLDP_REM_ENTRY, 7, *key), remote_name),
                octets(_row(LLDP_REM_ENTRY, 8, *key), descr),
                octets(_row(LLDP_REM_ENTRY, 9, *key), peer.device),
                octets(_row(LLDP_REM_ENTRY, 10, *key), sys_descr),
                Record(_row(LLDP_REM_ENTRY, 11, *key), TAG_OCTETS_HEX, "2800"),
                Record(_row(LLDP_REM_ENTRY, 12, *key), TAG_OCTETS_HEX, "2800"),
            ]
        return out
