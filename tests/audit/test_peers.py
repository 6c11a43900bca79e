"""The peer catalogue (policies/data/peers/) and the coverage computed from the rules' peers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policies.cli import app
from policies.engine import REGISTRY, Rule, load_rules
from policies.peers import PeersError, coverage, load_catalogue, load_tool, markdown, summary_rows

GOAL = 90.0


def _rules() -> list[Rule]:
    load_rules()
    return list(REGISTRY.values())


def test_catalogue_lists_the_tools_and_their_real_check_ids() -> None:
    tools = {t.tool: t for t in load_catalogue()}
    assert set(tools) >= {"checkov", "kubescape", "polaris", "kube-score", "pss", "cis-k8s"}
    ids = {c.id for t in tools.values() for c in t.checks}
    assert {"CKV_K8S_31", "CKV2_K8S_6", "C-0055", "polaris:hostPortSet", "pss:restricted/seccompProfile",
            "kube-score:container-security-context-privileged", "cis-k8s:1.2.1", "cis-k8s:4.2.14"} <= ids
    assert len(tools["pss"].checks) == 19 and len(tools["cis-k8s"].checks) == 131


def test_out_of_scope_checks_say_why() -> None:
    for tool in load_catalogue():
        for check in tool.checks:
            assert check.out_of_scope is None or len(check.out_of_scope) > 20, (tool.file, check.id)
    psp = next(c for t in load_catalogue() for c in t.checks if c.id == "CKV_K8S_1")
    assert psp.out_of_scope is not None and "PodSecurityPolicy" in psp.out_of_scope


@pytest.mark.parametrize("tool", [t.tool for t in load_catalogue()])
def test_coverage_of_each_tool_meets_the_goal(tool: str) -> None:
    result = {c.tool.tool: c for c in coverage(_rules(), load_catalogue())}[tool]
    assert result.percent >= GOAL, [c.id for c in result.missing]


def test_every_named_peer_is_catalogued_and_in_scope() -> None:
    coverage(_rules(), load_catalogue())  # raises PeersError otherwise


def _fake(peers: tuple[str, ...]) -> Rule:
    return Rule(id="YW-TEST-001", clauses=("8.1.4.2-d",), severity="low", source="k8s", title="t", title_zh="t",
                remediation="r", remediation_zh="r", check=lambda facts: [], peers=peers)


def test_a_rule_naming_an_unknown_check_is_refused() -> None:
    with pytest.raises(PeersError, match="YW-TEST-001 names peer check 'CKV_K8S_9999'"):
        coverage([_fake(("CKV_K8S_9999",))], load_catalogue())


def test_a_rule_naming_an_out_of_scope_check_is_refused() -> None:
    with pytest.raises(PeersError, match=r"CKV_K8S_1, which checkov\.yaml marks out of scope"):
        coverage([_fake(("CKV_K8S_1",))], load_catalogue())


def _write(tmp_path: Path, checks: str, reasons: str = "{psp: removed}") -> Path:
    path = tmp_path / "tool.yaml"
    path.write_text(f"tool: t\nname: T\nurl: https://x\nversion: v1\nreasons: {reasons}\nchecks:\n{checks}",
                    encoding="utf-8")
    return path


@pytest.mark.parametrize(("checks", "message"), [
    ("  - {id: A, title: a}\n  - {id: A, title: b}\n", "id A is listed twice"),
    ("  - {id: A, title: a, out: gone}\n", "reason 'gone' is not defined"),
    ("  - {id: A}\n", "'title' must be a non-empty string"),
    ("  - just text\n", "expected {id: …, title: …}"),
])
def test_a_broken_catalogue_names_the_file_and_the_check(tmp_path: Path, checks: str, message: str) -> None:
    path = _write(tmp_path, checks)
    with pytest.raises(PeersError) as raised:
        load_tool(path)
    assert str(path) in str(raised.value) and message in str(raised.value)


def test_coverage_counts_only_in_scope_checks(tmp_path: Path) -> None:
    tool = load_tool(_write(tmp_path, "  - {id: A, title: a}\n  - {id: B, title: b}\n"
                                      "  - {id: C, title: c, out: psp}\n"))
    [result] = coverage([_fake(("A",))], [tool])
    assert (len(result.in_scope), len(result.covered), result.percent) == (2, 1, 50.0)
    assert [c.id for c in result.missing] == ["B"]
    assert summary_rows([result])[-1] == ("all", 3, 1, 2, 1, "50.0 %")
    text = markdown([result])
    assert "| `B` | b | **not covered** |" in text and "| `C` | c | out of scope: removed |" in text
    assert "| `A` | a | YW-TEST-001 |" in text


@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_cli_prints_the_coverage(fmt: str) -> None:
    result = CliRunner().invoke(app, ["controls", "--peers", "--format", fmt])
    assert result.exit_code == 0, result.output
    if fmt == "json":
        tools = {t["tool"]: t for t in json.loads(result.stdout)}
        assert tools["pss"]["coverage_percent"] >= GOAL
        item = next(i for i in tools["checkov"]["items"] if i["id"] == "CKV_K8S_31")
        assert item["in_scope"] and "YW-K8S-060" in item["rules"]
    else:
        assert "Pod Security Standards" in result.stdout and "CKV_K8S_31" in result.stdout


def test_cli_refuses_an_unknown_format() -> None:
    result = CliRunner().invoke(app, ["controls", "--peers", "--format", "xml"])
    assert result.exit_code == 2 and "table, json, markdown" in result.output
