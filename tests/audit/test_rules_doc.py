"""policies/README.md lists every rule of the registry, as scripts/gen_rules_doc.py writes it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policies.cli import app
from policies.engine import REGISTRY, SOURCES, load_rules
from policies.rules_doc import (
    BEGIN,
    END,
    PEERS_BEGIN,
    PEERS_END,
    SOURCE_HEADINGS,
    RulesDocError,
    peers_markdown,
    regenerate,
    rules_markdown,
    splice,
)
from yunwang.testkit import ROOT

README = ROOT / "policies" / "README.md"
FIX = ".venv/bin/python scripts/gen_rules_doc.py"


def test_readme_rule_tables_are_up_to_date() -> None:
    text = README.read_text(encoding="utf-8")
    assert splice(text, rules_markdown(), str(README)) == text, (
        f"policies/README.md's rule tables differ from the rule registry: run `{FIX}` and commit the result")


def test_readme_peer_coverage_tables_are_up_to_date() -> None:
    text = README.read_text(encoding="utf-8")
    assert splice(text, peers_markdown(), str(README), PEERS_BEGIN, PEERS_END) == text, (
        f"policies/README.md's peer coverage tables differ from the rules' peers: run `{FIX}` and commit the result")
    block = text[text.index(PEERS_BEGIN):text.index(PEERS_END)]
    assert "| Checkov |" in block and "| all |" in block


def test_regenerate_leaves_a_document_without_peer_markers_alone() -> None:
    document = f"intro\n{BEGIN}\nold\n{END}\n"
    assert PEERS_BEGIN not in regenerate(document, "doc.md")


def test_readme_names_every_registered_rule_once() -> None:
    load_rules()
    text = README.read_text(encoding="utf-8")
    block = text[text.index(BEGIN):text.index(END)]
    rows = re.findall(r"^\| (YW-[A-Z0-9]+-\d+) \|", block, flags=re.MULTILINE)
    assert sorted(rows) == sorted(REGISTRY)
    assert {"YW-K8S", "YW-IAC", "YW-HOST", "YW-DEV", "YW-SNMP"} <= {r.rsplit("-", 1)[0] for r in rows}


def test_every_audit_source_has_a_section() -> None:
    assert set(SOURCE_HEADINGS) == set(SOURCES)


def test_a_rule_row_carries_its_metadata() -> None:
    load_rules()
    rule = REGISTRY["YW-HOST-001"]
    row = next(line for line in rules_markdown().splitlines() if line.startswith("| YW-HOST-001 |"))
    for cell in (rule.severity, rule.title, rule.title_zh, "; ".join(rule.citations),
                 "`policies/rules/host_identity.py`"):
        assert f"| {cell} |" in row


def test_splice_replaces_only_the_marked_part() -> None:
    document = f"intro\n{BEGIN}\nold table\n{END}\noutro\n"
    assert splice(document, "new table\n", "doc.md") == f"intro\n{BEGIN}\n\nnew table\n\n{END}\noutro\n"


@pytest.mark.parametrize("document", ["no markers\n", f"{END}\nthen\n{BEGIN}\n"])
def test_splice_without_markers_says_what_to_add(document: str) -> None:
    with pytest.raises(RulesDocError, match=r"doc\.md: no .*rules:begin.*rules:end"):
        splice(document, "table\n", "doc.md")


def test_cli_prints_the_same_tables() -> None:
    result = CliRunner().invoke(app, ["controls", "--rules-markdown"])
    assert result.exit_code == 0
    assert result.stdout == rules_markdown()


def _generate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_rules_doc.py"), str(path)],
                          capture_output=True, text=True, timeout=60)


def test_generator_rewrites_stale_tables(tmp_path: Path) -> None:
    current = README.read_text(encoding="utf-8")
    stale = tmp_path / "README.md"
    stale.write_text(splice(current, "| YW-K8S-999 | high | gone |\n", "README.md"), encoding="utf-8")
    done = _generate(stale)
    assert done.returncode == 0, done.stderr
    assert "wrote the rule tables" in done.stdout
    assert stale.read_text(encoding="utf-8") == current
    again = _generate(stale)
    assert again.returncode == 0 and "up to date" in again.stdout


def test_generator_names_a_file_without_markers(tmp_path: Path) -> None:
    plain = tmp_path / "plain.md"
    plain.write_text("# no tables here\n", encoding="utf-8")
    done = _generate(plain)
    assert done.returncode == 2
    assert f"{plain}: no " in done.stderr and "Traceback" not in done.stderr
    assert plain.read_text(encoding="utf-8") == "# no tables here\n"


def test_cli_refuses_an_incomplete_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule module that fails to import would drop its rules from the tables: exit 2 naming it instead."""
    import policies.engine as engine

    load_rules()
    monkeypatch.setattr(engine, "LOAD_ERRORS", ["rule module policies.rules.x failed to import: SyntaxError: boom"])
    monkeypatch.setattr("policies.rules_doc.LOAD_ERRORS", engine.LOAD_ERRORS)
    result = CliRunner().invoke(app, ["controls", "--rules-markdown"])
    assert result.exit_code == 2
    assert "policies.rules.x failed to import" in result.output and "| YW-" not in result.output
