"""What the net commands share: the stack and device selection, device access options, progress, Ctrl-C."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Coroutine
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from infra.network.access import Access, build_access
from infra.network.transport import Timeouts, TransportKind
from yunwang.errors import InputError, Problem
from yunwang.topology import Device, Topology

T = TypeVar("T")
err = Console(stderr=True, highlight=False)


@dataclass(frozen=True)
class Selection:
    stack: str
    topology: Topology
    topology_file: Path
    devices: list[Device]


def select(stack: str, devices: list[str]) -> Selection:
    from infra.network.render import select_devices
    from yunwang.stacks import load_stack

    loaded = load_stack(stack)
    assert loaded.topology is not None
    chosen = select_devices(loaded.topology, loaded.topology_file, devices or None)
    return Selection(stack, loaded.topology, loaded.topology_file, chosen)


STACK = typer.Option("dev", "--stack", "-s", help="Stack name (Pulumi.<stack>.yaml).")
DEVICES = typer.Option([], "--device", "-d", help="Only this device (repeatable; default: every device).")
ENDPOINTS = typer.Option(None, "--endpoints", help="Endpoints file {device: HOST:PORT} (simulated devices: "
                         "`yunwang sim` writes .yunwang/ssh-endpoints.json); default: management address, port 22.")
KNOWN_HOSTS = typer.Option(None, "--known-hosts", help="OpenSSH known_hosts file the devices' host keys are checked "
                           "against (default ~/.ssh/known_hosts).")
TRUST_SIMULATOR = typer.Option(False, "--trust-simulator", help="Trust the simulator's host key (the key file "
                               "beside --endpoints) for the endpoints in that file; simulated devices only.")
TRANSPORT = typer.Option("asyncssh", "--transport", help="asyncssh (default, fast) or netmiko (slower; more device "
                         "types).")
CONCURRENCY = typer.Option(20, "--concurrency", "-j", min=1, max=500, help="Devices handled at once.")
CONNECT_TIMEOUT = typer.Option(10.0, "--connect-timeout", min=0.1, help="Seconds to connect and log in.")
COMMAND_TIMEOUT = typer.Option(60.0, "--command-timeout", min=0.1, help="Seconds to wait for the device's prompt.")


def access_for(sel: Selection, endpoints: Path | None, known_hosts: Path | None, trust_simulator: bool,
               transport: str, connect_timeout: float, command_timeout: float) -> Access:
    if transport not in ("asyncssh", "netmiko"):
        raise InputError([Problem("--transport", None, "", transport, "unknown transport", "use asyncssh or netmiko")])
    kind: TransportKind = "netmiko" if transport == "netmiko" else "asyncssh"
    return build_access(sel.topology, sel.devices, endpoints_file=endpoints, known_hosts=known_hosts,
                        trust_simulator=trust_simulator, kind=kind,
                        timeouts=Timeouts(connect_timeout, command_timeout))


@contextmanager
def progress_bar(description: str, total: int) -> Any:
    """A per-device progress bar on stderr (stdout stays clean for reports); yields ``advance()``."""
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as progress:
        task: TaskID = progress.add_task(description, total=total)
        yield lambda *_: progress.advance(task)


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


async def with_interrupt(coro_factory: Any, stop: asyncio.Event) -> Any:
    """Run with Ctrl-C setting ``stop`` instead of cancelling: what runs finishes, nothing new starts."""
    loop = asyncio.get_running_loop()

    def interrupted() -> None:
        if not stop.is_set():
            err.print("[yellow]interrupted:[/yellow] no further device starts; the devices in progress finish "
                      "(apply and verify, or roll back)")
        stop.set()

    loop.add_signal_handler(signal.SIGINT, interrupted)
    try:
        return await coro_factory()
    finally:
        loop.remove_signal_handler(signal.SIGINT)
