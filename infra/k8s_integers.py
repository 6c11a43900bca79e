"""Where the Kubernetes schema wants integers: the mocks hand every number back as a float (3 → 3.0).

``k8s_integers.json`` maps each kind the program emits to a tree of its integer (and int-or-string) fields,
derived from the Kubernetes 1.30 OpenAPI schema bundled with ``kubernetes-validate``. Regenerate it with
``python -m infra.k8s_integers`` (a test checks it is current). Trees: ``{"field": subtree | 1}``, with
``"[]"`` for list items and ``"{}"`` for map values.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

TABLE = Path(__file__).with_name("k8s_integers.json")
SCHEMA_VERSION = "1.30.0"
KINDS = {
    "v1/Namespace": "namespace-v1", "v1/ConfigMap": "configmap-v1", "v1/Secret": "secret-v1",
    "v1/Service": "service-v1", "v1/ServiceAccount": "serviceaccount-v1", "v1/ResourceQuota": "resourcequota-v1",
    "v1/LimitRange": "limitrange-v1", "v1/PersistentVolumeClaim": "persistentvolumeclaim-v1",
    "apps/v1/Deployment": "deployment-apps-v1", "apps/v1/StatefulSet": "statefulset-apps-v1",
    "apps/v1/DaemonSet": "daemonset-apps-v1", "batch/v1/CronJob": "cronjob-batch-v1",
    "policy/v1/PodDisruptionBudget": "poddisruptionbudget-policy-v1",
    "networking.k8s.io/v1/NetworkPolicy": "networkpolicy-networking-v1",
    "networking.k8s.io/v1/Ingress": "ingress-networking-v1",
    "rbac.authorization.k8s.io/v1/Role": "role-rbac-v1",
    "rbac.authorization.k8s.io/v1/RoleBinding": "rolebinding-rbac-v1",
}


def _is_integer(node: dict[str, Any]) -> bool:
    types = node.get("type")
    types = types if isinstance(types, list) else [types]
    if "integer" in types:
        return True
    return any(_is_integer(alt) for alt in node.get("oneOf", ()) if isinstance(alt, dict))


def _walk(node: dict[str, Any], defs: dict[str, Any], stack: tuple[str, ...]) -> Any:
    ref = node.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        if name in stack:
            return None
        return _walk(defs[name], defs, (*stack, name))
    if _is_integer(node):
        return 1
    tree: dict[str, Any] = {}
    for key, child in (node.get("properties") or {}).items():
        sub = _walk(child, defs, stack)
        if sub:
            tree[key] = sub
    for key, marker in (("items", "[]"), ("additionalProperties", "{}")):
        child = node.get(key)
        if isinstance(child, dict):
            sub = _walk(child, defs, stack)
            if sub:
                tree[marker] = sub
    return tree or None


def generate() -> dict[str, Any]:
    """Integer-field trees of :data:`KINDS` from kubernetes-validate's bundled schema (dev dependency)."""
    from importlib import resources

    base = resources.files("kubernetes_validate").joinpath(f"kubernetes-json-schema/v{SCHEMA_VERSION}-local-strict")
    defs = json.loads(base.joinpath("_definitions.json").read_text())["$defs"]
    return {kind: _walk(json.loads(base.joinpath(f"{file}.json").read_text()), defs, ()) or {}
            for kind, file in sorted(KINDS.items())}


@cache
def table() -> dict[str, Any]:
    return json.loads(TABLE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _restore(value: Any, tree: Any) -> Any:
    if tree == 1:
        return int(value) if isinstance(value, float) and value.is_integer() else value
    if isinstance(value, dict) and isinstance(tree, dict):
        each = tree.get("{}")
        for key, item in value.items():
            sub = tree.get(key, each)
            if sub is not None:
                value[key] = _restore(item, sub)
    elif isinstance(value, list) and isinstance(tree, dict) and "[]" in tree:
        return [_restore(item, tree["[]"]) for item in value]
    return value


def restore_integers(obj: dict[str, Any]) -> dict[str, Any]:
    """Turn the floats of integer fields back into ints, in place; unknown kinds are left as they are."""
    tree = table().get(f"{obj.get('apiVersion')}/{obj.get('kind')}")
    return _restore(obj, tree) if tree else obj


if __name__ == "__main__":
    TABLE.write_text(json.dumps(generate(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {TABLE}")
