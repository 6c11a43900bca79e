"""The yunwang Pulumi program: which components exist for a topology, and their registration.

:func:`component_specs` is pure (no Pulumi engine needed): it decides every component and its typed args,
so tests, the offline plan and ``pulumi up`` all see the same decisions. :func:`build` registers them,
one Kubernetes provider per region, and exports the stack outputs (never secrets).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra.alert_secrets import AlertSecrets, needed, robot_secret_entries
from infra.common import Resources, footprint
from infra.component import ComponentSpec, PlannedComponent
from infra.components.alertmanager import (
    ALERTMANAGER_REPLICAS,
    ALERTMANAGER_RESOURCES,
    SMTP_PASSWORD_FILE,
    WEBHOOK_TOKEN_FILE,
    AlertmanagerArgs,
    AlertmanagerGroup,
    alertmanager_targets,
    alertmanager_url,
)
from infra.components.backup import Backup, BackupArgs, BackupTarget
from infra.components.city_view import (
    CITY_VIEW_REPLICAS,
    CITY_VIEW_RESOURCES,
    CITY_VIEW_RULES_DIR,
    CityView,
    CityViewArgs,
    query_url,
    write_url_inside,
    write_url_outside,
)
from infra.components.drift_check import DRIFT_JOB_RESOURCES, DriftCheck, DriftCheckArgs
from infra.components.monitoring import (
    CITY_CLIENT_DIR,
    HOST_AGENT_RESOURCES,
    POLLER_RESOURCES,
    PROMETHEUS_REPLICAS,
    PROMETHEUS_RULES_DIR,
    VIEWER_TOKEN_FILE,
    Images,
    MonitoringPlane,
    MonitoringPlaneArgs,
    PlaneAlerting,
    grafana_endpoint,
    monitor_endpoint,
    poller_service,
    tokensecret,
)
from infra.components.network_devices import DeviceManagement, NetworkDevices, NetworkDevicesArgs, managed_device
from infra.components.network_inventory import (
    NetworkInventory,
    NetworkInventoryArgs,
    SnmpCredentials,
    credential_fields,
    env_name,
)
from infra.components.platform import Platform, PlatformArgs, cpu_limit
from infra.components.portal import ServicePortal, ServicePortalArgs
from infra.components.security_zone import SecurityZone, SecurityZoneArgs, ZoneQuota
from infra.components.tenant import Tenant, TenantArgs
from infra.databases import Databases
from infra.secret_values import Secret
from yunwang.errors import InputError, Problem
from yunwang.inventory import Inventory, build_inventory
from yunwang.planes import city_plane, monitoring_planes, poller_shards
from yunwang.topology import SnmpProfile, Topology, Zone, ZoneKind

MAX_NODES = 100
"""Nodes a region's cluster may have: the management zone's quota leaves room for one host agent on each."""
RESERVED_NAMESPACES = frozenset({"default", "kube-system", "kube-public", "kube-node-lease"})
DEFAULT_IMAGES = Images(
    yunwang="registry.luan.gov.example/yunwang/yunwang@sha256:"
            "8f3c2a9d1e7b6c5d4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b",
    prometheus="registry.luan.gov.example/mirror/prometheus@sha256:"
               "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809",
    grafana="registry.luan.gov.example/mirror/grafana@sha256:"
            "2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a",
    postgres="registry.luan.gov.example/mirror/postgres@sha256:"
             "3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b",
    restic="registry.luan.gov.example/mirror/restic@sha256:"
           "4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c",
    alertmanager="registry.luan.gov.example/mirror/alertmanager@sha256:"
                 "5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d",
)
"""Defaults point at the city registry's mirrors; a deployment pins its own digests with ``yunwang:images``."""
Kubeconfigs = dict[str, tuple[Secret[str] | None, str | None]]
"""region → (its kubeconfig or None for the ambient one, the context to use or None)."""


@dataclass(frozen=True)
class PrometheusTarget:
    """What one Prometheus replica of a plane is configured with (see :func:`default_prometheus_config`)."""

    monitor_url: str
    stack: str
    namespace: str
    region: str
    replica: int
    alertmanagers: tuple[str, ...]
    remote_write_url: str
    """The city-view replica this replica writes to."""
    over_extranet: bool
    """Written across the extranet (mutual TLS with the plane's client certificate) rather than in the cluster."""


PrometheusConfig = Callable[[PrometheusTarget], str]
"""Renders one replica's prometheus.yml."""


@dataclass(frozen=True)
class BackupSettings:
    """When backups run and where the restic REST servers listen (``yunwang:backup``)."""

    schedule: str = "30 1 * * *"
    port: int = 8000
    sites: tuple[tuple[str, str], ...] = ()
    """(region, region holding its backup server) overrides of :func:`backup_sites`' pairing."""


@dataclass(frozen=True)
class ProgramOptions:
    """Everything the program reads besides the topology (secrets as Pulumi Outputs or, in tests, strings)."""

    stack: str
    credentials: Secret[SnmpCredentials] | None
    tokens: dict[str, Secret[str]] = field(default_factory=dict)
    """The monitor's tokens by role: viewer, agent, admin."""
    grafana_admin_password: Secret[str] | None = None
    databases: Secret[Databases] | None = None
    """The ``yunwang:databases`` object {region: {database: URL}}."""
    backup_repository: Secret[str] | None = None
    backup_password: Secret[str] | None = None
    backup: BackupSettings = BackupSettings()
    poller_shards: tuple[tuple[str, int], ...] = ()
    """(plane region, shard count) overrides of :func:`shards_for` (``yunwang:pollerShards``)."""
    images: Images = DEFAULT_IMAGES
    prometheus_config: PrometheusConfig | None = None
    """Renders a plane's prometheus.yml; default: monitor/prometheus/render.py's template."""
    prometheus_rules: tuple[tuple[str, str], ...] = ()
    city_rules: tuple[tuple[str, str], ...] = ()
    dashboards: tuple[tuple[str, str], ...] = ()
    alert_secrets: Secret[AlertSecrets] | None = None
    """The ``yunwang:alertSecrets`` object {region: {wecom_key, dingtalk_token, dingtalk_secret}}."""
    smtp_password: Secret[str] | None = None
    monitor_enrolment: bool = True
    """Whether the agent bootstrap token may enrol new agent ids (``yunwang:monitorEnrolment``)."""
    monitor_sd_allow: tuple[str, ...] = ()
    """Ranges beyond the topology's where service discovery may list agents (``yunwang:monitorSdAllow``)."""
    devices: DeviceManagement | None = None
    """Device configurations over SSH (DeviceConfig resources, drift CronJobs); None: not managed."""


@dataclass
class Decisions:
    specs: list[PlannedComponent] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)


def _problem(path: str, value: str, message: str, hint: str) -> Problem:
    return Problem("topology", None, path, value, message, hint)


def check_placement(topo: Topology) -> None:
    """What the topology checks cannot know: namespaces must exist in the region and must not collide."""
    problems: list[Problem] = []
    regions = topo.region_by_name
    zone_names = set(topo.zone_by_name)
    for section in ("platforms", "portals"):
        for i, item in enumerate(getattr(topo, section)):
            if item.zone not in regions[item.region].zones:
                problems.append(_problem(f"{section}[{i}].zone", item.zone,
                                         f"region {item.region} has no address range for zone {item.zone}",
                                         f"add '{item.zone}' under regions[{item.region}].zones, or move it"))
    for i, platform in enumerate(topo.platforms):
        if "@sha256:" not in platform.image:
            problems.append(_problem(f"platforms[{i}].image", platform.image, "image is not pinned by digest",
                                     "use registry/name@sha256:<digest>: a tag can change under a running city"))
    for i, portal in enumerate(topo.portals):
        backend = topo.platform_by_name.get(portal.backend)
        if backend is not None and backend.region != portal.region:
            problems.append(_problem(f"portals[{i}].backend", portal.backend,
                                     f"the backend runs in region {backend.region}, the portal in {portal.region}",
                                     "a portal reaches its platform inside one region's cluster"))
    for i, tenant in enumerate(topo.tenants):
        if tenant.name in zone_names or tenant.name in RESERVED_NAMESPACES:
            problems.append(_problem(f"tenants[{i}].name", tenant.name,
                                     "tenant namespace collides with a zone or system namespace",
                                     "rename the tenant"))
    if problems:
        raise InputError(problems)


def _zone_quota(platforms_cpu_mem: list[tuple[int, str, str]], monitoring_shards: int, backup_job: bool,
                city_view: bool = False, drift_job: bool = False) -> ZoneQuota:
    """Sized by what runs in the zone: a base for ad-hoc work, platforms (+1 surge pod), monitoring, backups,
    the drift check."""
    req_cpu, lim_cpu, mem, pods = 4000, 8000, 8192, 50

    def add(resources: Resources, count: int) -> None:
        nonlocal req_cpu, lim_cpu, mem, pods
        c_cpu, c_limit, c_mem = footprint(resources)
        req_cpu, lim_cpu, mem, pods = req_cpu + count * c_cpu, lim_cpu + count * c_limit, mem + count * c_mem, \
            pods + count

    for replicas, cpu, memory in platforms_cpu_mem:
        add(Resources(cpu=cpu, memory=memory, cpu_limit=cpu_limit(cpu)), replicas + 1)
    if monitoring_shards:
        # The Prometheus pair, the Grafana and monitor pairs (+ a rollout surge each), the poller shards, one host
        # agent a node, the Alertmanager pair, and on the city's plane the city view pair.
        req_cpu, lim_cpu, mem, pods = req_cpu + 3000, lim_cpu + 10000, mem + 10240, pods + 16
        add(POLLER_RESOURCES, monitoring_shards)
        add(HOST_AGENT_RESOURCES, MAX_NODES)
        add(ALERTMANAGER_RESOURCES, ALERTMANAGER_REPLICAS)
        if city_view:
            add(CITY_VIEW_RESOURCES, CITY_VIEW_REPLICAS)
    if backup_job:
        # One backup pod at a time (concurrencyPolicy Forbid); its dump containers run before restic, not with it.
        req_cpu, lim_cpu, mem, pods = req_cpu + 100, lim_cpu + 1000, mem + 512, pods + 1
    if drift_job:  # one run at a time (concurrencyPolicy Forbid)
        d_cpu, d_limit, d_mem = footprint(DRIFT_JOB_RESOURCES)
        req_cpu, lim_cpu, mem, pods = req_cpu + d_cpu, lim_cpu + d_limit, mem + d_mem, pods + 1
    return ZoneQuota(requests_cpu=f"{req_cpu}m", requests_memory=f"{mem}Mi", limits_cpu=f"{lim_cpu}m",
                     limits_memory=f"{mem}Mi", pods=pods, storage="500Gi")


def backed_up_databases(topo: Topology) -> dict[tuple[str, str], list[str]]:
    """(region, namespace) → the databases its backup job dumps: each plane's monitor and Grafana databases,
    and each data platform's database in its zone. Every database the stack uses is here."""
    mgmt_zone, planes = monitoring_planes(topo)
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    if mgmt_zone is not None:
        for region in planes:
            out[(region, mgmt_zone.name)] += ["monitor", "grafana"]
    for p in topo.platforms:
        if p.kind == "data":
            out[(p.region, p.zone)].append(p.name)
    return dict(sorted(out.items()))


def needed_databases(topo: Topology) -> dict[str, list[str]]:
    """region → names that ``yunwang:databases`` must give for it."""
    out: dict[str, list[str]] = defaultdict(list)
    for (region, _), names in backed_up_databases(topo).items():
        out[region] += names
    return dict(out)


def backup_hosts(topo: Topology) -> list[str]:
    """Regions that can hold a backup server: those with a security-management range, in topology order."""
    mgmt_zone = topo.zone_of_kind(ZoneKind.SECURITY_MANAGEMENT)
    return [r.name for r in topo.regions if mgmt_zone is not None and mgmt_zone.name in r.zones]


def backup_sites(topo: Topology, overrides: tuple[tuple[str, str], ...] = ()) -> dict[str, str]:
    """region → the region whose security-management range holds its backup server (empty: none can).

    Districts and counties send to the city, the city to the first other region with a management range, so
    no region keeps its only backup at home (异地备份) unless it is the only region that can hold one.
    """
    hosts = backup_hosts(topo)
    if not hosts:
        return {}
    city = next((r.name for r in topo.regions if r.kind == "city" and r.name in hosts), hosts[0])
    partner = next((h for h in hosts if h != city), city)
    return {**{r.name: city if r.name != city else partner for r in topo.regions}, **dict(overrides)}


def _region_inventory(inventory: Inventory, regions: set[str]) -> str:
    part = Inventory(stack=inventory.stack, devices=[d for d in inventory.devices if d.labels["region"] in regions])
    return part.to_json()


def component_specs(topo: Topology, opts: ProgramOptions) -> Decisions:
    """Every component of the stack with its args, in a stable order, plus the stack outputs."""
    check_placement(topo)
    out = Decisions()
    zones = topo.zone_by_name
    mgmt_zone, planes = monitoring_planes(topo)
    inventory = build_inventory(topo)
    devices_by_region: dict[str, list[str]] = defaultdict(list)
    for d in topo.devices:
        devices_by_region[d.region].append(d.name)
    platforms_in: dict[tuple[str, str], list[tuple[int, str, str]]] = defaultdict(list)
    for p in topo.platforms:
        platforms_in[(p.region, p.zone)].append((p.replicas, p.cpu, p.memory))

    shards = poller_shards(topo, planes, opts.poller_shards)
    sites = backup_sites(topo, opts.backup.sites)
    backups = backed_up_databases(topo) if sites else {}
    city = city_plane(topo, planes)

    for region in topo.regions:
        for zone_name in region.zones:
            zone = zones[zone_name]
            plane_shards = shards.get(region.name, 0) if zone is mgmt_zone else 0
            quota = _zone_quota(platforms_in[(region.name, zone_name)], plane_shards,
                                (region.name, zone_name) in backups, city_view=plane_shards > 0 and region.name == city,
                                drift_job=bool(plane_shards and opts.devices))
            out.specs.append(ComponentSpec(SecurityZone, f"{region.name}/{zone_name}",
                                           SecurityZoneArgs(region, zone, topo.access, quota)))
    for t in topo.tenants:
        region = topo.region_by_name[t.region]
        out.specs.append(ComponentSpec(Tenant, f"{t.region}/{t.name}",
                                       TenantArgs(region, zones[t.zone], t, topo.access)))
    for p in topo.platforms:
        out.specs.append(ComponentSpec(Platform, f"{p.region}/{p.name}",
                                       PlatformArgs(topo.region_by_name[p.region], p)))
    for portal in topo.portals:
        out.specs.append(ComponentSpec(ServicePortal, f"{portal.region}/{portal.name}",
                                       ServicePortalArgs(topo.region_by_name[portal.region], portal,
                                                         topo.platform_by_name[portal.backend])))
    if opts.devices is not None:
        _device_specs(topo, opts, opts.devices, out)
    if mgmt_zone is not None:
        _monitoring_specs(topo, opts, out, mgmt_zone, planes, shards, inventory)
        for (region_name, ns), names in backups.items():
            site = topo.region_by_name[sites[region_name]]
            target = BackupTarget(region=site.name, network=str(site.zones[mgmt_zone.name]), port=opts.backup.port)
            out.specs.append(ComponentSpec(Backup, f"{region_name}/{ns}/backup", BackupArgs(
                region=topo.region_by_name[region_name], zone=zones[ns], databases=tuple(names),
                database_urls=opts.databases, target=target, schedule=opts.backup.schedule,
                postgres_image=opts.images.postgres, restic_image=opts.images.restic,
                repository=opts.backup_repository, password=opts.backup_password)))

    out.outputs = {
        "regions": [{"name": r.name, "name_zh": r.name_zh, "kind": r.kind, "zones": sorted(r.zones)}
                    for r in topo.regions],
        "zones": [{"name": z.name, "name_zh": z.name_zh, "kind": z.kind.value} for z in topo.zones],
        "inventory": {"devices": len(topo.devices),
                      "by_region": {r.name: len(devices_by_region[r.name]) for r in topo.regions},
                      "pollers": {name: {"polls": polled, "shards": shards[name]}
                                  for name, polled in planes.items()}},
        "backups": {f"{region}/{ns}": {"databases": names, "site": sites[region]}
                    for (region, ns), names in backups.items()},
        "endpoints": {
            "portals": {p.name: f"https://{p.host}" for p in topo.portals},
            "grafana": {name: grafana_endpoint(mgmt_zone.name) for name in planes} if mgmt_zone else {},
            "monitor": {name: monitor_endpoint(mgmt_zone.name) for name in planes} if mgmt_zone else {},
            "alertmanager": {name: alertmanager_url(mgmt_zone.name) for name in planes} if mgmt_zone else {},
            "city_view": {"region": city, "query": query_url(mgmt_zone.name),
                          "write": [write_url_outside(topo.domain, i) for i in range(CITY_VIEW_REPLICAS)]}
            if mgmt_zone and city else {},
        },
    }
    return out


def _monitoring_specs(topo: Topology, opts: ProgramOptions, out: Decisions, zone: Zone,
                      planes: dict[str, list[str]], shards: dict[str, int], inventory: Inventory) -> None:
    render = opts.prometheus_config or default_prometheus_config
    city = city_plane(topo, planes)
    ns = zone.name
    for region_name, polled in planes.items():
        region = topo.region_by_name[region_name]
        polled_set = set(polled)
        profiles: list[SnmpProfile] = sorted(
            {topo.profile_by_name[d.snmp] for d in topo.devices if d.region in polled_set}, key=lambda p: p.name)
        secret_env = tuple(env_name(p.name, f) for p in profiles for f in credential_fields(p))
        out.specs.append(ComponentSpec(NetworkInventory, f"{region_name}/network-inventory",
                                       NetworkInventoryArgs(region, zone, _region_inventory(inventory, polled_set),
                                                            tuple(profiles), opts.credentials)))
        over_extranet = region_name != city
        configs = tuple(render(PrometheusTarget(
            monitor_url=monitor_endpoint(ns), stack=opts.stack, namespace=ns, region=region_name, replica=i,
            alertmanagers=tuple(alertmanager_targets(ns)), over_extranet=over_extranet,
            remote_write_url=write_url_outside(topo.domain, i) if over_extranet else write_url_inside(ns, i)))
            for i in range(PROMETHEUS_REPLICAS))
        # The plane's monitor forwards to the robots of the teams its Alertmanager notifies: its regions', and on
        # the city's plane the city's team (city-wide alerts).
        teams = [*polled, *([topo.city.name] if region_name == city else [])]
        alerting = PlaneAlerting(
            alertmanager_url=alertmanager_url(ns),
            city_network=str(topo.region_by_name[city].zones[ns]) if over_extranet and city else None,
            robot_secrets=robot_secret_entries(needed(topo, teams), opts.alert_secrets),
            https_proxy=topo.alerting.https_proxy,
            city_view_url=query_url(ns) if region_name == city else None)
        if opts.devices is not None:
            out.specs.append(ComponentSpec(DriftCheck, f"{region_name}/device-drift", DriftCheckArgs(
                region=region, zone=zone, stack=opts.stack, image=opts.images.yunwang, regions=tuple(polled),
                topology_yaml=opts.devices.topology_yaml,
                device_networks=tuple(str(topo.region_by_name[r].management) for r in polled),
                login_password=opts.devices.login_password, known_hosts=opts.devices.known_hosts)))
        out.specs.append(ComponentSpec(MonitoringPlane, f"{region_name}/monitoring", MonitoringPlaneArgs(
            region=region, zone=zone, stack=opts.stack, images=opts.images, shards=shards[region_name],
            secret_env=secret_env, prometheus_configs=configs,
            prometheus_rules=opts.prometheus_rules, dashboards=opts.dashboards, tokens=opts.tokens,
            grafana_admin_password=opts.grafana_admin_password, databases=opts.databases,
            device_networks=tuple(str(topo.region_by_name[r].management) for r in polled), alerting=alerting,
            enrolment=opts.monitor_enrolment, sd_allow=opts.monitor_sd_allow)))
        out.specs.append(ComponentSpec(AlertmanagerGroup, f"{region_name}/alertmanager", AlertmanagerArgs(
            region=region, zone=zone, image=opts.images.alertmanager, config=_alertmanager_config(topo, ns),
            token_secret=tokensecret("alertmanager"),
            smtp_password=opts.smtp_password if _smtp_login(topo) else None,
            smtp_relay=topo.alerting.smtp.smarthost if topo.alerting.smtp else None)))
    if city is not None:
        writers = tuple(str(topo.region_by_name[name].zones[ns]) for name in planes if name != city)
        out.specs.append(ComponentSpec(CityView, f"{city}/city-view", CityViewArgs(
            region=topo.region_by_name[city], zone=zone, image=opts.images.prometheus, domain=topo.domain,
            config=_city_view_config(opts.stack, ns), rules=opts.city_rules, writers=writers)))


def _device_specs(topo: Topology, opts: ProgramOptions, devices: DeviceManagement, out: Decisions) -> None:
    """One NetworkDevices component a region with devices: a DeviceConfig each, keyed by its masked rendering."""
    from infra.network.render import render_stack

    by_region: dict[str, list[Any]] = defaultdict(list)
    for rendered in render_stack(topo, devices.topology):
        device = rendered.device
        by_region[device.region].append(managed_device(device.name, str(device.mgmt), rendered.text))
    for region in topo.regions:
        if by_region[region.name]:
            out.specs.append(ComponentSpec(NetworkDevices, f"{region.name}/network-devices", NetworkDevicesArgs(
                region=region, stack=opts.stack, topology=devices.topology, devices=tuple(by_region[region.name]),
                known_hosts=devices.known_hosts)))


def _smtp_login(topo: Topology) -> bool:
    return topo.alerting.smtp is not None and topo.alerting.smtp.username is not None


def _alertmanager_config(topo: Topology, ns: str) -> str:
    """monitor/alerting's routing tree from the topology, posting to this plane's monitor."""
    from monitor.alerting.routing import AlertmanagerOptions, render_alertmanager_config

    return render_alertmanager_config(topo, AlertmanagerOptions(
        monitor_url=monitor_endpoint(ns), webhook_token_file=WEBHOOK_TOKEN_FILE,
        smtp_password_file=SMTP_PASSWORD_FILE if _smtp_login(topo) else None))


def _city_view_config(stack: str, ns: str) -> str:
    from monitor.prometheus.render import render_city_view_config

    return render_city_view_config(stack=stack, rules_dir=CITY_VIEW_RULES_DIR, alertmanagers=alertmanager_targets(ns))


def default_prometheus_config(target: PrometheusTarget) -> str:
    """monitor/prometheus's template for one replica: targets through this plane's monitor, alerts to its
    Alertmanager pair, the region's aggregates to its city-view replica."""
    from monitor.prometheus.render import RemoteWrite, render_prometheus_config

    write = RemoteWrite(target.remote_write_url, tls_dir=CITY_CLIENT_DIR if target.over_extranet else None)
    return render_prometheus_config(target.monitor_url, token_file=VIEWER_TOKEN_FILE,
                                    snmp_agent=poller_service(target.namespace), stack=target.stack,
                                    rules_dir=PROMETHEUS_RULES_DIR, region=target.region,
                                    alertmanagers=target.alertmanagers, remote_write=[write])


def read_assets(root: Path) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """Prometheus rule files and Grafana dashboards shipped in monitor/ (none when absent)."""
    rules = tuple(sorted((p.name, p.read_text(encoding="utf-8"))
                         for p in (root / "monitor" / "prometheus" / "rules").glob("*.yml")))
    dashboards = tuple(sorted((p.name, p.read_text(encoding="utf-8"))
                              for p in (root / "monitor" / "grafana" / "dashboards").glob("*.json")))
    return rules, dashboards


def read_city_rules(root: Path) -> tuple[tuple[str, str], ...]:
    """The city view's rule files (monitor/prometheus/rules/city/)."""
    return tuple(sorted((p.name, p.read_text(encoding="utf-8"))
                        for p in (root / "monitor" / "prometheus" / "rules" / "city").glob("*.yml")))


def build(topo: Topology, opts: ProgramOptions, kubeconfigs: Kubeconfigs | None = None
          ) -> dict[str, Any]:
    """Register the whole stack; ``kubeconfigs`` maps region → (kubeconfig Output or None, context or None)."""
    import pulumi
    import pulumi_kubernetes as k8s

    decisions = component_specs(topo, opts)
    providers: dict[str, Any] = {}
    for region in topo.regions:
        kubeconfig, context = (kubeconfigs or {}).get(region.name, (None, None))
        providers[region.name] = k8s.Provider(region.name, kubeconfig=kubeconfig, context=context)
    for spec in decisions.specs:
        spec.register(pulumi.ResourceOptions(provider=providers[spec.region]))
    for key, value in decisions.outputs.items():
        pulumi.export(key, value)
    return decisions.outputs

