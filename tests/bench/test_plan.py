"""Offline plan cost: `yunwang plan --stack liuan` wall time and peak RSS, growth with the city's size, and the
ratio to the floor (the same resources registered under the same mocks by a program with no logic).

Run: make bench PYTEST_ARGS='-k plan -s'   (or .venv/bin/pytest tests/bench/test_plan.py -s --benchmark-only
-p no:cacheprovider). Goals: liuan < 15 s and < 1 GiB on 2 cores; growth linear; ≤ 1.3× the floor.
The side-by-side script scripts/bench/plan_floor.py prints the same figures for more runs and sizes.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "bench"))

from plan_floor import spawn  # noqa: E402


def _cli_plan(stack: str, out: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one `yunwang plan` process."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "yunwang", "plan", "--stack", stack, "--out", str(out)], cwd=ROOT,
                   check=True, capture_output=True)
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, peak / 1024  # the largest child so far: plan runs are the only children here


def test_plan_liuan_command(benchmark: Any, tmp_path: Path) -> None:
    peaks: list[float] = []

    def run() -> None:
        _, peak = _cli_plan("liuan", tmp_path / "plan")
        peaks.append(peak)

    benchmark.pedantic(run, rounds=3, iterations=1)
    doc = json.loads((tmp_path / "plan" / "resources.json").read_text(encoding="utf-8"))
    benchmark.extra_info.update(resources=len(doc["resources"]), peak_rss_mib=max(peaks))
    print(f"\nyunwang plan --stack liuan: {len(doc['resources'])} resources, median "
          f"{benchmark.stats.stats.median:.1f} s, peak RSS {max(peaks):.0f} MiB")
    assert max(peaks) < 1024


@pytest.mark.parametrize("scale", [1, 2, 5, 10])
def test_plan_growth_and_floor(benchmark: Any, scale: int) -> None:
    """One synthetic city per size: ours and the floor, in fresh interpreters, side by side."""
    results: list[dict[str, Any]] = []

    def run() -> None:
        results.append({"ours": spawn("ours", "liuan", scale), "floor": spawn("floor", "liuan", scale)})

    benchmark.pedantic(run, rounds=1, iterations=1)
    ours, floor = results[0]["ours"], results[0]["floor"]
    ratio = ours["register_seconds"] / floor["seconds"]
    benchmark.extra_info.update(resources=ours["resources"], ours_s=ours["seconds"], floor_s=floor["seconds"],
                                ratio=ratio, resources_per_s=ours["resources"] / ours["seconds"],
                                peak_rss_mib=ours["max_rss_mib"])
    print(f"\nsynth{scale}: {ours['resources']} resources, ours {ours['seconds']:.1f} s "
          f"({ours['resources'] / ours['seconds']:.0f}/s, {ours['max_rss_mib']:.0f} MiB), "
          f"floor {floor['seconds']:.1f} s, ratio {ratio:.2f}")
    assert ours["resources"] == floor["resources"]
