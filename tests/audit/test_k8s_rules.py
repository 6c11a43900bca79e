"""Every Kubernetes rule: the compliant set passes all of them; one mutation each makes exactly that rule fail."""

from __future__ import annotations

import json

import audit_control_plane_cases as control_plane
import audit_k8s_cases as cases
import pytest
from audit_helpers import audit_text, rule_ids

from policies.engine import REGISTRY, load_rules


def test_secure_set_has_no_findings() -> None:
    report = audit_text(cases.dump(cases.secure()))
    assert [(f.rule.id, f.target.id, f.message) for f in report.findings] == []
    assert report.errors == []


def test_every_k8s_rule_has_a_failing_case() -> None:
    """Workload rules fail on a mutation of the compliant object set, control-plane rules on one of the hardened
    control plane (tests/audit/test_control_plane.py)."""
    load_rules()
    k8s_rules = {r for r, rule in REGISTRY.items() if rule.source == "k8s"}
    assert not set(cases.FAILING) & set(control_plane.FAILING)
    assert k8s_rules == set(cases.FAILING) | set(control_plane.FAILING)


@pytest.mark.parametrize("rule_id", sorted(cases.FAILING))
def test_rule_fails_on_its_fixture(rule_id: str) -> None:
    report = audit_text(cases.dump(cases.mutated(rule_id)))
    expected = {rule_id} | cases.ALSO.get(rule_id, set())
    assert rule_ids(report) == expected, [(f.rule.id, f.message) for f in report.findings]
    fragment = cases.FAILING[rule_id][1]
    assert any(fragment in f.message for f in report.findings), [f.message for f in report.findings]
    for f in report.findings:
        assert f.target.file == "test.yaml" and f.target.line and f.target.line > 0


@pytest.mark.parametrize(("label", "mutation"), cases.variants(), ids=[v[0] for v in cases.variants()])
def test_compliant_variants_stay_clean(label: str, mutation: cases.Mutation) -> None:
    docs = cases.secure()
    mutation(docs)
    report = audit_text(cases.dump(docs))
    assert [(f.rule.id, f.message) for f in report.findings] == []


@pytest.mark.parametrize(("rule_id", "label", "mutation"), cases.FALSE_POSITIVES,
                         ids=[f"{r} {label}" for r, label, _ in cases.FALSE_POSITIVES])
def test_look_alikes_stay_clean(rule_id: str, label: str, mutation: cases.Mutation) -> None:
    docs = cases.secure()
    mutation(docs)
    report = audit_text(cases.dump(docs))
    assert [(f.rule.id, f.message) for f in report.findings] == []


ORIGINAL_RULES = {f"YW-K8S-0{n:02d}" for n in (*range(1, 18), *range(20, 25), 30, 31, 40, 41, 50)}


def test_every_new_workload_rule_has_a_false_positive_test() -> None:
    """The rules added after the first 27 each have at least one look-alike that must not fire."""
    covered = {r for r, _, _ in cases.FALSE_POSITIVES}
    assert set(cases.FAILING) - ORIGINAL_RULES - covered == set()


def test_helm_output_without_namespace_is_not_in_the_default_namespace() -> None:
    text = "# Source: shop/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n"
    assert "YW-K8S-087" not in rule_ids(audit_text(text))
    assert "YW-K8S-087" in rule_ids(audit_text(text.replace("# Source: shop/templates/cm.yaml\n", "")))


def test_namespace_with_policy_elsewhere_still_flagged() -> None:
    """Checkov misses this: other namespaces having policies must not hide one that has none."""
    docs = cases.secure()
    docs.append({"apiVersion": "apps/v1", "kind": "Deployment",
                 "metadata": {"name": "lonely", "namespace": "other"},
                 "spec": {"replicas": 2, "template": {"spec": cases.web(docs)["spec"]["template"]["spec"]}}})
    report = audit_text(cases.dump(docs))
    deny = [f for f in report.findings if f.rule.id == "YW-K8S-011"]
    assert [f.target.id for f in deny] == ["Namespace/other"]
    assert deny[0].target.line is not None


def test_selector_with_labels_is_not_default_deny() -> None:
    docs = cases.secure()
    cases.find(docs, "NetworkPolicy", "default-deny", "app")["spec"]["podSelector"] = {"matchLabels": {"a": "b"}}
    assert "YW-K8S-011" in rule_ids(audit_text(cases.dump(docs)))


def test_cronjob_and_pod_are_audited() -> None:
    text = """
apiVersion: batch/v1
kind: CronJob
metadata: {name: job, namespace: app}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: c, image: busybox, securityContext: {privileged: true}}]
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostPID: true
  containers: [{name: c, image: "busybox@sha256:%s"}]
""" % ("c" * 64)
    report = audit_text(text)
    ids = {(f.rule.id, f.target.id) for f in report.findings}
    assert ("YW-K8S-001", "CronJob/app/job") in ids
    assert ("YW-K8S-004", "Pod/default/p") in ids
    assert ("YW-K8S-040", "CronJob/app/job") in ids


def _cm(value: str) -> str:
    return json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "app"},
                       "data": {"app.conf": value}})


@pytest.mark.parametrize(("rule_id", "text", "fragment"), [
    ("YW-K8S-033", _cm("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk=\n-----END OPENSSH PRIVATE KEY-----\n"),
     "PEM private key"),
    ("YW-K8S-033", _cm("[client]\nuser = app\npassword = \"Sh3bao!2026\"\n"), "password"),
    ("YW-K8S-033", _cm("oss:\n  access_key_id: LTAI5tQm3xvK8pR2nW7yZ9aB\n"), "Alibaba Cloud AccessKey id"),
    ("YW-K8S-081", json.dumps({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "f", "namespace": "app"},
                               "spec": {"ports": [{"port": 21, "targetPort": 2121}]}}), "FTP"),
    ("YW-K8S-081", json.dumps({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "d", "namespace": "app"},
                               "spec": {"ports": [{"port": 2375}]}}), "Docker API"),
])
def test_more_ways_to_fail(rule_id: str, text: str, fragment: str) -> None:
    messages = [f.message for f in audit_text(text).findings if f.rule.id == rule_id]
    assert any(fragment in m for m in messages), messages
    assert not any(secret in m for m in messages for secret in ("Sh3bao", "LTAI5t", "b3BlbnNz")), messages
