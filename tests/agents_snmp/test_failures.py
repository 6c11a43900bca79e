"""Failure cases: each one reported with the right reason, none delaying other devices."""

from __future__ import annotations

import asyncio
import socket
import time

from snmp_fakeagent import FakeAgent, if_table, oid, start_fake
from snmp_testlib import Snmpd, free_port

from agents.snmp import ber
from agents.snmp.auth import AuthResolver, Credentials, UnknownAuth
from agents.snmp.collect import collect_device
from agents.snmp.engine import Target
from agents.snmp.exporter import Agent
from agents.snmp.httpd import Request
from agents.snmp.modules import builtin_modules, plan_for
from agents.snmp.poller import DeviceJob, Poller, apoll_once, poll_job, prepare
from agents.snmp.stats import AgentStats
from yunwang.inventory import InventoryDevice

PUBLIC = Credentials("public_v2", "2c", b"public")
IF_MIB = plan_for(["if_mib"], builtin_modules())
UPTIME = (*oid("1.3.6.1.2.1.1.3"), 0)


def ports_rows(n: int) -> dict[int, dict[int, tuple[int, int | bytes]]]:
    return {i: {2: (ber.OCTET_STRING, f"GE0/0/{i}".encode()), 8: (ber.INTEGER, 1),
                10: (ber.COUNTER32, 1000 * i), 101: (ber.OCTET_STRING, f"ge-{i}".encode()),
                106: (ber.COUNTER64, 10**12 * i)} for i in range(1, n + 1)}


def fleet_values(n: int = 4) -> dict[tuple[int, ...], tuple[int, int | bytes | None]]:
    return {**if_table(ports_rows(n)), UPTIME: (ber.TIMETICKS, 123456)}


def target(port: int, timeout: float = 0.3, retries: int = 0, creds: Credentials = PUBLIC) -> Target:
    return Target("127.0.0.1", port, creds, timeout=timeout, retries=retries, max_repetitions=10)


def samples(text: str) -> dict[str, str]:
    return {k: v for k, _, v in (line.rpartition(" ") for line in text.splitlines() if line and line[0] != "#")}


def test_wrong_community_times_out(snmpd: Snmpd) -> None:
    t = target(snmpd.port, timeout=0.3, retries=1, creds=snmpd.v2c("not-the-community"))
    started = time.monotonic()
    result = asyncio.run(collect_device("d", t, IF_MIB))
    assert not result.ok and result.reason == "timeout"
    assert result.retransmits >= 1
    assert time.monotonic() - started < 1.5


def test_wrong_v3_key_is_a_clear_auth_error(snmpd: Snmpd) -> None:
    agent = Agent(builtin_modules(), AuthResolver({"bad": snmpd.v3("ywsha", auth_password="not-the-key")}))
    response = asyncio.run(agent.handle(Request("GET", "/snmp", {"target": snmpd.address, "auth": "bad"}, {})))
    got = samples(response.body)
    assert got["snmp_up"] == "0"
    error = next(k for k in got if k.startswith("snmp_scrape_error"))
    assert 'reason="auth"' in error and "wrong digest" in error
    assert "not-the-key" not in response.body
    stats = asyncio.run(agent.handle(Request("GET", "/metrics", {}, {}))).body
    assert f'yunwang_snmp_poll_errors_total{{device="{snmpd.address}",reason="auth"}} 1' in stats


def test_closed_port_is_unreachable_at_once() -> None:
    port = free_port(socket.SOCK_DGRAM)
    started = time.monotonic()
    result = asyncio.run(collect_device("d", target(port, timeout=2.0), IF_MIB))
    assert result.reason == "unreachable", result.error
    assert time.monotonic() - started < 1.0  # ICMP port unreachable, not the 2 s timeout


def test_slow_device_times_out_and_malformed_reply_is_named() -> None:
    async def run() -> tuple[str | None, str | None, float]:
        slow = await start_fake(fleet_values(), delay=0.5)
        broken = await start_fake(fleet_values(), truncate=True)
        t0 = time.monotonic()
        slow_r, broken_r = await asyncio.gather(collect_device("slow", target(slow.port), IF_MIB),
                                                collect_device("broken", target(broken.port), IF_MIB))
        return slow_r.reason, broken_r.reason, time.monotonic() - t0

    slow_reason, broken_reason, took = asyncio.run(run())
    assert slow_reason == "timeout"
    assert broken_reason == "malformed"
    assert took < 0.9


def test_table_with_holes_counter32_max_and_counter64() -> None:
    rows = ports_rows(3)
    del rows[2][101]  # no ifName for port 2
    del rows[3][10]  # no ifInOctets for port 3
    rows[1][10] = (ber.COUNTER32, 2**32 - 1)  # about to wrap
    rows[1][106] = (ber.COUNTER64, 2**64 - 1)
    rows[2][118] = (ber.OCTET_STRING, ("上联 " + "x" * 300 + ' "q"').encode())  # long-form BER lengths, escaping
    values = {**if_table(rows), UPTIME: (ber.TIMETICKS, 5)}

    async def run() -> str:
        fake = await start_fake(values)
        agent = Agent(builtin_modules(), AuthResolver())
        response = await agent.handle(Request("GET", "/snmp", {"target": f"127.0.0.1:{fake.port}"}, {}))
        return response.body

    got = samples(asyncio.run(run()))
    assert got["snmp_up"] == "1"
    assert got['ifInOctets{ifIndex="1",ifAlias="",ifDescr="GE0/0/1",ifName="ge-1"}'] == str(2**32 - 1)
    assert got['ifHCInOctets{ifIndex="1",ifAlias="",ifDescr="GE0/0/1",ifName="ge-1"}'] == str(2**64 - 1)
    alias = "上联 " + "x" * 300 + ' \\"q\\"'
    assert got[f'ifInOctets{{ifIndex="2",ifAlias="{alias}",ifDescr="GE0/0/2",ifName=""}}'] == "2000"  # no ifName
    assert not any(k.startswith("ifInOctets{ifIndex=\"3\"") for k in got)  # the hole stays a hole
    assert got['ifOperStatus{ifIndex="3",ifAlias="",ifDescr="GE0/0/3",ifName="ge-3"}'] == "1"
    assert got["sysUpTime"] == "5"


def test_counter32_wrap_and_reboot_are_reported_as_seen() -> None:
    """After a wrap the raw counter restarts low; after a reboot sysUpTime drops and a restart is counted."""
    values = fleet_values(1)
    port1 = (*oid("1.3.6.1.2.1.2.2.1.10"), 1)

    async def run() -> tuple[list[str], str]:
        fake = await start_fake(values)
        device = InventoryDevice(name="sw-1", address=f"127.0.0.1:{fake.port}", auth="public_v2",
                                 modules=["if_mib"], labels={"device": "sw-1", "region": "luan"})
        stats = AgentStats()
        poller = Poller([], 30, stats)
        seen = []
        for counter, uptime in ((2**32 - 10, 5000), (20, 5100), (30, 7)):  # wrap, then reboot
            values[port1] = (ber.COUNTER32, counter)
            values[UPTIME] = (ber.TIMETICKS, uptime)
            (result,) = await apoll_once([device], AuthResolver())
            seen.append(result.families["ifInOctets"][0])
            poller.record(result)
        return seen, stats.render()

    seen, stats = asyncio.run(run())
    assert [s.rsplit(" ", 1)[1] for s in seen] == [str(2**32 - 10), "20", "30"]
    assert seen[0].startswith('ifInOctets{device="sw-1",region="luan",ifIndex="1",')
    assert 'yunwang_snmp_device_restarts_total{device="sw-1"} 1' in stats


def test_dead_device_does_not_delay_the_others() -> None:
    async def run() -> tuple[list[float], float, str | None]:
        live = [await start_fake(fleet_values()) for _ in range(5)]
        dead_port = free_port(socket.SOCK_DGRAM)
        silent = await start_fake(fleet_values(), answer_first=0)  # swallows everything
        devices = [InventoryDevice(name=f"ok-{i}", address=f"127.0.0.1:{a.port}", auth="public_v2",
                                   modules=["system", "if_mib"], labels={"device": f"ok-{i}"})
                   for i, a in enumerate(live)]
        devices.insert(2, InventoryDevice(name="silent", address=f"127.0.0.1:{silent.port}", auth="public_v2",
                                          modules=["if_mib"], labels={"device": "silent"}))
        devices.insert(0, InventoryDevice(name="closed", address=f"127.0.0.1:{dead_port}", auth="public_v2",
                                          modules=["if_mib"], labels={"device": "closed"}))
        t0 = time.monotonic()
        results = await apoll_once(devices, AuthResolver(), concurrency=8, timeout=0.6, retries=0)
        took = time.monotonic() - t0
        silent_reason = next(r.reason for r in results if r.name == "silent")
        return [r.duration for r in results if r.name.startswith("ok-") and r.ok], took, silent_reason

    durations, took, silent_reason = asyncio.run(run())
    assert len(durations) == 5
    assert max(durations) < 0.3  # the live devices finished long before the silent one's 0.6 s timeout
    assert silent_reason == "timeout"
    assert took < 1.2


def test_scrape_timeout_header_gives_a_partial_answer() -> None:
    """ifTable arrives, ifXTable stalls: before Prometheus' 1 s timeout we answer with what we have."""
    values = fleet_values(4)

    async def run() -> tuple[str, float]:
        fake: FakeAgent = await start_fake(values, delay=5.0, slow_from=3)  # get, ifTable walk, then stall
        agent = Agent(builtin_modules(), AuthResolver())
        t0 = time.monotonic()
        response = await agent.handle(Request("GET", "/snmp", {"target": f"127.0.0.1:{fake.port}"},
                                              {"x-prometheus-scrape-timeout-seconds": "1.0"}))
        return response.body, time.monotonic() - t0

    body, took = asyncio.run(run())
    got = samples(body)
    assert took < 1.0
    assert got["snmp_scrape_partial"] == "1" and got["snmp_up"] == "0"
    assert any(k.startswith("ifOperStatus{") or k.startswith("ifInOctets{") or k.startswith("ifDescr{") for k in got)
    assert "snmp_scrape_walk_duration_seconds{module=\"if_mib\"}" in got
    assert any(k.startswith('snmp_scrape_error{reason="deadline"') for k in got)


def test_unknown_module_or_auth_is_a_400() -> None:
    """As snmp_exporter answers ``Unknown module 'nope'``: a 400 naming the module, and here the known ones."""
    agent = Agent(builtin_modules(), AuthResolver())
    for query, words in (({"target": "127.0.0.1:1", "module": "nope"},
                          ("unknown module 'nope'; known: entity,", ", if_mib, ", "--modules")),
                         ({"target": "127.0.0.1:1", "module": "system,nope"}, ("unknown module 'nope';",)),
                         ({"target": "127.0.0.1:1", "auth": "nope"}, ("unknown auth 'nope'; known: public_v2",)),
                         ({"target": "127.0.0.1:99999"}, ("bad target '127.0.0.1:99999'", "1 to 65535")),
                         ({}, ("'target' parameter",))):
        response = asyncio.run(agent.handle(Request("GET", "/snmp", query, {})))
        assert response.status == 400, query
        assert all(word in response.body for word in words), response.body
    stats = asyncio.run(agent.handle(Request("GET", "/metrics", {}, {}))).body
    assert 'yunwang_snmp_http_requests_total{path="/snmp",status="400"} 5' in stats
    assert "yunwang_snmp_polls_total" not in stats  # nothing was sent


def test_config_problem_is_reported_per_device() -> None:
    job = DeviceJob(InventoryDevice(name="x", address="127.0.0.1:1", auth="missing", modules=["if_mib"], labels={}),
                    None, 'device="x",', UnknownAuth("missing", ["public_v2"]))
    from agents.snmp.poller import poll_job

    result = asyncio.run(poll_job(job))
    assert result.reason == "config" and not result.ok
    assert (result.error or "").startswith("unknown auth 'missing'; known: public_v2")


def test_wrong_v3_privacy_key_is_named(snmpd: Snmpd) -> None:
    t = target(snmpd.port, timeout=0.3, creds=snmpd.v3("ywsha", priv_password="not-the-priv-key"))
    result = asyncio.run(collect_device("d", t, plan_for(["system"], builtin_modules())))
    assert result.reason == "auth" and "privacy key" in (result.error or "")


def test_too_big_makes_the_walk_ask_for_fewer_rows() -> None:
    async def run() -> tuple[bool, int]:
        fake = await start_fake(fleet_values(6), too_big_above=6)
        result = await collect_device("d", target(fake.port), IF_MIB)  # max_repetitions 10 → 5
        return result.ok, len(result.families["ifOperStatus"])

    ok, rows = asyncio.run(run())
    assert ok and rows == 6


def test_requests_in_flight_are_bounded_per_device_and_in_total() -> None:
    """A slow agent sees at most ``in_flight`` requests per poller session and ``concurrency × in_flight`` overall."""
    async def run(in_flight: int, concurrency: int) -> tuple[FakeAgent, list[bool]]:
        agent = await start_fake(fleet_values(30), delay=0.02)  # every reply waits: requests pile up if allowed
        devices = [InventoryDevice(name=f"d{i}", address=f"127.0.0.1:{agent.port}", auth="public_v2",
                                   modules=["system", "if_mib"], labels={"device": f"d{i}"}) for i in range(6)]
        results = await apoll_once(devices, AuthResolver(), concurrency=concurrency, timeout=2, retries=0,
                                   in_flight=in_flight)
        return agent, [r.ok for r in results]

    for in_flight, concurrency in ((1, 6), (2, 3), (3, 2)):
        agent, ok = asyncio.run(run(in_flight, concurrency))
        assert all(ok)
        assert len(agent.max_outstanding) == 6  # one source per device session
        assert max(agent.max_outstanding.values()) == in_flight  # reached (system + if_mib: 4 walks/gets) …
        assert agent.max_total_outstanding <= concurrency * in_flight  # … and never exceeded


def test_polled_series_carry_device_and_region_and_snmp_up_every_label() -> None:
    """The per-interface series keep what dashboards select by; snmp_up keeps all seven inventory labels."""
    labels = {"device": "sw-1", "region": "jinan", "region_zh": "金安区", "role": "access", "vendor": "huawei",
              "model": "S5735-L48T4X", "site": "金安区政务中心"}

    async def run() -> str:
        fake = await start_fake(fleet_values(2))
        device = InventoryDevice(name="sw-1", address=f"127.0.0.1:{fake.port}", auth="public_v2",
                                 modules=["if_mib"], labels=labels)
        poller = Poller([prepare(device, AuthResolver(), builtin_modules())], 30, AgentStats())
        poller.record(await poll_job(poller.jobs[0]))
        return poller.render()

    text = asyncio.run(run())
    every = ",".join(f'{k}="{v}"' for k, v in labels.items())
    assert f"snmp_up{{{every}}} 1" in text
    polled = [ln for ln in text.splitlines() if ln.startswith(("ifHCInOctets{", "ifOperStatus{", "sysUpTime"))]
    assert len(polled) == 5
    assert all(ln.startswith(("ifHCInOctets{device=\"sw-1\",region=\"jinan\",ifIndex=",
                              "ifOperStatus{device=\"sw-1\",region=\"jinan\",ifIndex=",
                              'sysUpTime{device="sw-1",region="jinan"}')) for ln in polled), polled
    assert "role=" not in "".join(polled)
