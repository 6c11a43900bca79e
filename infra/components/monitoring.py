"""MonitoringPlane: Prometheus, Grafana, the yunwang monitor, host agents and sharded SNMP pollers.

One plane runs in the security-management zone (安全管理区) of every region that has that zone; devices of a
region without one are polled by the city region's plane (see program.monitoring_planes). Everything runs as
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

The monitor's three tokens are separate Secrets, each mounted only where it is used: the viewer token
(Prometheus' service discovery), the agent bootstrap token (host agents' pushes) and the admin token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from infra.common import (
    APP,
    Manifest,
    container,
    disruption_budget,
    labels,
    meta,
    pod_spec,
    secret,
    spread_over_nodes,
    tmp_volume,
)
from infra.component import Component
from infra.components.network_inventory import CREDENTIALS_DIR, CREDENTIALS_SECRET, INVENTORY_CONFIGMAP
from infra.databases import POSTGRES_PORT, database_url, grafana_url, secret_value
from infra.networkpolicy import policy
from yunwang.topology import Region, Zone

MONITOR_PORT = 8080
HOST_AGENT_PORT = 9810
SNMP_AGENT_PORT = 9811
PROMETHEUS_PORT = 9090
GRAFANA_PORT = 3000
TOKEN_ROLES = ("viewer", "agent", "admin")
"""The monitor's token roles; each has a Secret ``monitor-<role>-token`` mounted at ``token_dir(role)``."""
GRAFANA_SECRET = "grafana-admin"
DATABASES_SECRET = "monitoring-databases"
PROMETHEUS_REPLICAS = 2
MONITOR_REPLICAS = 2
GRAFANA_REPLICAS = 2


def tokensecret(role: str) -> str:
    return f"monitor-{role}-token"


def token_dir(role: str) -> str:
    return f"/etc/yunwang/monitor-{role}"


VIEWER_TOKEN_FILE = f"{token_dir('viewer')}/token"
"""Where Prometheus finds the bearer token of the monitor's service discovery."""


@dataclass(frozen=True)
class Images:
    """Container images, pinned by digest (set ``yunwang:images`` to your registry's mirrors)."""

    yunwang: str
    prometheus: str
    grafana: str
    postgres: str
    """PostgreSQL client tools (pg_dump) for the backup jobs: match the servers' major version."""
    restic: str


@dataclass(frozen=True)
class MonitoringPlaneArgs:
    region: Region
    zone: Zone
    stack: str
    images: Images
    shards: int
    secret_env: tuple[str, ...]
    """Variable names of the SNMP secrets (files in the credentials Secret)."""
    prometheus_config: str
    prometheus_rules: tuple[tuple[str, str], ...]
    dashboards: tuple[tuple[str, str], ...]
    tokens: dict[str, Any]
    """role (viewer, agent, admin) → token: secret Outputs in a program, strings in tests."""
    grafana_admin_password: Any
    databases: Any
    """The ``yunwang:databases`` object (this region's ``monitor`` and ``grafana`` URLs are used)."""
    device_networks: tuple[str, ...]
    """Management ranges of the devices this plane polls (the pollers' only egress outside the cluster)."""


def _service(name: str, ns: str, r: str, z: str, port: int, *, headless: bool = False) -> Manifest:
    spec: dict[str, Any] = {"type": "ClusterIP", "selector": {APP: name},
                            "ports": [{"name": "http", "port": port, "targetPort": "http", "protocol": "TCP"}]}
    if headless:
        spec["clusterIP"] = "None"
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta(name, ns, r, z, extra_labels={APP: name}),
            "spec": spec}


def _workload(kind: str, name: str, ns: str, r: str, z: str, pod: dict[str, Any], **spec: Any) -> Manifest:
    if kind != "DaemonSet":
        pod = {**pod, "topologySpreadConstraints": spread_over_nodes({APP: name})}
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": meta(name, ns, r, z, extra_labels={APP: name}),
            "spec": {"selector": {"matchLabels": {APP: name}}, **spec,
                     "template": {"metadata": {"labels": labels(r, z, **{APP: name})}, "spec": pod}}}


def _budget(name: str, ns: str, r: str, z: str) -> Manifest:
    return disruption_budget(name, ns, r, z, {APP: name}, {APP: name})


def _configmap(name: str, ns: str, r: str, z: str, data: dict[str, str]) -> Manifest:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(name, ns, r, z), "data": data}


def poller_addresses(ns: str, shards: int) -> list[str]:
    """Each shard's stable address (StatefulSet pod DNS through the headless ``snmp-poller`` Service)."""
    return [f"snmp-poller-{i}.snmp-poller.{ns}.svc.cluster.local:{SNMP_AGENT_PORT}" for i in range(shards)]


def grafana_provisioning(ns: str) -> dict[str, str]:
    """Datasource (this plane's Prometheus) and a file provider for the dashboards ConfigMap."""
    datasource = (
        "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    uid: prometheus\n    type: prometheus\n"
        f"    access: proxy\n    url: http://prometheus.{ns}.svc.cluster.local:{PROMETHEUS_PORT}\n"
        "    isDefault: true\n    editable: false\n")
    provider = (
        "apiVersion: 1\nproviders:\n  - name: yunwang\n    folder: yunwang\n    type: file\n"
        "    disableDeletion: true\n    allowUiUpdates: false\n"
        "    options:\n      path: /var/lib/grafana/dashboards\n")
    return {"datasources.yaml": datasource, "dashboards.yaml": provider}


class MonitoringPlane(Component):
    """The region's monitoring workloads, their config, Secrets, Services and disruption budgets."""

    TYPE = "yunwang:infra:MonitoringPlane"

    @staticmethod
    def manifests(args: MonitoringPlaneArgs) -> list[Manifest]:
        r, z = args.region.name, args.zone.name
        ns = z
        img = args.images
        monitor_url = f"http://yunwang-monitor.{ns}.svc.cluster.local:{MONITOR_PORT}"
        token_mounts = {role: {"name": f"{role}-token", "mountPath": token_dir(role), "readOnly": True}
                        for role in TOKEN_ROLES}
        token_volumes = {role: {"name": f"{role}-token",
                                "secret": {"secretName": tokensecret(role), "defaultMode": 0o440}}
                         for role in TOKEN_ROLES}
        tmp_mount = {"name": "tmp", "mountPath": "/tmp"}

        prometheus = container(
            "prometheus", img.prometheus, cpu="500m", memory="2Gi", cpu_limit="2", ports=[("http", PROMETHEUS_PORT)],
            args=["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus",
                  "--storage.tsdb.retention.time=30d"],
            readinessProbe={"httpGet": {"path": "/-/ready", "port": "http"}},
            volumeMounts=[{"name": "config", "mountPath": "/etc/prometheus", "readOnly": True},
                          {"name": "rules", "mountPath": "/etc/prometheus/rules", "readOnly": True},
                          {"name": "data", "mountPath": "/prometheus"}, token_mounts["viewer"], tmp_mount])
        grafana = container(
            "grafana", img.grafana, cpu="100m", memory="256Mi", cpu_limit="500m", ports=[("http", GRAFANA_PORT)],
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
                          {"name": "dashboards", "mountPath": "/var/lib/grafana/dashboards", "readOnly": True},
                          {"name": "admin", "mountPath": "/etc/grafana/admin", "readOnly": True},
                          {"name": "database", "mountPath": "/etc/grafana/database", "readOnly": True},
                          {"name": "data", "mountPath": "/var/lib/grafana"}, tmp_mount])
        pollers = [arg for address in poller_addresses(ns, args.shards) for arg in ("--poller", address)]
        monitor = container(
            "yunwang-monitor", img.yunwang, cpu="200m", memory="512Mi", cpu_limit="1", ports=[("http", MONITOR_PORT)],
            command=["yunwang", "monitor", "--listen", f"0.0.0.0:{MONITOR_PORT}", "--stack", args.stack,
                     "--prometheus", f"http://prometheus:{PROMETHEUS_PORT}", *pollers, "--state-dir", "/tmp/yunwang"],
            env=[{"name": "YUNWANG_MONITOR_DB",
                  "valueFrom": {"secretKeyRef": {"name": DATABASES_SECRET, "key": "monitor"}}},
                 *({"name": f"YUNWANG_{role.upper()}_TOKEN_FILE", "value": f"{token_dir(role)}/token"}
                   for role in TOKEN_ROLES)],
            readinessProbe={"httpGet": {"path": "/healthz", "port": "http"}},
            volumeMounts=[*(token_mounts[role] for role in TOKEN_ROLES), tmp_mount])
        host_agent = container(
            "host-agent", img.yunwang, cpu="50m", memory="64Mi", cpu_limit="200m", ports=[("http", HOST_AGENT_PORT)],
            command=["yunwang", "agent", "host", "--listen", f"0.0.0.0:{HOST_AGENT_PORT}", "--monitor", monitor_url,
                     "--token-file", f"{token_dir('agent')}/token"],
            volumeMounts=[token_mounts["agent"], tmp_mount])
        poller = container(
            "snmp-poller", img.yunwang, cpu="250m", memory="256Mi", cpu_limit="1", ports=[("http", SNMP_AGENT_PORT)],
            command=["yunwang", "agent", "snmp", "--listen", f"0.0.0.0:{SNMP_AGENT_PORT}",
                     "--inventory", "/etc/yunwang/inventory.json", "--shard", f"$(ORDINAL)/{args.shards}"],
            env=[{"name": "ORDINAL", "valueFrom": {"fieldRef": {
                     "fieldPath": "metadata.labels['apps.kubernetes.io/pod-index']"}}},
                 *({"name": f"{e}_FILE", "value": f"{CREDENTIALS_DIR}/{e}"} for e in args.secret_env)],
            volumeMounts=[{"name": "inventory", "mountPath": "/etc/yunwang/inventory.json",
                           "subPath": "inventory.json", "readOnly": True},
                          {"name": "credentials", "mountPath": CREDENTIALS_DIR, "readOnly": True}, tmp_mount])

        dashboards = {name: text for name, text in args.dashboards}
        provisioning = grafana_provisioning(ns)
        databases = {"monitor": database_url(args.databases, r, "monitor"),
                     "grafana": secret_value(database_url(args.databases, r, "grafana"), grafana_url)}
        data_claim = {"metadata": {"name": "data", "labels": labels(r, z, **{APP: "prometheus"})},
                      "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "50Gi"}}}}
        return [
            *(secret(tokensecret(role), ns, r, z, {"token": args.tokens.get(role)}) for role in TOKEN_ROLES),
            secret(GRAFANA_SECRET, ns, r, z, {"password": args.grafana_admin_password}),
            secret(DATABASES_SECRET, ns, r, z, databases),
            _configmap("prometheus-config", ns, r, z, {"prometheus.yml": args.prometheus_config}),
            _configmap("prometheus-rules", ns, r, z, dict(args.prometheus_rules)),
            _workload("StatefulSet", "prometheus", ns, r, z, pod_spec([prometheus], volumes=[
                {"name": "config", "configMap": {"name": "prometheus-config"}},
                {"name": "rules", "configMap": {"name": "prometheus-rules"}},
                token_volumes["viewer"], tmp_volume()]), replicas=PROMETHEUS_REPLICAS, serviceName="prometheus",
                podManagementPolicy="Parallel", volumeClaimTemplates=[data_claim]),
            _service("prometheus", ns, r, z, PROMETHEUS_PORT),
            _budget("prometheus", ns, r, z),
            _configmap("grafana-provisioning", ns, r, z, {"datasources.yaml": provisioning["datasources.yaml"]}),
            _configmap("grafana-dashboard-provider", ns, r, z, {"dashboards.yaml": provisioning["dashboards.yaml"]}),
            _configmap("grafana-dashboards", ns, r, z, dashboards),
            _workload("Deployment", "grafana", ns, r, z, pod_spec([grafana], volumes=[
                {"name": "provisioning", "configMap": {"name": "grafana-provisioning",
                                                       "items": [{"key": "datasources.yaml",
                                                                  "path": "datasources/datasources.yaml"}]}},
                {"name": "provisioning-dashboards", "configMap": {"name": "grafana-dashboard-provider"}},
                {"name": "dashboards", "configMap": {"name": "grafana-dashboards"}},
                {"name": "admin", "secret": {"secretName": GRAFANA_SECRET, "defaultMode": 0o440}},
                {"name": "database", "secret": {"secretName": DATABASES_SECRET, "defaultMode": 0o440,
                                                "items": [{"key": "grafana", "path": "url"}]}},
                {"name": "data", "emptyDir": {"sizeLimit": "1Gi"}}, tmp_volume()]), replicas=GRAFANA_REPLICAS),
            _service("grafana", ns, r, z, GRAFANA_PORT),
            _budget("grafana", ns, r, z),
            _workload("Deployment", "yunwang-monitor", ns, r, z, pod_spec([monitor], volumes=[
                *(token_volumes[role] for role in TOKEN_ROLES), tmp_volume()]), replicas=MONITOR_REPLICAS),
            _service("yunwang-monitor", ns, r, z, MONITOR_PORT),
            _budget("yunwang-monitor", ns, r, z),
            _workload("DaemonSet", "host-agent", ns, r, z, pod_spec([host_agent], volumes=[
                token_volumes["agent"], tmp_volume()]),
                      updateStrategy={"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}}),
            _workload("StatefulSet", "snmp-poller", ns, r, z, pod_spec([poller], volumes=[
                {"name": "inventory", "configMap": {"name": INVENTORY_CONFIGMAP}},
                {"name": "credentials", "secret": {"secretName": CREDENTIALS_SECRET, "defaultMode": 0o440}},
                tmp_volume()]), replicas=args.shards, serviceName="snmp-poller", podManagementPolicy="Parallel"),
            _service("snmp-poller", ns, r, z, SNMP_AGENT_PORT, headless=True),
            _budget("snmp-poller", ns, r, z),
            policy("allow-snmp-poller-to-devices", ns, r, z, {
                "podSelector": {"matchLabels": {APP: "snmp-poller"}}, "policyTypes": ["Egress"],
                "egress": [{"to": [{"ipBlock": {"cidr": cidr}} for cidr in args.device_networks],
                            "ports": [{"port": 161, "protocol": "UDP"}]}]}),
            policy("allow-monitoring-to-database", ns, r, z, {
                "podSelector": {"matchExpressions": [{"key": APP, "operator": "In",
                                                      "values": ["grafana", "yunwang-monitor"]}]},
                "policyTypes": ["Egress"],
                "egress": [{"to": [{"ipBlock": {"cidr": str(args.region.zones[z])}}],
                            "ports": [{"port": POSTGRES_PORT, "protocol": "TCP"}]}]}),
        ]
