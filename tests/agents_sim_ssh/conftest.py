"""Fixtures: the dev stack and one simulated device per dialect."""

from __future__ import annotations

import pytest
from ssh_testlib import ACCOUNT, BY_DIALECT, device_named

from agents.sim.ssh.build import build_device
from agents.sim.ssh.device import SimDevice
from yunwang.stacks import load_stack
from yunwang.topology import Topology


@pytest.fixture(scope="session")
def dev() -> Topology:
    topo = load_stack("dev").topology
    assert topo is not None
    return topo


@pytest.fixture
def sim(dev: Topology, request: pytest.FixtureRequest) -> SimDevice:
    return build_device(device_named(dev, BY_DIALECT[request.param]), ACCOUNT)
