"""What one device should be, resolved from the model: role and region give the defaults, the device overrides.

Pure data (no vendor syntax): the vendor templates only spell it. Defaults by role:

* switches (core, aggregation, access) carry their zones' VLANs on trunk uplinks and are managed on a VLAN
  interface in the management VLAN; core and aggregation switches carry every zone of their region, access
  switches and IoT gateways their access zone (extranet service / IoT sensing by default);
* routers and firewalls are managed on LoopBack0; a link between two of them is routed (unnumbered from
  LoopBack0) and runs authenticated OSPF;
* firewalls are the gateway of each zone of their region (a VLAN interface per zone) with the security policy
  of :mod:`infra.network.firewall`; routers filter every routed port with the border ACL;
* edge (user) ports: every user-speed (≤ 1 Gbit/s) port of an access switch or IoT gateway with no link, with
  802.1X (access switches) or port security (IoT gateways); every other port without a link is shut down.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from agents.snmp.auth import env_prefix
from infra.network.firewall import PolicyRule, zone_policy
from yunwang.contracts.device_access import ADMIN_ROLES, DEFAULT_ADMIN_NAMES, AdminRole, password_env
from yunwang.contracts.device_secrets import AAA_KEY_ENV, NTP_KEY_ENV, OSPF_KEY_ENV
from yunwang.errors import Problem
from yunwang.hardware import port_name, profile_for
from yunwang.intent import AaaServers, DeviceManagement, EdgeAuth
from yunwang.topology import Device, DeviceRole, Topology, Zone, ZoneKind

PortKind = Literal["trunk", "routed", "edge", "unused"]
SWITCH_ROLES = frozenset({DeviceRole.CORE, DeviceRole.AGGREGATION, DeviceRole.ACCESS})
L3_ROLES = frozenset({DeviceRole.ROUTER, DeviceRole.FIREWALL})
EDGE_ROLES: dict[DeviceRole, tuple[ZoneKind, EdgeAuth]] = {
    DeviceRole.ACCESS: (ZoneKind.EXTRANET_SERVICE, "dot1x"),
    DeviceRole.IOT_GATEWAY: (ZoneKind.IOT_SENSING, "port-security"),
}
"""Roles with user ports: the zone their edge ports join and the admission control they use."""
ADMIN_LEVELS: dict[AdminRole, int] = {"system": 15, "security": 10, "audit": 1}
"""Privilege of each MLPS role (三权分立): the system administrator configures, the security administrator
manages accounts and policies, the audit administrator only reads."""
READ_VIEW = ("1.3.6.1.2.1",)
"""SNMP read view: MIB-2 (system, interfaces, IF-MIB, LLDP …); vendor subtrees are added per family."""
BANNER = "Authorised access only. Every session on this device is logged and audited."


@dataclass(frozen=True)
class PortSpec:
    number: int
    name: str
    kind: PortKind
    description: str = ""
    vlans: tuple[int, ...] = ()
    """Trunk: allowed VLANs; edge: the access VLAN alone."""
    edge_auth: EdgeAuth | None = None
    ospf: bool = False

    @property
    def access_vlan(self) -> int:
        return self.vlans[0]


@dataclass(frozen=True)
class Gateway:
    """A firewall's interface for one zone: VLAN interface, address and firewall zone."""

    zone: str
    vlan: int
    address: ipaddress.IPv4Interface


@dataclass(frozen=True)
class SnmpSpec:
    user: str
    auth_protocol: str
    priv_protocol: str
    auth_env: str
    priv_env: str


@dataclass(frozen=True)
class Admin:
    role: AdminRole
    name: str
    level: int
    password_env: str


@dataclass
class DeviceSpec:
    """Everything a template needs for one device."""

    device: Device
    hostname: str
    mgmt: ipaddress.IPv4Interface
    mgmt_vlan: int | None
    """The management VLAN interface's VLAN, or None when managed on LoopBack0 (routers, firewalls)."""
    login_acl: tuple[ipaddress.IPv4Network, ...]
    admins: tuple[Admin, ...]
    settings: DeviceManagement
    syslog: tuple[ipaddress.IPv4Address, ...]
    ntp: tuple[ipaddress.IPv4Address, ...]
    aaa: AaaServers | None
    snmp: SnmpSpec
    ports: tuple[PortSpec, ...]
    vlans: tuple[tuple[int, str], ...]
    gateways: tuple[Gateway, ...] = ()
    policy: tuple[PolicyRule, ...] = ()
    supernet: ipaddress.IPv4Network | None = None
    """Routers: the address plan the border ACL lets through."""
    secrets: dict[str, str] = field(default_factory=dict)
    banner: str = BANNER

    @property
    def role(self) -> DeviceRole:
        return self.device.role

    @property
    def firewall(self) -> bool:
        return self.device.role == DeviceRole.FIREWALL

    @property
    def router(self) -> bool:
        return self.device.role == DeviceRole.ROUTER

    @property
    def ospf(self) -> bool:
        return any(p.ospf for p in self.ports)

    @property
    def dot1x(self) -> bool:
        return any(p.edge_auth == "dot1x" for p in self.ports)

    @property
    def port_security(self) -> bool:
        return any(p.edge_auth == "port-security" for p in self.ports)

    @property
    def routed_ports(self) -> tuple[PortSpec, ...]:
        return tuple(p for p in self.ports if p.kind == "routed")


class IntentError(ValueError):
    """The device cannot be rendered as the topology states it; carries a located-problem skeleton."""

    def __init__(self, path: tuple[str | int, ...], value: str, message: str, hint: str):
        super().__init__(message)
        self.path, self.value, self.message, self.hint = path, value, message, hint

    def problem(self, file: str, line: int | None) -> Problem:
        from yunwang.yamlsource import format_path

        return Problem(file, line, format_path(self.path), self.value, self.message, self.hint)


@dataclass
class StackView:
    """What every device's resolution shares: indexes built once per stack (667 devices render in one pass)."""

    topo: Topology
    links: dict[str, dict[int, tuple[Device, int]]]
    index: dict[str, int]
    firewall_rank: dict[str, int]
    policies: dict[str, tuple[PolicyRule, ...]]

    @classmethod
    def of(cls, topo: Topology) -> StackView:
        links: dict[str, dict[int, tuple[Device, int]]] = defaultdict(dict)
        devices = topo.device_by_name
        for link in topo.links:
            links[link.a.device][link.a.port] = (devices[link.b.device], link.b.port)
            links[link.b.device][link.b.port] = (devices[link.a.device], link.a.port)
        rank: dict[str, int] = {}
        per_region: dict[str, int] = defaultdict(int)
        for d in topo.devices:
            if d.role == DeviceRole.FIREWALL:
                rank[d.name] = per_region[d.region]
                per_region[d.region] += 1
        return cls(topo, links, {d.name: i for i, d in enumerate(topo.devices)}, rank, {})

    def policy_for(self, region: str) -> tuple[PolicyRule, ...]:
        if region not in self.policies:
            self.policies[region] = tuple(zone_policy(self.topo, self.topo.region_by_name[region]))
        return self.policies[region]


def _zone_vlan(view: StackView, zone: Zone) -> int:
    if zone.vlan is None:
        raise IntentError(("zones", view.topo.zones.index(zone)), zone.name, f"zone {zone.name} has no VLAN id",
                          "give every zone a 'vlan' (2-4094) so switches can carry it")
    return zone.vlan


def _carried_zones(view: StackView, device: Device) -> list[Zone]:
    """Zones whose VLANs the device carries."""
    topo = view.topo
    region = topo.region_by_name[device.region]
    intent = device.intent
    if device.role in (DeviceRole.CORE, DeviceRole.AGGREGATION, DeviceRole.FIREWALL):
        names = list(region.zones)
    elif device.role in EDGE_ROLES:
        names = [_access_zone(topo, device)] + [o.zone for o in intent.ports.values() if o.zone]
        # An access switch also carries the user zones of the gateways hanging off it, up to its aggregation.
        names += [_access_zone(topo, peer) for peer, _ in view.links.get(device.name, {}).values()
                  if peer.role == DeviceRole.IOT_GATEWAY and device.role == DeviceRole.ACCESS]
    else:
        names = []
    names += intent.extra_zones
    return [topo.zone_by_name[n] for n in dict.fromkeys(names)]


def _access_zone(topo: Topology, device: Device) -> str:
    if device.intent.access_zone:
        return device.intent.access_zone
    kind = EDGE_ROLES[device.role][0]
    zone = topo.zone_of_kind(kind)
    if zone is None:
        raise IntentError(("devices", view_index(topo, device), "intent", "access_zone"), "",
                          f"no zone of kind {kind} for the edge ports of {device.name}",
                          "name the zone its user ports join with intent.access_zone")
    return zone.name


def view_index(topo: Topology, device: Device) -> int:
    return next(i for i, d in enumerate(topo.devices) if d.name == device.name)


def _ports(view: StackView, device: Device, vlans: dict[str, int], mgmt_vlan: int | None) -> tuple[PortSpec, ...]:
    topo = view.topo
    links = view.links.get(device.name, {})
    intent = device.intent
    own = sorted(set(vlans.values()) | ({mgmt_vlan} if mgmt_vlan else set()))
    edge_zone = vlans.get(_access_zone(topo, device)) if device.role in EDGE_ROLES else None
    default_auth = intent.edge_auth or (EDGE_ROLES[device.role][1] if device.role in EDGE_ROLES else None)
    edge = set(intent.edge_ports) if intent.edge_ports is not None else (
        _user_class_ports(device) if device.role in EDGE_ROLES else set())
    ports = []
    for number in range(1, device.interfaces + 1):
        name = port_name(device, number)
        override = intent.ports.get(number)
        peer = links.get(number)
        if peer is not None:
            other, other_port = peer
            description = f"to {other.name} {port_name(other, other_port)}"
            if device.role in L3_ROLES and (other.role in L3_ROLES or device.role == DeviceRole.ROUTER):
                ports.append(PortSpec(number, name, "routed", description, ospf=other.role in L3_ROLES))
            else:
                ports.append(PortSpec(number, name, "trunk", description, vlans=_shared_vlans(view, other, own)))
            continue
        enabled = override.enabled if override and override.enabled is not None else number in edge
        if not enabled or (edge_zone is None and not (override and override.zone)):
            ports.append(PortSpec(number, name, "unused", "unused"))
            continue
        zone_vlan = vlans[override.zone] if override and override.zone else edge_zone
        assert zone_vlan is not None
        auth = (override.edge_auth if override and override.edge_auth else default_auth) or "dot1x"
        description = override.description if override and override.description else "user port"
        ports.append(PortSpec(number, name, "edge", description, vlans=(zone_vlan,), edge_auth=auth))
    return tuple(ports)


def _user_class_ports(device: Device) -> set[int]:
    """Ports of user speed (1 Gbit/s and below): 10GE ports of an access switch are uplinks, never user ports."""
    profile = profile_for(device)
    return {p for p in range(1, device.interfaces + 1) if profile.port(p, device.interfaces)[2] <= 1000}


def _shared_vlans(view: StackView, peer: Device, own: list[int]) -> tuple[int, ...]:
    """A trunk carries the VLANs both ends have (all of ours when the peer carries none of them)."""
    theirs = {_zone_vlan(view, z) for z in _carried_zones(view, peer)}
    if peer.role not in L3_ROLES and view.topo.device_management is not None:
        theirs.add(view.topo.device_management.vlan)
    return tuple(v for v in own if v in theirs) or tuple(own)


def _snmp(topo: Topology, device: Device, i: int) -> SnmpSpec:
    profile = topo.profile_by_name[device.snmp]
    if profile.version != "3" or (profile.security_level or "authPriv") != "authPriv":
        raise IntentError(("devices", i, "snmp"), device.snmp,
                          f"SNMP profile {profile.name} is not SNMPv3 authPriv; rendered devices speak only that",
                          "point the device at an SNMPv3 authPriv profile (MLPS: no v1/v2c, no clear keys)")
    assert profile.username and profile.auth_protocol and profile.priv_protocol
    prefix = env_prefix(profile.name)
    return SnmpSpec(profile.username, profile.auth_protocol, profile.priv_protocol,
                    f"{prefix}_AUTH_KEY", f"{prefix}_PRIV_KEY")


def resolve(view: StackView, device: Device) -> DeviceSpec:
    """The device's full intent; :class:`IntentError` when the topology lacks something it needs."""
    topo = view.topo
    i = view.index[device.name]
    region = topo.region_by_name[device.region]
    settings = topo.device_management
    if settings is None:
        raise IntentError(("device_management",), "", "the topology declares no device_management",
                          "add device_management with syslog, ntp and aaa servers (see yunwang/intent.py)")
    services = topo.services_for(device.region)
    if not services.syslog or not services.ntp:
        raise IntentError(("regions", topo.regions.index(region)), region.name,
                          f"no syslog or NTP server for region {region.name}",
                          "set device_management.syslog and .ntp (stack-wide or for the region)")
    zones = _carried_zones(view, device)
    vlans = {z.name: _zone_vlan(view, z) for z in zones}
    mgmt_vlan = None if device.role in L3_ROLES else settings.vlan
    mgmt = ipaddress.IPv4Interface(f"{device.mgmt}/{32 if mgmt_vlan is None else region.management.prefixlen}")
    admins = tuple(Admin(role, settings.admins.get(role, DEFAULT_ADMIN_NAMES[role]), ADMIN_LEVELS[role],
                         password_env(role)) for role in ADMIN_ROLES)
    gateways: tuple[Gateway, ...] = ()
    policy: tuple[PolicyRule, ...] = ()
    if device.role == DeviceRole.FIREWALL:
        rank = view.firewall_rank[device.name]
        gateways = tuple(Gateway(z.name, vlans[z.name], ipaddress.IPv4Interface(
            f"{region.zones[z.name].network_address + 1 + rank}/{region.zones[z.name].prefixlen}"))
            for z in zones if z.name in region.zones)
        policy = view.policy_for(region.name)
    return DeviceSpec(
        device=device, hostname=device.name, mgmt=mgmt, mgmt_vlan=mgmt_vlan,
        login_acl=device.intent.login_acl or tuple(topo.management_networks()),
        admins=admins, settings=settings, syslog=services.syslog, ntp=services.ntp, aaa=services.aaa,
        snmp=_snmp(topo, device, i), ports=_ports(view, device, vlans, mgmt_vlan),
        vlans=tuple(sorted({(v, n) for n, v in vlans.items()} | ({(mgmt_vlan, "management")} if mgmt_vlan else
                                                                   set()))),
        gateways=gateways, policy=policy, supernet=topo.supernet if device.role == DeviceRole.ROUTER else None,
        secrets={"aaa": AAA_KEY_ENV, "ntp": NTP_KEY_ENV, "ospf": OSPF_KEY_ENV})
