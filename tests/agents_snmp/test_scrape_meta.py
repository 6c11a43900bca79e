"""Exporter and poller mode describe a scrape with the same series, under snmp_exporter's names."""

from __future__ import annotations

import asyncio
import re

from snmp_fakeagent import if_table, oid, start_fake

from agents.snmp import ber
from agents.snmp.auth import AuthResolver
from agents.snmp.collect import DeviceResult
from agents.snmp.exporter import Agent
from agents.snmp.httpd import Request
from agents.snmp.modules import builtin_modules
from agents.snmp.poller import Poller, poll_job, prepare
from agents.snmp.scrape_meta import RENAMED, write_scrape_meta
from agents.snmp.stats import AgentStats
from yunwang.inventory import InventoryDevice

SAMPLE = re.compile(r"^(snmp_\w+)(\{.*\})? (\S+)$", re.M)
SNMP_EXPORTER_021 = {"snmp_scrape_duration_seconds", "snmp_scrape_walk_duration_seconds", "snmp_scrape_packets_sent",
                     "snmp_scrape_packets_retried", "snmp_scrape_pdus_returned"}


def meta_samples(text: str) -> dict[tuple[str, str], str]:
    return {(name, labels or ""): value for name, labels, value in SAMPLE.findall(text)}


def device_values() -> dict[tuple[int, ...], tuple[int, int | bytes | None]]:
    rows = {i: {2: (ber.OCTET_STRING, f"GE0/0/{i}".encode()), 8: (ber.INTEGER, 1)} for i in (1, 2, 3)}
    return {**if_table(rows), (*oid("1.3.6.1.2.1.1.3"), 0): (ber.TIMETICKS, 4242)}


def test_writer_uses_the_given_labels_and_keeps_old_names_when_asked() -> None:
    ok = DeviceResult("a", "h:161", ok=True, started=1700000000.5, duration=0.25, pdus_sent=7, retransmits=2,
                      varbinds=40, walk_seconds=0.2)
    bad = DeviceResult("b", "h:162", ok=False, reason="timeout", error='no "answer"', pdus_sent=2, retransmits=1)
    text = write_scrape_meta([ok, bad], {"a": 'device="a",', "b": 'device="b",'}, old_names=True)
    got = meta_samples(text)
    assert got[("snmp_scrape_packets_sent", '{device="a"}')] == "7"
    assert got[("snmp_scrape_packets_retried", '{device="a"}')] == "2"
    assert got[("snmp_scrape_pdus_returned", '{device="a"}')] == "40"
    assert got[("snmp_scrape_duration_seconds", '{device="a"}')] == "0.250000"
    assert got[("snmp_scrape_timestamp_seconds", '{device="a"}')] == "1700000000.500"
    assert got[("snmp_up", '{device="b"}')] == "0"
    assert got[("snmp_scrape_error", '{device="b",reason="timeout"}')] == "1"
    for new, old in RENAMED.items():  # the old poller names, same values, for one release
        for device in ("a", "b"):
            assert got[(old, f'{{device="{device}"}}')] == got[(new, f'{{device="{device}"}}')]
    assert text.count("# TYPE snmp_up gauge") == 1

    single = write_scrape_meta([bad], {"b": ""}, walk_labels='module="if_mib",', error_message=True)
    got = meta_samples(single)
    assert got[("snmp_up", "")] == "0"  # one scrape: no labels but the walk figures' module
    assert got[("snmp_scrape_packets_retried", '{module="if_mib"}')] == "1"
    assert got[("snmp_scrape_error", '{reason="timeout",message="no \\"answer\\""}')] == "1"
    assert not set(RENAMED.values()) & {name for name, _ in got}


def test_exporter_and_poller_write_the_same_scrape_series() -> None:
    async def run() -> tuple[str, str, str]:
        fake = await start_fake(device_values())
        silent = await start_fake(device_values(), answer_first=0)
        agent = Agent(builtin_modules(), AuthResolver())
        exported = (await agent.handle(Request("GET", "/snmp", {"target": f"127.0.0.1:{fake.port}",
                                                                "module": "system,if_mib"}, {}))).body
        devices = [InventoryDevice(name=name, address=f"127.0.0.1:{port}", auth="public_v2",
                                   modules=["system", "if_mib"], labels={"device": name, "region": "luan"})
                   for name, port in (("sw-1", fake.port), ("sw-2", silent.port))]
        poller = Poller([prepare(d, AuthResolver(), builtin_modules(), timeout=0.1, retries=1) for d in devices],
                        30, AgentStats())
        for job in poller.jobs:
            poller.record(await poll_job(job))
        return exported, poller.render()

    exported, polled = asyncio.run(run())
    ours, theirs = meta_samples(exported), meta_samples(polled)
    exporter_names = {name for name, _ in ours}
    assert exporter_names >= SNMP_EXPORTER_021
    assert exporter_names | {"snmp_scrape_error"} == {name for name, _ in theirs} - set(RENAMED.values())
    walk = '{module="system,if_mib"}'
    device = '{device="sw-1",region="luan"}'
    for name in ("snmp_scrape_packets_sent", "snmp_scrape_pdus_returned", "snmp_scrape_packets_retried"):
        assert ours[(name, walk)] == theirs[(name, device)], name  # the same device answers the same way
    assert ours[("snmp_scrape_pdus_returned", walk)] == str(3 * 2 + 6)  # 2 columns × 3 rows + the 6 system gets
    assert ours[("snmp_up", "")] == theirs[("snmp_up", device)] == "1"
    assert theirs[("snmp_scrape_pdus", device)] == theirs[("snmp_scrape_packets_sent", device)]
    assert theirs[("snmp_scrape_varbinds", device)] == theirs[("snmp_scrape_pdus_returned", device)]

    silent = '{device="sw-2",region="luan"}'  # each request sent twice (retries=1), then its other walks skip
    sent, retried = (int(theirs[(n, silent)]) for n in ("snmp_scrape_packets_sent", "snmp_scrape_packets_retried"))
    assert retried >= 1 and sent == 2 * retried
    assert theirs[("snmp_up", silent)] == "0"
    assert theirs[("snmp_scrape_error", '{device="sw-2",region="luan",reason="timeout"}')] == "1"
