"""`yunwang audit k8s/plan/controls`: exit codes, --fail-on, waivers, formats, and input errors."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import audit_k8s_cases as cases
import pytest
from typer.testing import CliRunner

from policies.cli import app

runner = CliRunner()


def write(tmp_path: Path, docs: list[dict]) -> Path:
    target = tmp_path / "manifests.yaml"
    target.write_text(cases.dump(docs))
    return target


def run(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout


def test_exit_codes_follow_fail_on(tmp_path: Path) -> None:
    clean = write(tmp_path, cases.secure())
    assert run("k8s", clean)[0] == 0
    low = write(tmp_path, cases.mutated("YW-K8S-006"))              # a low finding only
    assert run("k8s", low)[0] == 0
    assert run("k8s", low, "--fail-on", "low")[0] == 1
    assert run("k8s", low, "--fail-on", "medium")[0] == 0
    high = write(tmp_path, cases.mutated("YW-K8S-001"))
    assert run("k8s", high, "--fail-on", "high")[0] == 1


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    clean = write(tmp_path, cases.secure())
    assert run("k8s", clean, "--format", "pdf")[0] == 2
    assert run("k8s", clean, "--fail-on", "critical")[0] == 2


def test_nothing_audited_exits_2_and_partial_input_still_audits(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("kind: [\n")
    code, _ = run("k8s", tmp_path / "broken.yaml", "--format", "json")
    assert code == 2
    code, _ = run("k8s", tmp_path / "missing")
    assert code == 2
    write(tmp_path, cases.mutated("YW-K8S-001"))
    out = tmp_path / "report.json"
    code, _ = run("k8s", tmp_path, "--format", "json", "--out", out)
    assert code == 1
    report = json.loads(out.read_text())
    assert [e["file"] for e in report["errors"]] == [str(tmp_path / "broken.yaml")]
    assert report["stats"]["sources"]["k8s"]["skipped"] == 1


def test_json_is_the_contract(tmp_path: Path) -> None:
    _, out = run("k8s", write(tmp_path, cases.mutated("YW-K8S-030")), "--format", "json")
    report = json.loads(out)
    assert set(report) == {"tool", "standard", "findings", "errors", "summary", "stats"}
    assert report["tool"]["name"] == "yunwang" and report["standard"] == "GB/T 22239-2019 level 3"
    [finding] = report["findings"]
    assert set(finding) >= {"rule_id", "clauses", "severity", "target", "title", "title_zh", "message",
                            "remediation", "waived", "waiver"}
    assert finding["target"]["source"] == "k8s" and finding["target"]["line"] > 0
    assert "s3cr3t" not in out  # a report never repeats the secret it found
    controls = report["summary"]["controls"]
    assert controls["8.1.4.8-b"] == "non-compliant"
    assert controls["8.1.1.1-a"] == "not-assessed"     # physical, process-only
    assert controls["8.1.4.2-d"] == "compliant"
    assert {report["summary"][k] for k in ("medium", "low", "waived")} == {0} and report["summary"]["high"] == 1


def waivers_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(body)
    return path


def test_waiver_file_applies_until_expiry(tmp_path: Path) -> None:
    manifests = write(tmp_path, cases.mutated("YW-K8S-001"))
    future = (date.today() + timedelta(days=30)).isoformat()
    past = (date.today() - timedelta(days=1)).isoformat()
    entry = ("waivers:\n  - rule: YW-K8S-00?\n    target: 'Deployment/app/*'\n    source: k8s\n"
             "    justification: vendor appliance\n    approver: 安全管理员\n    expires: {}\n")
    code, out = run("k8s", manifests, "-f", "json", "--waivers", waivers_file(tmp_path, entry.format(future)))
    report = json.loads(out)
    assert code == 0
    assert report["findings"][0]["waived"] is True
    assert report["findings"][0]["waiver"]["approver"] == "安全管理员"
    assert report["summary"]["waived"] == 1 and report["summary"]["high"] == 0
    assert report["summary"]["controls"]["8.1.4.2-d"] == "compliant"
    code, out = run("k8s", manifests, "-f", "json", "--waivers", waivers_file(tmp_path, entry.format(past)))
    report = json.loads(out)
    assert code == 1 and report["findings"][0]["waived"] is False
    assert any("expired" in e["message"] and e["file"].endswith("waivers.yaml") and e["line"] == 2
               for e in report["errors"])


def test_annotation_waiver(tmp_path: Path) -> None:
    docs = cases.mutated("YW-K8S-001")
    cases.web(docs)["metadata"]["annotations"] = {
        "yunwang.io/waive": "YW-K8S-001=GPU driver needs it;expires=2999-01-01;approver=ops\nYW-K8S-002=no expiry"}
    code, out = run("k8s", write(tmp_path, docs), "-f", "json")
    report = json.loads(out)
    assert code == 0
    assert report["findings"][0]["waiver"]["justification"] == "GPU driver needs it"
    assert any("no valid expires" in e["message"] for e in report["errors"])


def test_incomplete_waiver_is_an_input_error(tmp_path: Path) -> None:
    manifests = write(tmp_path, cases.secure())
    bad = waivers_file(tmp_path, "waivers:\n  - rule: YW-K8S-001\n    approver: x\n    expires: 2030-01-01\n"
                                 "  - rule: YW-K8S-002\n    justification: ok\n    approver: x\n")
    proc = subprocess.run([sys.executable, "-m", "yunwang.cli", "audit", "k8s", str(manifests), "--waivers", str(bad)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert f"{bad}:2" in proc.stderr and "justification" in proc.stderr
    assert f"{bad}:5" in proc.stderr and "expiry" in proc.stderr


@pytest.mark.parametrize("fmt", ["table", "junit", "html", "sarif"])
def test_every_format_renders(tmp_path: Path, fmt: str) -> None:
    code, out = run("k8s", write(tmp_path, cases.mutated("YW-K8S-013")), "--format", fmt)
    assert code == 1 and "YW-K8S-013" in out


def test_controls_lists_every_control_with_rules_or_manual() -> None:
    code, out = run("controls", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 150
    by_id = {r["clause"]: r for r in rows}
    assert by_id["8.1.1.1-a"]["rules"] == "manual"
    assert "YW-K8S-011" in by_id["8.2.3.1-a"]["rules"]
    uncovered = [r["clause"] for r in rows
                 if set(r["automatable"]) & {"kubernetes", "iac"} and not isinstance(r["rules"], list)]
    assert uncovered == []
    code, out = run("controls")
    assert code == 0 and "8.1.5.4-a" in out and "manual" in out
