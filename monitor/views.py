"""Read-only views of the stack's topology: the inventory API and Prometheus HTTP service discovery bodies.

SD bodies are rendered to bytes once per job and reused until what they are built from changes: Prometheus
and a fleet of replicas poll them constantly, and re-serialising ~650 devices per request would cost ~10x
the floor of returning bytes.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from monitor.settings import MonitorSettings
from monitor.store import AgentRow
from yunwang.inventory import Inventory, build_inventory
from yunwang.ranges import AddressRanges, Network
from yunwang.topology import Topology

log = logging.getLogger("yunwang.monitor.sd")

SD_JOBS = ("host", "snmp", "snmp-poller", "monitor")
HOST_AGENT_PORT = 9810


class TargetFilter:
    """Which agent-reported ``HOST:PORT`` targets service discovery may list: IP addresses inside the stack's
    declared ranges (each region's management and zone ranges) or a range an admin allowed. Anything else — a
    name, a link-local metadata address, another network — would make Prometheus scrape what a caller named."""

    def __init__(self, declared: Iterable[Network], allowed: Iterable[str] = ()):
        self.ranges = AddressRanges(declared) + AddressRanges(allowed)

    def admits(self, target: str, extra: Sequence[Network] = ()) -> bool:
        host = target.rpartition(":")[0]
        return self.ranges.admits(host) or AddressRanges(extra).admits(host)


def json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class TopologyViews:
    """Everything derived from the topology alone; built once at start."""

    def __init__(self, topo: Topology, endpoints: dict[str, str] | None, settings: MonitorSettings):
        self.topo = topo
        self.settings = settings
        self.inventory: Inventory = build_inventory(topo, endpoints)
        self._devices = [self._device(i) for i in range(len(topo.devices))]
        self.targets = TargetFilter(topo.declared_networks(), settings.sd_allow)
        self._left_out: set[tuple[str, str]] = set()  # (agent, target) already logged

    def _device(self, i: int) -> dict[str, Any]:
        d, inv = self.topo.devices[i], self.inventory.devices[i]
        return {"name": d.name, "role": d.role.value, "vendor": d.vendor.value, "model": d.model,
                "region": d.region, "site": d.site, "mgmt": str(d.mgmt), "interfaces": d.interfaces,
                "snmp": d.snmp, "address": inv.address, "modules": inv.modules}

    def inventory_body(self, region: str | None = None, zone: str | None = None, role: str | None = None,
                       vendor: str | None = None) -> dict[str, Any]:
        """The stack's inventory; each filter narrows the sections whose entries carry that attribute."""
        topo = self.topo

        def keep(entry: dict[str, Any]) -> bool:
            return all(entry.get(k) in (None, v) or v is None
                       for k, v in (("region", region), ("zone", zone), ("role", role), ("vendor", vendor)))

        regions = [{"name": r.name, "name_zh": r.name_zh, "kind": r.kind, "management": str(r.management),
                    "zones": {z: str(c) for z, c in r.zones.items()}}
                   for r in topo.regions if region in (None, r.name)]
        zones = [{"name": z.name, "name_zh": z.name_zh, "kind": z.kind.value}
                 for z in topo.zones if zone in (None, z.name)]
        tenants = [e for e in ({"name": t.name, "name_zh": t.name_zh, "domain": t.domain.value, "zone": t.zone,
                                "region": t.region, "admin_group": t.admin_group} for t in topo.tenants) if keep(e)]
        hosts = [e for e in ({"name": h.name, "region": h.region, "zone": h.zone, "address": str(h.address),
                              "agent_port": h.agent_port} for h in topo.hosts) if keep(e)]
        devices = [d for d in self._devices if keep(d)]
        return {"stack": topo.name, "name_zh": topo.name_zh, "regions": regions, "zones": zones,
                "tenants": tenants, "devices": devices, "hosts": hosts}

    def snmp_groups(self) -> list[dict[str, Any]]:
        return [{"targets": [d.address],
                 "labels": {"__param_module": ",".join(d.modules), "__param_auth": d.auth, **d.labels}}
                for d in self.inventory.devices]

    def poller_groups(self) -> list[dict[str, Any]]:
        n = len(self.settings.poller_targets)
        return [{"targets": [target], "labels": {"shard": f"{i}/{n}"}}
                for i, target in enumerate(self.settings.poller_targets)]

    def monitor_groups(self) -> list[dict[str, Any]]:
        return [{"targets": [self.settings.listen], "labels": {"service": "monitor"}}]

    def host_groups(self, agents: Sequence[AgentRow], allowed: Sequence[Network] = ()) -> list[dict[str, Any]]:
        """Topology hosts (``--host-targets all``) and each host agent whose target passes :class:`TargetFilter`
        with ``allowed`` (the ranges an admin allowed through the API) added."""
        groups: list[dict[str, Any]] = []
        seen: set[str] = set()
        if self.settings.host_targets == "all":
            for h in self.topo.hosts:
                target = f"{h.address}:{h.agent_port}"
                seen.add(target)
                groups.append({"targets": [target],
                               "labels": {"host": h.name, "region": h.region, "zone": h.zone, "source": "topology"}})
        for a in agents:
            if a.kind != "host":
                continue
            target = a.address or f"{a.hostname}:{HOST_AGENT_PORT}"
            if target in seen:
                continue
            if not self.targets.admits(target, allowed):
                if (a.agent_id, target) in self._left_out:
                    continue
                self._left_out.add((a.agent_id, target))
                log.warning("service discovery leaves out agent %s: its target %s is outside the stack's ranges "
                            "(allow a range with POST /api/v1/sd-allowed or --sd-allow)", a.agent_id, target)
                continue
            seen.add(target)
            groups.append({"targets": [target], "labels": {"host": a.hostname, "agent": a.agent_id,
                                                           "source": "agent"}})
        return groups


class SdCache:
    """Per-job SD bodies as bytes. Static jobs never change; `host` is rebuilt when agents change."""

    def __init__(self, views: TopologyViews, agents: Callable[[], Sequence[AgentRow]],
                 allowed: Callable[[], Sequence[tuple[str, str, float]]], refresh_s: float):
        self._views, self._agents, self._allowed, self._refresh_s = views, agents, allowed, refresh_s
        self._static = {"snmp": json_bytes(views.snmp_groups()),
                        "snmp-poller": json_bytes(views.poller_groups()),
                        "monitor": json_bytes(views.monitor_groups())}
        self._host: bytes | None = None
        self._host_built = 0.0
        self._known_addresses: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def note_agent(self, agent_id: str, kind: str, address: str | None) -> None:
        """Called on each heartbeat this replica stores: a new host agent or address invalidates `host`."""
        if kind == "host" and (agent_id not in self._known_addresses or
                               (address is not None and self._known_addresses[agent_id] != address)):
            self._known_addresses[agent_id] = address
            self._host = None

    def invalidate(self) -> None:
        """Rebuild `host` on the next request (an admin changed the allowed ranges)."""
        self._host = None

    def body(self, job: str) -> bytes | None:
        static = self._static.get(job)
        if static is not None:
            return static
        if job != "host":
            return None
        body = self._host
        if body is not None and time.monotonic() - self._host_built < self._refresh_s:
            return body
        with self._lock:
            if self._host is None or time.monotonic() - self._host_built >= self._refresh_s:
                agents = self._agents()
                allowed = [ipaddress.ip_network(cidr, strict=False) for cidr, _, _ in self._allowed()]
                self._known_addresses = {a.agent_id: a.address for a in agents if a.kind == "host"}
                self._host = json_bytes(self._views.host_groups(agents, allowed))
                self._host_built = time.monotonic()
            return self._host
