"""Recordings generated from the topology: valid snmprec, and the same facts the topology states."""

from __future__ import annotations

import pytest

from agents.sim import snmprec
from agents.sim.credentials import credentials_for, env_name
from agents.sim.fleet import plan_fleet
from agents.sim.recordings import IF_NUMBER, IFX_ENTRY, LLDP_REM_ENTRY, DeviceRecording, FleetView
from yunwang.errors import InputError
from yunwang.hardware import profile_for
from yunwang.stacks import load_stack
from yunwang.topology import Topology


@pytest.fixture(scope="module")
def dev() -> Topology:
    topo = load_stack("dev").topology
    assert topo is not None
    return topo


def recording(topo: Topology, name: str) -> dict[snmprec.Oid, snmprec.Record]:
    text = snmprec.render(DeviceRecording(FleetView(topo), topo.device_by_name[name]).records())
    return {r.oid: r for r in snmprec.parse(text, name)}


def test_every_dev_recording_is_valid_snmprec_in_oid_order(dev: Topology) -> None:
    fleet = FleetView(dev)
    for device in dev.devices:
        text = snmprec.render(DeviceRecording(fleet, device).records())
        records = snmprec.parse(text, device.name)
        assert [r.oid for r in records] == sorted(r.oid for r in records)
        assert len({r.oid for r in records}) == len(records)
        assert all(r.tag in snmprec.BASE_TAGS for r in records)


def test_system_group_and_interfaces_follow_the_topology(dev: Topology) -> None:
    for device in dev.devices:
        rec = recording(dev, device.name)
        assert rec[snmprec.oid("1.3.6.1.2.1.1.5.0")].value == device.name
        assert rec[snmprec.oid("1.3.6.1.2.1.1.2.0")].value == profile_for(device).sys_object_id
        logical = len(profile_for(device).logical)
        assert int(rec[IF_NUMBER].value) == device.interfaces + logical
        names = [snmprec.decoded_text(r) for o, r in rec.items() if o[:len(IFX_ENTRY) + 1] == (*IFX_ENTRY, 1)]
        assert len(names) == device.interfaces + logical


def test_vendor_naming_and_identity(dev: Topology) -> None:
    acc = recording(dev, "luan-acc-1")  # S5735-L48T4X: 48 GE + 4 10GE
    assert acc[(*IFX_ENTRY, 1, 1)].value == "GigabitEthernet0/0/1"
    assert acc[(*IFX_ENTRY, 1, 49)].value == "XGigabitEthernet0/0/1"
    assert acc[(*IFX_ENTRY, 15, 49)].value == "10000"
    assert acc[snmprec.oid("1.3.6.1.2.1.1.2.0")].value.startswith("1.3.6.1.4.1.2011.2.23.")
    assert "Huawei Versatile Routing Platform" in snmprec.decoded_text(acc[snmprec.oid("1.3.6.1.2.1.1.1.0")])
    core = recording(dev, "luan-core-1")
    assert core[(*IFX_ENTRY, 1, 3)].value == "Ten-GigabitEthernet1/0/3"
    assert core[snmprec.oid("1.3.6.1.2.1.1.2.0")].value.startswith("1.3.6.1.4.1.25506.1.")
    ruijie = recording(dev, "jinan-acc-2")
    assert ruijie[(*IFX_ENTRY, 1, 24)].value == "Gi0/24"
    assert ruijie[snmprec.oid("1.3.6.1.2.1.2.2.1.2.24")].value == "GigabitEthernet 0/24"
    # Chinese site names are served as UTF-8 octets
    assert snmprec.decoded_text(core[snmprec.oid("1.3.6.1.2.1.1.6.0")]) == "市政务云机房"


def test_vendor_entity_cpu_memory_temperature(dev: Topology) -> None:
    huawei = recording(dev, "luan-acc-1")
    board = 67108867 + 6
    cpu = int(huawei[snmprec.oid(f"1.3.6.1.4.1.2011.5.25.31.1.1.1.1.5.{board}")].value)
    temp = int(huawei[snmprec.oid(f"1.3.6.1.4.1.2011.5.25.31.1.1.1.1.11.{board}")].value)
    assert 0 < cpu <= 100 and 20 < temp < 80
    h3c = recording(dev, "luan-core-1")
    assert int(h3c[snmprec.oid("1.3.6.1.4.1.25506.2.6.1.1.1.1.8.7")].value) > 0
    assert snmprec.oid("1.3.6.1.2.1.47.1.1.1.1.5.1") in h3c  # entPhysicalClass of the chassis
    assert not any(o[:7] == (1, 3, 6, 1, 4, 1, 2011) for o in recording(dev, "jinan-acc-2"))


def test_lldp_neighbours_are_exactly_the_links(dev: Topology) -> None:
    fleet = FleetView(dev)
    seen: set[tuple[str, int, str, str]] = set()
    for device in dev.devices:
        rec = recording(dev, device.name)
        for o, r in rec.items():
            if o[:len(LLDP_REM_ENTRY) + 1] == (*LLDP_REM_ENTRY, 9):
                local_port = o[-2]
                port_id = rec[(*LLDP_REM_ENTRY, 7, *o[-3:])].value
                seen.add((device.name, local_port, r.value, port_id))
    expected = set()
    for link in dev.links:
        for here, there in ((link.a, link.b), (link.b, link.a)):
            remote_name = fleet.port_names(dev.device_by_name[there.device], there.port)[1]
            expected.add((here.device, here.port, there.device, remote_name))
    assert seen == expected


def test_counters_are_numeric_variations_and_idle_ports_are_static(dev: Topology) -> None:
    rec = recording(dev, "luan-core-1")
    linked = rec[snmprec.oid("1.3.6.1.2.1.31.1.1.1.6.1")]  # ifHCInOctets of the core-core link
    assert (linked.tag, linked.variation) == (snmprec.TAG_COUNTER64, "numeric")
    assert "rate=" in linked.value and "wrap=1" in linked.value
    assert rec[snmprec.oid("1.3.6.1.2.1.2.2.1.10.1")].tag == snmprec.TAG_COUNTER32
    down = [o[-1] for o, r in rec.items() if o[:-1] == snmprec.oid("1.3.6.1.2.1.2.2.1.8") and r.value == "2"]
    assert down, "a core switch has spare ports that are down"
    assert rec[snmprec.oid(f"1.3.6.1.2.1.31.1.1.1.6.{down[0]}")].variation == ""


@pytest.mark.parametrize(("text", "error"), [
    ("1.3.6.1.2.1.1.5.0|4|a\n1.3.6.1.2.1.1.1.0|4|b\n", "is not after"),
    ("1.3.6.1.2.1.1.1.0|99|x\n", "unknown type tag"),
    ("1.3.6.1.2.1.1.1.0|65|-1\n", "out of range"),
    ("1.3.6.1.2.1.1.1.0|4x|zz\n", "not hex"),
    ("1.3.6.1.2.1.1.1.0 4 x\n", "expected OID|TAG|VALUE"),
])
def test_parse_rejects_what_snmpsim_would_mis_serve(text: str, error: str) -> None:
    with pytest.raises(snmprec.SnmprecError, match=error):
        snmprec.parse(text, "bad.snmprec")


def test_missing_credentials_name_every_variable(dev: Topology, monkeypatch: pytest.MonkeyPatch) -> None:
    for profile in dev.snmp_profiles:
        for kind in ("AUTH_KEY", "PRIV_KEY"):
            monkeypatch.delenv(env_name(profile.name, kind), raising=False)
            monkeypatch.delenv(env_name(profile.name, kind) + "_FILE", raising=False)
    monkeypatch.setenv("YUNWANG_SNMP_V3_CORE_AUTH_KEY", "short")
    with pytest.raises(InputError) as caught:
        credentials_for(list(dev.snmp_profiles), "dev.yaml")
    messages = " ".join(p.message for p in caught.value.problems)
    assert "YUNWANG_SNMP_V3_CORE_AUTH_KEY is shorter than 8" in messages
    assert "YUNWANG_SNMP_V3_EDGE_PRIV_KEY" in messages
    assert "short" not in " ".join(str(p.value) for p in caught.value.problems)


def test_credentials_from_files(dev: Topology, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for profile in dev.snmp_profiles:
        for kind in ("AUTH_KEY", "PRIV_KEY"):
            path = tmp_path / f"{profile.name}-{kind}"
            path.write_text(f"{profile.name}-{kind}-secret\n")
            monkeypatch.delenv(env_name(profile.name, kind), raising=False)
            monkeypatch.setenv(env_name(profile.name, kind) + "_FILE", str(path))
    creds = credentials_for(list(dev.snmp_profiles), "dev.yaml")
    assert creds["v3-core"].auth_key == "v3-core-AUTH_KEY-secret"
    assert (creds["v3-core"].auth_proto, creds["v3-core"].priv_proto) == ("SHA256", "AES")


def test_plan_ports_follow_topology_order_and_shards_balance(dev: Topology) -> None:
    plan = plan_fleet(dev, base_port=20000, processes=3)
    assert [d.name for d in plan.devices] == [d.name for d in dev.devices]
    assert [d.port for d in plan.devices] == list(range(20000, 20000 + len(dev.devices)))
    sizes = [len(plan.shard(i)) for i in range(3)]
    assert max(sizes) - min(sizes) <= 1
    for shard in range(3):
        ids = sorted(d.transport_id for d in plan.shard(shard))
        assert ids == list(range(len(ids)))
    with pytest.raises(InputError, match="do not fit"):
        plan_fleet(dev, base_port=65530)


def test_whole_city_recordings_render() -> None:
    topo = load_stack("liuan").topology
    assert topo is not None
    fleet = FleetView(topo)
    models = {}
    for device in topo.devices[::7]:
        records = DeviceRecording(fleet, device).records()
        snmprec.render(records)
        models[device.model] = len(records)
    assert len(models) >= 5
