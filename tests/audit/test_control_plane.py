"""The control plane: static pod manifests and kubelet/kube-proxy configuration files judged like kube-bench does.

The hardened example has no finding at all; kubeadm's defaults have the findings the CIS benchmark is known for;
each control-plane rule fails on exactly one mutation of the hardened example and stays quiet on other compliant
ways of writing the same thing.
"""

from __future__ import annotations

import json

import audit_control_plane_cases as cases
import pytest
from audit_helpers import audit_text, rule_ids
from typer.testing import CliRunner

from policies.cli import app
from policies.k8s_control_plane import command_line, control_plane_host_path, parse_flags, seconds


def _json(path: str) -> dict:
    result = CliRunner().invoke(app, ["k8s", path, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_hardened_control_plane_has_no_finding() -> None:
    report = _json(str(cases.HARDENED))
    assert report["errors"] == []
    assert [(f["rule_id"], f["target"]["id"], f["message"]) for f in report["findings"]] == []
    assert report["stats"]["sources"]["k8s"]["skipped"] == 0


def test_kubeadm_defaults_show_the_known_cis_findings() -> None:
    report = _json(str(cases.KUBEADM_DEFAULT))
    assert report["errors"] == []
    found = {(f["rule_id"], f["target"]["id"]) for f in report["findings"] if f["severity"] in ("high", "medium")}
    api = "Pod/kube-system/kube-apiserver"
    kubelet = "KubeletConfiguration/kubelet-config.yaml"
    assert {("YW-K8S-116", api), ("YW-K8S-100", api), ("YW-K8S-103", api), ("YW-K8S-109", api),
            ("YW-K8S-118", api), ("YW-K8S-138", kubelet), ("YW-K8S-140", kubelet)} <= found
    # kubeadm's pods run as root, keep every capability and have no limits …
    assert {r for r, _ in found} >= {"YW-K8S-002", "YW-K8S-003", "YW-K8S-007", "YW-K8S-008", "YW-K8S-071"}
    # … but what kubeadm already does right is not reported, and the host network and kubeadm's host folders of
    # the control-plane static pods are theirs by design
    assert not {r for r, _ in found} & {"YW-K8S-004", "YW-K8S-005", "YW-K8S-104", "YW-K8S-114", "YW-K8S-126",
                                         "YW-K8S-127", "YW-K8S-130", "YW-K8S-131", "YW-K8S-134"}
    assert ("YW-K8S-130", kubelet) not in found


def test_every_control_plane_rule_names_its_cis_check() -> None:
    from policies.engine import REGISTRY, load_rules

    load_rules(["k8s"])
    for rule_id in cases.FAILING:
        peers = REGISTRY[rule_id].peers
        assert any(p.startswith(("cis-k8s:", "CKV_K8S_", "C-")) for p in peers), rule_id


@pytest.mark.parametrize("rule_id", sorted(cases.FAILING))
def test_rule_fails_on_its_mutation(rule_id: str) -> None:
    report = audit_text(cases.dump(cases.mutated(rule_id)))
    assert rule_ids(report) == {rule_id}, [(f.rule.id, f.message) for f in report.findings]
    fragment = cases.FAILING[rule_id][1]
    assert any(fragment in f.message for f in report.findings), [f.message for f in report.findings]


@pytest.mark.parametrize(("rule_id", "label", "mutation"), cases.variants(), ids=[v[1] for v in cases.variants()])
def test_compliant_variants_stay_clean(rule_id: str, label: str, mutation: cases.Mutation) -> None:
    docs = cases.load()
    mutation(docs)
    report = audit_text(cases.dump(docs))
    assert [(f.rule.id, f.message) for f in report.findings] == []


def test_flags_parse_like_the_binaries() -> None:
    assert parse_flags(["kube-apiserver", "--a=1", "--b", "2", "--c", "--d=x=y", "--a=3"]) == {
        "a": "3", "b": "2", "c": "true", "d": "x=y"}
    assert command_line({"command": ["/bin/sh", "-c", "exec kube-apiserver --profiling=false"]})[:1] == ["exec"]
    assert command_line({"command": ["/bin/sh", "-c", "kube-scheduler --profiling=false"], "args": ["--v=2"]}) == [
        "kube-scheduler", "--profiling=false", "--v=2"]
    assert seconds("4h") == 14400 and seconds("1h30m") == 5400 and seconds("0s") == 0 and seconds("soon") is None


@pytest.mark.parametrize(("path", "allowed"), [
    ("/etc/kubernetes/pki", True), ("/var/lib/etcd", True), ("/var/lib/etcd/member", True),
    ("/", False), ("/etc", False), ("/var/lib/kubelet", False), ("/etc/kubernetes/../shadow", False),
    ("/var/run/docker.sock", False), ("/etc/kubernetes-evil", False)])
def test_only_the_control_planes_own_host_folders_are_exempt(path: str, allowed: bool) -> None:
    assert control_plane_host_path(path) is allowed


def _static_pod(namespace: str, command: str, extra_volume: dict | None = None, **spec: object) -> str:
    volumes = [{"name": "pki", "hostPath": {"path": "/etc/kubernetes/pki"}}, *([extra_volume] if extra_volume else [])]
    return json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "cp", "namespace": namespace},
                       "spec": {"hostNetwork": True, **spec, "volumes": volumes,
                                "containers": [{"name": "c", "image": "x", "command": [command]}]}})


@pytest.mark.parametrize(("text", "expected"), [
    (_static_pod("kube-system", "kube-apiserver"), set()),
    (_static_pod("kube-system", "kube-apiserver", hostPID=True), {"YW-K8S-004"}),
    (_static_pod("kube-system", "kube-apiserver", {"name": "root", "hostPath": {"path": "/"}}), {"YW-K8S-005"}),
    (_static_pod("default", "kube-apiserver"), {"YW-K8S-004", "YW-K8S-005"}),
    (_static_pod("kube-system", "nginx"), {"YW-K8S-004", "YW-K8S-005"}),
])
def test_static_pod_exemption_is_narrow(text: str, expected: set[str]) -> None:
    found = rule_ids(audit_text(text)) & {"YW-K8S-004", "YW-K8S-005"}
    assert found == expected


KUBEADM_CONFIGMAPS = """
apiVersion: v1
kind: ConfigMap
metadata: {name: kubelet-config, namespace: kube-system}
data:
  kubelet: |
    apiVersion: kubelet.config.k8s.io/v1beta1
    kind: KubeletConfiguration
    authentication: {anonymous: {enabled: true}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: kube-proxy, namespace: kube-system}
data:
  config.conf: |
    apiVersion: kubeproxy.config.k8s.io/v1alpha1
    kind: KubeProxyConfiguration
    metricsBindAddress: 0.0.0.0:10249
"""


def test_configurations_kept_in_kubeadm_configmaps_are_judged() -> None:
    report = audit_text(KUBEADM_CONFIGMAPS)
    targets = {(f.rule.id, f.target.id) for f in report.findings}
    assert ("YW-K8S-130", "ConfigMap/kube-system/kubelet-config") in targets
    assert ("YW-K8S-144", "ConfigMap/kube-system/kube-proxy") in targets


def test_configuration_files_are_named_after_their_file_and_kubeadm_configs_are_skipped(tmp_path) -> None:
    (tmp_path / "config.yaml").write_text("apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
                                          "readOnlyPort: 10255\n---\napiVersion: kubeadm.k8s.io/v1beta4\n"
                                          "kind: ClusterConfiguration\n", encoding="utf-8")
    report = _json(str(tmp_path))
    assert report["errors"] == []
    assert {f["target"]["id"] for f in report["findings"]} == {"KubeletConfiguration/config.yaml"}
    assert "YW-K8S-133" in {f["rule_id"] for f in report["findings"]}
    skipped = report["stats"]["skipped"]
    assert len(skipped) == 1 and "kubeadm ClusterConfiguration" in skipped[0]["reason"]


def test_a_kubelet_run_from_flags_only_takes_the_flag_defaults() -> None:
    pod = json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "k", "namespace": "kube-system"},
                      "spec": {"containers": [{"name": "kubelet", "image": "x", "command": ["kubelet"]}]}})
    found = rule_ids(audit_text(pod))
    assert {"YW-K8S-130", "YW-K8S-131", "YW-K8S-132", "YW-K8S-133"} <= found
