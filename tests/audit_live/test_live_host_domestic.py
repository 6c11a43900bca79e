"""The host rules on the domestic (信创) distributions: facts the agent collects from openEuler 22.03 LTS, Kylin V10
SP3 and UOS Server 20 file layouts (examples/hosts, kept equal to the fixture trees by tests/agents_host). Hardened
hosts pass every rule; each insecure host fails exactly the rules its mistakes break; rules limited to the RPM family
say nothing about a Debian host."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from live_helpers import host_facts
from typer.testing import CliRunner

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "hosts"
COMMON = {"YW-HOST-001", "YW-HOST-006", "YW-HOST-007", "YW-HOST-008", "YW-HOST-009", "YW-HOST-010", "YW-HOST-013",
          "YW-HOST-014", "YW-HOST-016", "YW-HOST-017", "YW-HOST-018", "YW-HOST-019", "YW-HOST-020", "YW-HOST-021",
          "YW-HOST-022", "YW-HOST-023", "YW-HOST-024", "YW-HOST-025", "YW-HOST-026", "YW-HOST-027", "YW-HOST-028",
          "YW-HOST-034", "YW-HOST-035", "YW-HOST-036", "YW-HOST-037", "YW-HOST-041", "YW-HOST-042", "YW-HOST-044",
          "YW-HOST-045"}
EXPECTED = {
    # authselect without its features, LEGACY crypto policy, a trusted zone and clear-text services in firewalld
    "openeuler-22.03-insecure": COMMON | {"YW-HOST-005", "YW-HOST-030", "YW-HOST-031", "YW-HOST-032", "YW-HOST-038"},
    # pam_tally2 from a CentOS 7 script, md5 hashes, a second UID 0, firewalld off, gpgcheck=0 in dnf.conf
    # and host-based SSH trust
    "kylin-v10-sp3-insecure": COMMON | {"YW-HOST-004", "YW-HOST-029", "YW-HOST-032", "YW-HOST-033", "YW-HOST-039",
                                        "YW-HOST-040"},
    # hand-edited authselect files, empty password, public zone ACCEPT, repositories as shipped (gpgcheck = 0)
    # (and faillock spares root)
    "uos-20-insecure": COMMON | {"YW-HOST-003", "YW-HOST-005", "YW-HOST-011", "YW-HOST-030", "YW-HOST-031",
                                 "YW-HOST-039", "YW-HOST-043"},
}
RPM_ONLY = ("YW-HOST-031", "YW-HOST-038", "YW-HOST-039")


def _audit(path: Path) -> dict[str, Any]:
    from policies.cli import app

    result = CliRunner().invoke(app, ["host", "--facts", str(path), "--format", "json", "--fail-on", "low"])
    report: dict[str, Any] = json.loads(result.stdout)
    assert result.exit_code == (1 if report["findings"] else 0), result.output
    return report


@pytest.mark.parametrize("name", ["openeuler-22.03", "kylin-v10-sp3", "uos-20"])
def test_hardened_host_has_no_finding(name: str) -> None:
    report = _audit(EXAMPLES / f"{name}-hardened.facts.json")
    assert [(f["rule_id"], f["message"]) for f in report["findings"]] == [] and report["errors"] == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_insecure_host_fails_the_rules_its_mistakes_break(name: str) -> None:
    findings = _audit(EXAMPLES / f"{name}.facts.json")["findings"]
    assert {f["rule_id"] for f in findings} == EXPECTED[name]
    assert not [f for f in findings if f["message"].startswith("could not determine")]


def test_rpm_family_rules_do_not_judge_a_debian_host(tmp_path: Path) -> None:
    data = host_facts("hardened")
    data["crypto_policy"]["policy"] = "LEGACY"
    data["package_db"]["gpgcheck"] = False
    data["pam"]["authselect"] = {"installed": True, "profile": "sssd", "features": [], "managed": False}
    path = tmp_path / "debian.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert _audit(path)["findings"] == []
    data["os"]["family"] = "rpm"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert {f["rule_id"] for f in _audit(path)["findings"]} == set(RPM_ONLY)


def test_pam_tally2_that_is_not_installed_locks_nobody() -> None:
    findings = _audit(EXAMPLES / "kylin-v10-sp3-insecure.facts.json")["findings"]
    (lockout,) = [f for f in findings if f["rule_id"] == "YW-HOST-007"]
    assert "pam_tally2, which is not installed" in lockout["message"]


def test_selinux_that_will_not_survive_a_reboot() -> None:
    findings = _audit(EXAMPLES / "uos-20-insecure.facts.json")["findings"]
    (mac,) = [f for f in findings if f["rule_id"] == "YW-HOST-024"]
    assert "SELINUX=permissive" in mac["message"] and "next boot" in mac["message"]
