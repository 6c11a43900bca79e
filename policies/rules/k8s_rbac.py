"""RBAC: least privilege, no anonymous grants, separate audit and security administrators."""

from __future__ import annotations

from collections.abc import Iterator

from policies.engine import Target, Violation, rule
from policies.k8s import K8sFacts, K8sObject
from policies.rbac import platform_role, role_ref, role_rules, strs, subjects

READ_VERBS = frozenset({"get", "list", "watch"})
PUBLIC_GROUPS = frozenset({"system:anonymous", "system:unauthenticated", "system:authenticated"})
SECURITY_RESOURCES = frozenset({"networkpolicies", "roles", "rolebindings", "clusterroles", "clusterrolebindings"})


@rule(id="YW-K8S-020", clauses=("8.1.4.2-d", "8.1.4.2-e"), severity="medium", source="k8s",
      title="Wildcard RBAC verbs or resources", title_zh="RBAC 使用通配符权限",
      remediation="List the exact verbs, resources and API groups the role needs instead of '*'.",
      remediation_zh="列出角色确需的动词、资源与 API 组，不用 '*'。",
      peers=("CKV_K8S_49", "polaris:rolebindingClusterAdminRole", "cis-k8s:5.1.3"))
def wildcard_rbac(facts: K8sFacts) -> Iterator[Violation]:
    for role in facts.of_kind("Role", "ClusterRole"):
        if platform_role(role):
            continue
        for r in role_rules(role):
            fields = [k for k in ("verbs", "resources", "apiGroups") if "*" in strs(r.get(k))]
            if "verbs" in fields or "resources" in fields:
                yield Violation(role.target(), f"rule grants '*' in {', '.join(fields)}")
                break


@rule(id="YW-K8S-021", clauses=("8.1.4.2-d", "8.2.4.5-b"), severity="high", source="k8s",
      title="cluster-admin binding", title_zh="绑定 cluster-admin",
      remediation="Bind a narrowly scoped Role in the tenant's namespace instead of cluster-admin.",
      remediation_zh="改为在租户命名空间内绑定最小权限的 Role，不绑定 cluster-admin。",
      peers=("C-0035", "polaris:clusterrolebindingClusterAdmin", "polaris:rolebindingClusterAdminClusterRole",
             "cis-k8s:5.1.1"))
def cluster_admin(facts: K8sFacts) -> Iterator[Violation]:
    for b in facts.of_kind("RoleBinding", "ClusterRoleBinding"):
        if role_ref(b) == "cluster-admin" and not b.name.startswith("system:"):
            who = ", ".join(f"{s.get('kind')}/{s.get('name')}" for s in subjects(b)) or "nobody"
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
        public = sorted({str(s.get("name")) for s in subjects(b)} & PUBLIC_GROUPS)
        if public:
            yield Violation(b.target(), f"grants role '{role_ref(b)}' to {', '.join(public)}")


def _bound_roles(facts: K8sFacts) -> dict[str, list[K8sObject]]:
    roles: dict[str, list[K8sObject]] = {}
    for b in facts.of_kind("RoleBinding", "ClusterRoleBinding"):
        if subjects(b):
            roles.setdefault(role_ref(b), []).append(b)
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
        if name == "view" or (role is not None and role_rules(role) and all(
                set(strs(r.get("verbs"))) <= READ_VERBS for r in role_rules(role))):
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
        if role is None or not role_rules(role):
            continue
        resources = {res for r in role_rules(role) for res in strs(r.get("resources"))}
        if resources and "*" not in resources and resources <= SECURITY_RESOURCES:
            return
    yield Violation(_cluster_target(facts), "no role limited to NetworkPolicy/RBAC management is bound "
                                            "(security administrators)")


@rule(id="YW-K8S-099", clauses=("8.1.4.2-b", "8.1.4.2-d"), severity="medium", source="k8s",
      title="Default service account used", title_zh="使用默认服务账号",
      remediation="Set automountServiceAccountToken: false on every namespace's default ServiceAccount, bind roles "
                  "only to dedicated service accounts, and give each workload its own.",
      remediation_zh="为各命名空间的 default ServiceAccount 设置 automountServiceAccountToken: false，只向专用服务账号"
                     "绑定角色，每个工作负载使用自己的服务账号。",
      peers=("CKV_K8S_41", "CKV_K8S_42", "cis-k8s:5.1.5"))
def default_service_account(facts: K8sFacts) -> Iterator[Violation]:
    for sa in facts.of_kind("ServiceAccount"):
        if sa.name == "default" and sa.obj.get("automountServiceAccountToken") is not False:
            yield Violation(sa.target(), f"default ServiceAccount of '{sa.namespace}' does not set "
                                         "automountServiceAccountToken: false")
    for b in facts.of_kind("RoleBinding", "ClusterRoleBinding"):
        bound = sorted(f"{s.get('namespace') or b.namespace or '?'}/default" for s in subjects(b)
                       if s.get("kind") == "ServiceAccount" and s.get("name") == "default")
        if bound and not b.name.startswith("system:"):
            yield Violation(b.target(), f"grants role '{role_ref(b)}' to the default service account "
                                        f"{', '.join(bound)}")
