"""`yunwang plan` from the command line: output layout, and bad input as located errors with exit status 2."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from infra_plans import ROOT

from infra.k8s_integers import generate, table


def _yunwang(*args: str, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    if home is not None:
        env["YUNWANG_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "yunwang", *args], capture_output=True, text=True, env=env,
                          cwd=home or ROOT, timeout=120)


def test_unknown_stack_is_an_input_error() -> None:
    result = _yunwang("plan", "--stack", "nosuch")
    assert result.returncode == 2, result.stderr
    assert "no such stack" in result.stderr and "Traceback" not in result.stderr


def test_bad_topology_names_file_and_line(tmp_path: Path) -> None:
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "Pulumi.bad.yaml").write_text("config:\n  yunwang:topology: bad.yaml\n")
    text = (ROOT / "infra" / "topology" / "dev.yaml").read_text(encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(text.replace("backend: application-platform}", "backend: nowhere}", 1))
    result = _yunwang("plan", "--stack", "bad", "--out", str(tmp_path / "out"), home=tmp_path)
    assert result.returncode == 2
    assert "bad.yaml:" in result.stderr and "unknown platform" in result.stderr
    assert not (tmp_path / "out").exists()


def test_plan_command_writes_resources_and_manifests(tmp_path: Path) -> None:
    result = _yunwang("plan", "--stack", "dev", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    doc = json.loads((tmp_path / "resources.json").read_text(encoding="utf-8"))
    assert doc["project"] == "yunwang" and doc["stack"] == "dev"
    assert [r["urn"] for r in doc["resources"]] == sorted(r["urn"] for r in doc["resources"])
    assert (tmp_path / "manifests" / "luan" / "_cluster" / "namespace-core-data.yaml").is_file()
    assert f"{len(doc['resources'])} resources" in result.stdout
    planned = (ROOT / "infra" / "topology" / "dev.yaml").read_bytes()
    assert (tmp_path / "topology.yaml").read_bytes() == planned  # the audit judges what was planned


def test_integer_field_table_matches_the_schema() -> None:
    assert table() == json.loads(json.dumps(generate()))


def test_plan_never_deletes_a_folder_it_did_not_write(tmp_path: Path) -> None:
    keep = tmp_path / "manifests" / "mine.yaml"
    keep.parent.mkdir()
    keep.write_text("kind: Mine\n")
    result = _yunwang("plan", "--stack", "dev", "--out", str(tmp_path))
    assert result.returncode == 2 and "no plan" in result.stderr
    assert keep.read_text() == "kind: Mine\n"
