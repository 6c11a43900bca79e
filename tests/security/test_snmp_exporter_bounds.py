"""Finding 3: the SNMP exporter grew without bound on unauthenticated input — a cached plan per distinct
``module=`` list, an error series per distinct bogus target, a request series per distinct path — and walked
any target it was given. Now caches are LRU, caller-named series are capped, and an allow-list (by default the
stack's ranges with --stack) refuses targets outside it."""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from yunwang.testkit import free_port

YUNWANG = [sys.executable, "-m", "yunwang.cli"]
MODULES = ("entity", "h3c_entity", "host_resources", "huawei_entity", "if_mib", "lldp", "system")
DUMMY_SECRETS = {f"YUNWANG_SNMP_{p}_{k}": "not-a-real-key-0123" for p in ("V3_CORE", "V3_EDGE")
                 for k in ("AUTH_KEY", "PRIV_KEY")}


class Exporter:
    def __init__(self, *args: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([*YUNWANG, "agent", "snmp", "--listen", f"127.0.0.1:{self.port}",
                                      "--timeout", "0.05", "--retries", "0", *args],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     env={**os.environ, **DUMMY_SECRETS, "MIBS": ""})
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{self.url}/healthz", timeout=1)
                return
            except httpx.HTTPError:
                assert self.proc.poll() is None and time.monotonic() < deadline, "the SNMP agent did not start"
                time.sleep(0.1)

    def rss_mib(self) -> float:
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture
def exporter() -> Iterator[Exporter]:
    running = Exporter()
    yield running
    running.stop()


def closed_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _get_all(base: str, paths: list[str], at_once: int = 50) -> list[int]:
    limit = asyncio.Semaphore(at_once)
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        async def one(path: str) -> int:
            async with limit:
                return (await client.get(path)).status_code
        return await asyncio.gather(*(one(p) for p in paths))


def test_distinct_module_lists_do_not_grow_memory(exporter: Exporter) -> None:
    """Every ordering of known modules, and long lists of repeats, is a distinct ``module=`` list."""
    dead = closed_udp_port()
    orders = [",".join(p) for p in itertools.permutations(MODULES, 6)]  # 5,040 distinct lists

    def lists(first: int, last: int) -> list[str]:
        return [f"/snmp?target=127.0.0.1:{dead}&module={orders[n]}" for n in range(first, last)] + \
            [f"/snmp?target=127.0.0.1:{dead}&module={','.join(['if_mib'] * n)}" for n in range(first, last)]

    assert set(asyncio.run(_get_all(exporter.url, lists(1, 400)))) == {200}
    before = exporter.rss_mib()
    asyncio.run(_get_all(exporter.url, lists(400, 1200)))
    grown = exporter.rss_mib() - before
    print(f"RSS grew {grown:.1f} MiB over 1,600 more distinct module lists")
    assert grown < 8


def test_bogus_targets_and_paths_do_not_grow_the_metrics(exporter: Exporter) -> None:
    targets = [f"/snmp?target=127.0.0.{1 + n // 250}:{20000 + n % 250}" for n in range(1500)]
    asyncio.run(_get_all(exporter.url, targets))
    asyncio.run(_get_all(exporter.url, [f"/probe-{n}" for n in range(300)]))
    metrics = httpx.get(f"{exporter.url}/metrics").text
    errors = [line for line in metrics.splitlines() if line.startswith("yunwang_snmp_poll_errors_total{")]
    paths = [line for line in metrics.splitlines() if line.startswith("yunwang_snmp_http_requests_total{")]
    print(f"/metrics {len(metrics)} bytes, {len(errors)} error series, {len(paths)} request series")
    assert len(errors) <= 600 and len(paths) <= 10 and len(metrics) < 100_000


def test_exporter_mode_scrapes_only_allowed_ranges() -> None:
    stack = Exporter("--stack", "dev")  # default allow-list: the dev stack's ranges and devices
    try:
        refused = httpx.get(f"{stack.url}/snmp", params={"target": "169.254.169.254:161"})
        assert refused.status_code == 403 and "outside the ranges" in refused.text
        assert httpx.get(f"{stack.url}/snmp", params={"target": "metadata.example:161"}).status_code == 403
        inside = httpx.get(f"{stack.url}/snmp", params={"target": "10.34.0.1:161", "auth": "v3-core"}, timeout=30)
        assert inside.status_code == 200 and "snmp_up 0" in inside.text  # walked (no device answers here)
    finally:
        stack.stop()
    lab = Exporter("--allow-targets", "127.0.0.0/8")
    try:
        assert httpx.get(f"{lab.url}/snmp", params={"target": "10.34.0.1:161"}).status_code == 403
        assert httpx.get(f"{lab.url}/snmp", params={"target": f"127.0.0.1:{closed_udp_port()}"}).status_code == 200
    finally:
        lab.stop()
