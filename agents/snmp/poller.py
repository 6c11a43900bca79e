"""Poller mode: poll this shard's devices on an interval and keep the latest result of each for /metrics.

Every device has its own loop (staggered over the interval), so a dead or slow device only ever costs its
own timeout; a global semaphore bounds how many devices are in flight at once, and each device has at most
``in_flight`` requests outstanding, so the agent never has more than ``concurrency * in_flight`` requests out.
``poll_once`` polls an inventory a single time and is what benchmarks time.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from agents import eventloop
from agents.snmp.auth import AuthResolver, Credentials, load_auths
from agents.snmp.collect import DeviceResult, collect_device
from agents.snmp.engine import DEFAULT_IN_FLIGHT, EngineState
from agents.snmp.errors import ScrapeConfigError
from agents.snmp.job import ScrapeJob, prepare_job
from agents.snmp.latest import LatestResults
from agents.snmp.modules import Module, builtin_modules
from agents.snmp.stats import AgentStats
from yunwang.contracts.exposition import escape_label_value as escape
from yunwang.inventory import Inventory, InventoryDevice
from yunwang.topology import Topology

log = logging.getLogger("yunwang.agent.snmp")

DEFAULT_CONCURRENCY = 64

SERIES_LABELS = ("device", "region")
"""Device labels on every polled series (ifHCInOctets, entity, LLDP …): what dashboards and rules select SNMP
series by. The other inventory labels (region_zh, role, vendor, model, site) ride only on the few per-device
series (snmp_up, snmp_scrape_*), which is where ``yunwang:device:up`` takes them from: all seven on each of the
city's 554k polled series made an unsharded /metrics 1.8x larger (143 MB against 81 MB, docs/performance.md)."""


def labels_prefix(labels: Mapping[str, str]) -> str:
    """``k="v",`` for each device label, rendered once per device."""
    return "".join(f'{k}="{escape(v)}",' for k, v in labels.items())


def device_prefix(device: InventoryDevice) -> str:
    """All the device's labels as a sample prefix (its name alone when the inventory gives no labels)."""
    return labels_prefix(device.labels or {"device": device.name})


def series_prefix(device: InventoryDevice, keep: tuple[str, ...] = SERIES_LABELS) -> str:
    """The labels of ``keep`` the device has, as a sample prefix for its polled series."""
    labels = device.labels or {"device": device.name}
    return labels_prefix({k: labels[k] for k in keep if k in labels} or {"device": device.name})


def resolver_for(stack: str | None = None, auths_file: Path | None = None,
                 env: Mapping[str, str] | None = None, topology: Topology | None = None) -> AuthResolver:
    """Credentials for an inventory: the auths file, built-ins and the stack's SNMP profiles (+ env secrets).

    A caller that already holds the stack's ``topology`` passes it, so the topology is not parsed twice.
    """
    if topology is None and stack:
        from yunwang.stacks import load_stack

        topology = load_stack(stack).topology
    profiles: dict[str, object] = dict(topology.profile_by_name) if topology is not None else {}
    return AuthResolver(load_auths(auths_file) if auths_file else {}, profiles, env)


@dataclass
class DeviceJob:
    """One inventory device, resolved once: its scrape job (or why there is none) and label prefixes (polled
    series, per-device series)."""

    device: InventoryDevice
    scrape: ScrapeJob | None
    prefix: str
    error: ScrapeConfigError | None = None
    meta_prefix: str = ""


def prepare(device: InventoryDevice, resolver: AuthResolver, modules: dict[str, Module],
            timeout: float | None = None, retries: int | None = None, in_flight: int = DEFAULT_IN_FLIGHT
            ) -> DeviceJob:
    """The device's scrape job; a configuration problem is kept in the job (reported per device), not raised."""
    prefix, meta = series_prefix(device), device_prefix(device)
    try:
        scrape = prepare_job(device.address, device.modules, device.auth, resolver, modules, timeout=timeout,
                             retries=retries, in_flight=in_flight)
    except ScrapeConfigError as exc:
        return DeviceJob(device, None, prefix, exc, meta)
    return DeviceJob(device, scrape, prefix, None, meta)


async def poll_job(job: DeviceJob, deadline: float | None = None,
                   v3_cache: dict[tuple[str, int, bytes], EngineState] | None = None) -> DeviceResult:
    if job.scrape is None:
        error = job.error.explain() if job.error else "not prepared"
        return DeviceResult(job.device.name, job.device.address, False, "config", error, started=time.time())
    return await collect_device(job.device.name, job.scrape.target, job.scrape.plan, job.prefix, deadline,
                                v3_cache)


async def apoll_jobs(jobs: list[DeviceJob], concurrency: int = DEFAULT_CONCURRENCY) -> list[DeviceResult]:
    """Poll prepared jobs once, at most ``concurrency`` at a time; results in job order."""
    gate = asyncio.Semaphore(concurrency)
    cache: dict[tuple[str, int, bytes], EngineState] = {}

    async def one(job: DeviceJob) -> DeviceResult:
        async with gate:
            return await poll_job(job, None, cache)

    return list(await asyncio.gather(*(one(j) for j in jobs)))


async def apoll_once(inventory: Inventory | list[InventoryDevice], auths: AuthResolver | Mapping[str, Credentials],
                     concurrency: int = DEFAULT_CONCURRENCY, modules: dict[str, Module] | None = None,
                     timeout: float | None = None, retries: int | None = None,
                     in_flight: int = DEFAULT_IN_FLIGHT) -> list[DeviceResult]:
    """Poll every device once, at most ``concurrency`` at a time; results in inventory order."""
    devices = inventory.devices if isinstance(inventory, Inventory) else inventory
    resolver = auths if isinstance(auths, AuthResolver) else AuthResolver(dict(auths))
    modules = modules or builtin_modules()
    return await apoll_jobs([prepare(d, resolver, modules, timeout, retries, in_flight) for d in devices],
                            concurrency)


def poll_once(inventory: Inventory | list[InventoryDevice], auths: AuthResolver | Mapping[str, Credentials],
              concurrency: int = DEFAULT_CONCURRENCY, modules: dict[str, Module] | None = None,
              timeout: float | None = None, retries: int | None = None,
              in_flight: int = DEFAULT_IN_FLIGHT) -> list[DeviceResult]:
    """Synchronous :func:`apoll_once` (runs its own event loop)."""
    return eventloop.run(apoll_once(inventory, auths, concurrency, modules, timeout, retries, in_flight))


@dataclass
class Poller:
    """Polls devices forever; ``chunks()`` streams the latest result of every device, ``summary()`` counts them."""

    jobs: list[DeviceJob]
    interval: float
    stats: AgentStats
    concurrency: int = DEFAULT_CONCURRENCY
    latest: LatestResults = field(init=False)
    _prefixes: dict[str, str] = field(init=False)
    _uptimes: dict[str, int] = field(default_factory=dict)
    _cache: dict[tuple[str, int, bytes], EngineState] = field(default_factory=dict)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _logged: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.latest = LatestResults([j.device.name for j in self.jobs],
                                    {j.device.name: (j.device.labels or {}).get("region", "") for j in self.jobs})
        self._prefixes = {j.device.name: j.meta_prefix or j.prefix for j in self.jobs}

    def start(self) -> None:
        gate = asyncio.Semaphore(self.concurrency)
        self.latest.started = time.time()
        self.stats.set("yunwang_snmp_devices", "", len(self.jobs))
        self.stats.set("yunwang_snmp_poll_interval_seconds", "", self.interval)
        for job in self.jobs:
            # Stagger devices over the interval (stable per name) so the load is flat.
            digest = hashlib.sha1(job.device.name.encode()).digest()
            offset = int.from_bytes(digest[:4], "big") / 2**32 * min(self.interval, 5.0)
            self._tasks.append(asyncio.ensure_future(self._loop(job, gate, offset)))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _loop(self, job: DeviceJob, gate: asyncio.Semaphore, offset: float) -> None:
        loop = asyncio.get_running_loop()
        await asyncio.sleep(offset)
        due = loop.time()
        while True:
            try:
                async with gate:
                    result = await poll_job(job, time.monotonic() + self.interval * 0.9, self._cache)
                self.record(result)
            except Exception:  # keep polling this device; the error is in the log
                log.exception("device %s: poll failed unexpectedly", job.device.name)
            due += self.interval
            now = loop.time()
            if due < now:
                due = now
            await asyncio.sleep(due - now)

    def record(self, result: DeviceResult) -> None:
        name = result.name
        self.stats.count_poll(name, result.ok, result.reason, result.pdus_sent, result.retransmits, result.varbinds)
        if not result.ok:
            if self._logged.get(name) != result.reason and result.reason != "config":  # config: said at start
                log.warning("device %s: %s", name, result.error)
                self._logged[name] = result.reason or ""
        elif name in self._logged:
            log.info("device %s: polling again", name)
            del self._logged[name]
        if result.sys_uptime is not None:
            before = self._uptimes.get(name)
            if before is not None and result.sys_uptime < before:
                self.stats.inc("yunwang_snmp_device_restarts_total", f'device="{escape(name)}"')
            self._uptimes[name] = result.sys_uptime
        self.latest.put(result)  # kept until the next poll, as the bytes it is served as

    def chunks(self) -> Iterator[bytes | memoryview]:
        """The devices' part of /metrics, a family at a time (see agents/snmp/latest.py)."""
        return self.latest.chunks(self._prefixes)

    def render(self) -> str:
        return b"".join(self.chunks()).decode()

    def summary(self) -> dict[str, object]:
        """What /status answers: devices polled, up and failed per region, and how current the results are."""
        return self.latest.summary(self.interval)
