"""`yunwang net links` polling the simulated devices directly (no Prometheus): all ok as declared, exit 1 with
the miswired link explained once a cable is moved in the running fleet, 0 again once it is put back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents.sim.fleet import write_endpoints
from agents.sim.rewire import rewire
from agents.sim.wiring import Wiring
from links.cli import check_links
from yunwang.topology import Topology


def test_net_links_polls_the_devices_and_follows_a_recabling(dev_topology: Topology, dev_fleet: dict[str, str],
                                                            dev_fleet_dir: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")  # one table row per line
    endpoints = tmp_path / "endpoints.json"
    write_endpoints(endpoints, dev_fleet)
    assert check_links("dev", None, endpoints, "json", False, timeout=3) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["counts"]["ok"] == 14 and first["unexpected"] == []
    wiring = Wiring.declared(dev_topology)
    wiring.plug(("luan-core-1", 3), ("luan-acc-1", 50))
    rewire(dev_fleet_dir, dev_topology, wiring)
    try:
        assert check_links("dev", None, endpoints, "table", False, timeout=3) == 1
        table = capsys.readouterr().out
        assert "miswired" in table and "接错" in table and "XGigabitEthernet0/0/2" in table
        assert "六安市本级 luan" in table and "市政务云机房" in table
    finally:
        rewire(dev_fleet_dir, dev_topology, Wiring.declared(dev_topology))
    assert check_links("dev", None, endpoints, "json", False, timeout=3) == 0
