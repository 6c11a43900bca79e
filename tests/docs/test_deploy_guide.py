"""docs/deploy.md names every Pulumi config key the program reads, so the operator's guide cannot fall behind."""

from __future__ import annotations

import ast
import re

from yunwang.testkit import ROOT

ENTRY = ROOT / "infra" / "entry.py"
GUIDE = ROOT / "docs" / "deploy.md"
RETIRED = {"monitorToken"}  # read only to explain what replaced it


def _keys_read_by_program() -> set[str]:
    keys: set[str] = set()
    for node in ast.walk(ast.parse(ENTRY.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        on_config = isinstance(node.func, ast.Attribute) and getattr(node.func.value, "id", "") == "config"
        if not (on_config or getattr(node.func, "id", "") == "_required_secret"):
            continue
        for arg in node.args:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and re.fullmatch(r"[a-zA-Z]+", arg.value):
                keys.add(arg.value)
    from infra.plan import placeholder_secrets
    from yunwang.stacks import load_stack

    secret = {key.removeprefix("yunwang:") for key in placeholder_secrets(load_stack("dev", ROOT).topology)}
    return (keys | secret) - RETIRED


def test_the_program_reads_config_keys() -> None:
    assert {"snmpCredentials", "databases", "monitorViewerToken", "pollerShards"} <= _keys_read_by_program()


def test_deploy_guide_documents_every_config_key() -> None:
    table = set(re.findall(r"^\| `yunwang:([A-Za-z]+)", GUIDE.read_text(encoding="utf-8"), flags=re.MULTILINE))
    assert sorted(_keys_read_by_program() - table) == []
