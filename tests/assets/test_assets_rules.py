"""Recording and alerting rules: promtool accepts them, every alert is unit-tested firing and not firing, the unit
tests catch a broken threshold, and every alert tells people what happened in English and Chinese."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.prometheus.render import RULES_DIR
from yunwang.testkit import need_binary

TESTS_DIR = RULES_DIR.parent / "tests"
RULE_FILES = sorted(RULES_DIR.rglob("*.yml"))  # region rules and rules/city/
TEST_FILES = sorted(TESTS_DIR.glob("*.test.yml"))
SEVERITIES = {"critical", "warning", "info"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _rules() -> list[dict[str, Any]]:
    return [rule for path in RULE_FILES for group in yaml.safe_load(path.read_text())["groups"]
            for rule in group["rules"]]


def _alerts() -> list[dict[str, Any]]:
    return [rule for rule in _rules() if "alert" in rule]


def _promtool(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([need_binary("promtool", "prometheus"), *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def test_promtool_check_rules() -> None:
    result = _promtool("check", "rules", *map(str, RULE_FILES))
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_unit_tests_pass() -> None:
    result = _promtool("test", "rules", *map(str, TEST_FILES))
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_is_tested_firing_and_not_firing() -> None:
    firing: set[str] = set()
    silent: set[str] = set()
    for path in TEST_FILES:
        for group in yaml.safe_load(path.read_text())["tests"]:
            for case in group.get("alert_rule_test", []):
                (firing if case.get("exp_alerts") else silent).add(case["alertname"])
    names = {a["alert"] for a in _alerts()}
    assert names - firing == set(), "alerts never tested firing"
    assert names - silent == set(), "alerts never tested staying silent"
    assert (firing | silent) - names == set(), "tests for alerts that do not exist"


@pytest.mark.parametrize("alert", _alerts(), ids=lambda a: a["alert"])
def test_alert_is_labelled_and_explained_in_both_languages(alert: dict[str, Any]) -> None:
    assert alert["alert"].startswith("Yunwang")
    assert alert["labels"]["severity"] in SEVERITIES
    notes = alert["annotations"]
    assert set(notes) >= {"summary", "summary_zh", "description", "description_zh"}
    for key in ("summary", "description"):
        assert not CJK.search(notes[key]), f"{key} should be English"
        assert CJK.search(notes[f"{key}_zh"]), f"{key}_zh should be Chinese"


def test_rule_names_are_unique() -> None:
    names = [rule.get("alert") or rule["record"] for rule in _rules()]
    assert len(names) == len(set(names))


# Each mutation breaks one rule the way a careless edit would; the unit tests must notice.
MUTATIONS = [
    ("network.yml", "yunwang:interface_utilisation:ratio > 0.8", "yunwang:interface_utilisation:ratio > 0.95"),
    ("network.yml", 'ifOperStatus{ifAlias!=""} == 2', "ifOperStatus == 2"),
    ("recording.yml", 'min by (device, region, role, vendor, site) (snmp_up or up{job="snmp"})',
     'max by (device, region, role, vendor, site) (snmp_up or up{job="snmp"})'),
    ("hosts.yml", "yunwang:filesystem_avail:ratio < 0.10", "yunwang:filesystem_avail:ratio < 0.01"),
    ("audit.yml", 'yunwang_audit_findings{severity="high"}', "yunwang_audit_findings"),
    ("region.yml", "sum by (region) (1 - yunwang:device:up)", "sum by (region) (yunwang:device:up)"),
    ("city/city.yml", "yunwang:region:devices_polled > 0) > 0.2", "yunwang:region:devices_polled > 0) > 0.5"),
    ("city/city.yml", "max_over_time(yunwang:plane:heartbeat[1d])", "max_over_time(yunwang:plane:heartbeat[5m])"),
    ("drift.yml", "yunwang_device_config_drift_lines > 0", "yunwang_device_config_drift_lines > 5"),
    ("drift.yml", "last_collection_timestamp_seconds > 3600", "last_collection_timestamp_seconds > 36000"),
    ("links.yml", 'yunwang_link_status{state="down"} == 1', 'yunwang_link_status{state="missing"} == 1'),
    ("links.yml", "yunwang_link_miswired_info == 1", "yunwang_link_miswired_info == 0"),
]


@pytest.mark.parametrize(("rule_file", "old", "new"), MUTATIONS, ids=[f"{m[0]}:{m[2][:30]}" for m in MUTATIONS])
def test_unit_tests_catch_a_broken_rule(tmp_path: Path, rule_file: str, old: str, new: str) -> None:
    rules = tmp_path / "rules"
    tests = tmp_path / "tests"
    shutil.copytree(RULES_DIR, rules)
    shutil.copytree(TESTS_DIR, tests)
    text = (rules / rule_file).read_text()
    assert old in text, f"mutation no longer applies to {rule_file}"
    (rules / rule_file).write_text(text.replace(old, new))
    affected = sorted(p.name for p in tests.glob("*.test.yml")
                      if f"../rules/{rule_file}" in yaml.safe_load(p.read_text())["rule_files"])
    result = _promtool("test", "rules", *affected, cwd=tests)
    assert result.returncode == 1, f"unit tests did not notice {old!r} → {new!r}"
