"""etcd's flags (or ETCD_* variables) from its static pod manifest (CIS Kubernetes Benchmark section 2)."""

from __future__ import annotations

from collections.abc import Iterator

from policies.engine import Violation, rule
from policies.k8s import K8sFacts
from policies.k8s_control_plane import API_SERVER, ETCD, of
from policies.k8s_flag_rules import register


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


register(__name__)  # this module's section of policies/data/k8s_settings.yaml
