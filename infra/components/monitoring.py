"""MonitoringPlane: Prometheus, Grafana, the yunwang monitor, host agents and sharded SNMP pollers.

One plane runs in the security-management zone (安全管理区) of every region that has that zone; devices of a
region without one are polled by the city region's plane (see yunwang.planes.monitoring_planes). Everything runs as
non-root with a read-only root filesystem and bounded resources, under Pod Security ``restricted``. Nothing
of it is a single point of failure (GB/T 22239 8.1.4.9-c, hot redundancy):

* Prometheus is an HA pair (StatefulSet, a volume each): both replicas scrape every target, so either holds
  the whole picture and the ``prometheus`` Service answers from whichever is up;
* the monitor and Grafana run two replicas each on PostgreSQL (``yunwang:databases``; SQLite allows one
  writer). Grafana's own alerting stays off: alert rules live in Prometheus, so the replicas need no gossip;
* the SNMP poller StatefulSet has one shard per pod (at least two); each pod polls the shard equal to its
  ordinal and the monitor lists every shard for Prometheus' discovery;
* every workload has a PodDisruptionBudget (one pod away at a time) and spreads its replicas over nodes;
* the host agent DaemonSet uses neither hostNetwork, hostPID nor hostPath (``restricted`` forbids them), so in
  a pod it sees the node's CPU, memory and load (``/proc/stat``, ``/proc/meminfo``, ``/proc/loadavg`` are not
  namespaced) but only its own filesystems and network interfaces; full host coverage comes from agents
  installed on the hosts themselves (``hosts`` in the topology).

The monitor's four tokens are separate Secrets, each mounted only where it is used: the viewer token
(Prometheus' service discovery), the agent bootstrap token (host agents enrol with it, then write with their own
token), the admin token and the alertmanager token (the plane's Alertmanager posting to the alert webhook).

In the hierarchy (docs/scaling.md) each Prometheus replica reads its own configuration (``prometheus-<i>.yml``:
replica i remote-writes to city-view replica i, over the extranet with the plane's client certificate unless the
plane is the city's), and the monitor forwards alerts to the robots of the teams its Alertmanager notifies.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from infra.common import (
    APP,
    Manifest,
    Resources,
    cluster_host,
    container,
    pod_spec,
    secret,
    tmp_mount,
    tmp_volume,
)
from infra.component import Component
from infra.components.network_inventory import CREDENTIALS_DIR, CREDENTIALS_SECRET, INVENTORY_CONFIGMAP, POLLER_APP
from infra.components.workloads import configmap, served, volume_claim, workload
from infra.databases import POSTGRES_PORT, Databases, database_url, grafana_url
from infra.networkpolicy import policy
from infra.secret_values import Secret, secret_value
from yunwang.inventory import SNMP_PORT
from yunwang.topology import Region, Zone

MONITOR_PORT = 8080
HOST_AGENT_PORT = 9810
SNMP_AGENT_PORT = 9811
PROMETHEUS_PORT = 9090
GRAFANA_PORT = 3000
PROMETHEUS = "prometheus"
GRAFANA = "grafana"
MONITOR = "yunwang-monitor"
HOST_AGENT = "host-agent"
POLLER = POLLER_APP
"""Names of the plane's workloads: each is the workload's, its Service's and its budget's name and app label."""
TOKEN_ROLES = ("viewer", "agent", "admin", "alertmanager")
"""The monitor's token roles; each has a Secret ``monitor-<role>-token`` mounted at ``token_dir(role)``."""
GRAFANA_SECRET = "grafana-admin"
DATABASES_SECRET = "monitoring-databases"
PROMETHEUS_REPLICAS = 2
MONITOR_REPLICAS = 2
GRAFANA_REPLICAS = 2
PROMETHEUS_RULES_DIR = "/etc/prometheus/rules"
GRAFANA_DASHBOARDS_DIR = "/var/lib/grafana/dashboards"
POLLER_RESOURCES: Resources = {"cpu": "250m", "memory": "256Mi", "cpu_limit": "1"}
"""One SNMP poller shard (the zone quota grows by this much a shard)."""
MONITOR_RESOURCES: Resources = {"cpu": "200m", "memory": "512Mi", "cpu_limit": "1"}
"""One monitor replica (memory is its limit too: tests/security keeps a flood of large bodies under it)."""
HOST_AGENT_RESOURCES: Resources = {"cpu": "50m", "memory": "64Mi", "cpu_limit": "200m"}
"""One host agent (the zone quota leaves room for one a node)."""


def tokensecret(role: str) -> str:
    return f"monitor-{role}-token"


def token_dir(role: str) -> str:
    return f"/etc/yunwang/monitor-{role}"


VIEWER_TOKEN_FILE = f"{token_dir('viewer')}/token"
"""Where Prometheus finds the bearer token of the monitor's service discovery."""


def monitor_endpoint(ns: str) -> str:
    """The monitor's in-cluster URL (host agents push to it, Prometheus discovers targets through it)."""
    return f"http://{cluster_host(MONITOR, ns)}:{MONITOR_PORT}"


def grafana_endpoint(ns: str) -> str:
    return f"http://{cluster_host(GRAFANA, ns)}:{GRAFANA_PORT}"


def poller_service(ns: str) -> str:
    """HOST:PORT of the headless ``snmp-poller`` Service (Prometheus' ``snmp_agent``)."""
    return f"{cluster_host(POLLER, ns)}:{SNMP_AGENT_PORT}"


def poller_addresses(ns: str, shards: int) -> list[str]:
    """Each shard's stable address (StatefulSet pod DNS through the headless ``snmp-poller`` Service)."""
    return [f"{POLLER}-{i}.{poller_service(ns)}" for i in range(shards)]


@dataclass(frozen=True)
class Images:
    """Container images, pinned by digest (set ``yunwang:images`` to your registry's mirrors)."""

    yunwang: str
    prometheus: str
    grafana: str
    postgres: str
    """PostgreSQL client tools (pg_dump) for the backup jobs: match the servers' major version."""
    restic: str
    alertmanager: str


CITY_CLIENT_SECRET = "city-view-client"
"""A region's client certificate for the city view's Ingress (``tls.crt``, ``tls.key``, ``ca.crt``), issued outside
yunwang (e.g. cert-manager with the city's CA)."""
CITY_CLIENT_DIR = "/etc/prometheus/city-view-client"
ROBOTS_SECRET = "alert-robots"
ROBOTS_DIR = "/etc/yunwang/alert-robots"
PRIVATE_RANGES = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")


@dataclass(frozen=True)
class PlaneAlerting:
    """How a plane joins the hierarchy: its Alertmanager group, the city view, the robots its monitor forwards to."""

    alertmanager_url: str | None = None
    """The plane's Alertmanager API, for the monitor's maintenance windows."""
    city_network: str | None = None
    """The city's security-management range, when this plane remote-writes to the city view over the extranet."""
    robot_secrets: dict[str, Secret[str]] = field(default_factory=dict)
    """The monitor's variable (``YUNWANG_ALERT_<REGION>_<FIELD>``) → secret, for the teams this plane alerts."""
    https_proxy: str | None = None
    """The proxy to the robots' APIs; without one the monitor may reach any public address on 443."""
    city_view_url: str | None = None
    """The city view, as a second Grafana datasource (the city's plane)."""


@dataclass(frozen=True)
class MonitoringPlaneArgs:
    region: Region
    zone: Zone
    stack: str
    images: Images
    shards: int
    secret_env: tuple[str, ...]
    """Variable names of the SNMP secrets (files in the credentials Secret)."""
    prometheus_configs: tuple[str, ...]
    """prometheus.yml of each replica (replica i remote-writes to city-view replica i)."""
    prometheus_rules: tuple[tuple[str, str], ...]
    dashboards: tuple[tuple[str, str], ...]
    tokens: dict[str, Secret[str]]
    """role (viewer, agent, admin) → token."""
    grafana_admin_password: Secret[str] | None
    databases: Secret[Databases] | None
    """The ``yunwang:databases`` object (this region's ``monitor`` and ``grafana`` URLs are used)."""
    device_networks: tuple[str, ...]
    """Management ranges of the devices this plane polls (the pollers' only egress outside the cluster)."""
    alerting: PlaneAlerting = PlaneAlerting()
    enrolment: bool = True
    """Whether the monitor lets the agent bootstrap token enrol agent ids that have no token yet."""
    sd_allow: tuple[str, ...] = ()
    """Ranges beyond the topology's where the monitor's service discovery may list agents (e.g. the pod range)."""


def grafana_provisioning(ns: str, city_view_url: str | None = None) -> dict[str, str]:
    """Datasources (this plane's Prometheus; the city view, on the city's plane) and a file provider for the
    dashboards ConfigMap."""
    datasource = (
        "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    uid: prometheus\n    type: prometheus\n"
        f"    access: proxy\n    url: http://{cluster_host(PROMETHEUS, ns)}:{PROMETHEUS_PORT}\n"
        "    isDefault: true\n    editable: false\n")
    if city_view_url:
        datasource += ("  - name: City view\n    uid: city-view\n    type: prometheus\n    access: proxy\n"
                       f"    url: {city_view_url}\n    isDefault: false\n    editable: false\n")
    provider = (
        "apiVersion: 1\nproviders:\n  - name: yunwang\n    folder: yunwang\n    type: file\n"
        "    disableDeletion: true\n    allowUiUpdates: false\n"
        f"    options:\n      path: {GRAFANA_DASHBOARDS_DIR}\n")
    return {"datasources.yaml": datasource, "dashboards.yaml": provider}


def _token_mount(role: str) -> dict[str, Any]:
    return {"name": f"{role}-token", "mountPath": token_dir(role), "readOnly": True}


def _token_volume(role: str) -> dict[str, Any]:
    return {"name": f"{role}-token", "secret": {"secretName": tokensecret(role), "defaultMode": 0o440}}


def _secrets(args: MonitoringPlaneArgs) -> list[Manifest]:
    """A Secret a monitor token (each mounted only where used), Grafana's admin password, both database URLs."""
    r, z = args.region.name, args.zone.name
    databases = {"monitor": database_url(args.databases, r, "monitor"),
                 "grafana": secret_value(database_url(args.databases, r, "grafana"), grafana_url)}
    robots = [secret(ROBOTS_SECRET, z, r, z, dict(args.alerting.robot_secrets))] if args.alerting.robot_secrets else []
    return [
        *(secret(tokensecret(role), z, r, z, {"token": args.tokens.get(role)}) for role in TOKEN_ROLES),
        secret(GRAFANA_SECRET, z, r, z, {"password": args.grafana_admin_password}),
        secret(DATABASES_SECRET, z, r, z, databases),
        *robots,
    ]


def prometheus_config_key(replica: int) -> str:
    """The ConfigMap key (and file) of replica ``replica``'s configuration: the pod's own name."""
    return f"{PROMETHEUS}-{replica}.yml"


def _prometheus(args: MonitoringPlaneArgs) -> list[Manifest]:
    """The Prometheus HA pair: a config a replica (each remote-writes to its own city-view replica), the rules, a
    volume a replica, the Service either one answers, and the way out to the city view over the extranet."""
    r, z = args.region.name, args.zone.name
    mounts = [{"name": "config", "mountPath": "/etc/prometheus", "readOnly": True},
              {"name": "rules", "mountPath": PROMETHEUS_RULES_DIR, "readOnly": True},
              {"name": "data", "mountPath": "/prometheus"}, _token_mount("viewer"), tmp_mount()]
    volumes = [{"name": "config", "configMap": {"name": "prometheus-config"}},
               {"name": "rules", "configMap": {"name": "prometheus-rules"}}, _token_volume("viewer"), tmp_volume()]
    city = args.alerting.city_network
    if city is not None:
        mounts.append({"name": "city-view-client", "mountPath": CITY_CLIENT_DIR, "readOnly": True})
        volumes.append({"name": "city-view-client", "secret": {"secretName": CITY_CLIENT_SECRET, "defaultMode": 0o440}})
    main = container(
        PROMETHEUS, args.images.prometheus, cpu="500m", memory="2Gi", cpu_limit="2", ports=[("http", PROMETHEUS_PORT)],
        # $(POD_NAME) is expanded by Kubernetes: prometheus-0 reads prometheus-0.yml.
        args=["--config.file=/etc/prometheus/$(POD_NAME).yml", "--storage.tsdb.path=/prometheus",
              "--storage.tsdb.retention.time=30d"],
        env=[{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
        readinessProbe={"httpGet": {"path": "/-/ready", "port": "http"}},
        volumeMounts=mounts)
    pod = pod_spec([main], volumes=volumes)
    data_claim = volume_claim(args, PROMETHEUS, "50Gi")
    https = [{"port": 443, "protocol": "TCP"}]
    to_city = [policy("allow-prometheus-to-city-view", z, r, z, {
        "podSelector": {"matchLabels": {APP: PROMETHEUS}}, "policyTypes": ["Egress"],
        "egress": [{"to": [{"ipBlock": {"cidr": city}}], "ports": https}]})] if city else []
    return [
        configmap(args, "prometheus-config", {prometheus_config_key(i): text
                                              for i, text in enumerate(args.prometheus_configs)}),
        configmap(args, "prometheus-rules", dict(args.prometheus_rules)),
        *served(args, "StatefulSet", PROMETHEUS, PROMETHEUS_PORT, pod, replicas=len(args.prometheus_configs),
                serviceName=PROMETHEUS, podManagementPolicy="Parallel", volumeClaimTemplates=[data_claim]),
        *to_city,
    ]


def _grafana_container(image: str) -> dict[str, Any]:
    return container(
        GRAFANA, image, cpu="100m", memory="256Mi", cpu_limit="500m", ports=[("http", GRAFANA_PORT)],
        env=[{"name": "GF_PATHS_PROVISIONING", "value": "/etc/grafana/provisioning"},
             {"name": "GF_AUTH_ANONYMOUS_ENABLED", "value": "false"},
             {"name": "GF_ANALYTICS_REPORTING_ENABLED", "value": "false"},
             {"name": "GF_SECURITY_ADMIN_PASSWORD__FILE", "value": "/etc/grafana/admin/password"},
             # Users, sessions and preferences in the shared database: any replica serves any request.
             {"name": "GF_DATABASE_TYPE", "value": "postgres"},
             {"name": "GF_DATABASE_URL__FILE", "value": "/etc/grafana/database/url"},
             {"name": "GF_DATABASE_SSL_MODE", "value": "require"},
             {"name": "GF_UNIFIED_ALERTING_ENABLED", "value": "false"}],
        readinessProbe={"httpGet": {"path": "/api/health", "port": "http"}},
        volumeMounts=[{"name": "provisioning", "mountPath": "/etc/grafana/provisioning/datasources",
                       "subPath": "datasources", "readOnly": True},
                      {"name": "provisioning-dashboards", "mountPath": "/etc/grafana/provisioning/dashboards",
                       "readOnly": True},
                      {"name": "dashboards", "mountPath": GRAFANA_DASHBOARDS_DIR, "readOnly": True},
                      {"name": "admin", "mountPath": "/etc/grafana/admin", "readOnly": True},
                      {"name": "database", "mountPath": "/etc/grafana/database", "readOnly": True},
                      {"name": "data", "mountPath": "/var/lib/grafana"}, tmp_mount()])


def _grafana(args: MonitoringPlaneArgs) -> list[Manifest]:
    """Grafana's replicas on the shared database, provisioned with this plane's Prometheus and the dashboards."""
    provisioning = grafana_provisioning(args.zone.name, args.alerting.city_view_url)
    pod = pod_spec([_grafana_container(args.images.grafana)], volumes=[
        {"name": "provisioning", "configMap": {"name": "grafana-provisioning",
                                               "items": [{"key": "datasources.yaml",
                                                          "path": "datasources/datasources.yaml"}]}},
        {"name": "provisioning-dashboards", "configMap": {"name": "grafana-dashboard-provider"}},
        {"name": "dashboards", "configMap": {"name": "grafana-dashboards"}},
        {"name": "admin", "secret": {"secretName": GRAFANA_SECRET, "defaultMode": 0o440}},
        {"name": "database", "secret": {"secretName": DATABASES_SECRET, "defaultMode": 0o440,
                                        "items": [{"key": "grafana", "path": "url"}]}},
        {"name": "data", "emptyDir": {"sizeLimit": "1Gi"}}, tmp_volume()])
    return [
        configmap(args, "grafana-provisioning", {"datasources.yaml": provisioning["datasources.yaml"]}),
        configmap(args, "grafana-dashboard-provider", {"dashboards.yaml": provisioning["dashboards.yaml"]}),
        configmap(args, "grafana-dashboards", dict(args.dashboards)),
        *served(args, "Deployment", GRAFANA, GRAFANA_PORT, pod, replicas=GRAFANA_REPLICAS),
    ]


def _monitor(args: MonitoringPlaneArgs) -> list[Manifest]:
    """The yunwang monitor's replicas: target discovery for Prometheus, host agents' pushes, the console, the
    alert webhook (history and robot forwards) and maintenance windows in the plane's Alertmanager."""
    alerting = args.alerting
    pollers = [arg for address in poller_addresses(args.zone.name, args.shards) for arg in ("--poller", address)]
    silences = ["--alertmanager", alerting.alertmanager_url] if alerting.alertmanager_url else []
    robots = sorted(alerting.robot_secrets)
    proxy = [{"name": name, "value": alerting.https_proxy} for name in ("HTTPS_PROXY", "https_proxy")
             ] if alerting.https_proxy else []
    main = container(
        MONITOR, args.images.yunwang, **MONITOR_RESOURCES, ports=[("http", MONITOR_PORT)],
        command=["yunwang", "monitor", "--listen", f"0.0.0.0:{MONITOR_PORT}", "--stack", args.stack,
                 "--prometheus", f"http://{PROMETHEUS}:{PROMETHEUS_PORT}", *pollers, *silences,
                 "--state-dir", "/tmp/yunwang", *([] if args.enrolment else ["--no-enrolment"]),
                 *(arg for cidr in args.sd_allow for arg in ("--sd-allow", cidr))],
        env=[{"name": "YUNWANG_MONITOR_DB",
              "valueFrom": {"secretKeyRef": {"name": DATABASES_SECRET, "key": "monitor"}}},
             *({"name": f"YUNWANG_{role.upper()}_TOKEN_FILE", "value": f"{token_dir(role)}/token"}
               for role in TOKEN_ROLES),
             *({"name": f"{name}_FILE", "value": f"{ROBOTS_DIR}/{name}"} for name in robots), *proxy],
        readinessProbe={"httpGet": {"path": "/healthz", "port": "http"}},
        volumeMounts=[*(_token_mount(role) for role in TOKEN_ROLES),
                      *([{"name": "robots", "mountPath": ROBOTS_DIR, "readOnly": True}] if robots else []),
                      tmp_mount()])
    pod = pod_spec([main], volumes=[
        *(_token_volume(role) for role in TOKEN_ROLES),
        *([{"name": "robots", "secret": {"secretName": ROBOTS_SECRET, "defaultMode": 0o440}}] if robots else []),
        tmp_volume()])
    return [*served(args, "Deployment", MONITOR, MONITOR_PORT, pod, replicas=MONITOR_REPLICAS),
            *_robot_egress(args)]


def _robot_egress(args: MonitoringPlaneArgs) -> list[Manifest]:
    """The monitor reaches the robots' APIs: through the proxy when there is one, else public addresses on 443."""
    if not args.alerting.robot_secrets:
        return []
    r, z = args.region.name, args.zone.name
    proxy = args.alerting.https_proxy
    if proxy:
        parts = urlsplit(proxy)
        try:
            peer: dict[str, Any] = {"ipBlock": {"cidr": f"{ipaddress.ip_address(parts.hostname or '')}/32"}}
        except ValueError:
            return []  # a proxy named by host name: the cluster's egress rules decide
        ports = [{"port": parts.port, "protocol": "TCP"}]
    else:
        peer = {"ipBlock": {"cidr": "0.0.0.0/0", "except": list(PRIVATE_RANGES)}}
        ports = [{"port": 443, "protocol": "TCP"}]
    return [policy("allow-monitor-to-robot-apis", z, r, z, {
        "podSelector": {"matchLabels": {APP: MONITOR}}, "policyTypes": ["Egress"],
        "egress": [{"to": [peer], "ports": ports}]})]


def _host_agents(args: MonitoringPlaneArgs) -> list[Manifest]:
    """One host agent a node (DaemonSet). It enrols with the agent bootstrap token and keeps the token it receives
    in the pod's /tmp volume, which outlives a container restart; a new pod is a new agent id (its name)."""
    main = container(
        HOST_AGENT, args.images.yunwang, **HOST_AGENT_RESOURCES, ports=[("http", HOST_AGENT_PORT)],
        command=["yunwang", "agent", "host", "--listen", f"0.0.0.0:{HOST_AGENT_PORT}",
                 "--monitor", monitor_endpoint(args.zone.name), "--token-file", f"{token_dir('agent')}/token",
                 "--state-dir", "/tmp/yunwang-agent"],
        volumeMounts=[_token_mount("agent"), tmp_mount()])
    pod = pod_spec([main], volumes=[_token_volume("agent"), tmp_volume()])
    return [workload(args, "DaemonSet", HOST_AGENT, pod,
                      updateStrategy={"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}})]


def _snmp_pollers(args: MonitoringPlaneArgs) -> list[Manifest]:
    """The SNMP poller shards (a pod each, polling the shard equal to its ordinal) and their egress to devices."""
    r, z = args.region.name, args.zone.name
    main = container(
        POLLER, args.images.yunwang, **POLLER_RESOURCES, ports=[("http", SNMP_AGENT_PORT)],
        command=["yunwang", "agent", "snmp", "--listen", f"0.0.0.0:{SNMP_AGENT_PORT}",
                 "--inventory", "/etc/yunwang/inventory.json", "--shard", f"$(ORDINAL)/{args.shards}",
                 # exporter-mode /snmp walks nothing outside the devices' ranges (its egress policy's ranges)
                 *(arg for cidr in args.device_networks for arg in ("--allow-targets", cidr))],
        env=[{"name": "ORDINAL", "valueFrom": {"fieldRef": {
                 "fieldPath": "metadata.labels['apps.kubernetes.io/pod-index']"}}},
             *({"name": f"{e}_FILE", "value": f"{CREDENTIALS_DIR}/{e}"} for e in args.secret_env)],
        volumeMounts=[{"name": "inventory", "mountPath": "/etc/yunwang/inventory.json",
                       "subPath": "inventory.json", "readOnly": True},
                      {"name": "credentials", "mountPath": CREDENTIALS_DIR, "readOnly": True}, tmp_mount()])
    pod = pod_spec([main], volumes=[
        {"name": "inventory", "configMap": {"name": INVENTORY_CONFIGMAP}},
        {"name": "credentials", "secret": {"secretName": CREDENTIALS_SECRET, "defaultMode": 0o440}},
        tmp_volume()])
    return [
        *served(args, "StatefulSet", POLLER, SNMP_AGENT_PORT, pod, headless=True, replicas=args.shards,
                 serviceName=POLLER, podManagementPolicy="Parallel"),
        policy("allow-snmp-poller-to-devices", z, r, z, {
            "podSelector": {"matchLabels": {APP: POLLER}}, "policyTypes": ["Egress"],
            "egress": [{"to": [{"ipBlock": {"cidr": cidr}} for cidr in args.device_networks],
                        "ports": [{"port": SNMP_PORT, "protocol": "UDP"}]}]}),
    ]


def _database_egress(args: MonitoringPlaneArgs) -> Manifest:
    """Grafana and the monitor reach PostgreSQL in the zone's own address range, nowhere else."""
    r, z = args.region.name, args.zone.name
    return policy("allow-monitoring-to-database", z, r, z, {
        "podSelector": {"matchExpressions": [{"key": APP, "operator": "In", "values": [GRAFANA, MONITOR]}]},
        "policyTypes": ["Egress"],
        "egress": [{"to": [{"ipBlock": {"cidr": str(args.region.zones[z])}}],
                    "ports": [{"port": POSTGRES_PORT, "protocol": "TCP"}]}]})


class MonitoringPlane(Component[MonitoringPlaneArgs]):
    """The region's monitoring workloads, their config, Secrets, Services and disruption budgets."""

    TYPE = "yunwang:infra:MonitoringPlane"

    @staticmethod
    def manifests(args: MonitoringPlaneArgs) -> list[Manifest]:
        return [*_secrets(args), *_prometheus(args), *_grafana(args), *_monitor(args), *_host_agents(args),
                *_snmp_pollers(args), _database_egress(args)]
