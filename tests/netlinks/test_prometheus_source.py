"""Link states read from Prometheus: the queries' answers become the same observations as a direct poll, the
monitor exports them as series, and a Prometheus that does not answer gives no states rather than made-up ones."""

from __future__ import annotations

import re

import httpx
import pytest
from links_testlib import prometheus_vector, sim_observations, topology

from agents.sim.wiring import Wiring
from links.declared import declared_network
from links.exposition import link_metrics
from links.observed import Observations
from links.prometheus import PrometheusError, read_observations
from links.state import State, evaluate


def _fake(seen: Observations, asked: list[str]) -> httpx.Client:
    def handle(request: httpx.Request) -> httpx.Response:
        query = request.url.params["query"]
        asked.append(query)
        return httpx.Response(200, json={"status": "success",
                                         "data": {"resultType": "vector", "result": prometheus_vector(seen, query)}})
    return httpx.Client(transport=httpx.MockTransport(handle))


def test_prometheus_answers_give_the_same_states_as_the_devices() -> None:
    net = declared_network(topology("dev"))
    wiring = Wiring.declared(net.topology)
    wiring.plug(("luan-core-1", 3), ("luan-acc-1", 50))
    wiring.add_stranger(("luan-acc-1", 5), "rogue-ap", "eth0")
    direct = sim_observations(net, wiring)
    asked: list[str] = []
    via_prometheus = read_observations("http://prometheus.test", client=_fake(direct, asked))
    assert via_prometheus.source == "prometheus http://prometheus.test" and len(asked) == 5
    expected = {s.link.id: (s.state, s.reason) for s in evaluate(net, direct).links}
    got = evaluate(net, via_prometheus)
    assert {s.link.id: (s.state, s.reason) for s in got.links} == expected
    assert got.by_id["luan-core-1:3~luan-acc-1:49"].state == State.MISWIRED

    text = link_metrics(got)
    status = re.findall(r'^yunwang_link_status\{link="luan-core-1:3~luan-acc-1:49",.*state="(\w+)"\} (\d)$', text,
                        re.M)
    assert dict(status) == {"ok": "0", "down": "0", "missing": "0", "miswired": "1", "unknown": "0"}
    assert 'yunwang_link_miswired_info{link="luan-core-1:3~luan-acc-1:49",region="luan",region_zh="六安市本级",' \
           'a_device="luan-core-1",a_port="Ten-GigabitEthernet1/0/3",b_device="luan-acc-1",' \
           'b_port="XGigabitEthernet0/0/1",at_device="luan-core-1",at_port="Ten-GigabitEthernet1/0/3",' \
           'seen_device="luan-acc-1",seen_port="XGigabitEthernet0/0/2"} 1' in text
    assert 'yunwang_link_unexpected_neighbour{device="luan-acc-1",region="luan",region_zh="六安市本级",' \
           'port="GigabitEthernet0/0/5",seen_device="rogue-ap",seen_port="eth0"} 1' in text
    assert text.count("yunwang_link_status{") == 14 * len(State)


def test_a_mac_port_id_asks_prometheus_for_the_far_device_s_macs() -> None:
    net = declared_network(topology("dev"))
    seen = sim_observations(net)
    acc = next(i for i in seen.interfaces["luan-acc-1"] if i.if_index == 49)
    seen.neighbours["luan-core-1"] = [r if r.local_num != 3 else type(r)(**{**r.__dict__, "subtype": 3,
                                                                          "remote_id": acc.mac})
                                      for r in seen.neighbours["luan-core-1"]]
    asked: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        query = request.url.params["query"]
        asked.append(query)
        result = prometheus_vector(seen, query)
        if "ifPhysAddress" in query:
            result = [{"metric": {"device": "luan-acc-1", "ifIndex": "49", "ifPhysAddress": acc.mac.upper()},
                       "value": [0, "1"]}]
        return httpx.Response(200, json={"status": "success", "data": {"resultType": "vector", "result": result}})

    got = read_observations("http://p", client=httpx.Client(transport=httpx.MockTransport(handle)))
    assert 'device=~"luan\\\\-acc\\\\-1"' in asked[-1]
    assert next(r.mac for r in got.interfaces["luan-acc-1"] if r.if_index == 49) == acc.mac.upper()


@pytest.mark.parametrize("reply", [httpx.Response(503, text="down"), httpx.Response(200, text="{not json"),
                                   httpx.Response(200, json={"status": "error", "error": "bad query"})])
def test_a_prometheus_that_cannot_answer_is_an_error(reply: httpx.Response) -> None:
    client = httpx.Client(transport=httpx.MockTransport(lambda _: reply))
    with pytest.raises(PrometheusError):
        read_observations("http://p", client=client)


def test_the_monitor_exports_link_states_only_when_prometheus_answers() -> None:
    from monitor.links import LinkWatcher

    topo = topology("dev")
    assert LinkWatcher(topo, None).metrics() == ""
    watcher = LinkWatcher(topo, "http://127.0.0.1:9", timeout_s=0.5)
    assert watcher.metrics() == "" and watcher.last_error
