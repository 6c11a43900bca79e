"""The project's own stacks, planned offline by `yunwang plan`, audited by `yunwang audit plan`.

Neither high nor medium findings are acceptable in the project's own stacks (no waivers either): the
infrastructure code itself has to meet them. Low findings (organisational roles bound outside the program,
off-site backups where a stack has one site) are reported, not failed.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _plan_and_audit(stack: str, out: Path) -> dict:
    if importlib.util.find_spec("infra.cli") is None:
        pytest.skip("infra.cli (the `yunwang plan` writer) does not exist yet")
    if not (ROOT / "infra" / "topology" / f"{stack}.yaml").is_file():
        pytest.skip(f"infra/topology/{stack}.yaml does not exist yet")
    yunwang = [sys.executable, "-m", "yunwang.cli"]
    plan = subprocess.run([*yunwang, "plan", "--stack", stack, "--out", str(out)], capture_output=True, text=True,
                          timeout=600, cwd=ROOT)
    assert plan.returncode == 0, plan.stderr[-2000:]
    audit = subprocess.run([*yunwang, "audit", "plan", str(out), "--format", "json"], capture_output=True,
                           text=True, timeout=300, cwd=ROOT)
    assert audit.returncode in (0, 1), audit.stderr[-2000:]
    return json.loads(audit.stdout)


@pytest.fixture(scope="module", params=["dev", "liuan"])
def own_report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    return _plan_and_audit(request.param, tmp_path_factory.mktemp(f"plan-{request.param}"))


def _unwaived(report: dict, severities: tuple[str, ...]) -> list[dict]:
    return [f for f in report["findings"] if f["severity"] in severities and not f["waived"]]


def test_own_plan_is_read_completely_and_has_no_high_findings(own_report: dict) -> None:
    assert own_report["errors"] == []
    sources = own_report["stats"]["sources"]
    assert sources["plan"]["audited"] > 0 and sources["k8s"]["audited"] > 100
    assert sources["k8s"]["skipped"] == 0
    assert [(f["rule_id"], f["target"]["id"], f["message"]) for f in _unwaived(own_report, ("high",))] == []


def test_own_plan_has_no_medium_findings(own_report: dict) -> None:
    assert [(f["rule_id"], f["target"]["id"], f["message"]) for f in _unwaived(own_report, ("medium",))] == []
    assert [f for f in own_report["findings"] if f["waived"]] == []
