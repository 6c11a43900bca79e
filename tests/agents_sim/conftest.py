"""A running simulated dev fleet shared by the serve tests (snmpsim on 127.0.0.1, started here)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # sim_testlib, whichever way pytest was started

from sim_testlib import free_udp_block, need_snmpsim, set_keys

from agents.sim.fleet import SimFleet
from yunwang.stacks import load_stack
from yunwang.topology import Topology


@pytest.fixture(scope="session")
def dev_topology() -> Topology:
    topo = load_stack("dev").topology
    assert topo is not None
    return topo


@pytest.fixture(scope="session")
def dev_fleet_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the shared dev fleet keeps its recordings (a test may rewire it, and must restore it)."""
    return tmp_path_factory.mktemp("sim")


@pytest.fixture(scope="session")
def dev_fleet(dev_topology: Topology, dev_fleet_dir: Path) -> Iterator[dict[str, str]]:
    need_snmpsim()
    mp = pytest.MonkeyPatch()
    set_keys(mp)
    data = dev_fleet_dir
    fleet = SimFleet(dev_topology, data, base_port=free_udp_block(len(dev_topology.devices)), processes=2)
    try:
        with fleet as endpoints:
            yield endpoints
    finally:
        mp.undo()
