"""RBAC as the API server evaluates it: which verbs a Role or ClusterRole grants on a resource.

Rules about dangerous grants (exec, impersonation, webhook control …) ask the same question of every role; the
matching follows Kubernetes' own (``rbac/v1`` helpers): ``*`` matches every group, resource or verb, ``*/status``
matches that subresource of every resource, and ``pods/*`` is not a wildcard.
"""

from __future__ import annotations

from typing import Any

from policies.k8s import K8sObject

BUILT_IN_ROLES = frozenset({"cluster-admin", "admin", "edit", "view"})


def strs(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def role_rules(role: K8sObject) -> list[dict[str, Any]]:
    return [r for r in role.obj.get("rules") or [] if isinstance(r, dict)]


def role_ref(binding: K8sObject) -> str:
    ref = binding.obj.get("roleRef")
    return str(ref.get("name", "")) if isinstance(ref, dict) else ""


def subjects(binding: K8sObject) -> list[dict[str, Any]]:
    return [s for s in binding.obj.get("subjects") or [] if isinstance(s, dict)]


def platform_role(role: K8sObject) -> bool:
    """Roles Kubernetes itself defines (system:*, and the user-facing defaults cluster-admin/admin/edit/view)."""
    return role.name.startswith("system:") or role.name in BUILT_IN_ROLES


def resource_matches(resources: list[str], resource: str) -> bool:
    sub = resource.partition("/")[2]
    return any(r in ("*", resource) or (sub and r == f"*/{sub}") for r in resources)


def granted(rule: dict[str, Any], group: str, resource: str, verbs: frozenset[str],
            name: str | None = None) -> set[str]:
    """The verbs of ``verbs`` that one PolicyRule grants on ``group``/``resource`` (restricted to the object
    ``name`` when given: a rule with resourceNames grants only on those)."""
    groups = strs(rule.get("apiGroups"))
    if "*" not in groups and group not in groups:
        return set()
    if not resource_matches(strs(rule.get("resources")), resource):
        return set()
    names = strs(rule.get("resourceNames"))
    if name is not None and names and name not in names:
        return set()
    rule_verbs = set(strs(rule.get("verbs")))
    return set(verbs) if "*" in rule_verbs else set(verbs) & rule_verbs
