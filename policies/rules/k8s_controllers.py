"""The controller manager's and scheduler's command-line flags, from their static pod manifests (CIS 1.3, 1.4)."""

from __future__ import annotations

from collections.abc import Iterator

from policies.engine import rule
from policies.k8s_control_plane import CONTROLLER_MANAGER, KUBELET, SCHEDULER, Component, each, truthy
from policies.k8s_flag_rules import FlagRule, FlagTest, register

LOCALHOST = frozenset({"127.0.0.1", "::1", "localhost"})


def feature_gate(value: str | None, gate: str) -> bool | None:
    """The value of one gate in a ``--feature-gates=A=true,B=false`` flag (None when not mentioned)."""
    for item in (value or "").split(","):
        name, _, setting = item.partition("=")
        if name.strip() == gate:
            return truthy(setting)
    return None


@rule(id="YW-K8S-124", clauses=("8.1.4.1-a", "8.2.4.1-a"), severity="medium", source="k8s",
      title="Kubelet serving certificates not rotated", title_zh="kubelet 服务证书不轮换",
      remediation="Keep the RotateKubeletServerCertificate feature gate on (never =false) on kube-controller-manager "
                  "and the kubelets.",
      remediation_zh="kube-controller-manager 与 kubelet 均保持 RotateKubeletServerCertificate 特性开启"
                     "（不要设为 false）。",
      peers=("cis-k8s:1.3.6", "cis-k8s:4.2.11", "CKV_K8S_112"))
@each(CONTROLLER_MANAGER, KUBELET)
def serving_certificate_rotation(comp: Component) -> Iterator[str]:
    gates = comp.flag("feature-gates")
    if comp.name == KUBELET and gates is None and comp.config is not None:
        configured = comp.config.get("featureGates")
        gate = truthy(configured.get("RotateKubeletServerCertificate")) if isinstance(configured, dict) else None
    else:
        gate = feature_gate(gates, "RotateKubeletServerCertificate")
    if gate is False:
        yield "feature gate RotateKubeletServerCertificate=false: serving certificates are never renewed"


@rule(id="YW-K8S-125", clauses=("8.1.4.4-b", "8.1.4.4-c"), severity="medium", source="k8s",
      title="Controller manager or scheduler listens beyond localhost", title_zh="控制器管理器或调度器监听非本地地址",
      remediation="Set --bind-address=127.0.0.1 on kube-controller-manager and kube-scheduler.",
      remediation_zh="为 kube-controller-manager 与 kube-scheduler 设置 --bind-address=127.0.0.1。",
      peers=("cis-k8s:1.3.7", "cis-k8s:1.4.2", "CKV_K8S_113", "CKV_K8S_115"))
@each(CONTROLLER_MANAGER, SCHEDULER)
def bind_address(comp: Component) -> Iterator[str]:
    address = comp.flag("bind-address")
    if address is None:
        yield "--bind-address not set: the default 0.0.0.0 serves health and metrics on every interface"
    elif address not in LOCALHOST:
        yield f"--bind-address={address}: health and metrics served beyond the node itself"


# One entry a rule, kube-bench style: the flag each test reads and the value that is a finding.
RULES = (
    FlagRule(
        id="YW-K8S-121", name="terminated_pod_gc", components=(CONTROLLER_MANAGER,),
        clauses=("8.2.5.1-a",), severity="low",
        title="Terminated pods kept without limit",
        title_zh="未限制保留的已终止 Pod 数量",
        remediation="Set --terminated-pod-gc-threshold on kube-controller-manager (for example 10000).",
        remediation_zh="为 kube-controller-manager 设置 --terminated-pod-gc-threshold（例如 10000）。",
        peers=("cis-k8s:1.3.1", "CKV_K8S_106"),
        tests=(
            FlagTest("terminated-pod-gc-threshold", "unset",
                     "--terminated-pod-gc-threshold not set: terminated pods pile up until etcd suffers"),
        )),
    FlagRule(
        id="YW-K8S-122", name="service_account_credentials", components=(CONTROLLER_MANAGER,),
        clauses=("8.1.4.2-d", "8.1.4.3-a"), severity="medium",
        title="Controllers share one credential",
        title_zh="各控制器共用同一凭据",
        remediation="Set --use-service-account-credentials=true on kube-controller-manager so each controller acts "
                    "with its own, least-privileged service account.",
        remediation_zh="为 kube-controller-manager 设置 --use-service-account-credentials=true，"
                       "让每个控制器以各自最小权限的服务账号运行。",
        peers=("cis-k8s:1.3.3", "CKV_K8S_108"),
        tests=(
            FlagTest("use-service-account-credentials", "not_true",
                     "--use-service-account-credentials is not true: every controller runs with the manager's full "
                     "rights"),
        )),
    FlagRule(
        id="YW-K8S-123", name="root_ca_file", components=(CONTROLLER_MANAGER,),
        clauses=("8.2.4.1-a",), severity="medium",
        title="Pods cannot verify the API server",
        title_zh="Pod 无法校验 API Server 身份",
        remediation="Set --root-ca-file on kube-controller-manager so service-account token volumes carry the cluster "
                    "CA.",
        remediation_zh="为 kube-controller-manager 设置 --root-ca-file，使服务账号令牌卷包含集群 CA。",
        peers=("cis-k8s:1.3.5", "CKV_K8S_111"),
        tests=(
            FlagTest("root-ca-file", "unset",
                     "--root-ca-file not set: pods cannot verify the API server's certificate"),
        )),
)
register(RULES, __name__)
