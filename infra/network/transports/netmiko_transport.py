"""The netmiko transport (``--transport netmiko``): netmiko 4.8's drivers run in a thread pool.

netmiko knows many more devices than our own transport, at a price of ~0.28 s per configuration line (its reads
wait on fixed delays): use it for a device the asyncssh transport does not handle.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from infra.network.transport import (
    AuthenticationFailed,
    CommandRejected,
    CommandTimeout,
    HostKeyRejected,
    Transport,
    TransportError,
    Unreachable,
)

T = TypeVar("T")
_POOL: ThreadPoolExecutor | None = None


def pool(workers: int = 32) -> ThreadPoolExecutor:
    """One pool for every netmiko session of the process (each session holds a thread while it waits)."""
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="netmiko")
    return _POOL


class NetmikoTransport(Transport):
    conn: Any = None

    async def _run(self, fn: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(pool(), fn)

    def _connect(self) -> Any:
        import netmiko

        target = self.target
        where = f"{target.host}:{target.port}"
        known = self.host_keys.known_hosts
        try:
            return netmiko.ConnectHandler(
                device_type=self.profile.netmiko_type, host=target.host, port=target.port,
                username=self.credentials.username, password=self.credentials.password, use_keys=False,
                allow_agent=False, ssh_strict=True, system_host_keys=False, alt_host_keys=known is not None,
                alt_key_file=str(known) if known else "", conn_timeout=self.timeouts.connect_s,
                auth_timeout=self.timeouts.connect_s, banner_timeout=self.timeouts.connect_s,
                timeout=self.timeouts.command_s, fast_cli=True)
        except netmiko.NetmikoAuthenticationException:
            raise AuthenticationFailed(target.name, f"login refused for {self.credentials.username} at {where} "
                                       "(check the system administrator's password)") from None
        except netmiko.NetmikoTimeoutException:
            raise Unreachable(target.name, f"no answer from {where} within {self.timeouts.connect_s:g} s") from None
        except OSError as exc:
            raise Unreachable(target.name, f"cannot connect to {where}: {exc.strerror or exc}") from None
        except Exception as exc:  # paramiko's SSHException family (netmiko's dependency, not ours to import)
            if "SSHException" not in {k.__name__ for k in type(exc).__mro__}:
                raise
            if type(exc).__name__ == "BadHostKeyException" or "known_hosts" in str(exc):
                raise HostKeyRejected(target.name, f"host key of {where} is not trusted; add it to the "
                                      "known_hosts file (--known-hosts)") from None
            raise Unreachable(target.name, f"SSH to {where} failed: {exc}") from None

    async def connect(self) -> None:
        self.conn = await self._run(self._connect)

    def _call(self, fn: Callable[[], T]) -> T:
        import netmiko

        try:
            return fn()
        except netmiko.ReadTimeout:
            raise CommandTimeout(self.target.name, f"no prompt within {self.timeouts.command_s:g} s") from None
        except OSError as exc:
            raise TransportError(self.target.name, f"session lost: {exc}") from None

    async def show(self, command: str) -> str:
        conn = self.conn
        return await self._run(lambda: self._call(lambda: str(conn.send_command(
            command, read_timeout=self.timeouts.command_s))))

    def _send(self, line: str, prompt: str) -> str:
        output = str(self.conn.send_command(line, expect_string=prompt, read_timeout=self.timeouts.command_s,
                                            strip_prompt=False, strip_command=True, cmd_verify=False))
        while self.profile.question.search(output):
            output = str(self.conn.send_command("y", expect_string=prompt, read_timeout=self.timeouts.command_s,
                                                strip_prompt=False, cmd_verify=False))
        return output

    def _configure(self, lines: Sequence[str]) -> int:
        """Lines sent one by one, each read up to the next prompt (netmiko's config_mode() waits seconds for
        patterns; the mode change is ours to make)."""
        config, exec_prompt = r"[\]#]\s*$", r"[>#]\s*$"
        self._send(self.profile.enter_config, config)
        for done, line in enumerate(lines):
            output = self._send(line, config)
            if self.profile.error.search(output):
                self._send(self.profile.leave_config, exec_prompt)
                raise CommandRejected(self.target.name, line, output, done)
        self._send(self.profile.leave_config, exec_prompt)
        return len(lines)

    async def configure(self, lines: Sequence[str]) -> int:
        return await self._run(lambda: self._call(lambda: self._configure(lines)))

    async def save(self) -> str:
        conn = self.conn
        return await self._run(lambda: self._call(lambda: str(conn.save_config())))

    async def close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None:
            await self._run(conn.disconnect)
