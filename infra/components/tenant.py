"""Tenant: a department's (委办局) own namespace inside its zone, with its admins' rights and its quota."""

from __future__ import annotations

from dataclasses import dataclass

from infra.common import LABEL_TENANT, Manifest, meta
from infra.component import Component
from infra.components.security_zone import (
    limit_range_manifest,
    namespace_manifest,
    no_external_services,
    quota_manifest,
)
from infra.networkpolicy import zone_policies
from yunwang.topology import AccessRule, Region, Zone
from yunwang.topology import Tenant as TenantSpec

RW = ["get", "list", "watch", "create", "update", "patch", "delete"]
RO = ["get", "list", "watch"]
ADMIN_RULES = [
    {"apiGroups": [""], "resources": ["pods", "services", "configmaps", "secrets", "persistentvolumeclaims",
                                      "serviceaccounts"], "verbs": RW},
    {"apiGroups": [""], "resources": ["pods/log", "events", "resourcequotas", "limitranges"], "verbs": RO},
    {"apiGroups": ["apps"], "resources": ["deployments", "statefulsets"], "verbs": RW},
    {"apiGroups": ["apps"], "resources": ["replicasets"], "verbs": RO},
    {"apiGroups": ["batch"], "resources": ["jobs", "cronjobs"], "verbs": RW},
    {"apiGroups": ["policy"], "resources": ["poddisruptionbudgets"], "verbs": RW},
    # The zone's isolation is not the department's to change: policies are read-only.
    {"apiGroups": ["networking.k8s.io"], "resources": ["networkpolicies"], "verbs": RO},
]
"""What a department's admins may do in their namespace: named verbs and resources, never wildcards."""


@dataclass(frozen=True)
class TenantArgs:
    region: Region
    zone: Zone
    tenant: TenantSpec
    access: tuple[AccessRule, ...]


class Tenant(Component[TenantArgs]):
    """Namespace labelled with its zone, the zone's policies, Role/RoleBinding for admin_group, quota."""

    TYPE = "yunwang:infra:Tenant"

    @staticmethod
    def manifests(args: TenantArgs) -> list[Manifest]:
        t, r, z = args.tenant, args.region.name, args.zone
        ns = t.name
        extra = {LABEL_TENANT: t.name, "yunwang.io/domain": t.domain.value}
        q = t.quota
        hard = {"requests.cpu": q.cpu, "limits.cpu": q.cpu, "requests.memory": q.memory,
                "limits.memory": q.memory, "pods": str(q.pods), "requests.storage": q.storage,
                **no_external_services(z)}
        return [
            namespace_manifest(ns, r, z, extra),
            *zone_policies(ns, z.name, args.region, args.access),
            quota_manifest(ns, r, z, hard),
            limit_range_manifest(ns, r, z),
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
             "metadata": meta("tenant-admin", ns, r, z.name, extra_labels=extra), "rules": ADMIN_RULES},
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
             "metadata": meta("tenant-admin", ns, r, z.name, extra_labels=extra),
             "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "tenant-admin"},
             "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": t.admin_group}]},
        ]
