"""The committed stacks load, and the generator reproduces liuan exactly."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from yunwang.generate import COUNTIES, generate_city
from yunwang.inventory import build_inventory, shard_of
from yunwang.stacks import load_stack
from yunwang.topology import Domain, Topology, check_references

ROOT = Path(__file__).resolve().parents[2]


def test_dev_is_small() -> None:
    topo = load_stack("dev").topology
    assert topo is not None
    assert 8 <= len(topo.devices) <= 12
    assert {r.kind for r in topo.regions} == {"city", "district"}


def test_liuan_is_the_whole_city() -> None:
    topo = load_stack("liuan").topology
    assert topo is not None
    assert [r.name for r in topo.regions] == ["luan", *(c[0] for c in COUNTIES)]
    assert len(topo.tenants) >= 40
    assert {t.domain for t in topo.tenants} == set(Domain)
    assert len(topo.devices) >= 600
    roles = Counter(d.role.value for d in topo.devices)
    assert roles["core"] >= 2 and roles["firewall"] >= 8 and roles["iot-gateway"] >= 100


def test_liuan_file_matches_generator() -> None:
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from gen_liuan import render
    finally:
        sys.path.pop(0)
    assert (ROOT / "infra/topology/liuan.yaml").read_text(encoding="utf-8") == render(), \
        "infra/topology/liuan.yaml is stale: run scripts/gen_liuan.py"


def test_scaled_city_stays_valid() -> None:
    topo = Topology.model_validate(generate_city(3))
    assert check_references(topo) == []
    assert len(topo.regions) == 1 + 3 * len(COUNTIES)


def test_inventory_shards_cover_every_device_once() -> None:
    topo = load_stack("liuan").topology
    assert topo is not None
    inventory = build_inventory(topo, {"luan-core-1": "127.0.0.1:16100"})
    assert inventory.devices[0].address == "127.0.0.1:16100"
    assert inventory.devices[1].address.endswith(":161")
    shards = Counter(shard_of(d.name, 4) for d in inventory.devices)
    assert sum(shards.values()) == len(topo.devices)
    assert min(shards.values()) > len(topo.devices) / 4 * 0.7  # roughly balanced
