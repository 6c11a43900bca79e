"""Link states from what the simulated devices report: all ok as declared; each way of getting a cable wrong
gives its own state, names both ends and says what is seen; port ids of every LLDP subtype are understood."""

from __future__ import annotations

from dataclasses import replace

import pytest
from links_testlib import sim_observations, topology

from agents.sim.wiring import Wiring
from links.declared import DeclaredNetwork, declared_network
from links.observed import Observations
from links.state import State, evaluate

UPLINK = "luan-core-1:3~luan-acc-1:49"  # core-1 Ten-GigabitEthernet1/0/3 — acc-1 XGigabitEthernet0/0/1


@pytest.fixture(scope="module")
def net() -> DeclaredNetwork:
    return declared_network(topology("dev"))


def _states(net: DeclaredNetwork, seen: Observations) -> dict[str, State]:
    return {s.link.id: s.state for s in evaluate(net, seen).links}


def test_the_declared_cabling_is_all_ok(net: DeclaredNetwork) -> None:
    report = evaluate(net, sim_observations(net))
    assert report.all_ok, [(s.link.id, s.state, s.reason) for s in report.links if s.state != State.OK]
    assert len(report.links) == 14 and report.unexpected == []
    # a Ruijie switch advertises its ifName Gi0/24 where the model calls the port GigabitEthernet 0/24
    ruijie = report.by_id["jinan-agg-1:3~jinan-acc-2:24"]
    assert "'Gi0/24' is the short form of GigabitEthernet 0/24" in ruijie.reason
    uplink = report.by_id[UPLINK]
    assert uplink.link.a.name == "Ten-GigabitEthernet1/0/3" and uplink.link.b.name == "XGigabitEthernet0/0/1"
    assert uplink.link.labels()["region"] == "luan"
    assert report.by_id["luan-rt-1:2~jinan-fw-1:1"].link.region == "jinan"  # the county the city link serves


def test_a_recabled_uplink_is_miswired_and_says_where_it_goes(net: DeclaredNetwork) -> None:
    wiring = Wiring.declared(net.topology)
    wiring.plug(("luan-core-1", 3), ("luan-acc-1", 50))  # the technician took the neighbouring port
    report = evaluate(net, sim_observations(net, wiring))
    status = report.by_id[UPLINK]
    assert status.state == State.MISWIRED
    assert ("luan-core-1 Ten-GigabitEthernet1/0/3 sees luan-acc-1 XGigabitEthernet0/0/2 (port 50) instead of "
            "luan-acc-1 XGigabitEthernet0/0/1 (port 49): another port of the right device") in status.reason
    assert "应为 luan-acc-1 XGigabitEthernet0/0/1" in status.reason_zh
    assert [s for s in report.links if s.state != State.OK] == [status]
    assert report.unexpected == []  # acc-1 port 50 seeing core-1 is the other half of the same miswiring


def test_a_link_to_the_wrong_device_is_seen_from_a_third_device(net: DeclaredNetwork) -> None:
    """The firewall polls no LLDP; the aggregation switch it is wrongly cabled to says where its port went."""
    wiring = Wiring.declared(net.topology)
    wiring.plug(("jinan-fw-1", 3), ("jinan-agg-1", 10))  # fw-1 port 3 belongs to agg-2 port 1
    states = _states(net, sim_observations(net, wiring))
    assert states["jinan-fw-1:3~jinan-agg-2:1"] == State.MISWIRED
    status = evaluate(net, sim_observations(net, wiring)).by_id["jinan-fw-1:3~jinan-agg-2:1"]
    assert "jinan-agg-1 Ten-GigabitEthernet1/0/10 sees jinan-fw-1 GigabitEthernet1/0/2 (port 3), which is " \
           "declared to jinan-agg-2 Ten-GigabitEthernet1/0/1 (port 1)" in status.reason


def test_unplugged_silent_and_unreachable_links(net: DeclaredNetwork) -> None:
    wiring = Wiring.declared(net.topology)
    wiring.unplug(("jinan-agg-1", 2))
    wiring.set_lldp(("luan-core-1", 1), False)
    report = evaluate(net, sim_observations(net, wiring))
    down = report.by_id["jinan-agg-1:2~jinan-acc-1:24"]
    assert down.state == State.DOWN and "jinan-agg-1 Ten-GigabitEthernet1/0/2 is down" in down.reason
    missing = report.by_id["luan-core-1:1~luan-core-2:1"]
    assert missing.state == State.MISSING and "no LLDP neighbour" in missing.reason
    # acc-1 polls LLDP and sees the IoT gateway, which polls none: the link is still proven while iot-1 is silent
    seen = sim_observations(net, silent=frozenset({"luan-iot-1"}))
    assert _states(net, seen)["luan-acc-1:1~luan-iot-1:1"] == State.OK
    # with acc-1 silent too, nothing can be said of it
    seen = sim_observations(net, silent=frozenset({"luan-iot-1", "luan-acc-1"}))
    unknown = evaluate(net, seen).by_id["luan-acc-1:1~luan-iot-1:1"]
    assert unknown.state == State.UNKNOWN and "did not answer its last poll" in unknown.reason


def test_a_stranger_is_unexpected_on_a_free_port_and_miswires_a_declared_one(net: DeclaredNetwork) -> None:
    wiring = Wiring.declared(net.topology)
    wiring.add_stranger(("luan-acc-1", 5), "rogue-ap", "eth0")
    wiring.add_stranger(("jinan-acc-2", 23), "rogue-switch", "GigabitEthernet0/0/1")
    report = evaluate(net, sim_observations(net, wiring))
    assert [(u.sighting.near(), u.sighting.far(), u.region) for u in report.unexpected] == [
        ("luan-acc-1 GigabitEthernet0/0/5", "rogue-ap eth0", "luan")]
    status = report.by_id["jinan-agg-2:3~jinan-acc-2:23"]
    assert status.state == State.MISWIRED and "a device not in the topology" in status.reason


@pytest.mark.parametrize(("subtype", "port_id", "how"), [
    (5, "XGE0/0/1", "short form"),            # an abbreviated interface name
    (7, "49", "ifIndex 49"),                  # a local number: the far device's ifIndex
    (3, "", "macAddress"),                    # the far port's MAC address (filled in below)
    (1, "to luan-core-1 XGE1/0/3", "interfaceAlias"),  # the far port's description (ifAlias)
])
def test_every_port_id_subtype_resolves_to_the_declared_port(net: DeclaredNetwork, subtype: int, port_id: str,
                                                             how: str) -> None:
    seen = sim_observations(net)
    acc = next(i for i in seen.interfaces["luan-acc-1"] if i.if_index == 49)
    if subtype == 3:
        port_id = acc.mac
    if subtype == 1:
        seen.interfaces["luan-acc-1"] = [replace(i, alias=port_id) if i.if_index == 49 else i
                                         for i in seen.interfaces["luan-acc-1"]]
    seen.neighbours["luan-core-1"] = [
        replace(row, remote_id=port_id, subtype=subtype, remote_desc="uplink") if row.local_num == 3 else row
        for row in seen.neighbours["luan-core-1"]]
    seen.neighbours["luan-acc-1"] = [r for r in seen.neighbours["luan-acc-1"] if r.local_num != 49]
    status = evaluate(net, seen).by_id[UPLINK]
    assert status.state == State.OK, status.reason
    assert how in status.reason


def test_a_port_id_naming_no_port_is_explained(net: DeclaredNetwork) -> None:
    seen = sim_observations(net)
    seen.neighbours["luan-core-1"] = [replace(r, remote_id="Eth0/0/99", remote_desc="") if r.local_num == 3 else r
                                      for r in seen.neighbours["luan-core-1"]]
    seen.neighbours["luan-acc-1"] = [r for r in seen.neighbours["luan-acc-1"] if r.local_num != 49]
    status = evaluate(net, seen).by_id[UPLINK]
    # the right device on the right local port, but its port id cannot be placed: not claimed miswired
    assert status.state == State.OK and "Eth0/0/99" in status.reason


def test_a_poll_cut_short_is_not_taken_for_a_missing_neighbour(net: DeclaredNetwork) -> None:
    """Under load the poller's deadline can cut a walk: LLDP rows not read are not rows that do not exist."""
    seen = sim_observations(net)
    for device in ("luan-core-1", "luan-core-2"):
        seen.neighbours[device] = [r for r in seen.neighbours[device] if r.local_num != 1]
    assert _states(net, seen)["luan-core-1:1~luan-core-2:1"] == State.MISSING
    seen.partial = {"luan-core-1", "luan-core-2"}
    status = evaluate(net, seen).by_id["luan-core-1:1~luan-core-2:1"]
    assert status.state == State.UNKNOWN and "luan-core-1's last poll was cut short" in status.reason
