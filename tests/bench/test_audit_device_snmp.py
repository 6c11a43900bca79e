"""`yunwang audit device` parsing and the live SNMP probe, timed by pytest-benchmark (run by `make bench`).

Side by side with the anchors (ciscoconfparse2, onesixtyone): scripts/bench/device_config_parse.py and
scripts/bench/snmp_probe_vs_onesixtyone.py. Results: docs/performance.md.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from policies.facts_device import parse_device_config
from policies.facts_snmp import ProbeSettings, load_guesses, probe_targets
from yunwang.testkit import ROOT, free_port, need_binary


def _bench_module(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "bench" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_parse_16k_line_ios_config(benchmark: Any) -> None:
    text = _bench_module("device_config_parse").make_config(2000)
    config = benchmark(parse_device_config, text, "bench.cfg", "cisco")
    assert len(config.interfaces) == 2000 and all(i.edge_auth for i in config.interfaces)


@pytest.fixture(scope="module")
def agents() -> Iterator[list[str]]:
    binary = need_binary("snmpd", "snmpd")
    port = free_port(socket.SOCK_DGRAM)
    hosts = [f"127.0.3.{i}" for i in range(1, 41)]
    with tempfile.TemporaryDirectory() as tmp:
        conf, log = Path(tmp) / "snmpd.conf", Path(tmp) / "snmpd.log"
        conf.write_text("rocommunity public\n")
        proc = subprocess.Popen([binary, "-f", "-C", "-c", str(conf), "-Lf", str(log), "-I", "-smux",
                                 ",".join(f"udp:{h}:{port}" for h in hosts)],
                                env={**os.environ, "MIBS": "", "SNMP_PERSISTENT_DIR": tmp})
        deadline = time.monotonic() + 10
        while not (log.exists() and "NET-SNMP version" in log.read_text(errors="replace")):
            assert time.monotonic() < deadline and proc.poll() is None, "snmpd did not start"
            time.sleep(0.05)
        try:
            yield [f"{h}:{port}" for h in hosts]
        finally:
            proc.terminate()
            proc.wait(timeout=5)


def test_probe_40_targets(benchmark: Any, agents: list[str]) -> None:
    guesses = load_guesses(None)

    def probe() -> int:
        probes, errors = asyncio.run(probe_targets(agents, guesses, ProbeSettings(timeout_s=0.5)))
        assert not errors
        return sum(1 for p in probes if p.communities)

    assert benchmark.pedantic(probe, rounds=3, iterations=1) == len(agents)
