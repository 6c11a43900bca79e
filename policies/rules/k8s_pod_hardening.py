"""The Pod Security Standards' remaining controls: seccomp, AppArmor, SELinux, host ports, /proc, sysctls, Windows
host processes, volume types, added capabilities, user and group ids, probe hosts.

Settings that exist on both the pod's and a container's securityContext are read as the kubelet applies them (the
container's value wins: policies.k8s.effective).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from policies.engine import Violation, rule
from policies.k8s import (
    INSECURE_CAPABILITIES,
    K8sFacts,
    as_dict,
    capability_names,
    container_name,
    containers,
    effective,
    pod_metadata,
    security_context,
)

_HARDENING = ("8.2.4.4-a", "8.1.4.2-d")


ContainerProblem = Callable[[dict[str, Any], dict[str, Any]], "str | None"]


def _container_violation(facts: K8sFacts, problem: ContainerProblem) -> Iterator[Violation]:
    """Run ``problem(pod spec, container) -> text or None`` over every container; each text becomes a violation."""
    for obj, spec, c in facts.containers:
        text = problem(spec, c)
        if text:
            yield Violation(obj.target(), f"container '{container_name(c)}' {text}")


def _seccomp(spec: dict[str, Any], c: dict[str, Any]) -> str | None:
    kind = as_dict(effective(spec, c, "seccompProfile")).get("type")
    if kind == "Unconfined":
        return "runs with seccomp Unconfined"
    if kind not in ("RuntimeDefault", "Localhost"):
        return "has no seccomp profile (pod or container seccompProfile.type: RuntimeDefault)"
    return None


@rule(id="YW-K8S-060", clauses=_HARDENING, severity="medium", source="k8s",
      title="No seccomp profile or seccomp Unconfined", title_zh="未设置 seccomp 配置或为 Unconfined",
      remediation="Set securityContext.seccompProfile.type: RuntimeDefault (or Localhost) on the pod, and never "
                  "Unconfined on a container.",
      remediation_zh="在 Pod 的 securityContext 设置 seccompProfile.type: RuntimeDefault（或 Localhost），"
                     "容器上不要设为 Unconfined。",
      peers=("CKV_K8S_31", "C-0055", "polaris:linuxHardening", "kube-score:container-seccomp-profile",
             "pss:baseline/seccompProfile", "pss:restricted/seccompProfile", "cis-k8s:5.6.2"))
def seccomp(facts: K8sFacts) -> Iterator[Violation]:
    yield from _container_violation(facts, _seccomp)


APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"


@rule(id="YW-K8S-061", clauses=_HARDENING, severity="medium", source="k8s",
      title="AppArmor unconfined", title_zh="AppArmor 未约束",
      remediation="Remove appArmorProfile.type: Unconfined (and the 'unconfined' annotation); use RuntimeDefault or a "
                  "Localhost profile.",
      remediation_zh="去掉 appArmorProfile.type: Unconfined（及 unconfined 注解），"
                     "使用 RuntimeDefault 或 Localhost 配置。",
      peers=("pss:baseline/appArmorProfile",))
def apparmor(facts: K8sFacts) -> Iterator[Violation]:
    for obj, spec in facts.workloads:
        notes = as_dict(pod_metadata(obj).get("annotations"))
        for c in containers(spec):
            name = container_name(c)
            if (as_dict(effective(spec, c, "appArmorProfile")).get("type") == "Unconfined"
                    or str(notes.get(APPARMOR_ANNOTATION + name, "")) == "unconfined"):
                yield Violation(obj.target(), f"container '{name}' runs without AppArmor confinement")


SELINUX_TYPES = frozenset({"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"})


@rule(id="YW-K8S-062", clauses=(*_HARDENING, "8.1.4.2-g"), severity="medium", source="k8s",
      title="Custom SELinux options", title_zh="自定义 SELinux 选项",
      remediation="Remove seLinuxOptions user and role, and use only the container_t, container_init_t, "
                  "container_kvm_t or container_engine_t types.",
      remediation_zh="去掉 seLinuxOptions 的 user 与 role，type 只用 container_t、container_init_t、container_kvm_t "
                     "或 container_engine_t。",
      peers=("pss:baseline/seLinuxOptions",))
def selinux(facts: K8sFacts) -> Iterator[Violation]:
    def problem(spec: dict[str, Any], c: dict[str, Any]) -> str | None:
        options = as_dict(effective(spec, c, "seLinuxOptions"))
        custom = [f"{k}={options[k]}" for k in ("user", "role") if options.get(k)]
        if str(options.get("type") or "") not in SELINUX_TYPES:
            custom.append(f"type={options['type']}")
        return f"sets custom SELinux options: {', '.join(custom)}" if custom else None
    yield from _container_violation(facts, problem)


@rule(id="YW-K8S-063", clauses=("8.1.3.1-a", "8.1.4.4-b"), severity="medium", source="k8s",
      title="Container binds a host port", title_zh="容器占用宿主机端口",
      remediation="Remove hostPort and publish the port through a Service (and an Ingress in the internet-access "
                  "zone).",
      remediation_zh="去掉 hostPort，通过 Service（及互联网接入区的 Ingress）发布端口。",
      peers=("CKV_K8S_26", "C-0044", "polaris:hostPortSet", "pss:baseline/hostPorts", "cis-k8s:5.2.12"))
def host_port(facts: K8sFacts) -> Iterator[Violation]:
    def problem(spec: dict[str, Any], c: dict[str, Any]) -> str | None:
        ports = sorted({str(p["hostPort"]) for p in c.get("ports") or []
                        if isinstance(p, dict) and p.get("hostPort") not in (None, 0, "0")})
        return f"binds host port(s) {', '.join(ports)}, bypassing NetworkPolicies" if ports else None
    yield from _container_violation(facts, problem)


@rule(id="YW-K8S-064", clauses=_HARDENING, severity="medium", source="k8s",
      title="/proc mounted unmasked", title_zh="/proc 未屏蔽挂载",
      remediation="Remove securityContext.procMount (or set it to Default).",
      remediation_zh="去掉 securityContext.procMount（或设为 Default）。",
      peers=("polaris:procMount", "pss:baseline/procMount", "pss:restricted/procMount"))
def proc_mount(facts: K8sFacts) -> Iterator[Violation]:
    def problem(spec: dict[str, Any], c: dict[str, Any]) -> str | None:
        mount = security_context(c).get("procMount")
        if mount in (None, "Default"):
            return None
        return f"mounts /proc with procMount: {mount} (kernel paths unmasked)"
    yield from _container_violation(facts, problem)


SAFE_SYSCTLS = frozenset({
    "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem", "net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat",
})
"""Pod Security Standards' safe sysctls (namespaced, isolated from other pods): Kubernetes 1.32's list."""


@rule(id="YW-K8S-065", clauses=_HARDENING, severity="medium", source="k8s",
      title="Unsafe sysctls", title_zh="不安全的 sysctl",
      remediation="Remove securityContext.sysctls that are not on the safe list, or set them on the node.",
      remediation_zh="去掉不在安全清单中的 securityContext.sysctls，或改在节点上设置。",
      peers=("pss:baseline/sysctls",))
def sysctls(facts: K8sFacts) -> Iterator[Violation]:
    for obj, spec in facts.workloads:
        names = sorted({str(as_dict(s).get("name")) for s in security_context(spec).get("sysctls") or []}
                       - SAFE_SYSCTLS)
        if names:
            yield Violation(obj.target(), f"pod sets unsafe sysctls: {', '.join(names)}")


@rule(id="YW-K8S-066", clauses=_HARDENING, severity="high", source="k8s",
      title="Windows HostProcess container", title_zh="Windows HostProcess 容器",
      remediation="Remove windowsOptions.hostProcess: true; run node-level work as a node service instead.",
      remediation_zh="去掉 windowsOptions.hostProcess: true；节点级工作改为节点上的服务。",
      peers=("polaris:hostProcess", "pss:baseline/hostProcess", "cis-k8s:5.2.10"))
def host_process(facts: K8sFacts) -> Iterator[Violation]:
    def problem(spec: dict[str, Any], c: dict[str, Any]) -> str | None:
        hp = as_dict(effective(spec, c, "windowsOptions")).get("hostProcess")
        return "runs as a Windows HostProcess container (full access to the host)" if hp is True else None
    yield from _container_violation(facts, problem)


RESTRICTED_VOLUMES = frozenset({"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image",
                                "persistentVolumeClaim", "projected", "secret"})
"""What Pod Security admission's restricted level allows (image volumes, read-only OCI images, since 1.31)."""


@rule(id="YW-K8S-067", clauses=("8.2.4.4-a", "8.2.4.5-b"), severity="medium", source="k8s",
      title="Volume type outside the restricted set", title_zh="卷类型超出受限集合",
      remediation="Use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected "
                  "and secret volumes; reach other storage through PersistentVolumes.",
      remediation_zh="只使用 configMap、csi、downwardAPI、emptyDir、ephemeral、image、persistentVolumeClaim、"
                     "projected、secret 卷；其他存储经 PersistentVolume 接入。",
      peers=("pss:restricted/restrictedVolumes",))
def volume_types(facts: K8sFacts) -> Iterator[Violation]:
    for obj, spec in facts.workloads:
        for v in spec.get("volumes") or []:
            kinds = sorted(set(as_dict(v)) - RESTRICTED_VOLUMES - {"name", "hostPath"})  # hostPath: YW-K8S-005
            if kinds:
                yield Violation(obj.target(), f"volume '{as_dict(v).get('name', '?')}' is of type "
                                              f"{', '.join(kinds)}")


@rule(id="YW-K8S-068", clauses=_HARDENING, severity="medium", source="k8s",
      title="Capabilities added", title_zh="添加了 Linux 能力",
      remediation="Add no capability but NET_BIND_SERVICE; change the program instead (e.g. listen above port 1023, "
                  "own files by the run-as user).",
      remediation_zh="除 NET_BIND_SERVICE 外不添加能力；改由程序适配"
                     "（如监听 1023 以上端口、文件属主设为运行用户）。",
      peers=("CKV_K8S_25", "CKV_K8S_37", "pss:baseline/capabilities", "pss:restricted/capabilities", "cis-k8s:5.2.9"))
def added_capabilities(facts: K8sFacts) -> Iterator[Violation]:
    def problem(spec: dict[str, Any], c: dict[str, Any]) -> str | None:
        added = capability_names(as_dict(security_context(c).get("capabilities")).get("add"))
        extra = sorted(added - {"NET_BIND_SERVICE"} - INSECURE_CAPABILITIES)  # insecure ones: YW-K8S-008
        return f"adds capabilities: {', '.join(extra)}" if extra else None
    yield from _container_violation(facts, problem)


HIGH_ID = 10000


@rule(id="YW-K8S-069", clauses=("8.1.4.2-d",), severity="low", source="k8s",
      title="User or group id below 10000", title_zh="用户或组 ID 低于 10000",
      remediation="Set runAsUser and runAsGroup (pod or container) to 10000 or more, so a container's user cannot "
                  "match a user of the node.",
      remediation_zh="在 Pod 或容器上将 runAsUser 与 runAsGroup 设为 10000 以上，避免与节点上的用户重合。",
      peers=("CKV_K8S_40", "kube-score:container-security-context-user-group-id"))
def high_ids(facts: K8sFacts) -> Iterator[Violation]:
    def problem(spec: dict[str, Any], c: dict[str, Any]) -> str | None:
        low = []
        for key in ("runAsUser", "runAsGroup"):
            value = effective(spec, c, key)
            if value is None:
                low.append(f"no {key} (the image decides)")
            elif isinstance(value, int) and 0 < value < HIGH_ID:
                low.append(f"{key}: {value}")
        return f"may share an id with a user of the node: {', '.join(low)}; use {HIGH_ID} or more" if low else None
    yield from _container_violation(facts, problem)


@rule(id="YW-K8S-070", clauses=("8.1.4.2-d",), severity="medium", source="k8s",
      title="Container runs with the root group", title_zh="容器以 root 组运行",
      remediation="Set runAsGroup, fsGroup and supplementalGroups to non-zero group ids.",
      remediation_zh="将 runAsGroup、fsGroup 与 supplementalGroups 设为非 0 的组 ID。",
      peers=("kube-score:container-security-context-user-group-id",))
def root_group(facts: K8sFacts) -> Iterator[Violation]:
    def problem(spec: dict[str, Any], c: dict[str, Any]) -> str | None:
        pod_sc = security_context(spec)
        found = [k for k, v in (("runAsGroup", effective(spec, c, "runAsGroup")),
                                ("fsGroup", pod_sc.get("fsGroup"))) if v == 0 and v is not False]
        if 0 in [g for g in pod_sc.get("supplementalGroups") or [] if g is not False]:
            found.append("supplementalGroups")
        return f"runs with group 0 (root) in {', '.join(found)}" if found else None
    yield from _container_violation(facts, problem)


HANDLERS = (("livenessProbe", "readinessProbe", "startupProbe"), ("postStart", "preStop"))


def handler_hosts(c: dict[str, Any]) -> list[str]:
    """``where=host`` for every probe or lifecycle handler of a container that sets httpGet.host/tcpSocket.host."""
    lifecycle = as_dict(c.get("lifecycle"))
    handlers = [(k, c[k]) for k in HANDLERS[0] if k in c] + [(k, lifecycle[k]) for k in HANDLERS[1] if k in lifecycle]
    return [f"{name}.{action}.host={as_dict(h.get(action))['host']}" for name, h in handlers if isinstance(h, dict)
            for action in ("httpGet", "tcpSocket") if as_dict(h.get(action)).get("host")]


@rule(id="YW-K8S-071", clauses=("8.1.3.1-a", "8.2.4.4-a"), severity="medium", source="k8s",
      title="Probe or lifecycle handler targets another host", title_zh="探针或生命周期钩子指向其他主机",
      remediation="Remove host from httpGet and tcpSocket probes and lifecycle handlers (the kubelet then calls the "
                  "pod's own address).",
      remediation_zh="去掉探针与生命周期钩子中 httpGet、tcpSocket 的 host（kubelet 将访问 Pod 自身地址）。",
      peers=("pss:baseline/hostProbesAndHostLifecycle",))
def probe_hosts(facts: K8sFacts) -> Iterator[Violation]:
    def problem(spec: dict[str, Any], c: dict[str, Any]) -> str | None:
        hosts = handler_hosts(c)
        return f"makes the kubelet call other hosts: {', '.join(hosts)}" if hosts else None
    yield from _container_violation(facts, problem)
