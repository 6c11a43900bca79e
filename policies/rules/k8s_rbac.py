"""RBAC: least privilege, no anonymous grants, separate audit and security administrators."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from policies.engine import Target, Violation, rule
from policies.k8s import K8sFacts, K8sObject

READ_VERBS = frozenset({"get", "list", "watch"})
PUBLIC_GROUPS = frozenset({"system:anonymous", "system:unauthenticated", "system:authenticated"})
SECURITY_RESOURCES = frozenset({"networkpolicies", "roles", "rolebindings", "clusterroles", "clusterrolebindings"})


def _rules(role: K8sObject) -> list[dict[str, Any]]:
    return [r for r in role.obj.get("rules") or [] if isinstance(r, dict)]


def _strs(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _role_ref(binding: K8sObject) -> str:
    ref = binding.obj.get("roleRef")
    return str(ref.get("name", "")) if isinstance(ref, dict) else ""


def _subjects(binding: K8sObject) -> list[dict[str, Any]]:
    return [s for s in binding.obj.get("subjects") or [] if isinstance(s, dict)]


@rule(id="YW-K8S-020", clauses=("8.1.4.2-d", "8.1.4.2-e"), severity="medium", source="k8s",
      title="Wildcard RBAC verbs or resources", title_zh="RBAC 使用通配符权限",
      remediation="List the exact verbs, resources and API groups the role needs instead of '*'.",
      remediation_zh="列出角色确需的动词、资源与 API 组，不用 '*'。")
def wildcard_rbac(facts: K8sFacts) -> Iterator[Violation]:
    for role in facts.of_kind("Role", "ClusterRole"):
        if role.name.startswith("system:") or role.name in ("cluster-admin", "admin", "edit", "view"):
            continue
        for r in _rules(role):
            fields = [k for k in ("verbs", "resources", "apiGroups") if "*" in _strs(r.get(k))]
            if "verbs" in fields or "resources" in fields:
                yield Violation(role.target(), f"rule grants '*' in {', '.join(fields)}")
                break


@rule(id="YW-K8S-021", clauses=("8.1.4.2-d", "8.2.4.5-b"), severity="high", source="k8s",
      title="cluster-admin binding", title_zh="绑定 cluster-admin",
      remediation="Bind a narrowly scoped Role in the tenant's namespace instead of cluster-admin.",
      remediation_zh="改为在租户命名空间内绑定最小权限的 Role，不绑定 cluster-admin。")
def cluster_admin(facts: K8sFacts) -> Iterator[Violation]:
    for b in facts.of_kind("RoleBinding", "ClusterRoleBinding"):
        if _role_ref(b) == "cluster-admin" and not b.name.startswith("system:"):
            who = ", ".join(f"{s.get('kind')}/{s.get('name')}" for s in _subjects(b)) or "nobody"
            yield Violation(b.target(), f"grants cluster-admin to {who}")


@rule(id="YW-K8S-022", clauses=("8.1.4.2-a", "8.1.4.1-a"), severity="high", source="k8s",
      title="Role granted to anonymous or all users", title_zh="向匿名或全体用户授权",
      remediation="Bind roles to named groups or service accounts, never system:anonymous/unauthenticated/"
                  "authenticated.",
      remediation_zh="只向具名的组或服务账号授权，不向 system:anonymous/unauthenticated/authenticated 授权。")
def public_binding(facts: K8sFacts) -> Iterator[Violation]:
    for b in facts.of_kind("RoleBinding", "ClusterRoleBinding"):
        if b.name.startswith("system:"):
            continue
        public = sorted({str(s.get("name")) for s in _subjects(b)} & PUBLIC_GROUPS)
        if public:
            yield Violation(b.target(), f"grants role '{_role_ref(b)}' to {', '.join(public)}")


def _bound_roles(facts: K8sFacts) -> dict[str, list[K8sObject]]:
    roles: dict[str, list[K8sObject]] = {}
    for b in facts.of_kind("RoleBinding", "ClusterRoleBinding"):
        if _subjects(b):
            roles.setdefault(_role_ref(b), []).append(b)
    return roles


def _cluster_target(facts: K8sFacts) -> Target:
    first = facts.of_kind("ClusterRoleBinding", "RoleBinding", "Namespace")[:1]
    return first[0].target("cluster") if first else Target(source="k8s", id="cluster")


def _role_objects(facts: K8sFacts) -> dict[str, K8sObject]:
    return {r.name: r for r in facts.of_kind("Role", "ClusterRole")}


@rule(id="YW-K8S-023", clauses=("8.1.5.2-a", "8.1.4.3-c"), severity="low", source="k8s",
      title="No read-only auditor role", title_zh="缺少只读审计管理员角色",
      remediation="Define a role with only get/list/watch and bind it to the audit administrators' group.",
      remediation_zh="定义仅含 get/list/watch 的角色，绑定到审计管理员组。")
def auditor_role(facts: K8sFacts) -> Iterator[Violation]:
    if not facts.of_kind("RoleBinding", "ClusterRoleBinding"):
        return
    roles = _role_objects(facts)
    for name in _bound_roles(facts):
        role = roles.get(name)
        if name == "view" or (role is not None and _rules(role) and all(
                set(_strs(r.get("verbs"))) <= READ_VERBS for r in _rules(role))):
            return
    yield Violation(_cluster_target(facts), "no read-only role is bound to anyone (audit administrators)")


@rule(id="YW-K8S-024", clauses=("8.1.5.3-a",), severity="low", source="k8s",
      title="No dedicated security-administrator role", title_zh="缺少专职安全管理员角色",
      remediation="Define a role that manages NetworkPolicies/RBAC only and bind it to the security "
                  "administrators' group, separate from operators.",
      remediation_zh="定义仅管理 NetworkPolicy/RBAC 的角色，绑定到安全管理员组，与运维人员分离。")
def security_admin_role(facts: K8sFacts) -> Iterator[Violation]:
    if not facts.of_kind("RoleBinding", "ClusterRoleBinding"):
        return
    roles = _role_objects(facts)
    for name in _bound_roles(facts):
        role = roles.get(name)
        if role is None or not _rules(role):
            continue
        resources = {res for r in _rules(role) for res in _strs(r.get("resources"))}
        if resources and "*" not in resources and resources <= SECURITY_RESOURCES:
            return
    yield Violation(_cluster_target(facts), "no role limited to NetworkPolicy/RBAC management is bound "
                                            "(security administrators)")
