"""Pod and container hardening: privileges, host namespaces, filesystems, resources, redundancy.

A setting that exists on both the pod's and a container's securityContext is read as the kubelet applies it: the
container's value overrides the pod's (policies.k8s.effective).
"""

from __future__ import annotations

from collections.abc import Iterator

from policies.engine import Violation, rule
from policies.k8s import (
    INSECURE_CAPABILITIES,
    K8sFacts,
    as_dict,
    capability_names,
    container_name,
    security_context,
)
from policies.k8s_control_plane import control_plane_host_path, is_control_plane_static_pod

_ADMIN = ("8.1.4.2-d",)
HOST_NAMESPACES = ("hostNetwork", "hostPID", "hostIPC")


@rule(id="YW-K8S-001", clauses=(*_ADMIN, "8.2.4.4-a"), severity="high", source="k8s",
      title="Privileged container", title_zh="特权容器",
      remediation="Remove securityContext.privileged: true; grant only the specific capabilities needed.",
      remediation_zh="去掉 securityContext.privileged: true，只授予所需的最小能力。",
      peers=("CKV_K8S_16", "C-0057", "polaris:runAsPrivileged", "kube-score:container-security-context-privileged",
             "pss:baseline/privileged", "cis-k8s:5.2.2"))
def privileged(facts: K8sFacts) -> Iterator[Violation]:
    for obj, _, c in facts.containers:
        if security_context(c).get("privileged") is True:
            yield Violation(obj.target(), f"container '{container_name(c)}' runs privileged")


@rule(id="YW-K8S-002", clauses=_ADMIN, severity="medium", source="k8s",
      title="Privilege escalation allowed", title_zh="允许提权",
      remediation="Set securityContext.allowPrivilegeEscalation: false on every container.",
      remediation_zh="在每个容器上设置 securityContext.allowPrivilegeEscalation: false。",
      peers=("CKV_K8S_20", "CKV_K8S_30", "C-0016", "polaris:privilegeEscalationAllowed",
             "pss:restricted/allowPrivilegeEscalation", "cis-k8s:5.2.6"))
def privilege_escalation(facts: K8sFacts) -> Iterator[Violation]:
    for obj, _, c in facts.containers:
        if security_context(c).get("allowPrivilegeEscalation") is not False:
            yield Violation(obj.target(), f"container '{container_name(c)}' does not set "
                                          "allowPrivilegeEscalation: false")


@rule(id="YW-K8S-003", clauses=_ADMIN, severity="medium", source="k8s",
      title="Container may run as root", title_zh="容器可能以 root 运行",
      remediation="Set runAsNonRoot: true (pod or container securityContext) and a non-zero runAsUser.",
      remediation_zh="在 Pod 或容器 securityContext 中设置 runAsNonRoot: true 及非 0 的 runAsUser。",
      peers=("CKV_K8S_23", "CKV_K8S_29", "C-0013", "polaris:runAsRootAllowed", "pss:restricted/runAsNonRoot",
             "pss:restricted/runAsUser", "cis-k8s:5.2.7", "cis-k8s:5.6.3"))
def runs_as_root(facts: K8sFacts) -> Iterator[Violation]:
    for obj, spec, c in facts.containers:
        pod_sc, sc = security_context(spec), security_context(c)
        user = sc.get("runAsUser", pod_sc.get("runAsUser"))
        non_root = sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot"))
        if user == 0:
            yield Violation(obj.target(), f"container '{container_name(c)}' sets runAsUser: 0 (root)")
        elif non_root is not True and not (isinstance(user, int) and user > 0):
            yield Violation(obj.target(), f"container '{container_name(c)}' sets neither runAsNonRoot: true "
                                          "nor a non-zero runAsUser")


@rule(id="YW-K8S-004", clauses=(*_ADMIN, "8.2.2.1-b"), severity="high", source="k8s",
      title="Host namespaces shared", title_zh="共享宿主机命名空间",
      remediation="Remove hostNetwork, hostPID and hostIPC from the pod spec.",
      remediation_zh="从 Pod 规约中去掉 hostNetwork、hostPID 与 hostIPC。",
      peers=("CKV_K8S_17", "CKV_K8S_18", "CKV_K8S_19", "C-0038", "C-0041", "polaris:hostIPCSet", "polaris:hostPIDSet",
             "polaris:hostNetworkSet", "pss:baseline/hostNamespaces", "cis-k8s:5.2.3", "cis-k8s:5.2.4",
             "cis-k8s:5.2.5"))
def host_namespaces(facts: K8sFacts) -> Iterator[Violation]:
    """A control-plane static pod (kube-apiserver, controller manager, scheduler, etcd in kube-system) needs the
    host network by design: it starts before any pod network exists. Its other host namespaces are still judged."""
    for obj, spec in facts.workloads:
        keys = HOST_NAMESPACES[1:] if is_control_plane_static_pod(obj, spec) else HOST_NAMESPACES
        shared = [k for k in keys if spec.get(k) is True]
        if shared:
            yield Violation(obj.target(), f"pod shares the host's namespaces: {', '.join(shared)}")


@rule(id="YW-K8S-005", clauses=(*_ADMIN, "8.2.4.5-b"), severity="high", source="k8s",
      title="hostPath volume", title_zh="挂载宿主机路径",
      remediation="Replace hostPath volumes with PersistentVolumeClaims, ConfigMaps or emptyDir.",
      remediation_zh="用 PVC、ConfigMap 或 emptyDir 替代 hostPath 卷。",
      peers=("CKV_K8S_27", "C-0020", "C-0045", "C-0048", "polaris:hostPathSet", "pss:baseline/hostPathVolumes",
             "cis-k8s:5.2.11"))
def host_path(facts: K8sFacts) -> Iterator[Violation]:
    """Control-plane static pods may mount their own host folders (certificates, kubeconfigs, etcd data, CA bundles:
    policies.k8s_control_plane.CONTROL_PLANE_HOST_PATHS); any other host path, theirs included, is a finding."""
    for obj, spec in facts.workloads:
        static = is_control_plane_static_pod(obj, spec)
        for v in spec.get("volumes") or []:
            if isinstance(v, dict) and isinstance(v.get("hostPath"), dict):
                path = str(v["hostPath"].get("path", "?"))
                if static and control_plane_host_path(path):
                    continue
                yield Violation(obj.target(), f"volume '{v.get('name', '?')}' mounts host path {path}")


@rule(id="YW-K8S-006", clauses=("8.2.4.4-b",), severity="low", source="k8s",
      title="Writable root filesystem", title_zh="根文件系统可写",
      remediation="Set securityContext.readOnlyRootFilesystem: true and mount emptyDir where writes are needed.",
      remediation_zh="设置 readOnlyRootFilesystem: true，需要写入的目录挂载 emptyDir。",
      peers=("CKV_K8S_22", "C-0017", "polaris:notReadOnlyRootFilesystem",
             "kube-score:container-security-context-readonlyrootfilesystem"))
def writable_root(facts: K8sFacts) -> Iterator[Violation]:
    for obj, _, c in facts.containers:
        if security_context(c).get("readOnlyRootFilesystem") is not True:
            yield Violation(obj.target(), f"container '{container_name(c)}' has a writable root filesystem")


@rule(id="YW-K8S-007", clauses=("8.2.5.1-a",), severity="medium", source="k8s",
      title="Missing resource requests or limits", title_zh="缺少资源请求或限制",
      remediation="Set resources.requests and resources.limits (cpu and memory) on every container, or a "
                  "LimitRange with defaults in its namespace.",
      remediation_zh="为每个容器设置 resources.requests 与 resources.limits（cpu、memory）。",
      peers=("CKV_K8S_10", "CKV_K8S_11", "CKV_K8S_12", "CKV_K8S_13", "C-0270", "C-0271", "polaris:cpuLimitsMissing",
             "polaris:cpuRequestsMissing", "polaris:memoryLimitsMissing", "polaris:memoryRequestsMissing",
             "kube-score:container-resources"))
def resources(facts: K8sFacts) -> Iterator[Violation]:
    yield from _missing_resources(facts, ("cpu", "memory"))


def _missing_resources(facts: K8sFacts, kinds: tuple[str, ...]) -> Iterator[Violation]:
    """Containers lacking requests/limits of ``kinds`` that no LimitRange of their namespace fills in."""
    defaults = facts.container_defaults
    for obj, _, c in facts.containers:
        res = as_dict(c.get("resources"))
        filled = defaults.get(obj.namespace or "", set())
        missing = []
        for section in ("requests", "limits"):
            values = as_dict(res.get(section))
            missing += [f"{section}.{k}" for k in kinds if k not in values and f"{section}.{k}" not in filled]
        if missing:
            yield Violation(obj.target(), f"container '{container_name(c)}' lacks {', '.join(missing)}")


@rule(id="YW-K8S-072", clauses=("8.2.5.1-a",), severity="low", source="k8s",
      title="Missing ephemeral-storage requests or limits", title_zh="缺少临时存储请求或限制",
      remediation="Set resources.requests and resources.limits for ephemeral-storage on every container (or a "
                  "LimitRange default), so one pod's logs and scratch files cannot fill the node's disk.",
      remediation_zh="为每个容器设置 ephemeral-storage 的 requests 与 limits（或 LimitRange 默认值），"
                     "防止单个 Pod 的日志与临时文件占满节点磁盘。",
      peers=("kube-score:container-ephemeral-storage-request-and-limit",))
def ephemeral_storage(facts: K8sFacts) -> Iterator[Violation]:
    yield from _missing_resources(facts, ("ephemeral-storage",))


@rule(id="YW-K8S-008", clauses=_ADMIN, severity="medium", source="k8s",
      title="Capabilities not dropped", title_zh="未丢弃 Linux 能力",
      remediation="Set securityContext.capabilities.drop: [ALL] and add back only what is needed.",
      remediation_zh="设置 capabilities.drop: [ALL]，只加回确需的能力。",
      peers=("CKV_K8S_28", "CKV_K8S_37", "CKV_K8S_39", "C-0046", "C-0055", "polaris:insecureCapabilities",
             "polaris:dangerousCapabilities", "pss:restricted/capabilities", "cis-k8s:5.2.8", "cis-k8s:5.2.9"))
def capabilities(facts: K8sFacts) -> Iterator[Violation]:
    for obj, _, c in facts.containers:
        caps = as_dict(security_context(c).get("capabilities"))
        if "ALL" not in capability_names(caps.get("drop")):
            yield Violation(obj.target(), f"container '{container_name(c)}' does not drop ALL capabilities")
        risky = sorted(capability_names(caps.get("add")) & INSECURE_CAPABILITIES)
        if risky:
            yield Violation(obj.target(), f"container '{container_name(c)}' adds insecure capabilities: "
                                          f"{', '.join(risky)}")


@rule(id="YW-K8S-009", clauses=("8.1.4.2-d", "8.2.4.1-a"), severity="low", source="k8s",
      title="Service account token mounted automatically", title_zh="自动挂载服务账号令牌",
      remediation="Set automountServiceAccountToken: false on the pod (or its ServiceAccount) unless it calls the API.",
      remediation_zh="除非需要访问 API，在 Pod 或其 ServiceAccount 上设置 automountServiceAccountToken: false。",
      peers=("CKV_K8S_38", "C-0034", "C-0053", "polaris:automountServiceAccountToken", "cis-k8s:5.1.6"))
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
      remediation_zh="至少运行 2 个副本（spec.replicas ≥ 2），并分散到不同节点。",
      peers=("polaris:deploymentMissingReplicas", "kube-score:deployment-replicas"))
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
