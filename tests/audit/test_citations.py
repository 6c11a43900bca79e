"""Clauses cited as the standard writes them (8.1.4.1 a); a single-requirement control point alone), while JSON keeps
the stable ids."""

from __future__ import annotations

import json

import audit_k8s_cases as cases
import pytest
from audit_helpers import audit_text
from typer.testing import CliRunner

from policies.cli import app
from policies.controls import cite, load_controls, single_item_clauses
from policies.engine import REGISTRY, load_rules
from policies.render import render_html, render_json, render_junit, render_sarif, render_table


@pytest.mark.parametrize(("clause", "citation"), [
    ("8.1.4.1-a", "8.1.4.1 a)"), ("8.1.4.2-d", "8.1.4.2 d)"), ("8.2.4.4-b", "8.2.4.4 b)"),
    ("8.2.1.1-a", "8.2.1.1"), ("8.2.4.1-a", "8.2.4.1"), ("8.1.4.5-a", "8.1.4.5"), ("8.4.3.4-a", "8.4.3.4"),
    ("9.9", "9.9")])
def test_cite(clause: str, citation: str) -> None:
    assert cite(clause) == citation


def test_the_ten_single_requirement_clauses_come_from_the_standard_file() -> None:
    single = single_item_clauses()
    assert len(single) == 10 and "8.2.1.1" in single and "8.1.4.1" not in single
    for control in load_controls():
        clause = control.id.split("-")[0]
        assert control.citation == (clause if clause in single else f"{clause} {control.id[-1]})")


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return audit_text(cases.dump(cases.mutated("YW-K8S-013")))  # clauses 8.1.4.7-a, 8.1.4.8-a, 8.1.2.2-b


def test_json_keeps_the_ids_and_adds_the_citations(report) -> None:  # type: ignore[no-untyped-def]
    finding = json.loads(render_json(report))["findings"][0]
    assert finding["clauses"] == ["8.1.4.7-a", "8.1.4.8-a", "8.1.2.2-b"]
    assert finding["citations"] == ["8.1.4.7 a)", "8.1.4.8 a)", "8.1.2.2 b)"]
    assert "8.1.4.7-a" in json.loads(render_json(report))["summary"]["controls"]


def test_human_reports_print_citations(report) -> None:  # type: ignore[no-untyped-def]
    assert "8.1.4.7 a) 数据完整性" in render_table(report)
    html = render_html(report)
    assert "<td>8.2.1.1</td>" in html and "<td>8.1.4.7 a)</td>" in html and 'id="8.1.4.7-a"' in html
    assert "(8.1.4.7 a); 8.1.4.8 a); 8.1.2.2 b))" in render_junit(report)
    sarif = json.loads(render_sarif(report))["runs"][0]
    assert sarif["tool"]["driver"]["rules"][0]["properties"]["citations"][0] == "8.1.4.7 a)"
    assert sarif["results"][0]["properties"]["clauses"][0] == "8.1.4.7-a"


def test_rule_citations_follow_its_clauses() -> None:
    load_rules()
    rule = REGISTRY["YW-K8S-009"]  # 8.1.4.2-d and the single-requirement 8.2.4.1
    assert rule.clauses == ("8.1.4.2-d", "8.2.4.1-a") and rule.citations == ("8.1.4.2 d)", "8.2.4.1")


def test_controls_command_shows_citation_and_id() -> None:
    result = CliRunner().invoke(app, ["controls", "--format", "json"])
    rows = {r["clause"]: r for r in json.loads(result.stdout)}
    assert rows["8.2.1.1-a"]["citation"] == "8.2.1.1" and rows["8.1.4.1-a"]["citation"] == "8.1.4.1 a)"
