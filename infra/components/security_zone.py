"""SecurityZone: one MLPS security zone (安全区域) of one region, as a locked-down namespace."""

from __future__ import annotations

from dataclasses import dataclass

from infra.common import PSS_VERSION, Manifest, meta
from infra.component import Component
from infra.networkpolicy import zone_policies
from yunwang.topology import AccessRule, Region, Zone, ZoneKind


@dataclass(frozen=True)
class ZoneQuota:
    """Hard limits of a zone namespace, sized by the workloads placed in it (see program.zone_quota)."""

    requests_cpu: str = "8"
    requests_memory: str = "16Gi"
    limits_cpu: str = "16"
    limits_memory: str = "16Gi"
    pods: int = 50
    storage: str = "200Gi"


@dataclass(frozen=True)
class SecurityZoneArgs:
    region: Region
    zone: Zone
    access: tuple[AccessRule, ...]
    quota: ZoneQuota = ZoneQuota()


def namespace_manifest(name: str, region: str, zone: Zone, extra_labels: dict[str, str] | None = None) -> Manifest:
    """A namespace enforcing Pod Security ``restricted`` and labelled with its zone (the policies' selector)."""
    pss = {f"pod-security.kubernetes.io/{mode}{suffix}": value
           for mode in ("enforce", "audit", "warn")
           for suffix, value in (("", "restricted"), ("-version", PSS_VERSION))}
    return {"apiVersion": "v1", "kind": "Namespace",
            "metadata": meta(name, None, region, zone.name,
                             extra_labels={**pss, "yunwang.io/zone-kind": zone.kind.value, **(extra_labels or {})})}


def quota_manifest(namespace: str, region: str, zone: Zone, hard: dict[str, str]) -> Manifest:
    return {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": meta("quota", namespace, region, zone.name),
            "spec": {"hard": hard}}


def limit_range_manifest(namespace: str, region: str, zone: Zone) -> Manifest:
    """Defaults for containers that state no resources, so none runs unbounded (scratch files and logs included:
    ephemeral-storage)."""
    return {"apiVersion": "v1", "kind": "LimitRange", "metadata": meta("limits", namespace, region, zone.name),
            "spec": {"limits": [{"type": "Container",
                                 "default": {"cpu": "500m", "memory": "512Mi", "ephemeral-storage": "2Gi"},
                                 "defaultRequest": {"cpu": "100m", "memory": "128Mi", "ephemeral-storage": "100Mi"}}]}}


def no_external_services(zone: Zone) -> dict[str, str]:
    """Only the internet-access zone may expose NodePort/LoadBalancer services; elsewhere the quota forbids them."""
    if zone.kind == ZoneKind.INTERNET_ACCESS:
        return {}
    return {"services.nodeports": "0", "services.loadbalancers": "0"}


class SecurityZone(Component[SecurityZoneArgs]):
    """Namespace (restricted, zone-labelled), default-deny + matrix policies, DNS egress, quota, limit range."""

    TYPE = "yunwang:infra:SecurityZone"

    @staticmethod
    def manifests(args: SecurityZoneArgs) -> list[Manifest]:
        r, z, ns, q = args.region.name, args.zone, args.zone.name, args.quota
        hard = {"requests.cpu": q.requests_cpu, "requests.memory": q.requests_memory,
                "limits.cpu": q.limits_cpu, "limits.memory": q.limits_memory,
                "pods": str(q.pods), "requests.storage": q.storage, **no_external_services(z)}
        return [
            namespace_manifest(ns, r, z),
            *zone_policies(ns, z.name, args.region, args.access),
            quota_manifest(ns, r, z, hard),
            limit_range_manifest(ns, r, z),
        ]

