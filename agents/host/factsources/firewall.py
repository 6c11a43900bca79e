"""The host firewall, both families: firewalld (the RPM family's default: openEuler, Kylin V10, UOS Server), ufw
and nftables (Debian family), iptables-services.

firewalld keeps its shipped zones and services under /usr/lib/firewalld and the administrator's copies under
/etc/firewalld (a file there replaces the shipped one of the same name); the default zone is ``DefaultZone`` of
firewalld.conf. An interface is bound to a zone by the zone file or, as nmcli and the installers do it, by the
network configuration (ifcfg ``ZONE=``, NetworkManager keyfile ``zone=``). Reported: the default zone and every zone
bound to an interface or a source, with their services resolved to ports, so a rule can see what the zone lets in.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from agents.host.factsources.context import FactContext
from agents.host.factsources.registry import fact_source
from yunwang.contracts.host_facts import FirewallFacts, FirewallZone

FIREWALLD_DIRS = ("etc/firewalld", "usr/lib/firewalld")  # the administrator's copy wins


def _enabled_units(ctx: FactContext) -> set[str]:
    return {p.name.removesuffix(".service") for wants in ctx.path("etc/systemd/system").glob("*.wants")
            for p in wants.glob("*.service")}


def _xml(ctx: FactContext, kind: str, name: str) -> ET.Element | None:
    """/etc/firewalld/<kind>/<name>.xml, else the shipped one; None when neither parses."""
    for folder in FIREWALLD_DIRS:
        relative = f"{folder}/{kind}/{name}.xml"
        text = ctx.read(relative, "firewall")
        if text is None:
            continue
        try:
            return ET.fromstring(text)
        except ET.ParseError as exc:
            ctx.error("firewall", f"/{relative}: {exc}")
            return None
    return None


def _zone_names(ctx: FactContext) -> list[str]:
    return sorted({p.stem for folder in FIREWALLD_DIRS for p in ctx.path(f"{folder}/zones").glob("*.xml")})


def _service_ports(ctx: FactContext, service: str, cache: dict[str, list[str]]) -> list[str]:
    if service not in cache:
        element = _xml(ctx, "services", service)
        cache[service] = [] if element is None else [
            f"{p.get('port', '')}/{p.get('protocol', '')}" for p in element.iter("port")]
    return cache[service]


def _zone(ctx: FactContext, name: str, cache: dict[str, list[str]], bound: list[str]) -> FirewallZone | None:
    element = _xml(ctx, "zones", name)
    if element is None:
        return None
    services = [s.get("name", "") for s in element.iter("service")]
    ports = [f"{p.get('port', '')}/{p.get('protocol', '')}" for p in element.iter("port")]
    for service in services:
        ports += _service_ports(ctx, service, cache)
    interfaces = [i.get("name", "") for i in element.findall("interface")]
    return FirewallZone(name=name, target=element.get("target", "default"), services=services,
                        ports=list(dict.fromkeys(ports)),
                        sources=[s.get("address") or s.get("ipset") or "" for s in element.findall("source")],
                        interfaces=list(dict.fromkeys(interfaces + bound)))


def _shell_vars(text: str | None) -> dict[str, str]:
    values = {}
    for line in (text or "").splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and not key.startswith("#"):
            values[key.strip()] = value.strip().strip("\"'")
    return values


def network_manager_zones(ctx: FactContext) -> dict[str, list[str]]:
    """Zone → interfaces bound by the network configuration rather than the zone files: ``ZONE=`` of the ifcfg files
    (openEuler, Kylin V10, UOS Server: NetworkManager's ifcfg-rh plugin) and ``zone=`` of NetworkManager keyfiles,
    which is where `nmcli connection modify eth1 connection.zone trusted` writes it."""
    bound: dict[str, list[str]] = {}
    for path in sorted(ctx.path("etc/sysconfig/network-scripts").glob("ifcfg-*")):
        values = _shell_vars(ctx.read(str(path.relative_to(ctx.root)), "firewall"))
        device = values.get("DEVICE") or path.name.removeprefix("ifcfg-")
        if values.get("ZONE"):
            bound.setdefault(values["ZONE"], []).append(device)
    for path in sorted(ctx.path("etc/NetworkManager/system-connections").glob("*.nmconnection")):
        section = ""
        keyfile: dict[str, str] = {}
        for line in (ctx.read(str(path.relative_to(ctx.root)), "firewall") or "").splitlines():
            line = line.strip()
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1]
            elif section == "connection" and "=" in line and not line.startswith("#"):
                key, _, value = line.partition("=")
                keyfile[key.strip()] = value.strip()
        if keyfile.get("zone"):
            bound.setdefault(keyfile["zone"], []).append(keyfile.get("interface-name") or keyfile.get("id", path.stem))
    return bound


def _default_zone(ctx: FactContext) -> str:
    for relative in ("etc/firewalld/firewalld.conf", "usr/lib/firewalld/firewalld.conf"):
        for line in (ctx.read(relative, "firewall") or "").splitlines():
            key, _, value = line.strip().partition("=")
            if key.strip() == "DefaultZone" and value.strip():
                return value.strip()
    return "public"  # firewalld's compiled-in default


def _firewalld(ctx: FactContext, enabled: set[str]) -> FirewallFacts:
    default = _default_zone(ctx)
    cache: dict[str, list[str]] = {}
    bound = network_manager_zones(ctx)
    zones = []
    for name in _zone_names(ctx):
        zone = _zone(ctx, name, cache, bound.get(name, []))
        if zone is not None and (name == default or zone.sources or zone.interfaces):
            zones.append(zone)
    running = ctx.running("firewalld")
    return FirewallFacts(service="firewalld", active=running or ("firewalld" in enabled and not ctx.processes),
                         default_zone=default, zones=zones)


def _ufw_enabled(ctx: FactContext) -> bool:
    for line in (ctx.read("etc/ufw/ufw.conf", "firewall") or "").splitlines():
        key, _, value = line.strip().partition("=")
        if key == "ENABLED":
            return value.strip().strip("\"'").lower() == "yes"
    return False


@fact_source("firewall")
def firewall_facts(ctx: FactContext) -> FirewallFacts:
    """The first firewall found that is in use (firewalld running or enabled, ufw enabled, an nftables or
    iptables service enabled), else the first one installed, inactive. Without a process table (an offline image)
    an enabled firewalld counts as active."""
    enabled = _enabled_units(ctx)
    firewalld_installed = ctx.exists("usr/sbin/firewalld", "usr/lib/firewalld/zones")
    if firewalld_installed and (ctx.running("firewalld") or "firewalld" in enabled):
        return _firewalld(ctx, enabled)
    if _ufw_enabled(ctx):
        return FirewallFacts(service="ufw", active=True)
    for service in ("nftables", "iptables"):
        if service in enabled:
            return FirewallFacts(service=service, active=True)
    if firewalld_installed:
        return _firewalld(ctx, enabled)
    if ctx.exists("usr/sbin/ufw"):
        return FirewallFacts(service="ufw", active=False)
    return FirewallFacts(service=None, active=False)
