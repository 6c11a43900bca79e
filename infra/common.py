"""Names, labels and pod hardening shared by every component, so each object is labelled and hardened alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypedDict

Manifest = dict[str, Any]

MANAGED_BY = "yunwang"
LABEL_REGION = "yunwang.io/region"
LABEL_ZONE = "yunwang.io/zone"
LABEL_TENANT = "yunwang.io/tenant"
APP = "app.kubernetes.io/name"
PSS_VERSION = "v1.30"
"""Pod Security Standards version the namespaces enforce (the Kubernetes version the manifests target)."""

RUN_AS_USER = 10001


def labels(region: str, zone: str, **extra: str) -> dict[str, str]:
    """The labels every object carries: who manages it and where it lives."""
    return {"app.kubernetes.io/managed-by": MANAGED_BY, LABEL_REGION: region, LABEL_ZONE: zone, **extra}


def meta(name: str, namespace: str | None, region: str, zone: str, *,
         extra_labels: dict[str, str] | None = None, annotations: dict[str, str] | None = None) -> dict[str, Any]:
    """Object metadata with an explicit name (Pulumi's auto-naming is never relied upon)."""
    out: dict[str, Any] = {"name": name, "labels": labels(region, zone, **(extra_labels or {}))}
    if namespace is not None:
        out["namespace"] = namespace
    if annotations:
        out["annotations"] = annotations
    return out


POD_SECURITY_CONTEXT: dict[str, Any] = {
    "runAsNonRoot": True,
    "runAsUser": RUN_AS_USER,
    "runAsGroup": RUN_AS_USER,
    "fsGroup": RUN_AS_USER,
    "seccompProfile": {"type": "RuntimeDefault"},
}
CONTAINER_SECURITY_CONTEXT: dict[str, Any] = {
    "runAsNonRoot": True,
    "readOnlyRootFilesystem": True,
    "allowPrivilegeEscalation": False,
    "privileged": False,
    "capabilities": {"drop": ["ALL"]},
    "seccompProfile": {"type": "RuntimeDefault"},
}


def cluster_host(name: str, namespace: str) -> str:
    """In-cluster DNS name of a Service."""
    return f"{name}.{namespace}.svc.cluster.local"


class Resources(TypedDict):
    """A container's CPU request, memory (request and limit) and CPU limit, as :func:`container` takes them."""

    cpu: str
    memory: str
    cpu_limit: str


def container(name: str, image: str, *, cpu: str, memory: str, cpu_limit: str | None = None,
              ports: Sequence[tuple[str, int]] = (), **extra: Any) -> dict[str, Any]:
    """A hardened container: non-root, read-only root, no escalation, all capabilities dropped, bounded.

    Memory limit equals the request (no overcommit of memory); CPU may burst to ``cpu_limit``.
    """
    out: dict[str, Any] = {
        "name": name,
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "securityContext": CONTAINER_SECURITY_CONTEXT,
        "resources": {"requests": {"cpu": cpu, "memory": memory},
                      "limits": {"cpu": cpu_limit or cpu, "memory": memory}},
    }
    if ports:
        out["ports"] = [{"name": pname, "containerPort": port, "protocol": "TCP"} for pname, port in ports]
    out.update(extra)
    return out


def pod_spec(containers: list[dict[str, Any]], *, volumes: list[dict[str, Any]] | None = None,
             **extra: Any) -> dict[str, Any]:
    """A pod spec that runs as non-root with the runtime's seccomp profile and no service-account token."""
    out: dict[str, Any] = {
        "automountServiceAccountToken": False,
        "securityContext": POD_SECURITY_CONTEXT,
        "containers": containers,
    }
    if volumes:
        out["volumes"] = volumes
    out.update(extra)
    return out


def tmp_volume(name: str = "tmp", size: str = "64Mi") -> dict[str, Any]:
    """A small scratch volume: read-only root filesystems still need somewhere to write."""
    return {"name": name, "emptyDir": {"sizeLimit": size}}


def tmp_mount() -> dict[str, Any]:
    """Where a container writes: :func:`tmp_volume` at ``/tmp``."""
    return {"name": "tmp", "mountPath": "/tmp"}


_CPU_UNITS = {"m": 0.001, "": 1.0, "k": 1000.0}
_MEM_UNITS = {"": 1, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12,
              "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}


def _split(q: str) -> tuple[float, str]:
    i = len(q)
    while i and not (q[i - 1].isdigit() or q[i - 1] == "."):
        i -= 1
    return float(q[:i]), q[i:]


def cpu_millis(q: str) -> int:
    """Millicores in a CPU quantity such as ``500m`` or ``2``."""
    value, unit = _split(q)
    return round(value * _CPU_UNITS[unit] * 1000)


def mem_mib(q: str) -> int:
    """Mebibytes (rounded up) in a memory quantity such as ``1Gi`` or ``512Mi``."""
    value, unit = _split(q)
    return -(-int(value * _MEM_UNITS[unit]) // 2**20)


def footprint(resources: Resources) -> tuple[int, int, int]:
    """Millicores requested, millicores allowed and mebibytes of one container: what a quota charges for it."""
    return cpu_millis(resources["cpu"]), cpu_millis(resources["cpu_limit"]), mem_mib(resources["memory"])


def spread_over_nodes(selector: dict[str, str]) -> list[dict[str, Any]]:
    """Replicas on different nodes where the cluster can: a node failure then takes one replica, not all."""
    return [{"maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "ScheduleAnyway",
             "labelSelector": {"matchLabels": dict(selector)}}]


def http_service(name: str, namespace: str, region: str, zone: str, port: int, selector: dict[str, str],
                 extra_labels: dict[str, str], *, headless: bool = False) -> Manifest:
    """A ClusterIP Service (headless if asked) for pods that name their serving port ``http``."""
    spec: dict[str, Any] = {"type": "ClusterIP", "selector": dict(selector),
                            "ports": [{"name": "http", "port": port, "targetPort": "http", "protocol": "TCP"}]}
    if headless:
        spec["clusterIP"] = "None"
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": meta(name, namespace, region, zone, extra_labels=extra_labels), "spec": spec}


def disruption_budget(name: str, namespace: str, region: str, zone: str, selector: dict[str, str],
                      extra_labels: dict[str, str] | None = None) -> Manifest:
    """At most one replica away at a time for drains and upgrades (voluntary disruptions)."""
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": meta(name, namespace, region, zone, extra_labels=extra_labels),
            "spec": {"maxUnavailable": 1, "selector": {"matchLabels": dict(selector)}}}


def secret(name: str, namespace: str, region: str, zone: str, data: dict[str, Any],
           extra_labels: dict[str, str] | None = None) -> Manifest:
    """An Opaque Secret from plain strings or secret Outputs (``stringData``: the provider keeps them secret)."""
    return {"apiVersion": "v1", "kind": "Secret", "metadata": meta(name, namespace, region, zone,
                                                                   extra_labels=extra_labels),
            "type": "Opaque", "stringData": data}
