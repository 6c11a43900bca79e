"""A corpus of typical insecure manifests (rendered Helm chart, RBAC List, node agent): exact findings."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from policies.cli import app

CORPUS = Path(__file__).parent / "corpus"

EXPECTED_HIGH = {
    ("YW-K8S-001", "DaemonSet/kube-system/node-agent"),   # privileged
    ("YW-K8S-004", "DaemonSet/kube-system/node-agent"),   # hostNetwork, hostPID
    ("YW-K8S-005", "StatefulSet/blog/mysql"),             # hostPath
    ("YW-K8S-011", "Namespace/blog"),                     # no NetworkPolicy at all
    ("YW-K8S-012", "Service/blog/wordpress"),             # LoadBalancer, namespace without a zone
    ("YW-K8S-013", "Ingress/blog/wordpress"),             # plain HTTP
    ("YW-K8S-021", "ClusterRoleBinding/ops-admin"),       # cluster-admin
    ("YW-K8S-022", "ClusterRoleBinding/ops-admin"),       # to every authenticated user
    ("YW-K8S-030", "StatefulSet/blog/mysql"),             # MYSQL_ROOT_PASSWORD literal
    # '*' on '*' holds every dangerous grant: the kubelet proxy, bind/escalate/impersonate, admission webhooks,
    # certificate approval, every secret, the coredns ConfigMap
    *(("YW-K8S-" + n, "ClusterRole/ops-everything") for n in ("026", "027", "029", "090", "093", "094")),
}


def test_corpus_findings() -> None:
    result = CliRunner().invoke(app, ["k8s", str(CORPUS), "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["errors"] == []
    high = {(f["rule_id"], f["target"]["id"]) for f in report["findings"] if f["severity"] == "high"}
    assert high == EXPECTED_HIGH
    medium = {(f["rule_id"], f["target"]["id"]) for f in report["findings"] if f["severity"] == "medium"}
    assert ("YW-K8S-020", "ClusterRole/ops-everything") in medium
    assert ("YW-K8S-040", "StatefulSet/blog/mysql") not in medium   # tagged 8.0, not latest
    assert ("YW-K8S-008", "DaemonSet/kube-system/node-agent") in medium
    lines = {(f["rule_id"], f["target"]["id"]): (Path(f["target"]["file"]).name, f["target"]["line"])
             for f in report["findings"]}
    assert lines[("YW-K8S-030", "StatefulSet/blog/mysql")] == ("wordpress-rendered.yaml", 9)
    assert lines[("YW-K8S-021", "ClusterRoleBinding/ops-admin")] == ("rbac-list.yaml", 11)
    assert report["stats"]["sources"]["k8s"] == {"files": 3, "read": 7, "audited": 7, "skipped": 0}
