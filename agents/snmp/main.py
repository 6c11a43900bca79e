"""Wiring of the SNMP agent: inventory → jobs → poller + HTTP server on one event loop."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path

from agents import eventloop
from agents.snmp.device_source import INVENTORY_KEYS, TOPOLOGY_KEYS, DeviceSource, check_jobs
from agents.snmp.engine import DEFAULT_IN_FLIGHT, parse_address
from agents.snmp.exporter import Agent
from agents.snmp.modules import load_modules
from agents.snmp.poller import DeviceJob, Poller, apoll_jobs, prepare, resolver_for
from yunwang.errors import InputError, Problem
from yunwang.inventory import Inventory, InventoryDevice, build_inventory, load_endpoints, load_inventory, shard_of
from yunwang.ranges import AddressRanges, parse_host
from yunwang.safetext import configure_logging
from yunwang.stacks import Stack, load_stack

log = logging.getLogger("yunwang.agent.snmp")


def polled_stack(stack: str) -> Stack:
    """The stack with its topology, parsed once for both credentials and devices (the city's takes ~0.3 s)."""
    loaded = load_stack(stack)
    if loaded.topology is None:
        raise InputError([Problem(stack, None, "", "", "stack has no topology", "set yunwang:topology")])
    return loaded


def load_devices(stack: Stack | None, inventory: Path | None, endpoints: Path | None,
                 shard: tuple[int, int] | None, regions: tuple[str, ...] = ()
                 ) -> tuple[list[InventoryDevice], DeviceSource | None]:
    """The devices this agent polls (from a stack's topology or an inventory file, endpoints applied, these regions
    and this shard only) and where each was read from."""
    overrides = load_endpoints(endpoints) if endpoints else {}
    if stack is not None and stack.topology is not None:
        inv: Inventory = build_inventory(stack.topology, overrides)
        file, keys = stack.topology_file, TOPOLOGY_KEYS
    elif inventory:
        inv = load_inventory(inventory)
        inv.devices = [d.model_copy(update={"address": overrides[d.name]}) if d.name in overrides else d
                       for d in inv.devices]
        file, keys = inventory, INVENTORY_KEYS
    else:
        return [], None
    source = DeviceSource(file, {d.name: i for i, d in enumerate(inv.devices)}, keys, endpoints,
                          frozenset(overrides))
    devices = list(inv.devices)
    if regions:
        known = {d.labels.get("region", "") for d in devices}
        unknown = [r for r in regions if r not in known]
        if unknown:
            raise InputError([Problem("--regions", None, "", ",".join(unknown), "no device of the inventory is in "
                                      "this region", f"regions with devices: {', '.join(sorted(known))}")])
        devices = [d for d in devices if d.labels.get("region") in regions]
    if shard is not None:
        index, total = shard
        devices = [d for d in devices if shard_of(d.name, total) == index]
    return devices, source


def run(listen: tuple[str, int], stack: str | None, inventory: Path | None, endpoints: Path | None,
        shard: tuple[int, int] | None, interval: float, auths: Path | None, module_files: list[Path],
        concurrency: int, timeout: float | None, retries: int | None, once: bool,
        in_flight: int = DEFAULT_IN_FLIGHT, allow_targets: tuple[str, ...] = (),
        regions: tuple[str, ...] = ()) -> int:
    configure_logging()  # request paths and device answers reach the log: control characters escaped
    modules = load_modules(module_files)
    polled = polled_stack(stack) if stack else None
    resolver = resolver_for(auths_file=auths, topology=polled.topology if polled else None)
    devices, source = load_devices(polled, inventory, endpoints, shard, regions)
    if once and not devices:
        raise InputError([Problem("--once", None, "", "", "nothing to poll", "give --stack or --inventory")])
    jobs = [prepare(d, resolver, modules, timeout, retries, in_flight) for d in devices]
    check_jobs(jobs, source)  # raises when no device can be polled; logs the others once per cause
    if once:
        return eventloop.run(_once(jobs, concurrency))
    allowed = exporter_ranges(allow_targets, polled, endpoints)
    del polled, devices, source  # the topology (~12 MB for the city) is not needed once the jobs are prepared
    give_back_memory()
    set_mmap_threshold()
    # --timeout/--retries govern exporter-mode scrapes too, not only the poller's.
    agent = Agent(modules, resolver, in_flight=in_flight, allowed=allowed, timeout_override=timeout,
                  retries_override=retries)
    if jobs:
        agent.poller = Poller(jobs, interval, agent.stats, concurrency)
    return eventloop.run(_serve(agent, listen))


def exporter_ranges(allow_targets: tuple[str, ...], stack: Stack | None,
                    endpoints: Path | None) -> AddressRanges | None:
    """What exporter mode may scrape: ``--allow-targets``, else with ``--stack`` the stack's declared ranges and
    its devices' addresses (simulated ones included), else anything (None)."""
    if allow_targets:
        return AddressRanges(allow_targets)
    if stack is None or stack.topology is None:
        return None
    devices = load_devices(stack, None, endpoints, None)[0]
    hosts = [parse_address(d.address)[0] for d in devices]
    return AddressRanges(stack.topology.declared_networks()) + AddressRanges(
        f"{h}/{32 if '.' in h else 128}" for h in hosts if parse_host(h) is not None)


async def _once(jobs: list[DeviceJob], concurrency: int) -> int:
    from agents.snmp.collect import render_families
    from agents.snmp.latest import device_meta

    results = await apoll_jobs(jobs, concurrency)
    prefixes = {j.device.name: j.meta_prefix for j in jobs}  # polled series carry SERIES_LABELS only
    sys.stdout.write("".join(render_families(results)) + device_meta(results, prefixes))
    failed = [r for r in results if not r.ok]
    for r in failed:
        print(f"{r.name}: {r.reason}: {r.error}", file=sys.stderr)
    return 1 if failed else 0


MMAP_THRESHOLD = 64 * 1024
"""Allocations from this size on get pages of their own (glibc's default threshold moves up to 32 MB as large blocks
are freed): each device's held blob (agents/snmp/latest.py) then comes and goes without fragmenting the heap."""


def set_mmap_threshold() -> None:
    import contextlib
    import ctypes

    m_mmap_threshold = -3
    with contextlib.suppress(OSError, AttributeError):  # not glibc: its own allocator policy applies
        ctypes.CDLL("libc.so.6").mallopt(m_mmap_threshold, MMAP_THRESHOLD)


def give_back_memory() -> None:
    """Collect garbage and hand the free pages of the C heap back to the system (glibc's malloc_trim).

    WHY: every poll replaces each device's held bytes and frees its walk's temporaries; glibc keeps freed pages
    between live objects, so without a trim the resident size drifts above what the poller holds."""
    import contextlib
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)


async def _trim_every(seconds: float) -> None:
    while True:
        await asyncio.sleep(seconds)
        give_back_memory()


async def _serve(agent: Agent, listen: tuple[str, int]) -> int:
    from agents.snmp.httpd import start_server

    try:
        server = await start_server(listen[0], listen[1], agent.handle)
    except OSError as exc:
        raise InputError([Problem("--listen", None, "", f"{listen[0]}:{listen[1]}", f"cannot listen: {exc.strerror}",
                                  "pick a free port")]) from None
    trimmer = None
    if agent.poller:
        agent.poller.start()
        trimmer = asyncio.ensure_future(_trim_every(max(agent.poller.interval, 10.0)))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    polled = len(agent.poller.jobs) if agent.poller else 0
    log.info("SNMP agent on http://%s:%d (/snmp, /metrics), polling %d device(s)", listen[0], listen[1], polled)
    await stop.wait()
    if trimmer is not None:
        trimmer.cancel()
    server.close()
    if agent.poller:
        await agent.poller.stop()
    return 0
