"""The fast simulator answers as snmpsim does: the same walk for the same recording, to our poller's engine and to
net-snmp's snmpbulkwalk, the same USM behaviour, the same facts for the live SNMP audit. snmpsim is the reference."""

from __future__ import annotations

import asyncio
import random
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sim_testlib import KEYS, free_udp_block, need_binary, set_keys

from agents.sim.fleet import SimFleet
from agents.sim.mibview import MibView, Numeric, RecordingError, order_key
from agents.sim.recordings import DeviceRecording, FleetView
from agents.sim.snmprec import render
from agents.snmp import ber
from agents.snmp.engine import open_session
from agents.snmp.poller import poll_once, resolver_for
from policies.facts_snmp import ProbeSettings, load_guesses, probe_targets
from yunwang.inventory import build_inventory
from yunwang.topology import Topology

ROOTS = ("1.3.6.1.2.1.1", "1.3.6.1.2.1.2", "1.3.6.1.2.1.31", "1.3.6.1.2.1.47", "1.0.8802.1.1.2", "1.3.6.1.4.1")


def test_order_keys_sort_like_oids() -> None:
    rng = random.Random(7)
    oids = [(1, 3, 6, 1, *(rng.choice((0, 1, 127, 128, 255, 16383, 16384, 2**21, 2**32 - 1)) for _ in range(n)))
            for n in range(1, 6) for _ in range(200)]
    unique = sorted(set(oids))
    by_key = sorted(unique, key=lambda arcs: order_key(ber.encode_oid_body(arcs)))
    assert by_key == unique


def test_numeric_counters_follow_snmpsim_formula() -> None:
    """snmpsim's numeric variation: int(initial + rate * elapsed), above max wrapped modulo max (plus min)."""
    oid_tlv = ber.tlv(ber.OBJECT_IDENTIFIER, ber.oid_from_text("1.3.6.1.2.1.2.2.1.10.1"))
    counter = Numeric(oid_tlv, ber.COUNTER32, 4294967000.0, 100.0, 0.0, 0xFFFFFFFF, True)

    def value(elapsed: float) -> object:
        encoded = counter.varbind(elapsed)
        return ber.decode_varbinds(encoded, 0, len(encoded))[0][2]

    assert value(1.5) == 4294967150
    assert value(10) == (4294967000 + 1000) % 0xFFFFFFFF


def test_a_parsed_recording_is_reused_until_the_file_changes(tmp_path: Path) -> None:
    path = tmp_path / "r-1.snmprec"
    path.write_text("1.3.6.1.2.1.1.3.0|67:numeric|initial=100,rate=100\n1.3.6.1.2.1.1.5.0|4|sw-1\n")
    first = MibView.load(path)
    assert (tmp_path / "r-1.snmprec.view").is_file()
    again = MibView.load(path)  # from the cache
    assert (again.keys, again.varbinds, again.numeric) == (first.keys, first.varbinds, first.numeric)
    path.write_text("1.3.6.1.2.1.1.5.0|4|sw-22\n")
    changed = MibView.load(path)
    assert len(changed) == 1 and changed.varbind(0, 0.0).endswith(b"sw-22")


def test_unservable_recording_lines_name_the_line() -> None:
    with pytest.raises(RecordingError, match=r"dev.snmprec, line 2: .*'delay'"):
        MibView.parse("1.3.6.1.2.1.1.5.0|4|sw\n1.3.6.1.2.1.1.6.0|4:delay|x\n", "dev.snmprec")


@pytest.fixture(scope="module")
def fast_fleet(dev_topology: Topology, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    mp = pytest.MonkeyPatch()
    set_keys(mp)
    try:
        with SimFleet(dev_topology, tmp_path_factory.mktemp("fast"), engine="fast",
                      base_port=free_udp_block(len(dev_topology.devices))) as endpoints:
            yield endpoints
    finally:
        mp.undo()


def _numeric_oids(topology: Topology, device: str) -> set[str]:
    view = MibView.parse(render(DeviceRecording(FleetView(topology), topology.device_by_name[device]).records()))
    return {ber.oid_text(view.body(position)) for position in view.numeric}


async def _walk_all(topology: Topology, endpoints: dict[str, str], device: str) -> dict[str, tuple[int, object]]:
    inventory = build_inventory(topology, endpoints)
    entry = next(d for d in inventory.devices if d.name == device)
    from agents.snmp.job import prepare_job
    from agents.snmp.modules import builtin_modules

    job = prepare_job(entry.address, entry.modules, entry.auth, resolver_for(topology=topology), builtin_modules())
    out: dict[str, tuple[int, object]] = {}
    async with open_session(job.target) as session:
        for root in ROOTS:
            for oid, tag, value in await session.walk(ber.oid_from_text(root)):
                out[ber.oid_text(oid)] = (tag, value)
        for oid, tag, value in await session.get([ber.oid_from_text("1.3.6.1.2.1.1.5.0"),
                                                  ber.oid_from_text("1.3.6.1.2.1.1.99.0")]):
            out["get " + ber.oid_text(oid)] = (tag, value)
    return out


def test_every_device_walks_the_same_as_under_snmpsim(dev_topology: Topology, dev_fleet: dict[str, str],
                                                      fast_fleet: dict[str, str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    set_keys(monkeypatch)
    compared = 0
    for device in dev_topology.devices:
        reference = asyncio.run(_walk_all(dev_topology, dev_fleet, device.name))
        fast = asyncio.run(_walk_all(dev_topology, fast_fleet, device.name))
        assert len(reference) > 100
        assert list(fast) == list(reference), device.name  # same OIDs, in the same order
        advancing = _numeric_oids(dev_topology, device.name)
        for oid, (tag, value) in reference.items():
            assert fast[oid][0] == tag, (device.name, oid)
            if oid not in advancing:  # counters advance with each simulator's own clock
                assert fast[oid][1] == value, (device.name, oid)
                compared += 1
        assert reference["get 1.3.6.1.2.1.1.99.0"][0] == ber.NO_SUCH_INSTANCE
    assert compared > 1000


def _bulkwalk(topology: Topology, endpoint: str, device: str, root: str) -> list[str]:
    walk = need_binary("snmpbulkwalk", "snmp")
    profile = topology.profile_by_name[topology.device_by_name[device].snmp]
    auth, priv = KEYS[profile.name]
    done = subprocess.run([walk, "-v3", "-l", "authPriv", "-u", profile.username or "", "-a",
                           profile.auth_protocol or "SHA", "-A", auth, "-x", "AES", "-X", priv, "-t", "5", "-r", "1",
                           "-On", "-Cr25", endpoint, root], capture_output=True, text=True, timeout=60,
                          env={"MIBS": "", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    return [line for line in done.stdout.splitlines() if "Counter" not in line and "Timeticks" not in line]


def test_net_snmp_walks_the_same(dev_topology: Topology, dev_fleet: dict[str, str],
                                 fast_fleet: dict[str, str]) -> None:
    for device in ("luan-core-1", "jinan-acc-2"):  # SHA-256 (v3-core) and SHA (v3-edge)
        for root in ("1.3.6.1.2.1.1", "1.3.6.1.2.1.31.1.1.1.1", "1.0.8802.1.1.2.1.4"):
            reference = _bulkwalk(dev_topology, dev_fleet[device], device, root)
            assert reference
            assert _bulkwalk(dev_topology, fast_fleet[device], device, root) == reference


def test_wrong_keys_fail_the_same_way(dev_topology: Topology, dev_fleet: dict[str, str], fast_fleet: dict[str, str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    set_keys(monkeypatch)
    monkeypatch.setenv("YUNWANG_SNMP_V3_EDGE_AUTH_KEY", "not-the-auth-key")
    reasons = []
    for endpoints in (dev_fleet, fast_fleet):
        inventory = build_inventory(dev_topology, endpoints)
        inventory.devices = [d for d in inventory.devices if d.name in ("luan-acc-1", "luan-core-1")]
        results = {r.name: r for r in poll_once(inventory, resolver_for(topology=dev_topology), timeout=1,
                                                retries=0)}
        reasons.append((results["luan-acc-1"].reason, results["luan-core-1"].ok))
    assert reasons == [("auth", True), ("auth", True)]


def test_the_live_audit_finds_the_same_facts(dev_fleet: dict[str, str], fast_fleet: dict[str, str]) -> None:
    devices = ("luan-core-1", "luan-acc-1", "jinan-fw-1")
    settings = ProbeSettings(timeout_s=2.0, retries=1)
    found = []
    for endpoints in (dev_fleet, fast_fleet):
        probes, errors = asyncio.run(probe_targets([endpoints[d] for d in devices], load_guesses(None), settings))
        assert errors == []
        found.append([replace(p, target="", port=0) for p in probes])
    assert found[0] == found[1]
    assert all(p.reachable and p.v3_responds and not p.communities and not p.v3_noauth_users for p in found[1])


def test_v2c_communities_as_snmpsim(dev_topology: Topology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_v2c_and_cli import two_device_v2c

    from agents.sim.credentials import env_name

    monkeypatch.setenv(env_name("v2c-legacy", "COMMUNITY"), "luan-ro-7f3a")
    topo = two_device_v2c(dev_topology)
    answers = []
    for engine, folder in (("snmpsim", tmp_path / "a"), ("fast", tmp_path / "b")):
        with SimFleet(topo, folder, base_port=free_udp_block(2), engine=engine) as endpoints:
            results = poll_once(build_inventory(topo, endpoints), resolver_for(topology=topo), timeout=2, retries=1)
            probes, _ = asyncio.run(probe_targets(sorted(endpoints.values()), load_guesses(None),
                                                  ProbeSettings(timeout_s=1.0)))
            answers.append(([(r.name, r.ok, r.varbinds) for r in results],
                            [sorted((c.version, c.guess.label) for c in p.communities) for p in probes]))
    assert answers[0] == answers[1]
    assert all(ok for _, ok, _ in answers[1][0])
