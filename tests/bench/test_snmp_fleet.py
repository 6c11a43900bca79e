"""Our poller and snmp_exporter over the same simulated fleet, same run, alternating: CPU and wall per cycle.

The pytest counterpart of scripts/bench/snmp_vs_snmp_exporter.py at a size `make bench` can afford. Size with
YUNWANG_BENCH_SNMP_DEVICES / _PORTS / _ROUNDS (e.g. 1000 / 4 / 3); YUNWANG_BENCH_SNMP_ENGINE=snmpsim serves the
fleet with snmpsim instead of the project's fast simulator (~0.4 CPU-s per 48-port if_mib walk instead of ~0.02).
Run: .venv/bin/pytest tests/bench/test_snmp_fleet.py -s --benchmark-only
"""

from __future__ import annotations

import os
import sys
from typing import Any

from pytest_benchmark.fixture import BenchmarkFixture

from agents.sim.install import SimSetupError, ensure_snmpsim
from yunwang.testkit import ROOT, need_binary, need_peer

sys.path.insert(0, str(ROOT / "scripts" / "bench"))
from snmp_vs_snmp_exporter import BenchArgs, report, run_bench


def test_fleet_side_by_side_vs_snmp_exporter(benchmark: BenchmarkFixture) -> None:
    need_binary("prometheus-snmp-exporter", "prometheus-snmp-exporter")
    engine = os.environ.get("YUNWANG_BENCH_SNMP_ENGINE", BenchArgs.sim_engine)
    if engine == "snmpsim":
        try:
            ensure_snmpsim(quiet=True)
        except SimSetupError as exc:
            need_peer(False, f"snmpsim venv: {exc}")
    args = BenchArgs(devices=int(os.environ.get("YUNWANG_BENCH_SNMP_DEVICES", "20")),
                     ports=int(os.environ.get("YUNWANG_BENCH_SNMP_PORTS", "48")),
                     rounds=int(os.environ.get("YUNWANG_BENCH_SNMP_ROUNDS", "3")), in_flight=(1, 2),
                     sim_engine=engine)
    summary: dict[str, Any] = benchmark.pedantic(run_bench, args=(args, lambda _: None), rounds=1, iterations=1)
    print("\n" + report(summary))
    benchmark.extra_info.update(summary)
    for name, figures in summary["pollers"].items():
        assert figures["ok"] == args.devices, f"{name} lost devices"
    samples = {round(f["samples"]) for f in summary["pollers"].values()}
    assert len(samples) == 1, f"the pollers produced different sample counts: {samples}"
