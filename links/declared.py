"""The declared links of a topology, with the names each end's port has on its device.

One definition of a declared link and of its labels: the monitor's series, the alerts, the overview page and
`yunwang net links` all name a link and its ends from here. A link's ``id`` is ``a:port~b:port`` (stable while
the topology keeps the link); its region is the county or district it serves when it joins the city to one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from links.ports import canonical
from yunwang.hardware import profile_for
from yunwang.inventory import modules_for
from yunwang.topology import Device, Link, Topology


@dataclass(frozen=True)
class End:
    """One end of a declared link: a device's physical port (1-based, as in the topology) and its names."""

    device: str
    port: int
    name: str
    """The port's CLI name (ifDescr), e.g. ``Ten-GigabitEthernet1/0/3``."""
    if_name: str
    """Its ifName, which some vendors abbreviate (``Gi0/1``)."""
    region: str
    site: str

    @property
    def key(self) -> tuple[str, int]:
        return (self.device, self.port)

    def __str__(self) -> str:
        return f"{self.device} {self.name}"


@dataclass(frozen=True)
class DeclaredLink:
    id: str
    a: End
    b: End
    region: str
    region_zh: str
    bandwidth_mbps: int

    def peer_of(self, end: End) -> End:
        return self.b if end == self.a else self.a

    def labels(self) -> dict[str, str]:
        """The labels every series and alert about this link carries."""
        return {"link": self.id, "region": self.region, "region_zh": self.region_zh,
                "a_device": self.a.device, "a_port": self.a.name, "b_device": self.b.device, "b_port": self.b.name}

    def __str__(self) -> str:
        return f"{self.a} — {self.b}"


def _end(device: Device, port: int) -> End:
    descr, name, _ = profile_for(device).port(port, device.interfaces)
    return End(device.name, port, descr, name, device.region, device.site)


def _link_region(topo: Topology, a: Device, b: Device) -> str:
    """The region a link belongs to: its own when both ends share one, else the county/district it serves."""
    if a.region == b.region:
        return a.region
    regions = topo.region_by_name
    return b.region if regions[a.region].kind == "city" and regions[b.region].kind != "city" else a.region


def declared_link(topo: Topology, link: Link) -> DeclaredLink:
    a, b = topo.device_by_name[link.a.device], topo.device_by_name[link.b.device]
    region = _link_region(topo, a, b)
    return DeclaredLink(f"{a.name}:{link.a.port}~{b.name}:{link.b.port}", _end(a, link.a.port),
                        _end(b, link.b.port), region, topo.region_by_name[region].name_zh,
                        link.bandwidth_mbps)


@dataclass
class DeclaredNetwork:
    """Every declared link of a topology, indexed by its ends, and each device's ports by canonical name."""

    topology: Topology
    links: list[DeclaredLink]
    by_end: dict[tuple[str, int], tuple[DeclaredLink, End]] = field(default_factory=dict)
    _ports: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for link in self.links:
            self.by_end[link.a.key] = (link, link.a)
            self.by_end[link.b.key] = (link, link.b)

    @cached_property
    def lldp_devices(self) -> frozenset[str]:
        """Devices whose LLDP neighbour table the pollers read (their inventory modules include ``lldp``)."""
        return frozenset(d.name for d in self.topology.devices if "lldp" in modules_for(d))

    @cached_property
    def by_region(self) -> dict[str, list[DeclaredLink]]:
        """Links with an end in each region (a link between two regions is in both)."""
        out: dict[str, list[DeclaredLink]] = {r.name: [] for r in self.topology.regions}
        for link in self.links:
            for region in dict.fromkeys((link.a.region, link.b.region)):
                out[region].append(link)
        return out

    def device(self, name: str) -> Device | None:
        return self.topology.device_by_name.get(name)

    def port_number(self, device: str, name: str) -> int | None:
        """The physical port of ``device`` that ``name`` spells (any vendor spelling), or None."""
        ports = self._ports.get(device)
        if ports is None:
            found = self.topology.device_by_name.get(device)
            ports = {}
            if found is not None:
                namer = profile_for(found).port
                for port in range(found.interfaces, 0, -1):  # port 1 wins if two spellings collide
                    descr, if_name, _ = namer(port, found.interfaces)
                    ports[canonical(if_name)] = port
                    ports[canonical(descr)] = port
            self._ports[device] = ports
        return ports.get(canonical(name)) if name else None

    def end(self, device: str, port: int) -> End | None:
        """The named end of any port of a known device (declared in a link or not)."""
        found = self.by_end.get((device, port))
        if found is not None:
            return found[1]
        dev = self.topology.device_by_name.get(device)
        if dev is None or not 1 <= port <= dev.interfaces:
            return None
        return _end(dev, port)


def declared_network(topo: Topology) -> DeclaredNetwork:
    return DeclaredNetwork(topo, [declared_link(topo, link) for link in topo.links])
