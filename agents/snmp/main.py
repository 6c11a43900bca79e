"""Wiring of the SNMP agent: inventory → jobs → poller + HTTP server on one event loop."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path

from agents.snmp.auth import AuthResolver
from agents.snmp.engine import DEFAULT_IN_FLIGHT
from agents.snmp.exporter import Agent
from agents.snmp.modules import Module, load_modules
from agents.snmp.poller import Poller, apoll_once, device_prefix, prepare, resolver_for
from yunwang.errors import InputError, Problem
from yunwang.inventory import Inventory, InventoryDevice, build_inventory, load_endpoints, load_inventory, shard_of
from yunwang.topology import Topology

log = logging.getLogger("yunwang.agent.snmp")


def stack_topology(stack: str) -> Topology:
    """The stack's topology, parsed once for both credentials and devices (the city's takes ~0.3 s)."""
    from yunwang.stacks import load_stack

    topology = load_stack(stack).topology
    if topology is None:
        raise InputError([Problem(stack, None, "", "", "stack has no topology", "set yunwang:topology")])
    return topology


def load_devices(topology: Topology | None, inventory: Path | None, endpoints: Path | None,
                 shard: tuple[int, int] | None) -> list[InventoryDevice]:
    """The devices this agent polls: from a stack's topology or inventory file, endpoints applied, this shard only."""
    overrides = load_endpoints(endpoints) if endpoints else {}
    if topology is not None:
        inv: Inventory = build_inventory(topology, overrides)
    elif inventory:
        inv = load_inventory(inventory)
        inv.devices = [d.model_copy(update={"address": overrides[d.name]}) if d.name in overrides else d
                       for d in inv.devices]
    else:
        return []
    if shard is not None:
        index, total = shard
        return [d for d in inv.devices if shard_of(d.name, total) == index]
    return list(inv.devices)


def run(listen: tuple[str, int], stack: str | None, inventory: Path | None, endpoints: Path | None,
        shard: tuple[int, int] | None, interval: float, auths: Path | None, module_files: list[Path],
        concurrency: int, timeout: float | None, retries: int | None, once: bool,
        in_flight: int = DEFAULT_IN_FLIGHT) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    modules = load_modules(module_files)
    topology = stack_topology(stack) if stack else None
    resolver = resolver_for(auths_file=auths, topology=topology)
    devices = load_devices(topology, inventory, endpoints, shard)
    if once:
        if not devices:
            raise InputError([Problem("--once", None, "", "", "nothing to poll", "give --stack or --inventory")])
        return asyncio.run(_once(devices, resolver, modules, concurrency, timeout, retries, in_flight))
    agent = Agent(modules, resolver, in_flight=in_flight)
    if devices:
        jobs = [prepare(d, resolver, modules, timeout, retries, in_flight) for d in devices]
        problems: dict[str, list[str]] = {}
        for job in jobs:
            if job.problem:
                problems.setdefault(job.problem, []).append(job.device.name)
        if problems and all(job.problem for job in jobs):
            raise InputError([Problem("inventory", None, "", f"{len(names)} device(s)", problem,
                                      "fix the credentials or modules named here") for problem, names in
                              problems.items()])
        for problem, names in problems.items():  # once per cause, not once per device of a 600-device fleet
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            log.error("%d device(s) will not be polled (%s): %s", len(names), shown, problem)
        agent.poller = Poller(jobs, interval, agent.stats, concurrency)
    return asyncio.run(_serve(agent, listen))


async def _once(devices: list[InventoryDevice], resolver: AuthResolver, modules: dict[str, Module],
                concurrency: int, timeout: float | None, retries: int | None, in_flight: int) -> int:
    from agents.snmp.collect import render_families
    from agents.snmp.poller import device_meta

    results = await apoll_once(devices, resolver, concurrency, modules, timeout, retries, in_flight)
    prefixes = {d.name: device_prefix(d) for d in devices}  # polled series carry SERIES_LABELS only
    sys.stdout.write("".join(render_families(results)) + device_meta(results, prefixes))
    failed = [r for r in results if not r.ok]
    for r in failed:
        print(f"{r.name}: {r.reason}: {r.error}", file=sys.stderr)
    return 1 if failed else 0


async def _serve(agent: Agent, listen: tuple[str, int]) -> int:
    from agents.snmp.httpd import start_server

    try:
        server = await start_server(listen[0], listen[1], agent.handle)
    except OSError as exc:
        raise InputError([Problem("--listen", None, "", f"{listen[0]}:{listen[1]}", f"cannot listen: {exc.strerror}",
                                  "pick a free port")]) from None
    if agent.poller:
        agent.poller.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    polled = len(agent.poller.jobs) if agent.poller else 0
    log.info("SNMP agent on http://%s:%d (/snmp, /metrics), polling %d device(s)", listen[0], listen[1], polled)
    await stop.wait()
    server.close()
    if agent.poller:
        await agent.poller.stop()
    return 0
