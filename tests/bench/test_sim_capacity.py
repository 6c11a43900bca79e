"""Simulator cost: generating recordings, and how many values one snmpsim process serves per second.

The second figure bounds every SNMP benchmark that runs against simulated devices: a poller cannot be
timed faster than the simulator answers. Run: make bench PYTEST_ARGS='-k sim -s'.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "agents_sim"))
from sim_testlib import free_udp_block, need_binary, need_snmpsim

from agents.sim.fleet import SimFleet
from agents.sim.recordings import DeviceRecording, FleetView
from agents.sim.snmprec import render
from yunwang.stacks import load_stack
from yunwang.topology import Topology

AUTH, PRIV = "bench-auth-key-1", "bench-priv-key-1"


@pytest.fixture(scope="module")
def liuan() -> Topology:
    topo = load_stack("liuan").topology
    assert topo is not None
    return topo


def test_sim_render_whole_city(benchmark, liuan: Topology) -> None:  # type: ignore[no-untyped-def]
    """All recordings of the whole-city stack (what `yunwang sim --stack liuan` writes on start)."""
    fleet = FleetView(liuan)
    total = benchmark.pedantic(lambda: sum(len(render(DeviceRecording(fleet, d).records())) for d in liuan.devices),
                               rounds=3, iterations=1)
    assert total > 0


@pytest.fixture(scope="module")
def one_switch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    need_snmpsim()
    dev = load_stack("dev").topology
    assert dev is not None
    mp = pytest.MonkeyPatch()
    for kind, value in (("AUTH_KEY", AUTH), ("PRIV_KEY", PRIV)):
        mp.setenv(f"YUNWANG_SNMP_V3_EDGE_{kind}", value)
        mp.setenv(f"YUNWANG_SNMP_V3_CORE_{kind}", value)
    with SimFleet(dev, tmp_path_factory.mktemp("simcap"), base_port=free_udp_block(len(dev.devices))) as endpoints:
        yield endpoints["luan-acc-1"]
    mp.undo()


def test_sim_serves_if_mib_walk(benchmark, one_switch: str) -> None:  # type: ignore[no-untyped-def]
    """One SNMPv3 net-snmp bulk walk of ifTable + ifXTable (52 ports, ~1,900 values) of a simulated S5735."""
    walk = need_binary("snmpbulkwalk", "snmp")
    endpoint = one_switch
    cmd = [walk, "-v3", "-l", "authPriv", "-u", "yunwang-edge", "-a", "SHA", "-A", AUTH, "-x", "AES", "-X", PRIV,
           "-Cr25", "-On", "-t", "5", endpoint]

    def once() -> int:
        n = 0
        for root in ("1.3.6.1.2.1.2", "1.3.6.1.2.1.31.1.1"):
            done = subprocess.run([*cmd, root], capture_output=True, text=True, env={"MIBS": ""}, check=True)
            n += done.stdout.count("\n")
        return n

    values = benchmark.pedantic(once, rounds=5, iterations=1)
    median = benchmark.stats.stats.median
    print(f"\nsnmpsim: {values} values per walk, {values / median:,.0f} values/s, {1 / median:.2f} walks/s")
    assert values > 1800
