"""etcd's flags (or ETCD_* variables) from its static pod manifest (CIS Kubernetes Benchmark section 2)."""

from __future__ import annotations

from collections.abc import Iterator

from policies.engine import Violation, rule
from policies.k8s import K8sFacts
from policies.k8s_control_plane import API_SERVER, ETCD, Component, each, of, truthy

_MUTUAL_TLS = ("8.2.4.1-a", "8.1.4.7-a", "8.1.4.8-a")


def tls_problems(comp: Component, prefix: str, what: str) -> Iterator[str]:
    """Missing certificate/key, client certificates not required, or self-signed auto TLS, for etcd's client
    (``prefix`` "") or peer ("peer-") side."""
    missing = [f"--{prefix}{f}" for f in ("cert-file", "key-file") if not comp.flag(prefix + f)]
    if missing:
        yield f"{what}: {' and '.join(missing)} not set"
    if truthy(comp.flag(prefix + "client-cert-auth")) is not True:
        yield f"{what}: --{prefix}client-cert-auth is not true (any client that reaches the port is served)"
    if truthy(comp.flag(prefix + "auto-tls")) is True:
        yield f"{what}: --{prefix}auto-tls=true (self-signed certificates nobody verifies)"


@rule(id="YW-K8S-126", clauses=_MUTUAL_TLS, severity="high", source="k8s",
      title="etcd clients not authenticated by certificate", title_zh="etcd 未以证书认证客户端",
      remediation="Set --cert-file, --key-file and --client-cert-auth=true (with --trusted-ca-file) on etcd; never "
                  "--auto-tls=true.",
      remediation_zh="为 etcd 设置 --cert-file、--key-file 与 --client-cert-auth=true（配合 --trusted-ca-file），"
                     "不要设置 --auto-tls=true。",
      peers=("cis-k8s:2.1", "cis-k8s:2.2", "cis-k8s:2.3", "CKV_K8S_116", "CKV_K8S_117", "CKV_K8S_118"))
@each(ETCD)
def client_tls(comp: Component) -> Iterator[str]:
    yield from tls_problems(comp, "", "client port")


@rule(id="YW-K8S-127", clauses=_MUTUAL_TLS, severity="high", source="k8s",
      title="etcd peers not authenticated by certificate", title_zh="etcd 成员间未以证书认证",
      remediation="Set --peer-cert-file, --peer-key-file and --peer-client-cert-auth=true (with "
                  "--peer-trusted-ca-file) on etcd; never --peer-auto-tls=true.",
      remediation_zh="为 etcd 设置 --peer-cert-file、--peer-key-file 与 --peer-client-cert-auth=true"
                     "（配合 --peer-trusted-ca-file），不要设置 --peer-auto-tls=true。",
      peers=("cis-k8s:2.4", "cis-k8s:2.5", "cis-k8s:2.6", "CKV_K8S_119", "CKV_K8S_121"))
@each(ETCD)
def peer_tls(comp: Component) -> Iterator[str]:
    yield from tls_problems(comp, "peer-", "peer port")


@rule(id="YW-K8S-128", clauses=("8.2.4.1-a", "8.1.4.2-d"), severity="medium", source="k8s",
      title="etcd trusts the cluster CA", title_zh="etcd 信任集群 CA",
      remediation="Give etcd its own certificate authority (--trusted-ca-file), separate from the cluster CA the API "
                  "server trusts for clients (--client-ca-file).",
      remediation_zh="为 etcd 使用独立的 CA（--trusted-ca-file），"
                     "与 API Server 用于客户端的集群 CA（--client-ca-file）分开。",
      peers=("cis-k8s:2.7",))
def unique_ca(facts: K8sFacts) -> Iterator[Violation]:
    cluster_cas = {c.flag("client-ca-file") for c in of(facts, API_SERVER)} - {None}
    for comp in of(facts, ETCD):
        ca = comp.flag("trusted-ca-file")
        if not ca:
            yield Violation(comp.obj.target(), f"{comp.where()}: --trusted-ca-file not set")
        elif ca in cluster_cas:
            yield Violation(comp.obj.target(), f"{comp.where()}: --trusted-ca-file={ca} is the cluster CA: every "
                                               "certificate it signs can read and write etcd")
