"""Dangerous RBAC grants, one rule per grant: exec into pods, the kubelet proxy, bind/escalate/impersonate, writing
role bindings, webhook configurations, approving certificates, services/status, deleting events, reading secrets
cluster-wide, the coredns ConfigMap, creating pods, persistent volumes or tokens, deleting workloads cluster-wide.

The rules share one shape, so they are data (:data:`GRANTS`) registered by :func:`_register`. Roles that Kubernetes
itself defines (``system:*``, cluster-admin/admin/edit/view) are not judged: their grants are the platform's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from policies.engine import Severity, Violation, rule
from policies.k8s import K8sFacts, K8sObject
from policies.rbac import granted, platform_role, role_rules

WRITE = frozenset({"create", "update", "patch"})
DELETE = frozenset({"delete", "deletecollection"})
READ = frozenset({"get", "list", "watch"})
RBAC_GROUP = "rbac.authorization.k8s.io"
WEBHOOK_GROUP = "admissionregistration.k8s.io"


@dataclass(frozen=True)
class Grant:
    """A grant worth a finding: verbs on (group, resource) pairs (:func:`on`), for which roles (``cluster_only``:
    ClusterRoles and Roles in kube-system, whose reach is beyond one tenant), restricted to one object ``name`` if
    given."""

    id: str
    function: str
    title: str
    title_zh: str
    remediation: str
    remediation_zh: str
    clauses: tuple[str, ...]
    severity: Severity
    peers: tuple[str, ...]
    targets: tuple[tuple[str, str, frozenset[str]], ...]
    cluster_only: bool = False
    name: str | None = None


_PRIVILEGE = ("8.1.4.2-d", "8.1.4.2-e")


def on(verbs: frozenset[str], group: str, *resources: str) -> tuple[tuple[str, str, frozenset[str]], ...]:
    return tuple((group, r, verbs) for r in resources)


GRANTS = (
    Grant("YW-K8S-025", "exec_attach", "Role allows exec or attach into pods", "角色允许 exec/attach 进入容器",
          "Grant pods/exec and pods/attach to named administrators only, through a role used from the "
          "security-management zone; workloads and tenants do not need them.",
          "pods/exec 与 pods/attach 只授予具名管理员，并经安全管理区使用；工作负载与租户不需要。",
          ("8.1.5.1-a", "8.2.3.3-a", "8.1.4.2-d"), "medium",
          ("C-0002", "CKV2_K8S_2", "polaris:clusterrolePodExecAttach", "polaris:rolePodExecAttach",
           "polaris:clusterrolebindingPodExecAttach", "polaris:rolebindingClusterRolePodExecAttach",
           "polaris:rolebindingRolePodExecAttach"),
          on(frozenset({"create", "get"}), "", "pods/exec", "pods/attach")),
    Grant("YW-K8S-026", "node_proxy", "Role allows the kubelet proxy", "角色允许访问 kubelet 代理",
          "Remove nodes/proxy from roles: it reaches the kubelet API directly (exec in any pod of the node) and "
          "bypasses the API server's audit.",
          "从角色中去掉 nodes/proxy：它直接访问 kubelet API（可 exec 进该节点任意 Pod），绕过 API Server 审计。",
          (*_PRIVILEGE, "8.2.3.3-a"), "high", ("CKV2_K8S_2", "cis-k8s:5.1.10"),
          on(frozenset({"get", "create", "update", "patch", "delete"}), "", "nodes/proxy")),
    Grant("YW-K8S-027", "escalation_verbs", "Role allows bind, escalate or impersonate",
          "角色允许 bind、escalate 或 impersonate",
          "Remove bind and escalate on roles and impersonate on users, groups and service accounts: each lets the "
          "holder gain rights it was not given.",
          "去掉对角色的 bind、escalate 与对用户、组、服务账号的 impersonate：它们都能让持有者获得未授予的权限。",
          _PRIVILEGE, "high", ("CKV_K8S_157", "CKV_K8S_158", "CKV2_K8S_3", "cis-k8s:5.1.8"),
          on(frozenset({"bind", "escalate"}), RBAC_GROUP, "roles", "clusterroles")
          + on(frozenset({"impersonate"}), "", "users", "groups", "serviceaccounts")
          + on(frozenset({"impersonate"}), "authentication.k8s.io", "userextras/scopes", "uids")),
    Grant("YW-K8S-028", "binding_writers", "Role may write role bindings", "角色可写角色绑定",
          "Let only the security administrators' role create or change RoleBindings and ClusterRoleBindings.",
          "只允许安全管理员角色创建或修改 RoleBinding 与 ClusterRoleBinding。",
          ("8.1.4.2-e", "8.1.5.3-a"), "medium", ("CKV2_K8S_1",),
          on(WRITE, RBAC_GROUP, "rolebindings", "clusterrolebindings")),
    Grant("YW-K8S-029", "webhook_writers", "Role controls admission webhooks", "角色可控制准入 Webhook",
          "Let only the platform's administrators manage admission webhooks and admission policies: they see and can "
          "change every object the API server admits.",
          "只允许平台管理员管理准入 Webhook 与准入策略：它们能看到并修改 API Server 接纳的每个对象。",
          _PRIVILEGE, "high", ("CKV_K8S_155", "cis-k8s:5.1.12"),
          on(WRITE | DELETE, WEBHOOK_GROUP, "validatingwebhookconfigurations", "mutatingwebhookconfigurations",
             "validatingadmissionpolicies", "validatingadmissionpolicybindings")),
    Grant("YW-K8S-090", "csr_approvers", "Role may approve certificate requests", "角色可批准证书签名请求",
          "Remove update/patch on certificatesigningrequests/approval (and approve on signers): an approver can mint "
          "client certificates for any user, system:masters included.",
          "去掉对 certificatesigningrequests/approval 的 update/patch（及对 signers 的 approve）："
          "批准者可为任意用户（含 system:masters）签发客户端证书。",
          ("8.1.4.1-a", *_PRIVILEGE), "high", ("CKV_K8S_156", "cis-k8s:5.1.11"),
          on(frozenset({"update", "patch"}), "certificates.k8s.io", "certificatesigningrequests/approval")
          + on(frozenset({"approve"}), "certificates.k8s.io", "signers")),
    Grant("YW-K8S-091", "service_status_writers", "Role may change services/status", "角色可修改 services/status",
          "Remove update/patch on services/status: a writer can point a LoadBalancer's address anywhere and "
          "intercept traffic (CVE-2020-8554).",
          "去掉对 services/status 的 update/patch：修改者可把 LoadBalancer 地址指向任意处并截获流量（CVE-2020-8554）。",
          ("8.1.3.1-a", *_PRIVILEGE), "medium", ("CKV2_K8S_4",),
          on(frozenset({"update", "patch"}), "", "services/status")),
    Grant("YW-K8S-092", "event_deleters", "Role may delete events", "角色可删除事件",
          "Remove delete on events: deleting them erases the trace of what happened in the cluster.",
          "去掉对 events 的删除权限：删除事件会抹去集群中发生之事的痕迹。",
          ("8.1.4.3-c", "8.1.4.3-d"), "medium", ("C-0031",),
          on(DELETE, "", "events") + on(DELETE, "events.k8s.io", "events")),
    Grant("YW-K8S-093", "secret_readers", "Cluster-wide read access to secrets", "可跨命名空间读取 Secret",
          "Grant get/list/watch on secrets only in a tenant's own namespace (a Role), never through a ClusterRole.",
          "只在租户自己的命名空间内（Role）授予 secrets 的 get/list/watch，不要通过 ClusterRole 授予。",
          ("8.2.4.5-b", "8.1.4.8-b", "8.1.4.2-d"), "high", ("C-0015", "CKV2_K8S_5", "cis-k8s:5.1.2"),
          on(READ, "", "secrets"), cluster_only=True),
    Grant("YW-K8S-094", "coredns_writers", "Role may change the coredns ConfigMap", "角色可修改 coredns 配置",
          "Let only the platform's administrators change kube-system's coredns ConfigMap: a writer can redirect any "
          "service name.",
          "只允许平台管理员修改 kube-system 的 coredns ConfigMap：修改者可劫持任意服务名解析。",
          ("8.1.4.2-d", "8.2.2.1-b"), "high", ("C-0037",), on(WRITE | DELETE, "", "configmaps"),
          cluster_only=True, name="coredns"),
    Grant("YW-K8S-095", "pod_creators", "Cluster-wide right to create pods", "可跨命名空间创建 Pod",
          "Grant create on pods only within a tenant's namespace (a Role): a cluster-wide creator can run a pod with "
          "any namespace's service account and secrets.",
          "只在租户命名空间内（Role）授予创建 Pod 的权限："
          "可跨命名空间创建 Pod 者能使用任何命名空间的服务账号与 Secret。",
          _PRIVILEGE, "medium", ("cis-k8s:5.1.4",), on(frozenset({"create"}), "", "pods"), cluster_only=True),
    Grant("YW-K8S-096", "volume_creators", "Role may create persistent volumes", "角色可创建持久卷",
          "Let only storage administrators create PersistentVolumes: a hostPath volume opens the node's file system.",
          "只允许存储管理员创建 PersistentVolume：hostPath 类型的卷会打开节点文件系统。",
          _PRIVILEGE, "medium", ("cis-k8s:5.1.9",), on(frozenset({"create"}), "", "persistentvolumes")),
    Grant("YW-K8S-097", "token_creators", "Role may mint service-account tokens", "角色可签发服务账号令牌",
          "Remove create on serviceaccounts/token: the holder can act as any service account of the namespace.",
          "去掉对 serviceaccounts/token 的 create：持有者可冒用命名空间内任意服务账号。",
          ("8.1.4.1-a", *_PRIVILEGE), "medium", ("cis-k8s:5.1.13",),
          on(frozenset({"create"}), "", "serviceaccounts/token")),
    Grant("YW-K8S-098", "cluster_deleters", "Cluster-wide right to delete workloads or data",
          "可跨命名空间删除工作负载或数据",
          "Grant delete only within a tenant's namespace (a Role); keep cluster-wide deletion to the platform's "
          "administrators, used from the security-management zone.",
          "只在租户命名空间内（Role）授予删除权限；跨命名空间删除只留给平台管理员，并经安全管理区使用。",
          ("8.1.4.2-d", "8.1.4.9-a"), "low", ("C-0007",),
          on(DELETE, "", "pods", "services", "configmaps", "secrets", "persistentvolumeclaims", "persistentvolumes",
             "namespaces", "nodes")
          + on(DELETE, "apps", "deployments", "statefulsets", "daemonsets", "replicasets")
          + on(DELETE, "batch", "jobs", "cronjobs"), cluster_only=True),
)


def in_reach(grant: Grant, role: K8sObject) -> bool:
    if platform_role(role):
        return False
    return not grant.cluster_only or role.kind == "ClusterRole" or role.namespace == "kube-system"


def grants_of(grant: Grant, role: K8sObject) -> list[str]:
    """``resource (verbs)`` for each resource ``grant`` is about that the role holds rights on."""
    found: dict[str, set[str]] = {}
    for r in role_rules(role):
        for group, resource, verbs in grant.targets:
            held = granted(r, group, resource, verbs, grant.name)
            if held:
                found.setdefault(resource, set()).update(held)
    return [f"{min(verbs)} {resource}" if len(verbs) == 1 else f"{resource} ({', '.join(sorted(verbs))})"
            for resource, verbs in sorted(found.items())]


def violations(grant: Grant, facts: K8sFacts) -> Iterator[Violation]:
    for role in facts.of_kind("Role", "ClusterRole"):
        if in_reach(grant, role):
            held = grants_of(grant, role)
            if held:
                on = f" (object {grant.name})" if grant.name else ""
                yield Violation(role.target(), f"{role.kind} grants {', '.join(held)}{on}")


def _register(grant: Grant) -> None:
    def check(facts: K8sFacts) -> Iterator[Violation]:
        return violations(grant, facts)

    check.__name__ = check.__qualname__ = grant.function
    check.__doc__ = grant.title
    rule(id=grant.id, clauses=grant.clauses, severity=grant.severity, source="k8s", title=grant.title,
         title_zh=grant.title_zh, remediation=grant.remediation, remediation_zh=grant.remediation_zh,
         peers=grant.peers)(check)


for _grant in GRANTS:
    _register(_grant)
