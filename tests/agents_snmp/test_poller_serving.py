"""The poller serves what it holds: the exposition streamed from each device's bytes (plain or gzip) is the one
rendered from the polls themselves, and /status counts the same devices without any exposition."""

from __future__ import annotations

import asyncio
import copy
import json

import httpx
from snmp_fakeagent import if_table, oid, start_fake

from agents.snmp import ber
from agents.snmp.auth import AuthResolver
from agents.snmp.collect import render_families
from agents.snmp.exporter import Agent
from agents.snmp.httpd import start_server
from agents.snmp.latest import device_meta
from agents.snmp.modules import builtin_modules
from agents.snmp.poller import Poller, poll_job, prepare
from yunwang.inventory import InventoryDevice


def _values(ports: int) -> dict[tuple[int, ...], tuple[int, int | bytes | None]]:
    rows = {i: {2: (ber.OCTET_STRING, f"GE0/0/{i}".encode()), 8: (ber.INTEGER, 1 + i % 2),
                10: (ber.COUNTER32, 1000 * i)} for i in range(1, ports + 1)}
    return {**if_table(rows), (*oid("1.3.6.1.2.1.1.3"), 0): (ber.TIMETICKS, 4242)}


def test_metrics_stream_as_rendered_and_status_counts_the_devices() -> None:
    async def run() -> tuple[str, httpx.Response, httpx.Response, dict[str, object]]:
        fakes = [await start_fake(_values(4)), await start_fake(_values(9)), await start_fake(_values(2),
                                                                                              answer_first=0)]
        devices = [InventoryDevice(name=f"sw-{i}", address=f"127.0.0.1:{fake.port}", auth="public_v2",
                                   modules=["system", "if_mib"],
                                   labels={"device": f"sw-{i}", "region": "luan" if i < 2 else "jinan",
                                           "role": "access"})
                   for i, fake in enumerate(fakes)]
        agent = Agent(builtin_modules(), AuthResolver())
        agent.poller = Poller([prepare(d, AuthResolver(), builtin_modules(), timeout=0.2, retries=0)
                               for d in devices], 30, agent.stats)
        results = []
        for job in agent.poller.jobs:
            result = await poll_job(job)
            results.append(copy.deepcopy(result))
            agent.poller.record(result)
        prefixes = {j.device.name: j.meta_prefix for j in agent.poller.jobs}
        expected = "".join(render_families(results)) + device_meta(results, prefixes)
        server = await start_server("127.0.0.1", 0, agent.handle)
        port = server.sockets[0].getsockname()[1]
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", trust_env=False) as client:
                plain = await client.get("/metrics", headers={"Accept-Encoding": "identity"})
                gzipped = await client.get("/metrics", headers={"Accept-Encoding": "gzip"})
                status = (await client.get("/status")).json()
        finally:
            server.close()
        return expected, plain, gzipped, status

    expected, plain, gzipped, status = asyncio.run(run())
    assert "ifOperStatus" in expected and 'snmp_up{device="sw-2"' in expected
    assert plain.headers.get("content-encoding") is None and plain.headers["transfer-encoding"] == "chunked"
    assert plain.text.startswith(expected)
    assert gzipped.headers["content-encoding"] == "gzip" and gzipped.headers["transfer-encoding"] == "chunked"
    assert gzipped.text.startswith(expected)  # httpx decompressed it
    assert plain.text[len(expected):].startswith("# HELP yunwang_snmp_")  # then the agent's own metrics

    assert status["schema"] == "yunwang.snmp-status/v1"
    assert (status["devices"], status["polled"], status["up"], status["failed"]) == (3, 3, 2, 1)
    assert status["regions"] == {"jinan": {"devices": 1, "polled": 1, "up": 0, "failed": 1},
                                 "luan": {"devices": 2, "polled": 2, "up": 2, "failed": 0}}
    assert status["reasons"] == {"timeout": 1}
    assert status["complete_cycles"] == 1 and status["first_cycle_seconds"] is not None
    assert json.dumps(status)  # plain JSON all the way down
