"""Which topology `audit plan DIR` checks the IaC rules against: DIR/topology.yaml first, else the stack's."""

from __future__ import annotations

import json
from pathlib import Path

from policies.engine import ReadStats
from policies.plan import load_plan

ROOT = Path(__file__).resolve().parents[2]
DEV_TOPOLOGY = ROOT / "infra" / "topology" / "dev.yaml"
NAMESPACE = "apiVersion: v1\nkind: Namespace\nmetadata: {name: portal}\n"


def _plan(tmp_path: Path, stack: str | None) -> Path:
    (tmp_path / "resources.json").write_text(json.dumps({"project": "yunwang", "stack": stack, "outputs": {},
                                                         "resources": []}), encoding="utf-8")
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "ns.yaml").write_text(NAMESPACE, encoding="utf-8")
    return tmp_path


def test_topology_beside_the_plan_wins_over_the_stack(tmp_path: Path) -> None:
    directory = _plan(tmp_path, "dev")
    text = DEV_TOPOLOGY.read_text(encoding="utf-8").replace("name: dev\n", "name: dev-as-planned\n", 1)
    (directory / "topology.yaml").write_text(text, encoding="utf-8")
    loaded = load_plan(directory, ReadStats())
    assert loaded.errors == []
    assert loaded.facts is not None
    assert loaded.facts.topology.name == "dev-as-planned"
    assert loaded.facts.topology_file == str(directory / "topology.yaml")
    assert [u.source for u in loaded.units] == ["plan", "k8s"]


def test_without_topology_yaml_the_named_stack_is_used(tmp_path: Path) -> None:
    loaded = load_plan(_plan(tmp_path, "dev"), ReadStats())
    assert loaded.errors == []
    assert loaded.facts is not None and loaded.facts.topology.name == "dev"
    assert Path(loaded.facts.topology_file or "").resolve() == DEV_TOPOLOGY.resolve()


def test_no_topology_at_all_is_an_error_and_the_manifests_are_still_audited(tmp_path: Path) -> None:
    stats = ReadStats()
    loaded = load_plan(_plan(tmp_path, None), stats)
    [error] = loaded.errors
    assert "no topology" in error.message and (error.file or "").endswith("resources.json")
    assert [u.source for u in loaded.units] == ["k8s"]
    assert any("IaC rules not run" in s["reason"] for s in stats.skipped_reasons)


def test_broken_topology_yaml_names_its_file_and_line(tmp_path: Path) -> None:
    directory = _plan(tmp_path, "dev")
    (directory / "topology.yaml").write_text("name: x\nregions: [\n", encoding="utf-8")
    loaded = load_plan(directory, ReadStats())
    assert loaded.errors and all((e.file or "").endswith("topology.yaml") for e in loaded.errors)
    assert any(e.line for e in loaded.errors)
    assert [u.source for u in loaded.units] == ["k8s"]  # no silent fallback to the stack's topology
