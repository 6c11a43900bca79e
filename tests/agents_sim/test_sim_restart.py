"""A simulator restarted with new SNMPv3 engine IDs is polled again with the engine cache of the first run.

snmpsim answers keys localized to the old engine ID with "unknown user name" rather than "unknown engine ID";
the poller must rediscover once instead of failing that device until it restarts itself.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sim_testlib import free_udp_block, need_snmpsim, set_keys

from agents.sim.fleet import SimFleet
from agents.snmp import ber
from agents.snmp.auth import credentials_from_profile
from agents.snmp.engine import EngineState, Target, open_session, parse_address
from yunwang.topology import Topology

SYS_NAME = ber.oid_from_text("1.3.6.1.2.1.1.5.0")


async def _sys_name(target: Target, cache: dict[tuple[str, int, bytes], EngineState]) -> bytes:
    async with open_session(target, cache) as session:
        varbinds = await session.get([SYS_NAME])
    return bytes(varbinds[0][2]) if isinstance(varbinds[0][2], (bytes, bytearray)) else str(varbinds[0][2]).encode()


def test_poller_rediscovers_a_restarted_engine(dev_topology: Topology, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    need_snmpsim()
    set_keys(monkeypatch)
    device = dev_topology.device_by_name["luan-core-1"]
    topo = dev_topology.model_copy(update={"devices": (device,), "links": ()})
    base = free_udp_block(1)
    cache: dict[tuple[str, int, bytes], EngineState] = {}
    engines = []
    for run in range(2):
        with SimFleet(topo, tmp_path / f"run-{run}", base_port=base) as endpoints:
            host, port = parse_address(endpoints[device.name])
            target = Target(host, port, credentials_from_profile(dev_topology.profile_by_name[device.snmp]),
                            timeout=3.0, retries=1)
            assert b"luan-core-1" in asyncio.run(_sys_name(target, cache))
            engines.append(next(iter(cache.values())).engine_id)
    assert engines[0] != engines[1]  # a new engine, and the cached one was replaced, not failed on
