"""etcd's flags (or ETCD_* variables) from its static pod manifest (CIS Kubernetes Benchmark section 2)."""

from __future__ import annotations

from collections.abc import Iterator

from policies.engine import Violation, rule
from policies.k8s import K8sFacts
from policies.k8s_control_plane import API_SERVER, ETCD, of
from policies.k8s_flag_rules import AllSet, FlagRule, FlagTest, register

_MUTUAL_TLS = ("8.2.4.1-a", "8.1.4.7-a", "8.1.4.8-a")


def tls_tests(prefix: str, what: str) -> tuple[AllSet | FlagTest, ...]:
    """Missing certificate/key, client certificates not required, or self-signed auto TLS, for etcd's client
    (``prefix`` "") or peer ("peer-") side."""
    return (AllSet((prefix + "cert-file", prefix + "key-file"), what + ": {missing} not set", join=" and "),
            FlagTest(prefix + "client-cert-auth", "not_true",
                     what + ": --{flag} is not true (any client that reaches the port is served)"),
            FlagTest(prefix + "auto-tls", "true", what + ": --{flag}=true (self-signed certificates nobody verifies)"))


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


# One entry a rule, kube-bench style: the flags each test reads and the value that is a finding.
RULES = (
    FlagRule(
        id="YW-K8S-126", name="client_tls", components=(ETCD,),
        clauses=_MUTUAL_TLS, severity="high",
        title="etcd clients not authenticated by certificate",
        title_zh="etcd 未以证书认证客户端",
        remediation="Set --cert-file, --key-file and --client-cert-auth=true (with --trusted-ca-file) on etcd; never "
                    "--auto-tls=true.",
        remediation_zh="为 etcd 设置 --cert-file、--key-file 与 --client-cert-auth=true（配合 --trusted-ca-file），"
                       "不要设置 --auto-tls=true。",
        peers=("cis-k8s:2.1", "cis-k8s:2.2", "cis-k8s:2.3", "CKV_K8S_116", "CKV_K8S_117", "CKV_K8S_118"),
        tests=tls_tests("", "client port")),
    FlagRule(
        id="YW-K8S-127", name="peer_tls", components=(ETCD,),
        clauses=_MUTUAL_TLS, severity="high",
        title="etcd peers not authenticated by certificate",
        title_zh="etcd 成员间未以证书认证",
        remediation="Set --peer-cert-file, --peer-key-file and --peer-client-cert-auth=true (with "
                    "--peer-trusted-ca-file) on etcd; never --peer-auto-tls=true.",
        remediation_zh="为 etcd 设置 --peer-cert-file、--peer-key-file 与 --peer-client-cert-auth=true"
                       "（配合 --peer-trusted-ca-file），不要设置 --peer-auto-tls=true。",
        peers=("cis-k8s:2.4", "cis-k8s:2.5", "cis-k8s:2.6", "CKV_K8S_119", "CKV_K8S_121"),
        tests=tls_tests("peer-", "peer port")),
)
register(RULES, __name__)
