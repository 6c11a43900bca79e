#!/usr/bin/env python3
"""Side by side: parsing a large Cisco IOS running config with policies.devices against ciscoconfparse2, same run.

The config is generated: an aggregation switch with --interfaces access ports (each with description,
VLAN, port security, ACL), ACLs and VTY lines, about 8 lines per interface. Ours builds the tree and reads
every fact the device rules use; ciscoconfparse2 only builds its object list and answers three queries
(interfaces, VTY children, access lists), so the comparison flatters it. Alternating rounds; medians and the
ratio ciscoconfparse2/ours. ciscoconfparse2's import time is reported separately (ours imports in ms).

ciscoconfparse2 pins hier-config 2.3.1 while the project needs 3.7, so it cannot share the project's environment:
it runs in its own (``.venv-anchors``, made on first use) as a worker process that times each round it is asked for.

    .venv/bin/python scripts/bench/device_config_parse.py [--interfaces 2000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
ANCHOR_VENV = ROOT / ".venv-anchors"
WORKER = """
import sys, time
from ciscoconfparse2 import CiscoConfParse
text = open(sys.argv[1], encoding="utf-8").read().splitlines()
for _ in sys.stdin:
    started = time.perf_counter()
    parse = CiscoConfParse(text, syntax="ios")
    interfaces = parse.find_objects(r"^interface ")
    parse.find_child_objects([r"^line vty"], r".*")
    parse.find_objects(r"^ip access-list ")
    print(time.perf_counter() - started, len(interfaces), flush=True)
"""


def make_config(interfaces: int) -> str:
    lines = ["version 15.2", "hostname LA-BENCH-AGG", "!", "service timestamps log datetime msec", "!"]
    for i in range(interfaces):
        lines += [f"interface GigabitEthernet{i // 48}/0/{i % 48}", f" description access port {i}",
                  " switchport mode access", f" switchport access vlan {10 + i % 50}", " switchport port-security",
                  " ip access-group EDGE-IN in", " spanning-tree portfast", "!"]
    lines += ["ip access-list extended EDGE-IN"] + [f" permit tcp 10.{i}.0.0 0.0.255.255 any eq 443"
                                                     for i in range(200)] + [" deny ip any any log", "!"]
    lines += ["line vty 0 4", " access-class MGMT in", " transport input ssh", " exec-timeout 10 0", "!", "end"]
    return "\n".join(lines) + "\n"


def ours(text: str) -> int:
    from policies.facts_device import parse_device_config

    return len(parse_device_config(text, "bench.cfg", "cisco").interfaces)


def anchor_python() -> Path:
    """The anchors' own interpreter, with ciscoconfparse2 installed on first use."""
    python = ANCHOR_VENV / "bin" / "python"
    if not python.exists():
        print(f"making {ANCHOR_VENV} for ciscoconfparse2 (once)", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(ANCHOR_VENV)], check=True)
    if subprocess.run([str(python), "-c", "import ciscoconfparse2"], capture_output=True).returncode:
        subprocess.run([str(python), "-m", "pip", "install", "-q", "ciscoconfparse2>=0.9"], check=True)
    return python


class Theirs:
    """ciscoconfparse2 in its own interpreter: one line on stdin runs one timed round."""

    def __init__(self, python: Path, config: Path) -> None:
        self.proc = subprocess.Popen([str(python), "-c", WORKER, str(config)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)

    def round(self) -> tuple[float, int]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()
        seconds, count = self.proc.stdout.readline().split()
        return float(seconds), int(count)

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)


def import_seconds(module: str, python: str = sys.executable) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interfaces", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    text = make_config(args.interfaces)
    python = anchor_python()
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "bench.cfg"
        config.write_text(text, encoding="utf-8")
        theirs = Theirs(python, config)
        try:
            ours(text), theirs.round()  # warm both (imports, regex caches)
            times: dict[str, list[float]] = {"ours": [], "ciscoconfparse2": []}
            for _ in range(args.rounds):
                started = time.perf_counter()
                count = ours(text)
                times["ours"].append(time.perf_counter() - started)
                seconds, theirs_count = theirs.round()
                times["ciscoconfparse2"].append(seconds)
                assert count == theirs_count == args.interfaces, (count, theirs_count)
        finally:
            theirs.close()
    lines = text.count("\n")
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"config: {lines} lines, {args.interfaces} interfaces; {args.rounds} alternating rounds")
    for name, value in med.items():
        print(f"  {name:16s} median {value * 1000:8.1f} ms  ({value / lines * 1e6:.2f} µs/line)")
    print(f"  ratio ciscoconfparse2/ours: {med['ciscoconfparse2'] / med['ours']:.1f}x")
    print(f"  import: policies.facts_device {import_seconds('policies.facts_device') * 1000:.0f} ms, "
          f"ciscoconfparse2 {import_seconds('ciscoconfparse2', str(python)) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
