"""Pod and container hardening: privileges, host namespaces, filesystems, resources, redundancy."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from policies.engine import Violation, rule
from policies.k8s import K8sFacts, K8sObject, as_dict, containers

_ADMIN = ("8.1.4.2-d",)


def _security_context(d: dict[str, Any]) -> dict[str, Any]:
    sc = d.get("securityContext")
    return sc if isinstance(sc, dict) else {}


def _each_container(facts: K8sFacts) -> Iterator[tuple[K8sObject, dict[str, Any], dict[str, Any]]]:
    for obj, spec in facts.workloads:
        for c in containers(spec):
            yield obj, spec, c


def _cname(c: dict[str, Any]) -> str:
    return str(c.get("name", "?"))


@rule(id="YW-K8S-001", clauses=(*_ADMIN, "8.2.4.4-a"), severity="high", source="k8s",
      title="Privileged container", title_zh="特权容器",
      remediation="Remove securityContext.privileged: true; grant only the specific capabilities needed.",
      remediation_zh="去掉 securityContext.privileged: true，只授予所需的最小能力。")
def privileged(facts: K8sFacts) -> Iterator[Violation]:
    for obj, _, c in _each_container(facts):
        if _security_context(c).get("privileged") is True:
            yield Violation(obj.target(), f"container '{_cname(c)}' runs privileged")


@rule(id="YW-K8S-002", clauses=_ADMIN, severity="medium", source="k8s",
      title="Privilege escalation allowed", title_zh="允许提权",
      remediation="Set securityContext.allowPrivilegeEscalation: false on every container.",
      remediation_zh="在每个容器上设置 securityContext.allowPrivilegeEscalation: false。")
def privilege_escalation(facts: K8sFacts) -> Iterator[Violation]:
    for obj, _, c in _each_container(facts):
        if _security_context(c).get("allowPrivilegeEscalation") is not False:
            yield Violation(obj.target(), f"container '{_cname(c)}' does not set allowPrivilegeEscalation: false")


@rule(id="YW-K8S-003", clauses=_ADMIN, severity="medium", source="k8s",
      title="Container may run as root", title_zh="容器可能以 root 运行",
      remediation="Set runAsNonRoot: true (pod or container securityContext) and a non-zero runAsUser.",
      remediation_zh="在 Pod 或容器 securityContext 中设置 runAsNonRoot: true 及非 0 的 runAsUser。")
def runs_as_root(facts: K8sFacts) -> Iterator[Violation]:
    for obj, spec, c in _each_container(facts):
        pod_sc, sc = _security_context(spec), _security_context(c)
        user = sc.get("runAsUser", pod_sc.get("runAsUser"))
        non_root = sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot"))
        if user == 0:
            yield Violation(obj.target(), f"container '{_cname(c)}' sets runAsUser: 0 (root)")
        elif non_root is not True and not (isinstance(user, int) and user > 0):
            yield Violation(obj.target(), f"container '{_cname(c)}' sets neither runAsNonRoot: true "
                                          "nor a non-zero runAsUser")


@rule(id="YW-K8S-004", clauses=(*_ADMIN, "8.2.2.1-b"), severity="high", source="k8s",
      title="Host namespaces shared", title_zh="共享宿主机命名空间",
      remediation="Remove hostNetwork, hostPID and hostIPC from the pod spec.",
      remediation_zh="从 Pod 规约中去掉 hostNetwork、hostPID 与 hostIPC。")
def host_namespaces(facts: K8sFacts) -> Iterator[Violation]:
    for obj, spec in facts.workloads:
        shared = [k for k in ("hostNetwork", "hostPID", "hostIPC") if spec.get(k) is True]
        if shared:
            yield Violation(obj.target(), f"pod shares the host's namespaces: {', '.join(shared)}")


@rule(id="YW-K8S-005", clauses=(*_ADMIN, "8.2.4.5-b"), severity="high", source="k8s",
      title="hostPath volume", title_zh="挂载宿主机路径",
      remediation="Replace hostPath volumes with PersistentVolumeClaims, ConfigMaps or emptyDir.",
      remediation_zh="用 PVC、ConfigMap 或 emptyDir 替代 hostPath 卷。")
def host_path(facts: K8sFacts) -> Iterator[Violation]:
    for obj, spec in facts.workloads:
        for v in spec.get("volumes") or []:
            if isinstance(v, dict) and isinstance(v.get("hostPath"), dict):
                path = v["hostPath"].get("path", "?")
                yield Violation(obj.target(), f"volume '{v.get('name', '?')}' mounts host path {path}")


@rule(id="YW-K8S-006", clauses=("8.2.4.4-b",), severity="low", source="k8s",
      title="Writable root filesystem", title_zh="根文件系统可写",
      remediation="Set securityContext.readOnlyRootFilesystem: true and mount emptyDir where writes are needed.",
      remediation_zh="设置 readOnlyRootFilesystem: true，需要写入的目录挂载 emptyDir。")
def writable_root(facts: K8sFacts) -> Iterator[Violation]:
    for obj, _, c in _each_container(facts):
        if _security_context(c).get("readOnlyRootFilesystem") is not True:
            yield Violation(obj.target(), f"container '{_cname(c)}' has a writable root filesystem")


@rule(id="YW-K8S-007", clauses=("8.2.5.1-a",), severity="medium", source="k8s",
      title="Missing resource requests or limits", title_zh="缺少资源请求或限制",
      remediation="Set resources.requests and resources.limits (cpu and memory) on every container, or a "
                  "LimitRange with defaults in its namespace.",
      remediation_zh="为每个容器设置 resources.requests 与 resources.limits（cpu、memory）。")
def resources(facts: K8sFacts) -> Iterator[Violation]:
    defaults = facts.container_defaults
    for obj, _, c in _each_container(facts):
        res = as_dict(c.get("resources"))
        filled = defaults.get(obj.namespace or "", set())
        missing = []
        for section in ("requests", "limits"):
            values = as_dict(res.get(section))
            missing += [f"{section}.{k}" for k in ("cpu", "memory")
                        if k not in values and f"{section}.{k}" not in filled]
        if missing:
            yield Violation(obj.target(), f"container '{_cname(c)}' lacks {', '.join(missing)}")


@rule(id="YW-K8S-008", clauses=_ADMIN, severity="medium", source="k8s",
      title="Capabilities not dropped", title_zh="未丢弃 Linux 能力",
      remediation="Set securityContext.capabilities.drop: [ALL] and add back only what is needed.",
      remediation_zh="设置 capabilities.drop: [ALL]，只加回确需的能力。")
def capabilities(facts: K8sFacts) -> Iterator[Violation]:
    for obj, _, c in _each_container(facts):
        caps = _security_context(c).get("capabilities")
        drop = caps.get("drop") if isinstance(caps, dict) else None
        if not isinstance(drop, list) or not any(str(x).upper() == "ALL" for x in drop):
            yield Violation(obj.target(), f"container '{_cname(c)}' does not drop ALL capabilities")
        add = caps.get("add") if isinstance(caps, dict) else None
        risky = sorted({str(x).upper() for x in add or []} & {"SYS_ADMIN", "NET_ADMIN", "ALL", "SYS_PTRACE",
                                                               "SYS_MODULE", "NET_RAW"})
        if risky:
            yield Violation(obj.target(), f"container '{_cname(c)}' adds risky capabilities: {', '.join(risky)}")


@rule(id="YW-K8S-009", clauses=("8.1.4.2-d", "8.2.4.1-a"), severity="low", source="k8s",
      title="Service account token mounted automatically", title_zh="自动挂载服务账号令牌",
      remediation="Set automountServiceAccountToken: false on the pod (or its ServiceAccount) unless it calls the API.",
      remediation_zh="除非需要访问 API，在 Pod 或其 ServiceAccount 上设置 automountServiceAccountToken: false。")
def automount_token(facts: K8sFacts) -> Iterator[Violation]:
    sa_off = {(o.namespace, o.name) for o in facts.of_kind("ServiceAccount")
              if o.obj.get("automountServiceAccountToken") is False}
    for obj, spec in facts.workloads:
        setting = spec.get("automountServiceAccountToken")
        sa = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
        if setting is False or (setting is None and (obj.namespace, sa) in sa_off):
            continue
        yield Violation(obj.target(), f"pod mounts the token of service account '{sa}' automatically")


_REDUNDANT_KINDS = ("Deployment", "StatefulSet")


@rule(id="YW-K8S-010", clauses=("8.1.4.9-c", "8.1.2.1-e"), severity="medium", source="k8s",
      title="Single replica (no hot redundancy)", title_zh="单副本（无热冗余）",
      remediation="Run at least 2 replicas (spec.replicas: 2 or more) spread over nodes.",
      remediation_zh="至少运行 2 个副本（spec.replicas ≥ 2），并分散到不同节点。")
def single_replica(facts: K8sFacts) -> Iterator[Violation]:
    scaled = set()
    for hpa in facts.of_kind("HorizontalPodAutoscaler"):
        spec = as_dict(hpa.obj.get("spec"))
        ref = as_dict(spec.get("scaleTargetRef"))
        if isinstance(spec.get("minReplicas"), int) and spec["minReplicas"] >= 2:
            scaled.add((hpa.namespace, ref.get("name")))
    for obj in facts.of_kind(*_REDUNDANT_KINDS):
        spec = as_dict(obj.obj.get("spec"))
        replicas = spec.get("replicas", 1)
        if isinstance(replicas, int | float) and 0 < replicas < 2 and (obj.namespace, obj.name) not in scaled:
            yield Violation(obj.target(), f"{obj.kind} runs {int(replicas)} replica(s)")
