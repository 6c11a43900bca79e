"""The kubelet's settings, from KubeletConfiguration files or its command line, and kube-proxy's (CIS 4.2, 4.3).

Absent fields take the KubeletConfiguration v1beta1 defaults (anonymous auth off, Webhook authorization, read-only
port 0 …); a kubelet started with flags only takes the flags' defaults (anonymous auth on, AlwaysAllow, read-only port
10255 …); a kubelet whose --config file was not given to the audit is judged on its explicit flags only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from policies.engine import rule
from policies.k8s_control_plane import (
    KUBE_PROXY,
    KUBELET,
    Component,
    as_int,
    each,
    kubelet_setting,
    listed,
    seconds,
    truthy,
    weak_tls,
)
from policies.k8s_flag_rules import FlagRule, FlagTest, register

_AUTHN = ("8.1.4.1-a", "8.2.4.1-a")


def setting(comp: Component, flag: str, field: str, config_default: Any, flag_default: Any) -> Any:
    """A top-level KubeletConfiguration field or its flag (see policies.k8s_control_plane.kubelet_setting)."""
    return kubelet_setting(comp, flag, tuple(field.split(".")), config_default, flag_default)


@rule(id="YW-K8S-132", clauses=(*_AUTHN, "8.1.4.1-c"), severity="high", source="k8s",
      title="Kubelet does not verify client certificates", title_zh="kubelet 未校验客户端证书",
      remediation="Set authentication.x509.clientCAFile in the KubeletConfiguration (--client-ca-file) to the cluster "
                  "CA.",
      remediation_zh="在 KubeletConfiguration 中设置 authentication.x509.clientCAFile（--client-ca-file）为集群 CA。",
      peers=("cis-k8s:4.2.3", "CKV_K8S_140", "C-0070"))
@each(KUBELET)
def client_ca(comp: Component) -> Iterator[str]:
    if comp.config is None and "config" in comp.flags and "client-ca-file" not in comp.flags:
        return
    if not setting(comp, "client-ca-file", "authentication.x509.clientCAFile", "", ""):
        yield "no client CA: the kubelet cannot authenticate the API server's client certificate"


@rule(id="YW-K8S-134", clauses=("8.1.4.1-b",), severity="medium", source="k8s",
      title="Kubelet streaming sessions never time out", title_zh="kubelet 流式会话不超时",
      remediation="Leave streamingConnectionIdleTimeout at its default (4h) or set a shorter non-zero duration such "
                  "as 5m (--streaming-connection-idle-timeout).",
      remediation_zh="streamingConnectionIdleTimeout 保持默认（4h）或设为更短的非零时长，如 5m"
                     "（--streaming-connection-idle-timeout）。",
      peers=("cis-k8s:4.2.5", "CKV_K8S_143"))
@each(KUBELET)
def streaming_idle_timeout(comp: Component) -> Iterator[str]:
    if "streaming-connection-idle-timeout" in comp.flags:
        value = comp.flags["streaming-connection-idle-timeout"]
    elif comp.config is not None:
        value = comp.config.get("streamingConnectionIdleTimeout") or "4h"
        if seconds(value) == 0:
            return  # a zero duration in the file is the unset value: the kubelet applies its default (4h)
    else:
        return
    if seconds(value) == 0:
        yield f"streaming connection idle timeout {value}: exec and port-forward sessions stay open forever"


@rule(id="YW-K8S-137", clauses=("8.1.4.3-a",), severity="low", source="k8s",
      title="Kubelet drops events", title_zh="kubelet 丢弃事件",
      remediation="Set eventRecordQPS to 0 (no limit) or leave its default (50) in the KubeletConfiguration.",
      remediation_zh="KubeletConfiguration 中 eventRecordQPS 设为 0（不限）或保持默认（50）。",
      peers=("cis-k8s:4.2.8",))
@each(KUBELET)
def event_qps(comp: Component) -> Iterator[str]:
    value = as_int(setting(comp, "event-qps", "eventRecordQPS", 50, 50))
    if value is not None and (value < 0 or 0 < value < 5):
        yield f"eventRecordQPS {value}: events beyond that rate are not recorded"


@rule(id="YW-K8S-138", clauses=("8.1.4.8-a", "8.1.4.1-c"), severity="medium", source="k8s",
      title="Kubelet serves a self-signed certificate", title_zh="kubelet 使用自签名服务证书",
      remediation="Set tlsCertFile and tlsPrivateKeyFile, or serverTLSBootstrap: true, in the KubeletConfiguration.",
      remediation_zh="在 KubeletConfiguration 中设置 tlsCertFile 与 tlsPrivateKeyFile，或 serverTLSBootstrap: true。",
      peers=("cis-k8s:4.2.9", "CKV_K8S_148"))
@each(KUBELET)
def serving_certificate(comp: Component) -> Iterator[str]:
    cert = setting(comp, "tls-cert-file", "tlsCertFile", "", "")
    key = setting(comp, "tls-private-key-file", "tlsPrivateKeyFile", "", "")
    bootstrap = truthy(setting(comp, "rotate-server-certificates", "serverTLSBootstrap", False, False))
    if cert is None or key is None or bootstrap:
        return
    if not (cert and key):
        yield "no tlsCertFile/tlsPrivateKeyFile and no serverTLSBootstrap: the kubelet serves a self-signed certificate"


@rule(id="YW-K8S-140", clauses=("8.1.4.7-a", "8.1.4.8-a"), severity="medium", source="k8s",
      title="Kubelet allows weak TLS", title_zh="kubelet 允许弱 TLS",
      remediation="Set tlsCipherSuites to strong suites only (ECDHE with AES-GCM or ChaCha20-Poly1305) and "
                  "tlsMinVersion: VersionTLS12 or later in the KubeletConfiguration.",
      remediation_zh="KubeletConfiguration 的 tlsCipherSuites 只列强套件（ECDHE + AES-GCM 或 ChaCha20-Poly1305），"
                     "tlsMinVersion 不低于 VersionTLS12。",
      peers=("cis-k8s:4.2.12", "CKV_K8S_151"))
@each(KUBELET)
def kubelet_tls(comp: Component) -> Iterator[str]:
    suites = setting(comp, "tls-cipher-suites", "tlsCipherSuites", [], [])
    if suites is None:
        return
    ciphers = listed(suites) if isinstance(suites, str) else [str(s) for s in suites]
    yield from weak_tls(ciphers, setting(comp, "tls-min-version", "tlsMinVersion", None, None))


LOCALHOST_PREFIXES = ("127.", "localhost:", "[::1]:", "::1")


@rule(id="YW-K8S-144", clauses=("8.1.4.4-b",), severity="low", source="k8s",
      title="kube-proxy metrics served beyond localhost", title_zh="kube-proxy 指标监听非本地地址",
      remediation="Set metricsBindAddress: 127.0.0.1:10249 in the KubeProxyConfiguration (--metrics-bind-address).",
      remediation_zh="在 KubeProxyConfiguration 中设置 metricsBindAddress: 127.0.0.1:10249（--metrics-bind-address）。",
      peers=("cis-k8s:4.3.1",))
@each(KUBE_PROXY)
def proxy_metrics(comp: Component) -> Iterator[str]:
    address = comp.setting("metrics-bind-address", ("metricsBindAddress",), "") or "127.0.0.1:10249"
    if not str(address).startswith(LOCALHOST_PREFIXES):
        yield f"metrics bound to {address}"


# One entry a rule, kube-bench style: the setting (flag, KubeletConfiguration field, the defaults of each) and
# the value that is a finding.
RULES = (
    FlagRule(
        id="YW-K8S-130", name="anonymous", components=(KUBELET,),
        clauses=_AUTHN, severity="high",
        title="Kubelet accepts anonymous requests",
        title_zh="kubelet 允许匿名访问",
        remediation="Set authentication.anonymous.enabled: false in the KubeletConfiguration (--anonymous-auth=false).",
        remediation_zh="在 KubeletConfiguration 中设置 authentication.anonymous.enabled: false"
                       "（--anonymous-auth=false）。",
        peers=("cis-k8s:4.2.1", "CKV_K8S_138", "C-0069"),
        tests=(
            FlagTest("anonymous-auth", "not_false", field="authentication.anonymous.enabled",
                     config_default=False, flag_default=True,
                     message="anonymous requests to the kubelet API (port 10250) are accepted"),
        )),
    FlagRule(
        id="YW-K8S-131", name="authorization", components=(KUBELET,),
        clauses=("8.1.4.2-a", "8.1.4.2-e"), severity="high",
        title="Kubelet authorizes every request",
        title_zh="kubelet 授权所有请求",
        remediation="Set authorization.mode: Webhook in the KubeletConfiguration (--authorization-mode=Webhook).",
        remediation_zh="在 KubeletConfiguration 中设置 authorization.mode: Webhook（--authorization-mode=Webhook）。",
        peers=("cis-k8s:4.2.2", "CKV_K8S_139"),
        tests=(
            FlagTest("authorization-mode", "eq", field="authorization.mode",
                     config_default="Webhook", flag_default="AlwaysAllow", value="AlwaysAllow",
                     message="authorization mode AlwaysAllow: anyone authenticated may exec into every pod of the "
                             "node"),
        )),
    FlagRule(
        id="YW-K8S-133", name="read_only_port", components=(KUBELET,),
        clauses=("8.1.4.4-b", "8.1.4.1-a"), severity="medium",
        title="Kubelet read-only port open",
        title_zh="kubelet 只读端口开放",
        remediation="Set readOnlyPort: 0 in the KubeletConfiguration (--read-only-port=0).",
        remediation_zh="在 KubeletConfiguration 中设置 readOnlyPort: 0（--read-only-port=0）。",
        peers=("cis-k8s:4.2.4", "CKV_K8S_141"),
        tests=(
            FlagTest("read-only-port", "nonzero", field="readOnlyPort",
                     config_default=0, flag_default=10255,
                     message="read-only port {value} serves pod and node details without authentication"),
        )),
    FlagRule(
        id="YW-K8S-135", name="iptables_chains", components=(KUBELET,),
        clauses=("8.1.3.2-a",), severity="low",
        title="Kubelet does not manage its iptables chains",
        title_zh="kubelet 不维护 iptables 规则链",
        remediation="Leave makeIPTablesUtilChains at true in the KubeletConfiguration (--make-iptables-util-chains).",
        remediation_zh="KubeletConfiguration 中 makeIPTablesUtilChains 保持 true（--make-iptables-util-chains）。",
        peers=("cis-k8s:4.2.6", "CKV_K8S_145"),
        tests=(
            FlagTest("make-iptables-util-chains", "false", field="makeIPTablesUtilChains",
                     config_default=True, flag_default=True,
                     message="makeIPTablesUtilChains is false: the node's filtering rules drift from what pods need"),
        )),
    FlagRule(
        id="YW-K8S-136", name="hostname_override", components=(KUBELET,),
        clauses=("8.1.4.1-a",), severity="low",
        title="Kubelet hostname overridden",
        title_zh="kubelet 覆盖了主机名",
        remediation="Remove --hostname-override so the node name matches the kubelet's certificate.",
        remediation_zh="去掉 --hostname-override，使节点名与 kubelet 证书一致。",
        peers=("cis-k8s:4.2.7", "CKV_K8S_146"),
        tests=(
            FlagTest("hostname-override", "set",
                     "--hostname-override={value}: node identity differs from its certificate"),
        )),
    FlagRule(
        id="YW-K8S-139", name="client_certificate_rotation", components=(KUBELET,),
        clauses=("8.1.4.1-a",), severity="medium",
        title="Kubelet client certificate not rotated",
        title_zh="kubelet 客户端证书不轮换",
        remediation="Set rotateCertificates: true in the KubeletConfiguration (--rotate-certificates).",
        remediation_zh="在 KubeletConfiguration 中设置 rotateCertificates: true（--rotate-certificates）。",
        peers=("cis-k8s:4.2.10", "CKV_K8S_149"),
        tests=(
            FlagTest("rotate-certificates", "not_true", field="rotateCertificates",
                     config_default=False, flag_default=False,
                     message="rotateCertificates is not true: the kubelet's client certificate expires and is never "
                         "renewed"),
        )),
    FlagRule(
        id="YW-K8S-141", name="pod_pids_limit", components=(KUBELET,),
        clauses=("8.2.5.1-a",), severity="low",
        title="No limit on processes per pod",
        title_zh="未限制单个 Pod 的进程数",
        remediation="Set podPidsLimit in the KubeletConfiguration (--pod-max-pids), for example 4096.",
        remediation_zh="在 KubeletConfiguration 中设置 podPidsLimit（--pod-max-pids），例如 4096。",
        peers=("cis-k8s:4.2.13",),
        tests=(
            FlagTest("pod-max-pids", "not_positive", field="podPidsLimit",
                     config_default=-1, flag_default=-1,
                     message="podPidsLimit not set: one pod can exhaust the node's process table (fork bomb)"),
        )),
    FlagRule(
        id="YW-K8S-142", name="seccomp_default", components=(KUBELET,),
        clauses=("8.2.4.4-a",), severity="low",
        title="Kubelet does not apply the default seccomp profile",
        title_zh="kubelet 未默认启用 seccomp",
        remediation="Set seccompDefault: true in the KubeletConfiguration (--seccomp-default).",
        remediation_zh="在 KubeletConfiguration 中设置 seccompDefault: true（--seccomp-default）。",
        peers=("cis-k8s:4.2.14",),
        tests=(
            FlagTest("seccomp-default", "not_true", field="seccompDefault",
                     config_default=False, flag_default=False,
                     message="seccompDefault is not true: containers without a profile run Unconfined"),
        )),
    FlagRule(
        id="YW-K8S-143", name="protect_kernel_defaults", components=(KUBELET,),
        clauses=("8.2.4.4-a",), severity="low",
        title="Kubelet does not protect kernel defaults",
        title_zh="kubelet 未保护内核默认参数",
        remediation="Set protectKernelDefaults: true in the KubeletConfiguration (--protect-kernel-defaults) after "
                    "setting the kernel parameters the kubelet expects.",
        remediation_zh="按 kubelet 要求设置内核参数后，在 KubeletConfiguration 中设置 protectKernelDefaults: true"
                       "（--protect-kernel-defaults）。",
        peers=("CKV_K8S_144",),
        tests=(
            FlagTest("protect-kernel-defaults", "not_true", field="protectKernelDefaults",
                     config_default=False, flag_default=False,
                     message="protectKernelDefaults is not true: the kubelet silently changes kernel tunables"),
        )),
)
register(RULES, __name__)
