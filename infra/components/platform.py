"""Platform: a middle platform (数据/应用/AI中台) as a hardened Deployment, a ClusterIP Service and a PDB."""

from __future__ import annotations

from dataclasses import dataclass

from infra.common import (
    APP,
    Manifest,
    cluster_host,
    container,
    cpu_millis,
    disruption_budget,
    http_service,
    labels,
    meta,
    pod_spec,
    spread_over_nodes,
    tmp_mount,
    tmp_volume,
)
from infra.component import Component
from yunwang.topology import Platform as PlatformSpec
from yunwang.topology import Region


@dataclass(frozen=True)
class PlatformArgs:
    region: Region
    platform: PlatformSpec


def cpu_limit(cpu: str) -> str:
    """CPU may burst to twice the request; memory never exceeds its request."""
    return f"{2 * cpu_millis(cpu)}m"


def service_host(platform: PlatformSpec) -> str:
    """In-cluster DNS name of a platform's Service."""
    return cluster_host(platform.name, platform.zone)


class Platform(Component[PlatformArgs]):
    """Deployment (image by digest, hardened, bounded), ClusterIP Service, PodDisruptionBudget."""

    TYPE = "yunwang:infra:Platform"

    @staticmethod
    def manifests(args: PlatformArgs) -> list[Manifest]:
        p, r = args.platform, args.region.name
        ns, z = p.zone, p.zone
        app = {APP: p.name, "app.kubernetes.io/component": f"{p.kind}-platform"}
        selector = {APP: p.name}
        probe = {"tcpSocket": {"port": "http"}, "periodSeconds": 10}
        main = container(p.name, p.image, cpu=p.cpu, memory=p.memory, cpu_limit=cpu_limit(p.cpu),
                         ports=[("http", p.port)], readinessProbe=probe, livenessProbe={**probe, "periodSeconds": 20},
                         volumeMounts=[tmp_mount()])
        return [
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(p.name, ns, r, z, extra_labels=app),
             "spec": {"replicas": p.replicas, "selector": {"matchLabels": selector},
                      "template": {"metadata": {"labels": labels(r, z, **app)},
                                   "spec": pod_spec([main], volumes=[tmp_volume()],
                                                    topologySpreadConstraints=spread_over_nodes(selector))}}},
            http_service(p.name, ns, r, z, p.port, selector, app),
            disruption_budget(p.name, ns, r, z, selector, app),
        ]
