"""`yunwang audit k8s` on 2,000 and 10,000 objects against its floor (PyYAML C loader over the same files).

Run by `make bench`. Side-by-side with Checkov: scripts/bench/audit_vs_checkov.py. Results: docs/performance.md.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from policies.engine import AuditUnit, ReadStats, load_rules, run_audit
from policies.k8s import load_k8s
from policies.render import render_json
from policies.synthetic import write_corpus

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", params=[2000, 10000])
def corpus(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp(f"k8s-{request.param}")
    write_corpus(out, request.param)
    return out


def parse_floor(directory: Path) -> int:
    n = 0
    for root, _, files in os.walk(directory):
        for name in sorted(files):
            with open(os.path.join(root, name), encoding="utf-8") as fh:
                n += sum(1 for doc in yaml.load_all(fh.read(), Loader=yaml.CSafeLoader) if doc)
    return n


def audit(directory: Path) -> str:
    load_rules()
    stats = ReadStats()
    loaded = load_k8s([directory], stats)
    report = run_audit([AuditUnit("k8s", loaded.facts)], stats=stats, errors=loaded.errors, waivers=loaded.waivers)
    return render_json(report)


def test_floor_pyyaml_c_loader(benchmark, corpus: Path) -> None:  # type: ignore[no-untyped-def]
    benchmark.group = f"audit k8s {corpus.name}"
    assert benchmark(parse_floor, corpus) > 0


def test_audit_in_process(benchmark, corpus: Path) -> None:  # type: ignore[no-untyped-def]
    benchmark.group = f"audit k8s {corpus.name}"
    assert '"YW-K8S-030"' in benchmark(audit, corpus)


def test_cli_peak_rss_under_512_mb(corpus: Path) -> None:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run([sys.executable, "-m", "yunwang.cli", "audit", "k8s", str(corpus), "--format", "json",
                           "--out", str(corpus.parent / "report.json")], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1, proc.stderr  # the corpus has high findings by construction
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert peak_mb < 512 or before / 1024 >= 512


@pytest.fixture(scope="module")
def tiny_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("k8s-10")
    write_corpus(out, 10)
    return out


START_UP = {
    "floor": [sys.executable, "-c", "import yaml"],
    "library": [sys.executable, "-c", "import json, policies.k8s, policies.render, policies.engine as e; "
                                      "e.load_rules(['k8s']); e.all_clause_ids()"],
    "cli": [sys.executable, "-m", "yunwang.cli", "audit", "k8s", "{corpus}", "--format", "json", "--out",
            "{corpus}.json"],
}
"""Fixed cost of one run: the floor's (Python + PyYAML), the audit library's, and the whole command's (Typer and its
pydantic coercion, rich, every rule family of the source)."""


@pytest.mark.parametrize("what", list(START_UP))
def test_start_up(benchmark, tiny_corpus: Path, what: str) -> None:  # type: ignore[no-untyped-def]
    benchmark.group = "audit k8s start-up (10 objects)"
    cmd = [part.replace("{corpus}", str(tiny_corpus)) for part in START_UP[what]]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    result = benchmark(subprocess.run, cmd, capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.returncode in (0, 1), result.stderr
