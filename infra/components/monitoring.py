"""MonitoringPlane: Prometheus, Grafana, the yunwang monitor, host agents and sharded SNMP pollers.

One plane runs in the security-management zone (安全管理区) of every region that has that zone; devices of a
region without one are polled by the city region's plane (see program.monitoring_planes). Everything runs as
non-root with a read-only root filesystem and bounded resources, under Pod Security ``restricted``:

* the host agent DaemonSet uses neither hostNetwork, hostPID nor hostPath (``restricted`` forbids them), so in
  a pod it sees the node's CPU, memory and load (``/proc/stat``, ``/proc/meminfo``, ``/proc/loadavg`` are not
  namespaced) but only its own filesystems and network interfaces; full host coverage comes from agents
  installed on the hosts themselves (``hosts`` in the topology);
* the SNMP poller StatefulSet has N replicas and each pod polls the shard equal to its ordinal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from infra.common import APP, Manifest, container, labels, meta, pod_spec, tmp_volume
from infra.component import Component
from infra.components.network_inventory import CREDENTIALS_DIR, CREDENTIALS_SECRET, INVENTORY_CONFIGMAP
from infra.networkpolicy import policy
from yunwang.topology import Region, Zone

MONITOR_PORT = 8080
HOST_AGENT_PORT = 9810
SNMP_AGENT_PORT = 9811
PROMETHEUS_PORT = 9090
GRAFANA_PORT = 3000
TOKEN_SECRET = "monitor-token"
TOKEN_DIR = "/etc/yunwang/monitor"
GRAFANA_SECRET = "grafana-admin"


@dataclass(frozen=True)
class Images:
    """Container images, pinned by digest (set ``yunwang:images`` to your registry's mirrors)."""

    yunwang: str
    prometheus: str
    grafana: str


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
    monitor_token: Any
    grafana_admin_password: Any
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
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": meta(name, ns, r, z, extra_labels={APP: name}),
            "spec": {"selector": {"matchLabels": {APP: name}}, **spec,
                     "template": {"metadata": {"labels": labels(r, z, **{APP: name})}, "spec": pod}}}


def _configmap(name: str, ns: str, r: str, z: str, data: dict[str, str]) -> Manifest:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(name, ns, r, z), "data": data}


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
    """The region's monitoring workloads, their config and Services."""

    TYPE = "yunwang:infra:MonitoringPlane"

    @staticmethod
    def manifests(args: MonitoringPlaneArgs) -> list[Manifest]:
        r, z = args.region.name, args.zone.name
        ns = z
        img = args.images
        monitor_url = f"http://yunwang-monitor.{ns}.svc.cluster.local:{MONITOR_PORT}"
        token_mount = {"name": "monitor-token", "mountPath": TOKEN_DIR, "readOnly": True}
        token_volume = {"name": "monitor-token", "secret": {"secretName": TOKEN_SECRET, "defaultMode": 0o440}}
        tmp_mount = {"name": "tmp", "mountPath": "/tmp"}

        prometheus = container(
            "prometheus", img.prometheus, cpu="500m", memory="2Gi", cpu_limit="2", ports=[("http", PROMETHEUS_PORT)],
            args=["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus",
                  "--storage.tsdb.retention.time=30d"],
            readinessProbe={"httpGet": {"path": "/-/ready", "port": "http"}},
            volumeMounts=[{"name": "config", "mountPath": "/etc/prometheus", "readOnly": True},
                          {"name": "rules", "mountPath": "/etc/prometheus/rules", "readOnly": True},
                          {"name": "data", "mountPath": "/prometheus"}, token_mount, tmp_mount])
        grafana = container(
            "grafana", img.grafana, cpu="100m", memory="256Mi", cpu_limit="500m", ports=[("http", GRAFANA_PORT)],
            env=[{"name": "GF_PATHS_PROVISIONING", "value": "/etc/grafana/provisioning"},
                 {"name": "GF_AUTH_ANONYMOUS_ENABLED", "value": "false"},
                 {"name": "GF_ANALYTICS_REPORTING_ENABLED", "value": "false"},
                 {"name": "GF_SECURITY_ADMIN_PASSWORD__FILE", "value": "/etc/grafana/admin/password"}],
            readinessProbe={"httpGet": {"path": "/api/health", "port": "http"}},
            volumeMounts=[{"name": "provisioning", "mountPath": "/etc/grafana/provisioning/datasources",
                           "subPath": "datasources", "readOnly": True},
                          {"name": "provisioning-dashboards", "mountPath": "/etc/grafana/provisioning/dashboards",
                           "readOnly": True},
                          {"name": "dashboards", "mountPath": "/var/lib/grafana/dashboards", "readOnly": True},
                          {"name": "admin", "mountPath": "/etc/grafana/admin", "readOnly": True},
                          {"name": "data", "mountPath": "/var/lib/grafana"}, tmp_mount])
        monitor = container(
            "yunwang-monitor", img.yunwang, cpu="200m", memory="512Mi", cpu_limit="1", ports=[("http", MONITOR_PORT)],
            command=["yunwang", "monitor", "--listen", f"0.0.0.0:{MONITOR_PORT}", "--stack", args.stack,
                     "--db", "sqlite:////var/lib/yunwang/monitor.db",
                     "--prometheus", f"http://prometheus:{PROMETHEUS_PORT}"],
            # One token for Prometheus's service discovery (viewer) and the host agents' pushes (agent).
            env=[{"name": "YUNWANG_VIEWER_TOKEN_FILE", "value": f"{TOKEN_DIR}/token"},
                 {"name": "YUNWANG_AGENT_TOKEN_FILE", "value": f"{TOKEN_DIR}/token"}],
            readinessProbe={"httpGet": {"path": "/healthz", "port": "http"}},
            volumeMounts=[{"name": "data", "mountPath": "/var/lib/yunwang"}, token_mount, tmp_mount])
        host_agent = container(
            "host-agent", img.yunwang, cpu="50m", memory="64Mi", cpu_limit="200m", ports=[("http", HOST_AGENT_PORT)],
            command=["yunwang", "agent", "host", "--listen", f"0.0.0.0:{HOST_AGENT_PORT}", "--monitor", monitor_url,
                     "--token-file", f"{TOKEN_DIR}/token"],
            volumeMounts=[token_mount, tmp_mount])
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
        return [
            {"apiVersion": "v1", "kind": "Secret", "metadata": meta(TOKEN_SECRET, ns, r, z), "type": "Opaque",
             "stringData": {"token": args.monitor_token}},
            {"apiVersion": "v1", "kind": "Secret", "metadata": meta(GRAFANA_SECRET, ns, r, z), "type": "Opaque",
             "stringData": {"password": args.grafana_admin_password}},
            _configmap("prometheus-config", ns, r, z, {"prometheus.yml": args.prometheus_config}),
            _configmap("prometheus-rules", ns, r, z, dict(args.prometheus_rules)),
            {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": meta("prometheus-data", ns, r, z),
             "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "50Gi"}}}},
            _workload("Deployment", "prometheus", ns, r, z, pod_spec([prometheus], volumes=[
                {"name": "config", "configMap": {"name": "prometheus-config"}},
                {"name": "rules", "configMap": {"name": "prometheus-rules"}},
                {"name": "data", "persistentVolumeClaim": {"claimName": "prometheus-data"}},
                token_volume, tmp_volume()]), replicas=1, strategy={"type": "Recreate"}),
            _service("prometheus", ns, r, z, PROMETHEUS_PORT),
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
                {"name": "data", "emptyDir": {"sizeLimit": "1Gi"}}, tmp_volume()]), replicas=1),
            _service("grafana", ns, r, z, GRAFANA_PORT),
            _workload("Deployment", "yunwang-monitor", ns, r, z, pod_spec([monitor], volumes=[
                {"name": "data", "emptyDir": {"sizeLimit": "2Gi"}}, token_volume, tmp_volume()]), replicas=1),
            _service("yunwang-monitor", ns, r, z, MONITOR_PORT),
            _workload("DaemonSet", "host-agent", ns, r, z, pod_spec([host_agent], volumes=[token_volume, tmp_volume()]),
                      updateStrategy={"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}}),
            _workload("StatefulSet", "snmp-poller", ns, r, z, pod_spec([poller], volumes=[
                {"name": "inventory", "configMap": {"name": INVENTORY_CONFIGMAP}},
                {"name": "credentials", "secret": {"secretName": CREDENTIALS_SECRET, "defaultMode": 0o440}},
                tmp_volume()]), replicas=args.shards, serviceName="snmp-poller", podManagementPolicy="Parallel"),
            _service("snmp-poller", ns, r, z, SNMP_AGENT_PORT, headless=True),
            policy("allow-snmp-poller-to-devices", ns, r, z, {
                "podSelector": {"matchLabels": {APP: "snmp-poller"}}, "policyTypes": ["Egress"],
                "egress": [{"to": [{"ipBlock": {"cidr": cidr}} for cidr in args.device_networks],
                            "ports": [{"port": 161, "protocol": "UDP"}]}]}),
        ]
