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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from agents.snmp.auth import AuthResolver, Credentials, UnknownAuth, load_auths
from agents.snmp.collect import DeviceResult, collect_device, render_families
from agents.snmp.engine import DEFAULT_IN_FLIGHT, EngineState, Target, parse_address
from agents.snmp.modules import Module, Plan, builtin_modules, plan_for
from agents.snmp.stats import AgentStats
from yunwang.contracts.exposition import escape_label_value as escape
from yunwang.errors import InputError
from yunwang.inventory import Inventory, InventoryDevice
from yunwang.topology import Topology

log = logging.getLogger("yunwang.agent.snmp")

DEFAULT_CONCURRENCY = 64
DEFAULT_TIMEOUT = 2.0
DEFAULT_RETRIES = 1


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
    """One inventory device, resolved once: target, plan and label prefixes (polled series, per-device series)."""

    device: InventoryDevice
    target: Target | None
    plan: Plan | None
    prefix: str
    problem: str | None = None
    meta_prefix: str = ""


def prepare(device: InventoryDevice, resolver: AuthResolver, modules: dict[str, Module],
            timeout: float | None = None, retries: int | None = None, in_flight: int = DEFAULT_IN_FLIGHT
            ) -> DeviceJob:
    """Resolve a device's credentials, address and modules; configuration problems are kept, not raised."""
    prefix, meta = series_prefix(device), device_prefix(device)
    try:
        creds: Credentials = resolver.resolve(device.auth)
        host, port = parse_address(device.address)
        plan = plan_for(device.modules, modules)
    except (UnknownAuth, KeyError, ValueError, InputError) as exc:
        return DeviceJob(device, None, None, prefix, str(exc).strip("'\""), meta)
    chosen_timeout, chosen_retries = request_timing(resolver, device.auth, plan, timeout, retries)
    target = Target(host, port, creds, chosen_timeout, chosen_retries, plan.max_repetitions, in_flight)
    return DeviceJob(device, target, plan, prefix, None, meta)


def request_timing(resolver: AuthResolver, auth: str, plan: Plan, timeout: float | None = None,
                   retries: int | None = None, default_timeout: float = DEFAULT_TIMEOUT,
                   default_retries: int = DEFAULT_RETRIES) -> tuple[float, int]:
    """(timeout, retries) per request: the caller's override wins, then the SNMP profile's, then the modules',
    then the default (a zero timeout counts as unset). Poller and exporter mode decide alike."""
    p_timeout, p_retries = resolver.timing(auth)
    chosen_timeout = timeout if timeout is not None else p_timeout or plan.timeout or default_timeout
    chosen_retries = next(r for r in (retries, p_retries, plan.retries, default_retries) if r is not None)
    return chosen_timeout, chosen_retries


async def poll_job(job: DeviceJob, deadline: float | None = None,
                   v3_cache: dict[tuple[str, int, bytes], EngineState] | None = None) -> DeviceResult:
    if job.target is None or job.plan is None:
        return DeviceResult(job.device.name, job.device.address, False, "config", job.problem, started=time.time())
    return await collect_device(job.device.name, job.target, job.plan, job.prefix, deadline, v3_cache)


async def apoll_once(inventory: Inventory | list[InventoryDevice], auths: AuthResolver | Mapping[str, Credentials],
                     concurrency: int = DEFAULT_CONCURRENCY, modules: dict[str, Module] | None = None,
                     timeout: float | None = None, retries: int | None = None,
                     in_flight: int = DEFAULT_IN_FLIGHT) -> list[DeviceResult]:
    """Poll every device once, at most ``concurrency`` at a time; results in inventory order."""
    devices = inventory.devices if isinstance(inventory, Inventory) else inventory
    resolver = auths if isinstance(auths, AuthResolver) else AuthResolver(dict(auths))
    modules = modules or builtin_modules()
    gate = asyncio.Semaphore(concurrency)
    cache: dict[tuple[str, int, bytes], EngineState] = {}

    async def one(dev: InventoryDevice) -> DeviceResult:
        async with gate:
            return await poll_job(prepare(dev, resolver, modules, timeout, retries, in_flight), None, cache)

    return list(await asyncio.gather(*(one(d) for d in devices)))


def poll_once(inventory: Inventory | list[InventoryDevice], auths: AuthResolver | Mapping[str, Credentials],
              concurrency: int = DEFAULT_CONCURRENCY, modules: dict[str, Module] | None = None,
              timeout: float | None = None, retries: int | None = None,
              in_flight: int = DEFAULT_IN_FLIGHT) -> list[DeviceResult]:
    """Synchronous :func:`apoll_once` (runs its own event loop)."""
    return asyncio.run(apoll_once(inventory, auths, concurrency, modules, timeout, retries, in_flight))


def device_meta(results: list[DeviceResult], prefixes: Mapping[str, str]) -> str:
    """snmp_up, snmp_scrape_duration_seconds, snmp_scrape_pdus, snmp_scrape_varbinds per device."""
    rows = [("snmp_up", "gauge", "1 if the last poll of the device succeeded, else 0.",
             lambda r: int(r.ok)),
            ("snmp_scrape_duration_seconds", "gauge", "Duration of the last poll of the device.",
             lambda r: round(r.duration, 6)),
            ("snmp_scrape_pdus", "gauge", "SNMP requests sent in the last poll (retransmissions included).",
             lambda r: r.pdus_sent),
            ("snmp_scrape_varbinds", "gauge", "Values received in the last poll.", lambda r: r.varbinds),
            ("snmp_scrape_timestamp_seconds", "gauge", "When the last poll of the device started.",
             lambda r: round(r.started, 3))]
    out: list[str] = []
    for name, kind, text, get in rows:
        out.append(f"# HELP {name} {text}\n# TYPE {name} {kind}\n")
        out.extend(f"{name}{{{prefixes[r.name].rstrip(',')}}} {get(r)}\n" for r in results)
    failed = [r for r in results if not r.ok]
    if failed:
        out.append("# HELP snmp_scrape_error Reason the last poll of the device failed (1 per failing device).\n"
                   "# TYPE snmp_scrape_error gauge\n")
        out.extend(f'snmp_scrape_error{{{prefixes[r.name]}reason="{r.reason}"}} 1\n' for r in failed)
    return "".join(out)


@dataclass
class Poller:
    """Polls devices forever; ``render()`` gives the latest result of every device."""

    jobs: list[DeviceJob]
    interval: float
    stats: AgentStats
    concurrency: int = DEFAULT_CONCURRENCY
    results: dict[str, DeviceResult] = field(default_factory=dict)
    _uptimes: dict[str, int] = field(default_factory=dict)
    _cache: dict[tuple[str, int, bytes], EngineState] = field(default_factory=dict)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _logged: dict[str, str] = field(default_factory=dict)

    def start(self) -> None:
        gate = asyncio.Semaphore(self.concurrency)
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
        # Kept until the next poll: one string per family instead of thousands of line objects.
        result.families = {k: ["\n".join(v)] for k, v in result.families.items() if v}
        self.results[name] = result
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

    def render(self) -> str:
        results = [self.results[j.device.name] for j in self.jobs if j.device.name in self.results]
        prefixes = {j.device.name: j.meta_prefix or j.prefix for j in self.jobs}
        return "".join(render_families(results)) + device_meta(results, prefixes)
