"""Rewiring the running simulated fleet: snmpsim serves the new LLDP and interface rows at once, a second
rewiring within the same second is seen too, and restoring the declared wiring restores the files."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from test_serve import walk

from agents.sim.rewire import rewire
from agents.sim.wiring import WIRING_FILE, Wiring, load_wiring
from yunwang.errors import InputError
from yunwang.topology import Topology

LLDP_REM_PORT_ID = "1.0.8802.1.1.2.1.4.1.1.7"
IF_OPER_STATUS = "1.3.6.1.2.1.2.2.1.8"


def _rem_port(topo: Topology, fleet: dict[str, str], device: str, local: int) -> str | None:
    rows = walk(topo, fleet, device, LLDP_REM_PORT_ID)
    return rows.get(f"{LLDP_REM_PORT_ID}.0.{local}.1")


def test_a_running_fleet_follows_its_wiring(dev_topology: Topology, dev_fleet: dict[str, str],
                                            dev_fleet_dir: Path) -> None:
    before = {p: p.read_text() for p in dev_fleet_dir.glob("shard-*/*/r-*.snmprec")}
    assert _rem_port(dev_topology, dev_fleet, "luan-core-1", 3) == "XGigabitEthernet0/0/1"
    wiring = Wiring.declared(dev_topology)
    wiring.plug(("luan-core-1", 3), ("luan-acc-1", 50))
    try:
        started = time.monotonic()
        changed = rewire(dev_fleet_dir, dev_topology, wiring)
        assert sorted(changed) == ["luan-acc-1", "luan-core-1"]
        assert _rem_port(dev_topology, dev_fleet, "luan-core-1", 3) == "XGigabitEthernet0/0/2"
        oper = walk(dev_topology, dev_fleet, "luan-acc-1", IF_OPER_STATUS)
        assert (oper[f"{IF_OPER_STATUS}.49"], oper[f"{IF_OPER_STATUS}.50"]) in (("2", "1"), ("down", "up"))
        # a second change right away (same second of modification time) is served too
        wiring.set_lldp(("luan-core-1", 3), False)
        rewire(dev_fleet_dir, dev_topology, wiring)
        assert _rem_port(dev_topology, dev_fleet, "luan-core-1", 3) is None
        assert time.monotonic() - started < 10
        assert load_wiring(dev_fleet_dir, dev_topology) == wiring
    finally:
        rewire(dev_fleet_dir, dev_topology, Wiring.declared(dev_topology))
    assert _rem_port(dev_topology, dev_fleet, "luan-core-1", 3) == "XGigabitEthernet0/0/1"
    assert not (dev_fleet_dir / WIRING_FILE).exists()
    assert {p: p.read_text() for p in dev_fleet_dir.glob("shard-*/*/r-*.snmprec")} == before


def test_bad_wiring_is_refused_with_the_port_named(dev_topology: Topology, tmp_path: Path) -> None:
    wiring = Wiring.declared(dev_topology)
    wiring.plug(("luan-core-1", 3), ("luan-acc-1", 99))
    with pytest.raises(InputError, match="luan-acc-1:99"):
        rewire(tmp_path, dev_topology, wiring)
    with pytest.raises(InputError, match="no simulated fleet"):
        rewire(tmp_path, dev_topology, Wiring.declared(dev_topology))
