"""CityView: the city-wide Prometheus pair that every region's Prometheus remote-writes to.

It runs in the city's security-management zone with ``--web.enable-remote-write-receiver``, scrapes nothing,
keeps 90 days, and evaluates the city-wide rules (a region fallen silent, compliance by region), whose alerts go
to the city plane's Alertmanager pair. Each region's Prometheus replica *i* writes to city-view replica *i*: each
city replica receives a whole copy of every region, from one sender, in order, so neither holds duplicates and
either answers alone (as each replica of a region's pair scrapes everything).

Regions write over the e-government extranet through the city's ingress controller: one host per replica
(``city-view-<i>.<domain>``), TLS, and mutual TLS (client certificates signed by the CA in the
``city-view-client-ca`` Secret, issued outside yunwang like the portals' certificates), from the regions'
security-management ranges only. The city's own plane writes in the cluster.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra.common import (
    APP,
    Manifest,
    Resources,
    cluster_host,
    container,
    http_service,
    meta,
    pod_spec,
    tmp_mount,
    tmp_volume,
)
from infra.component import Component
from infra.components.portal import TLS_ANNOTATIONS
from infra.components.workloads import configmap, served, volume_claim
from infra.networkpolicy import policy
from yunwang.topology import Region, Zone

CITY_VIEW = "city-view"
CITY_VIEW_PORT = 9090
CITY_VIEW_REPLICAS = 2
CITY_VIEW_RULES_DIR = "/etc/prometheus/rules"
CITY_VIEW_RESOURCES: Resources = {"cpu": "500m", "memory": "4Gi", "cpu_limit": "2"}
CLIENT_CA_SECRET = "city-view-client-ca"
"""The CA (``ca.crt``) whose client certificates the city's Ingress accepts from the regions."""
TLS_SECRET = "city-view-tls"
INGRESS_NAMESPACE = "ingress-nginx"
"""Where the region's ingress controller runs: its pods are the only ones let in to the city view from outside."""
POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"


def replica_host(domain: str, i: int) -> str:
    """The extranet host name of city-view replica ``i``."""
    return f"{CITY_VIEW}-{i}.{domain}"


def write_url_outside(domain: str, i: int) -> str:
    """Where a region's Prometheus replica ``i`` remote-writes across the extranet."""
    return f"https://{replica_host(domain, i)}/api/v1/write"


def write_url_inside(ns: str, i: int) -> str:
    """Where the city plane's Prometheus replica ``i`` remote-writes, in the cluster."""
    return f"http://{CITY_VIEW}-{i}.{cluster_host(CITY_VIEW, ns)}:{CITY_VIEW_PORT}/api/v1/write"


def query_url(ns: str) -> str:
    """The city view for Grafana and people (either replica)."""
    return f"http://{cluster_host(CITY_VIEW, ns)}:{CITY_VIEW_PORT}"


@dataclass(frozen=True)
class CityViewArgs:
    region: Region
    zone: Zone
    image: str
    domain: str
    config: str
    """prometheus.yml of the city view (monitor.prometheus.render.render_city_view_config)."""
    rules: tuple[tuple[str, str], ...]
    writers: tuple[str, ...]
    """Security-management ranges of the regions writing over the extranet (the Ingress admits only them)."""


def _replica_services(args: CityViewArgs) -> list[Manifest]:
    """One ClusterIP Service per replica: the Ingress sends replica i's host to replica i only."""
    r, z = args.region.name, args.zone.name
    return [http_service(f"{CITY_VIEW}-{i}", z, r, z, CITY_VIEW_PORT,
                         {APP: CITY_VIEW, POD_NAME_LABEL: f"{CITY_VIEW}-{i}"}, {APP: CITY_VIEW})
            for i in range(CITY_VIEW_REPLICAS)]


def _ingress(args: CityViewArgs) -> Manifest:
    r, z = args.region.name, args.zone.name
    hosts = [replica_host(args.domain, i) for i in range(CITY_VIEW_REPLICAS)]
    annotations = {**TLS_ANNOTATIONS,
                   "nginx.ingress.kubernetes.io/auth-tls-secret": f"{z}/{CLIENT_CA_SECRET}",
                   "nginx.ingress.kubernetes.io/auth-tls-verify-client": "on",
                   "nginx.ingress.kubernetes.io/auth-tls-verify-depth": "1",
                   "nginx.ingress.kubernetes.io/whitelist-source-range": ",".join(args.writers),
                   "nginx.ingress.kubernetes.io/proxy-body-size": "16m"}
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": meta(CITY_VIEW, z, r, z, extra_labels={APP: CITY_VIEW}, annotations=annotations),
            "spec": {"ingressClassName": args.region.ingress_class,
                     "tls": [{"hosts": hosts, "secretName": TLS_SECRET}],
                     "rules": [{"host": host, "http": {"paths": [{
                         "path": "/api/v1/write", "pathType": "Exact",
                         "backend": {"service": {"name": f"{CITY_VIEW}-{i}", "port": {"number": CITY_VIEW_PORT}}}}]}}
                         for i, host in enumerate(hosts)]}}


class CityView(Component[CityViewArgs]):
    """Config and rules, the StatefulSet pair (a volume each), its Services, the extranet Ingress and its policy."""

    TYPE = "yunwang:infra:CityView"

    @staticmethod
    def manifests(args: CityViewArgs) -> list[Manifest]:
        r, z = args.region.name, args.zone.name
        main = container(
            CITY_VIEW, args.image, cpu=CITY_VIEW_RESOURCES["cpu"], memory=CITY_VIEW_RESOURCES["memory"],
            cpu_limit=CITY_VIEW_RESOURCES["cpu_limit"], ports=[("http", CITY_VIEW_PORT)],
            args=["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus",
                  "--storage.tsdb.retention.time=90d", "--web.enable-remote-write-receiver"],
            readinessProbe={"httpGet": {"path": "/-/ready", "port": "http"}},
            volumeMounts=[{"name": "config", "mountPath": "/etc/prometheus", "readOnly": True},
                          {"name": "rules", "mountPath": CITY_VIEW_RULES_DIR, "readOnly": True},
                          {"name": "data", "mountPath": "/prometheus"}, tmp_mount()])
        pod = pod_spec([main], volumes=[{"name": "config", "configMap": {"name": "city-view-config"}},
                                        {"name": "rules", "configMap": {"name": "city-view-rules"}}, tmp_volume()])
        from_ingress = policy("allow-city-view-from-ingress", z, r, z, {
            "podSelector": {"matchLabels": {APP: CITY_VIEW}}, "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {
                "kubernetes.io/metadata.name": INGRESS_NAMESPACE}}}],
                "ports": [{"port": CITY_VIEW_PORT, "protocol": "TCP"}]}]})
        return [
            configmap(args, "city-view-config", {"prometheus.yml": args.config}),
            configmap(args, "city-view-rules", dict(args.rules)),
            *served(args, "StatefulSet", CITY_VIEW, CITY_VIEW_PORT, pod, headless=True, replicas=CITY_VIEW_REPLICAS,
                    serviceName=CITY_VIEW, podManagementPolicy="Parallel",
                    volumeClaimTemplates=[volume_claim(args, CITY_VIEW, "100Gi")]),
            *_replica_services(args),
            *([_ingress(args), from_ingress] if args.writers else []),
        ]
