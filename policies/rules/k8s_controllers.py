"""The controller manager's and scheduler's command-line flags, from their static pod manifests (CIS 1.3, 1.4)."""

from __future__ import annotations

from collections.abc import Iterator

from policies.engine import rule
from policies.k8s_control_plane import CONTROLLER_MANAGER, KUBELET, SCHEDULER, Component, each, truthy
from policies.k8s_flag_rules import register

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


register(__name__)  # this module's section of policies/data/k8s_settings.yaml
