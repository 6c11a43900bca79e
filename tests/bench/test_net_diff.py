"""`yunwang net diff --stack liuan --running DIR` (667 devices, every one drifted by a few lines). Goal: under 20 s.

The collected folder holds each device's intent as the device prints it (the rendering, masked: what `net
collect` writes once a device was applied — line order aside, which the comparison ignores) with three lines of
drift in the vendor's syntax: a port description changed by hand, an SNMP community added, a syslog server
removed. Wall and CPU time of the whole command from a fresh interpreter.

Run: make bench PYTEST_ARGS='-k net_diff -s'
"""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

from infra.network.backup import backup_path, backup_text
from infra.network.render import render_stack
from yunwang.stacks import load_stack
from yunwang.topology import Vendor

ROOT = Path(__file__).resolve().parents[2]
DRIFT: dict[Vendor, tuple[str, str, str]] = {  # (added line, removed line's pattern, description pattern)
    Vendor.HUAWEI: ("snmp-agent community read drifted-community", r"^info-center loghost \d", r"^ description "),
    Vendor.H3C: (" snmp-agent community read drifted-community", r"^ info-center loghost \d", r"^ description "),
    Vendor.CISCO: ("snmp-server community drifted-community RO", r"^logging host ", r"^ description "),
    Vendor.RUIJIE: ("snmp-server community drifted-community RO", r"^logging server ", r"^ description "),
}


def drifted(text: str, vendor: Vendor) -> str:
    added, removed, description = DRIFT[vendor]
    lines = text.splitlines()
    lines = [ln for ln in lines if not re.match(removed, ln)]
    at = next(i for i, ln in enumerate(lines) if re.match(description, ln))
    lines[at] = " description changed by hand"
    end = len(lines) - 1  # before `return` / `end`
    lines.insert(end, added)
    return "\n".join(lines) + "\n"


def collected_folder(folder: Path) -> int:
    loaded = load_stack("liuan")
    assert loaded.topology is not None
    rendered = render_stack(loaded.topology, loaded.topology_file)
    for item in rendered:
        path = backup_path(folder, item.device)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(backup_text(drifted(item.text, item.device.vendor), item.device.vendor), encoding="utf-8")
    return len(rendered)


def test_net_diff_liuan_every_device_drifted(benchmark: Any, tmp_path: Path) -> None:
    running = tmp_path / "collected"
    devices = collected_folder(running)
    report = tmp_path / "diff.json"
    cpu: list[float] = []

    def run() -> None:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run([sys.executable, "-m", "yunwang", "net", "diff", "--stack", "liuan", "--running",
                               str(running), "--format", "json", "--out", str(report)], cwd=ROOT,
                              capture_output=True, text=True, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        assert done.returncode == 1, done.stderr
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)

    benchmark.pedantic(run, rounds=3, iterations=1)
    result = json.loads(report.read_text(encoding="utf-8"))
    counts = sorted(d["drift_lines"] for d in result["devices"])
    median_cpu = sorted(cpu)[len(cpu) // 2]
    benchmark.extra_info.update(devices=devices, median_cpu_s=median_cpu, drift_lines=result["summary"]["drift_lines"])
    print(f"\nyunwang net diff --stack liuan --running: {devices} devices drifted, {counts[0]}–{counts[-1]} lines "
          f"each; median wall {benchmark.stats.stats.median:.2f} s, median CPU {median_cpu:.2f} s")
    assert result["summary"]["drifted"] == devices == 667
    assert counts[0] >= 3 and counts[-1] <= 8
    assert median_cpu < 20.0
