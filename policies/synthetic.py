"""A synthetic, city-shaped Kubernetes manifest corpus for benchmarks (deterministic, with known flaws).

Per namespace: a Namespace, a default-deny NetworkPolicy (missing in every 7th namespace), a ResourceQuota,
Deployments with Services and ConfigMaps, an Ingress and RBAC. Every 5th Deployment carries a literal password
in ``env[].value``, every 11th Service is a NodePort outside the internet-access zone. Files hold ten documents
each, like rendered Helm output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

try:
    from yaml import CSafeDumper as Dumper
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as Dumper  # type: ignore[assignment]

ZONES = ("extranet-service", "core-data", "iot-sensing", "internet-access", "security-management")
PER_NAMESPACE = 20
PER_FILE = 10


def _namespace(i: int) -> list[dict[str, Any]]:
    ns = f"tenant-{i:04d}"
    zone = ZONES[i % len(ZONES)]
    docs: list[dict[str, Any]] = [
        {"apiVersion": "v1", "kind": "Namespace",
         "metadata": {"name": ns, "labels": {"yunwang.io/zone": zone, "yunwang.io/region": "luan",
                                             "pod-security.kubernetes.io/enforce": "restricted"}}},
        {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "quota", "namespace": ns},
         "spec": {"hard": {"pods": "50", "requests.cpu": "8", "limits.memory": "16Gi"}}},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "admin", "namespace": ns},
         "rules": [{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "list", "update"]}]},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
         "metadata": {"name": "admin", "namespace": ns},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "admin"},
         "subjects": [{"kind": "Group", "name": f"{ns}-admins"}]},
    ]
    if i % 7:
        docs.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                     "metadata": {"name": "default-deny", "namespace": ns},
                     "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}})
    n = 0
    while len(docs) < PER_NAMESPACE - 1:
        n += 1
        docs += _app(ns, i * 100 + n)
    docs.append({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web", "namespace": ns},
                 "spec": {"tls": [{"hosts": [f"{ns}.example"], "secretName": "tls"}],
                          "rules": [{"host": f"{ns}.example"}]}})
    return docs[:PER_NAMESPACE]


def _app(ns: str, k: int) -> list[dict[str, Any]]:
    name = f"app-{k}"
    env = [{"name": "LOG_LEVEL", "value": "info"},
           {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}]
    if k % 5 == 0:
        env.append({"name": "ADMIN_PASSWORD", "value": f"changeme-{k}"})
    container = {
        "name": name, "image": f"registry.luan.gov.example/{name}:1.{k % 9}.0",
        "ports": [{"containerPort": 8080}], "env": env,
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}},
        "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                            "runAsNonRoot": True, "capabilities": {"drop": ["ALL"]}, "privileged": k % 13 == 0},
    }
    labels = {"app.kubernetes.io/name": name}
    return [
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": ns, "labels": labels},
         "spec": {"replicas": 2 if k % 3 else 1, "selector": {"matchLabels": labels},
                  "template": {"metadata": {"labels": labels},
                               "spec": {"automountServiceAccountToken": False, "containers": [container]}}}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns},
         "spec": {"type": "NodePort" if k % 11 == 0 else "ClusterIP", "selector": labels,
                  "ports": [{"port": 80, "targetPort": 8080}]}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"{name}-config", "namespace": ns},
         "data": {"settings.yaml": "feature: on\nlimit: 10\n", "region": "luan"}},
    ]


def write_corpus(out: Path, objects: int) -> int:
    """Write about ``objects`` objects under ``out`` (files of ten documents); returns the exact count."""
    out.mkdir(parents=True, exist_ok=True)
    docs: list[dict[str, Any]] = []
    i = 0
    while len(docs) < objects:
        docs += _namespace(i)
        i += 1
    docs = docs[:objects]
    for f in range(0, len(docs), PER_FILE):
        chunk = docs[f:f + PER_FILE]
        (out / f"manifests-{f // PER_FILE:05d}.yaml").write_text(
            yaml.dump_all(chunk, Dumper=Dumper, sort_keys=False, default_flow_style=False), encoding="utf-8")
    return len(docs)
