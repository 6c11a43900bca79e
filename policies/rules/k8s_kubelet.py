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
from policies.k8s_flag_rules import register

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


register(__name__)  # this module's section of policies/data/k8s_settings.yaml
