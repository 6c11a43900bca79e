"""``yunwang sim``: serve a stack's devices as SNMP agents on 127.0.0.1 until SIGINT/SIGTERM."""

from __future__ import annotations

import math
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from yunwang.contracts.device_access import SSH_BASE_PORT, SSH_ENDPOINTS_FILE
from yunwang.errors import InputError, Problem

if TYPE_CHECKING:
    from rich.console import Console

    from agents.sim.ssh.server import FleetThread
    from yunwang.topology import Topology

DEVICES_PER_PROCESS = {"snmpsim": 60, "fast": 100}
"""snmpsim serves ~16 ifTable walks/s per process, the fast simulator ~20x that (docs/performance.md); beyond
this many devices a fleet is sharded, up to one process per CPU (for the fast simulator that spreads a city's
walks over the CPUs rather than adding capacity it needs)."""


def default_processes(devices: int, engine: str = "snmpsim") -> int:
    return max(1, min(os.cpu_count() or 1, math.ceil(devices / DEVICES_PER_PROCESS[engine])))


def sim(
    stack: str = typer.Option("dev", "--stack", "-s", help="Stack name (Pulumi.<stack>.yaml)."),
    base_port: int = typer.Option(16100, "--base-port", help="UDP port of the first device; device i gets +i."),
    processes: int = typer.Option(0, "--processes", "-p", min=0,
                                  help="snmpsim processes to shard the fleet over (0: one per ~60 devices, "
                                       "at most one per CPU)."),
    data_dir: Path | None = typer.Option(None, "--data-dir",
                                         help="Where recordings go (default .yunwang/sim/<stack>)."),
    endpoints_out: Path | None = typer.Option(None, "--endpoints-out",
                                              help="Endpoints file to write (default .yunwang/sim-endpoints.json)."),
    ssh: bool = typer.Option(True, "--ssh/--no-ssh",
                             help="Also answer SSH with each device's vendor CLI (needs the system administrator's "
                                  "password in YUNWANG_DEVICE_SYSTEM_PASSWORD or …_FILE)."),
    ssh_base_port: int = typer.Option(SSH_BASE_PORT, "--ssh-base-port",
                                      help="TCP port of the first device's SSH server; device i gets +i."),
    engine: str = typer.Option("snmpsim", "--engine",
                               help="snmpsim (the reference) or fast (the same answers from pre-encoded "
                                    "recordings, for city-sized fleets)."),
) -> None:
    """Serve the stack's devices (recordings generated from its topology) as SNMP v2c/v3 agents on 127.0.0.1.

    Credentials come from YUNWANG_SNMP_<PROFILE>_AUTH_KEY / _PRIV_KEY / _COMMUNITY (or *_FILE), the same
    variables the pollers read.
    """
    import signal
    import threading

    from rich.console import Console

    from agents.sim.fleet import ENGINES, SimFleet, write_endpoints
    from agents.sim.install import SimSetupError
    from yunwang.stacks import load_stack

    console = Console(stderr=True)
    if engine not in ENGINES:
        raise typer.BadParameter(f"{engine!r} is not one of {', '.join(ENGINES)}", param_hint="--engine")
    loaded = load_stack(stack)
    topo = loaded.topology
    assert topo is not None
    root = loaded.root
    data_dir = data_dir or root / ".yunwang" / "sim" / stack
    endpoints_out = endpoints_out or root / ".yunwang" / "sim-endpoints.json"
    fleet = SimFleet(topo, data_dir, base_port=base_port,
                     processes=processes or default_processes(len(topo.devices), engine),
                     topology_file=str(loaded.topology_file), engine=engine)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        endpoints = fleet.start()
    except SimSetupError as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(3) from None
    except (RuntimeError, OSError) as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(1) from None
    ssh_fleet = start_ssh(topo, endpoints_out.parent, ssh_base_port, console) if ssh else None
    try:
        write_endpoints(endpoints_out, endpoints)
        last = base_port + len(endpoints) - 1
        console.print(f"sim: {len(endpoints)} devices of stack {stack} on udp {fleet.plan.devices[0].endpoint}"
                      f"..{last} ({fleet.plan.processes} {engine} process(es), pids "
                      f"{', '.join(map(str, fleet.pids()))}); endpoints in {endpoints_out}", highlight=False)
        while not stop.wait(1.0):
            dead = fleet.failed()
            if dead:
                console.print(f"[red]error:[/red] snmpsim process {dead[0]} stopped:\n{fleet.log_tail(dead[0])}",
                              highlight=False)
                raise typer.Exit(1)
        console.print("sim: stopping", highlight=False)
    finally:
        fleet.stop()
        endpoints_out.unlink(missing_ok=True)
        if ssh_fleet is not None:
            ssh_fleet.close()
            (endpoints_out.parent / SSH_ENDPOINTS_FILE).unlink(missing_ok=True)


def start_ssh(topo: Topology, state_dir: Path, base_port: int, console: Console) -> FleetThread | None:
    """The SSH side of the simulator (one process, one listener per device), or None when it cannot start.

    Without the system administrator's password the SNMP devices still run: SSH is reported as not started.
    """
    from agents.sim.fleet import write_endpoints
    from agents.sim.ssh.server import FleetThread, SshFleet
    from yunwang.contracts.device_access import LOGIN_ROLE, password_env
    from yunwang.secrets import env_secret

    variable = password_env(LOGIN_ROLE)
    if env_secret(variable) is None:
        console.print(f"sim: SSH devices not started: set {variable} or {variable}_FILE (or pass --no-ssh)",
                      highlight=False)
        return None
    if not 1024 <= base_port <= 65535 - len(topo.devices) + 1:
        raise InputError([Problem("--ssh-base-port", None, "", str(base_port),
                                  f"ports {base_port}..{base_port + len(topo.devices) - 1} do not fit in 1024..65535",
                                  "pick a lower base port")])
    started = time.monotonic()
    running = FleetThread(SshFleet(topo.devices, topology=topo, base_port=base_port, state_dir=state_dir))
    try:
        endpoints = running.start()
    except OSError as exc:
        raise InputError([Problem("--ssh-base-port", None, "", str(base_port), f"cannot listen: {exc.strerror}",
                                  "stop what holds the ports or pick another --ssh-base-port")]) from None
    write_endpoints(state_dir / SSH_ENDPOINTS_FILE, endpoints)
    console.print(f"sim: {len(endpoints)} SSH devices on tcp 127.0.0.1:{base_port}..{base_port + len(endpoints) - 1}"
                  f" (started in {time.monotonic() - started:.2f} s); endpoints in {state_dir / SSH_ENDPOINTS_FILE}",
                  highlight=False)
    return running
