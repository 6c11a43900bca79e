"""The one topology model that deployment, polling, simulation and audit all read.

A stack's topology file (``infra/topology/<stack>.yaml``) is validated in two passes: pydantic checks the
shape of every entry, then :func:`check_references` checks what pydantic cannot see — names that must
exist, names that must be unique, and an address plan that must not overlap. Every problem carries the
file, line and key path so an ops engineer can fix the whole file in one go.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError

from yunwang.contacts import Alerting, check_alerting
from yunwang.contracts.device_access import ADMIN_ROLES
from yunwang.contracts.vendors import Vendor
from yunwang.errors import InputError, Problem
from yunwang.intent import (
    HIGH_RISK_PORTS,
    NAME_PATTERN,
    DeviceIntent,
    DeviceManagement,
    ManagementServices,
    Name,
    VlanId,
)
from yunwang.intent import Strict as _Strict
from yunwang.yamlsource import KeyPath, SourceDoc, format_path, load_yaml

__all__ = ["NAME_PATTERN", "DeviceIntent", "DeviceManagement", "ManagementServices", "Name"]

Quantity = Annotated[str, Field(pattern=r"^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$")]


class ZoneKind(StrEnum):
    """The MLPS security zones of the government cloud (安全区域)."""

    INTERNET_ACCESS = "internet-access"  # 互联网接入区
    EXTRANET_SERVICE = "extranet-service"  # 政务外网业务区
    CORE_DATA = "core-data"  # 核心数据区
    SECURITY_MANAGEMENT = "security-management"  # 安全管理区
    IOT_SENSING = "iot-sensing"  # 物联感知区


class Domain(StrEnum):
    """The seven application domains of the digital-government plan."""

    INDUSTRY_ANALYSIS = "industry-analysis"
    MARKET_REGULATION = "market-regulation"
    SOCIAL_GOVERNANCE = "social-governance"
    PUBLIC_SERVICE = "public-service"
    ECO_ENVIRONMENT = "eco-environment"
    ADMINISTRATIVE_OFFICE = "administrative-office"
    REGIONAL_COLLABORATION = "regional-collaboration"


class DeviceRole(StrEnum):
    CORE = "core"
    AGGREGATION = "aggregation"
    ACCESS = "access"
    ROUTER = "router"
    FIREWALL = "firewall"
    IOT_GATEWAY = "iot-gateway"


class Region(_Strict):
    """A cloud node: the municipal node or a county/district node, each its own cluster."""

    name: Name
    name_zh: str
    kind: Literal["city", "county", "district"]
    management: ipaddress.IPv4Network = Field(description="device management range of this region")
    zones: dict[str, ipaddress.IPv4Network] = Field(
        default_factory=dict, description="address range of each security zone in this region"
    )
    ingress_class: str = "nginx"
    device_management: ManagementServices | None = Field(
        default=None, description="this region's syslog, NTP or AAA servers, overriding the stack's")


class Zone(_Strict):
    name: Name
    name_zh: str
    kind: ZoneKind
    description: str = ""
    vlan: VlanId | None = Field(default=None, description="VLAN carrying this zone on the switches")


class Port(_Strict):
    port: int = Field(ge=1, le=65535)
    protocol: Literal["TCP", "UDP"] = "TCP"


class AccessRule(_Strict):
    """One allowed flow of the zone-to-zone access matrix; everything else is denied."""

    from_zone: Name = Field(alias="from")
    to_zone: Name = Field(alias="to")
    ports: tuple[Port, ...] = Field(min_length=1)
    description: str = ""


class Quota(_Strict):
    cpu: Quantity = "4"
    memory: Quantity = "8Gi"
    pods: int = Field(default=40, ge=1)
    storage: Quantity = "100Gi"


class Tenant(_Strict):
    """A department (委办局) running workloads in one zone of one region."""

    name: Name
    name_zh: str
    domain: Domain
    zone: Name
    region: Name
    admin_group: str = Field(min_length=1)
    quota: Quota = Quota()


class Platform(_Strict):
    """A middle platform (中台): data, application or AI."""

    name: Name
    name_zh: str
    kind: Literal["data", "application", "ai"]
    zone: Name
    region: Name
    image: str = Field(min_length=1)
    replicas: int = Field(default=2, ge=1, le=50)
    port: int = Field(default=8080, ge=1, le=65535)
    cpu: Quantity = "500m"
    memory: Quantity = "1Gi"


class Portal(_Strict):
    """A public service brand: 一网通办 (public services) or 一网统管 (city operations)."""

    name: Name
    name_zh: str
    kind: Literal["public-services", "city-operations"]
    host: str = Field(pattern=r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$")
    zone: Name
    region: Name
    backend: Name = Field(description="the platform that serves the portal")


class SnmpProfile(_Strict):
    """How to talk SNMP to a device. Secrets (community, keys) are never here: see agents' credentials."""

    name: Name
    version: Literal["2c", "3"]
    username: str | None = None
    security_level: Literal["noAuthNoPriv", "authNoPriv", "authPriv"] | None = None
    auth_protocol: Literal["SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512", "MD5"] | None = None
    priv_protocol: Literal["AES-128", "AES-192", "AES-256", "DES"] | None = None
    timeout_s: float = Field(default=2.0, gt=0, le=60)
    retries: int = Field(default=1, ge=0, le=10)


class Device(_Strict):
    """A network device of the e-government extranet, polled over SNMP and audited by config."""

    name: Name
    role: DeviceRole
    vendor: Vendor
    model: str = Field(min_length=1)
    region: Name
    mgmt: ipaddress.IPv4Address = Field(description="management address")
    interfaces: int = Field(ge=1, le=4096)
    snmp: Name = Field(description="SNMP credential profile name")
    site: str = ""
    intent: DeviceIntent = Field(default_factory=DeviceIntent, description="overrides of the role's defaults")


class Endpoint(_Strict):
    device: Name
    port: int = Field(ge=1)


class Link(_Strict):
    a: Endpoint
    b: Endpoint
    bandwidth_mbps: int = Field(default=1000, ge=1)


class Host(_Strict):
    """A server running the host agent."""

    name: Name
    region: Name
    zone: Name
    address: ipaddress.IPv4Address
    agent_port: int = Field(default=9810, ge=1, le=65535)


class Topology(_Strict):
    """A whole stack: what is deployed, polled, simulated and audited."""

    name: Name
    name_zh: str = ""
    supernet: ipaddress.IPv4Network
    domain: str = Field(default="gov.example", description="DNS suffix for portals and services")
    regions: tuple[Region, ...] = Field(min_length=1)
    zones: tuple[Zone, ...] = Field(min_length=1)
    access: tuple[AccessRule, ...] = ()
    tenants: tuple[Tenant, ...] = ()
    platforms: tuple[Platform, ...] = ()
    portals: tuple[Portal, ...] = ()
    snmp_profiles: tuple[SnmpProfile, ...] = ()
    devices: tuple[Device, ...] = ()
    links: tuple[Link, ...] = ()
    hosts: tuple[Host, ...] = ()
    device_management: DeviceManagement | None = None
    alerting: Alerting = Field(default_factory=Alerting, description="who is told about each region's alerts")

    @cached_property
    def region_by_name(self) -> dict[str, Region]:
        return {r.name: r for r in self.regions}

    @cached_property
    def zone_by_name(self) -> dict[str, Zone]:
        return {z.name: z for z in self.zones}

    @cached_property
    def device_by_name(self) -> dict[str, Device]:
        return {d.name: d for d in self.devices}

    @cached_property
    def profile_by_name(self) -> dict[str, SnmpProfile]:
        return {p.name: p for p in self.snmp_profiles}

    @cached_property
    def platform_by_name(self) -> dict[str, Platform]:
        return {p.name: p for p in self.platforms}

    def zone_of_kind(self, kind: ZoneKind) -> Zone | None:
        return next((z for z in self.zones if z.kind == kind), None)

    def allowed_sources(self, zone: str) -> list[AccessRule]:
        """Access rules whose destination is ``zone`` (ingress allowed into it)."""
        return [r for r in self.access if r.to_zone == zone]

    def allowed_destinations(self, zone: str) -> list[AccessRule]:
        """Access rules whose source is ``zone`` (egress allowed out of it)."""
        return [r for r in self.access if r.from_zone == zone]

    @cached_property
    def city(self) -> Region:
        """The municipal node (the first region of kind city, else the first region): it holds the city view."""
        return next((r for r in self.regions if r.kind == "city"), self.regions[0])

    def devices_in(self, region: str) -> list[Device]:
        return [d for d in self.devices if d.region == region]

    def management_networks(self) -> list[ipaddress.IPv4Network]:
        """Every region's security-management range: where administrators and management servers sit."""
        zone = self.zone_of_kind(ZoneKind.SECURITY_MANAGEMENT)
        return [] if zone is None else [r.zones[zone.name] for r in self.regions if zone.name in r.zones]

    def declared_networks(self) -> list[ipaddress.IPv4Network]:
        """Every address range the stack declares: each region's management range and its zones' ranges.

        What the monitor's service discovery and the SNMP exporter accept as targets without an explicit allowance.
        """
        return [net for r in self.regions for net in (r.management, *r.zones.values())]

    def services_for(self, region: str) -> ManagementServices:
        """The region's management services: its own override, else the stack's (empty when neither is set)."""
        stack = self.device_management or DeviceManagement()
        own = self.region_by_name[region].device_management
        if own is None:
            return ManagementServices(syslog=stack.syslog, ntp=stack.ntp, aaa=stack.aaa)
        return ManagementServices(syslog=own.syslog or stack.syslog, ntp=own.ntp or stack.ntp,
                                  aaa=own.aaa or stack.aaa)


# ---------------------------------------------------------------------------------------------------
# Reference checks


def _dupes(items: Iterable[Any], key: str, section: str) -> Iterator[tuple[KeyPath, str, str]]:
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        value = getattr(item, key)
        if value in seen:
            yield ((section, i, key), str(value),
                   f"duplicate {section[:-1] if section.endswith('s') else section} name "
                   f"(first at {section}[{seen[value]}])")
        else:
            seen[value] = i


def check_references(topo: Topology) -> list[tuple[KeyPath, str, str, str]]:
    """Cross-entry checks. Returns (key path, value, message, hint) for each problem."""
    out: list[tuple[KeyPath, str, str, str]] = []

    def add(path: KeyPath, value: object, message: str, hint: str) -> None:
        out.append((path, str(value), message, hint))

    for section, key in (("regions", "name"), ("zones", "name"), ("tenants", "name"),
                         ("platforms", "name"), ("portals", "name"), ("snmp_profiles", "name"),
                         ("devices", "name"), ("hosts", "name"), ("portals", "host")):
        for path, value, message in _dupes(getattr(topo, section), key, section):
            add(path, value, message, "give every entry a unique name")
    for path, value, message in _dupes(topo.devices, "mgmt", "devices"):
        add(path, value, message.replace("name", "management address"),
            "every device needs its own management address")

    regions, zones = topo.region_by_name, topo.zone_by_name
    profiles, platforms = topo.profile_by_name, topo.platform_by_name
    zone_list = ", ".join(sorted(zones))
    region_list = ", ".join(sorted(regions))

    def need_zone(path: KeyPath, name: str) -> None:
        if name not in zones:
            add(path, name, "unknown zone", f"use one of the zones declared under 'zones': {zone_list}")

    def need_region(path: KeyPath, name: str) -> None:
        if name not in regions:
            add(path, name, "unknown region", f"use one of the regions declared under 'regions': {region_list}")

    for i, rule in enumerate(topo.access):
        need_zone(("access", i, "from"), rule.from_zone)
        need_zone(("access", i, "to"), rule.to_zone)
    for section in ("tenants", "platforms", "portals", "hosts"):
        for i, item in enumerate(getattr(topo, section)):
            need_zone((section, i, "zone"), item.zone)
            need_region((section, i, "region"), item.region)
    for i, portal in enumerate(topo.portals):
        if portal.backend not in platforms:
            add(("portals", i, "backend"), portal.backend, "unknown platform",
                f"use one of the platforms: {', '.join(sorted(platforms)) or '(none declared)'}")
        zone = zones.get(portal.zone)
        if zone is not None and zone.kind != ZoneKind.INTERNET_ACCESS:
            add(("portals", i, "zone"), portal.zone, "portals are published only from the internet-access zone",
                "put the portal in a zone of kind internet-access")

    for i, profile in enumerate(topo.snmp_profiles):
        if profile.version == "3":
            if not profile.username:
                add(("snmp_profiles", i, "username"), "", "SNMPv3 profiles need a username", "add 'username'")
            level = profile.security_level or "authPriv"
            if level != "noAuthNoPriv" and not profile.auth_protocol:
                add(("snmp_profiles", i, "auth_protocol"), "", f"{level} needs an auth_protocol",
                    "add e.g. 'auth_protocol: SHA-256'")
            if level == "authPriv" and not profile.priv_protocol:
                add(("snmp_profiles", i, "priv_protocol"), "", "authPriv needs a priv_protocol",
                    "add e.g. 'priv_protocol: AES-128'")

    _check_address_plan(topo, add)
    _check_intent(topo, add)
    check_alerting(topo.alerting, set(regions), add)

    for i, device in enumerate(topo.devices):
        region = regions.get(device.region)
        if region is None:
            need_region(("devices", i, "region"), device.region)
        elif device.mgmt not in region.management:
            add(("devices", i, "mgmt"), device.mgmt,
                f"management address outside region {region.name}'s management range {region.management}",
                "pick an address inside that range, or widen the region's 'management' range")
        if device.snmp not in profiles:
            add(("devices", i, "snmp"), device.snmp, "undefined SNMP credential profile",
                f"declare it under 'snmp_profiles' (defined: {', '.join(sorted(profiles)) or 'none'})")
    for i, host in enumerate(topo.hosts):
        region = regions.get(host.region)
        if region is not None and not _host_in_region(host, region):
            add(("hosts", i, "address"), host.address,
                f"host address is outside every range of region {region.name}",
                "use an address from the region's zone ranges")

    devices = topo.device_by_name
    used_ports: dict[tuple[str, int], KeyPath] = {}
    for i, link in enumerate(topo.links):
        for end in ("a", "b"):
            ep: Endpoint = getattr(link, end)
            peer = devices.get(ep.device)
            if peer is None:
                add(("links", i, end, "device"), ep.device, "link to a device that does not exist",
                    "use a device name declared under 'devices'")
            elif ep.port > peer.interfaces:
                add(("links", i, end, "port"), ep.port,
                    f"device {peer.name} has only {peer.interfaces} interfaces",
                    "use a port number from 1 to the device's interface count")
            elif (ep.device, ep.port) in used_ports:
                add(("links", i, end, "port"), ep.port,
                    f"port already used by {format_path(used_ports[(ep.device, ep.port)])}",
                    "a port carries one link")
            else:
                used_ports[(ep.device, ep.port)] = ("links", i, end)
    return out


def _check_intent(topo: Topology, add: Any) -> None:
    """VLANs, management services, administrator roles and device overrides (see yunwang/intent.py)."""
    vlans: dict[int, KeyPath] = {}

    def claim(vlan: int, path: KeyPath) -> None:
        if vlan in vlans:
            add(path, vlan, f"VLAN already used at {format_path(vlans[vlan])}", "give every zone its own VLAN id")
        else:
            vlans[vlan] = path

    if topo.device_management is not None:
        claim(topo.device_management.vlan, ("device_management", "vlan"))
    for i, zone in enumerate(topo.zones):
        if zone.vlan is not None:
            claim(zone.vlan, ("zones", i, "vlan"))
    for i, rule in enumerate(topo.access):
        for j, port in enumerate(rule.ports):
            if port.port in HIGH_RISK_PORTS:
                add(("access", i, "ports", j, "port"), port.port,
                    "high-risk port (RPC/NetBIOS/SMB) is closed at every border",
                    "remove it from the access matrix; MLPS asks for 135/137-139/445 to stay closed")
    ranges = topo.management_networks()
    shown = ", ".join(map(str, ranges)) or "(no region has a security-management range)"
    services: list[tuple[KeyPath, ManagementServices]] = []
    if topo.device_management is not None:
        services.append((("device_management",), topo.device_management))
        for role in topo.device_management.admins:
            if role not in ADMIN_ROLES:
                add(("device_management", "admins", role), role, "unknown administrator role",
                    f"MLPS separation of duties names three roles: {', '.join(ADMIN_ROLES)}")
    services += [(("regions", i, "device_management"), r.device_management)
                 for i, r in enumerate(topo.regions) if r.device_management is not None]
    for path, svc in services:
        for key in ("syslog", "ntp"):
            for j, address in enumerate(getattr(svc, key) or ()):
                if not any(address in net for net in ranges):
                    add((*path, key, j), address, f"{key} server outside the security-management range",
                        f"management servers sit in the security-management zone: {shown}")
        for j, address in enumerate(svc.aaa.servers if svc.aaa else ()):
            if not any(address in net for net in ranges):
                add((*path, "aaa", "servers", j), address, "AAA server outside the security-management range",
                    f"management servers sit in the security-management zone: {shown}")
    zones = topo.zone_by_name
    for i, device in enumerate(topo.devices):
        base: KeyPath = ("devices", i, "intent")
        intent = device.intent
        named: list[tuple[KeyPath, str]] = [(("access_zone",), intent.access_zone)] if intent.access_zone else []
        named += [(("extra_zones", j), z) for j, z in enumerate(intent.extra_zones)]
        named += [(("ports", str(p), "zone"), o.zone) for p, o in intent.ports.items() if o.zone]
        for sub, name in named:
            if name not in zones:
                add((*base, *sub), name, "unknown zone", f"use one of the zones: {', '.join(sorted(zones))}")
        for number in intent.ports:
            if not 1 <= number <= device.interfaces:
                add((*base, "ports", str(number)), number, f"device {device.name} has no port {number} "
                    f"(it has {device.interfaces})", "use a port number from 1 to the device's interface count")
        for number in intent.edge_ports or ():
            if number > device.interfaces:
                add((*base, "edge_ports"), number, f"device {device.name} has no port {number} "
                    f"(it has {device.interfaces})", "list only ports the device has")
                break
        for j, net in enumerate(intent.login_acl or ()):
            if not any(net.subnet_of(r) for r in ranges):
                add((*base, "login_acl", j), net, "login ACL reaches outside the security-management range",
                    f"administrators log in only from the security-management zone: {shown}")


def _host_in_region(host: Host, region: Region) -> bool:
    return host.address in region.management or any(host.address in n for n in region.zones.values())


def _check_address_plan(topo: Topology, add: Any) -> None:
    nets: list[tuple[KeyPath, ipaddress.IPv4Network]] = []
    for i, region in enumerate(topo.regions):
        nets.append((("regions", i, "management"), region.management))
        for zone_name, net in region.zones.items():
            path: KeyPath = ("regions", i, "zones", zone_name)
            if zone_name not in topo.zone_by_name:
                add(path, zone_name, "address range for an unknown zone",
                    f"use one of the zones: {', '.join(sorted(topo.zone_by_name))}")
            nets.append((path, net))
    for path, net in nets:
        if not net.subnet_of(topo.supernet):
            add(path, net, f"CIDR is outside the address plan's supernet {topo.supernet}",
                "use a range inside 'supernet', or widen 'supernet'")
    ordered = sorted(nets, key=lambda pn: (int(pn[1].network_address), -pn[1].prefixlen))
    widest: tuple[KeyPath, ipaddress.IPv4Network] | None = None  # the range reaching furthest so far
    for path, net in ordered:
        if widest is not None and net.network_address <= widest[1].broadcast_address:
            add(path, net, f"CIDR overlaps {widest[1]} at {format_path(widest[0])}",
                "give each range its own addresses")
        if widest is None or net.broadcast_address > widest[1].broadcast_address:
            widest = (path, net)


# ---------------------------------------------------------------------------------------------------
# Loading


def _pydantic_problems(exc: ValidationError, doc: SourceDoc) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        value = err.get("input")
        shown = "" if isinstance(value, (dict, list)) else str(value)
        message = err["msg"]
        hint = "fix or remove this value"
        if err["type"] == "extra_forbidden":
            message = f"unknown key '{loc[-1]}'"
            hint = "check the spelling; see the model in yunwang/topology.py for allowed keys"
            shown = str(loc[-1])
        elif err["type"] == "missing":
            message = f"required key '{loc[-1]}' is missing"
            hint = f"add '{loc[-1]}'"
        elif err["type"] == "string_pattern_mismatch" and "a-z0-9" in message:
            message = "not a valid name (lowercase letters, digits and '-', at most 63 characters)"
            hint = "rename it, e.g. 'market-regulation'"
        problems.append(Problem(doc.file, doc.line_of(loc), format_path(loc), shown, message, hint))
    return problems


def topology_from_doc(doc: SourceDoc) -> Topology:
    if not isinstance(doc.data, dict):
        raise InputError([Problem(doc.file, 1, "", type(doc.data).__name__,
                                  "a topology file must be a mapping", "start with 'name:', 'regions:' …")])
    try:
        topo = Topology.model_validate(doc.data)
    except ValidationError as exc:
        raise InputError(_pydantic_problems(exc, doc)) from None
    refs = check_references(topo)
    if refs:
        raise InputError([Problem(doc.file, doc.line_of(path), format_path(path), value, message, hint)
                          for path, value, message, hint in refs])
    return topo


def load_topology(path: str | Path) -> Topology:
    """Load and validate a topology file; raises :class:`InputError` listing every problem."""
    return topology_from_doc(load_yaml(Path(path)))


_SLUG = re.compile(r"[^a-z0-9-]+")


def slug(text: str) -> str:
    """A DNS-1123 label from any text."""
    return _SLUG.sub("-", text.lower()).strip("-")[:63].strip("-")
