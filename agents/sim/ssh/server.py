"""Serve simulated devices over SSH: one asyncssh listener per device on 127.0.0.1, all in one process.

Device *i* of the fleet listens on ``base_port + i``. A device's state is built from its factory configuration
on first use (a city of 667 devices starts in well under a second); logins are checked against the device's
current configuration. :class:`SshFleet` is the asyncio API; :class:`FleetThread` runs one in a background
thread for synchronous callers (``yunwang sim``, tests driving netmiko) and marshals every call onto its loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import threading
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

import asyncssh

from agents.sim.ssh.accounts import LoginAccount, login_account
from agents.sim.ssh.build import build_device
from agents.sim.ssh.device import SimDevice
from agents.sim.ssh.session import run_session
from yunwang.contracts.device_access import SSH_BASE_PORT
from yunwang.topology import Device, Topology

HOST = "127.0.0.1"
HOST_KEY_FILE = "ssh_host_ed25519_key"
DEFAULT_IDLE_S = 600.0
T = TypeVar("T")


def host_key(folder: Path | None) -> asyncssh.SSHKey:
    """The simulator's host key, generated once per state folder (mode 0600) so clients see the same key."""
    if folder is None:
        return asyncssh.generate_private_key("ssh-ed25519")
    path = folder / HOST_KEY_FILE
    if path.exists():
        return asyncssh.read_private_key(str(path))
    folder.mkdir(parents=True, exist_ok=True)
    key = asyncssh.generate_private_key("ssh-ed25519")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key.export_private_key())
    return key


def raise_open_files_limit(wanted: int) -> None:
    """One listening socket per device plus one per session: lift the soft limit towards the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


class _Server(asyncssh.SSHServer):
    """Password authentication only, checked against the device's configuration at login time."""

    def __init__(self, fleet: SshFleet, name: str):
        self.fleet = fleet
        self.name = name

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    async def validate_password(self, username: str, password: str) -> bool:
        device = self.fleet.device(self.name)
        if device.latency_s:
            await asyncio.sleep(device.latency_s)
        return device.check_login(username, password)


class SshFleet:
    """Simulated devices answering SSH on 127.0.0.1; use ``async with`` or start()/stop()."""

    def __init__(self, devices: Sequence[Device], *, topology: Topology | None = None,
                 base_port: int = SSH_BASE_PORT, state_dir: Path | None = None, password: str | None = None,
                 idle_timeout_s: float = DEFAULT_IDLE_S):
        self.specs = {d.name: d for d in devices}
        self.order = [d.name for d in devices]
        self.topology = topology
        self.base_port = base_port
        self.state_dir = state_dir
        self.password = password
        self.idle_timeout_s = idle_timeout_s
        self.devices: dict[str, SimDevice] = {}
        self.accounts: dict[str, LoginAccount] = {}
        self.servers: list[asyncssh.SSHAcceptor] = []
        self.sessions = 0

    def port(self, name: str) -> int:
        return self.base_port + self.order.index(name)

    def endpoints(self) -> dict[str, str]:
        return {name: f"{HOST}:{self.base_port + i}" for i, name in enumerate(self.order)}

    def device(self, name: str) -> SimDevice:
        """The device's live state, built from its factory configuration on first use."""
        found = self.devices.get(name)
        if found is None:
            spec = self.specs[name]
            account = self.accounts.get(name) or login_account(self.topology, spec, self.password)
            found = self.devices[name] = build_device(spec, account)
        return found

    async def start(self) -> dict[str, str]:
        for name in self.order:  # the secret is read (and checked) before anything listens
            self.accounts[name] = login_account(self.topology, self.specs[name], self.password)
        key = host_key(self.state_dir)
        raise_open_files_limit(len(self.order) * 2 + 1024)
        try:
            for name in self.order:
                self.servers.append(await asyncssh.listen(
                    HOST, self.port(name), server_host_keys=[key], server_factory=self._factory(name),
                    process_factory=self._session(name), encoding="utf-8", line_editor=True,
                    keepalive_interval=0, login_timeout=30, reuse_address=True))
        except BaseException:
            await self.stop()
            raise
        return self.endpoints()

    def _factory(self, name: str) -> Callable[[], asyncssh.SSHServer]:
        return lambda: _Server(self, name)

    def _session(self, name: str) -> Callable[[asyncssh.SSHServerProcess[str]], Awaitable[None]]:
        async def handle(process: asyncssh.SSHServerProcess[str]) -> None:
            self.sessions += 1
            try:
                await run_session(self.device(name), process, self.idle_timeout_s)
            finally:
                self.sessions -= 1
        return handle

    async def stop(self) -> None:
        for server in self.servers:
            server.close()
        for server in self.servers:
            with contextlib.suppress(Exception):
                await server.wait_closed()
        self.servers.clear()

    async def __aenter__(self) -> dict[str, str]:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


class FleetThread:
    """An :class:`SshFleet` on its own event loop thread, with a synchronous test API.

    Every call runs on the fleet's loop, so it sees (and changes) exactly the state SSH sessions see.
    """

    def __init__(self, fleet: SshFleet):
        self.fleet = fleet
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="ssh-sim", daemon=True)
        self.endpoints: dict[str, str] = {}

    def start(self) -> dict[str, str]:
        self.thread.start()
        try:
            self.endpoints = self._run(self.fleet.start())
        except BaseException:
            self.close()
            raise
        return self.endpoints

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        future: Future[T] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return future.result(timeout=120)

    def call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the fleet's loop and return its result."""
        async def wrapped() -> T:
            return fn()
        return self._run(wrapped())

    # test hooks -------------------------------------------------------------------------------------

    def running_config(self, name: str) -> str:
        return self.call(lambda: self.fleet.device(name).running_config())

    def saved_config(self, name: str) -> str:
        return self.call(lambda: self.fleet.device(name).saved_config())

    def drift(self, name: str, commands: Sequence[str], user: str = "drift") -> list[str]:
        """Change a device behind the tools' back: ``commands`` typed in configuration mode."""
        return self.call(lambda: self.fleet.device(name).configure(commands, user))

    def fail_next(self, name: str, pattern: str, count: int = 1) -> None:
        """The next ``count`` commands matching the regex are rejected with the vendor's error."""
        self.call(lambda: self.fleet.device(name).fail_next(pattern, count))

    def set_latency(self, name: str, seconds: float) -> None:
        """Delay every reply (and the login) of the device."""
        def apply() -> None:
            self.fleet.device(name).latency_s = seconds
        self.call(apply)

    def refuse_logins(self, name: str, refuse: bool = True) -> None:
        def apply() -> None:
            self.fleet.device(name).refuse_logins = refuse
        self.call(apply)

    def close(self) -> None:
        if self.thread.is_alive():
            with contextlib.suppress(Exception):
                self._run(self.fleet.stop())
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)
        self.loop.close()

    def __enter__(self) -> FleetThread:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
