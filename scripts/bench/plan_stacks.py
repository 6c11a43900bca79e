"""Stacks for the plan benchmarks: the real ones, and synthetic cities ``scale`` times liuan's counties.

A synthetic stack lives in a temporary project folder (Pulumi.yaml, Pulumi.<stack>.yaml, its topology file and a
link to the real monitor/ assets), so the program runs on it exactly as on a real stack.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def synthetic_stack(scale: int, base: Path | None = None) -> tuple[str, Path]:
    """(stack name, project root) of a generated city ``scale`` times liuan's counties."""
    from yunwang.generate import generate_city

    root = Path(base or tempfile.mkdtemp(prefix="yunwang-plan-bench-"))
    name = f"synth{scale}"
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "Pulumi.yaml", root / "Pulumi.yaml")
    if not (root / "monitor").exists():
        os.symlink(ROOT / "monitor", root / "monitor")
    (root / f"{name}.yaml").write_text(
        yaml.dump(generate_city(scale), Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False),
        encoding="utf-8")
    (root / f"Pulumi.{name}.yaml").write_text(f"config:\n  yunwang:topology: {name}.yaml\n", encoding="utf-8")
    return name, root


def stack_root(stack: str, scale: int) -> tuple[str, Path]:
    """The real stack when scale is 0, else a synthetic one."""
    return (stack, ROOT) if scale == 0 else synthetic_stack(scale)
