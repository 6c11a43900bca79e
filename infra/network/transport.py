"""How the device tools talk to a device: a small interface with two implementations (``transports/``).

A transport logs in as the system administrator (:mod:`yunwang.contracts.device_access`), turns paging off, runs
show/display commands, types configuration lines in configuration mode — stopping at the first line the device
rejects, with the device's own error — and saves. Credentials come from the environment or files only
(:func:`yunwang.secrets.require_secret`); they are never arguments, never logged, never in an error text.

Host keys: a device's key is checked against a known_hosts file (``~/.ssh/known_hosts`` unless another is
named). Simulated devices present the simulator's own key; a caller that was told so trusts exactly that key
(:meth:`HostKeys.trusting`), never "any key".
"""

from __future__ import annotations

import abc
import atexit
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from yunwang.topology import Vendor

TransportKind = Literal["asyncssh", "netmiko"]
"""The implementations in ``transports/`` (chosen in :mod:`infra.network.access`)."""


class TransportError(Exception):
    """A device could not be reached, logged in to, or driven; ``reason`` is short and holds no secret."""

    kind = "error"

    def __init__(self, device: str, reason: str):
        super().__init__(f"{device}: {reason}")
        self.device = device
        self.reason = reason


class AuthenticationFailed(TransportError):
    kind = "authentication"


class Unreachable(TransportError):
    kind = "unreachable"


class HostKeyRejected(TransportError):
    kind = "host-key"


class CommandTimeout(TransportError):
    kind = "timeout"


class CommandRejected(TransportError):
    """The device refused a configuration line: ``applied`` lines before it were taken."""

    kind = "rejected"

    def __init__(self, device: str, line: str, output: str, applied: int):
        error = next((ln.strip() for ln in reversed(output.splitlines()) if ln.strip() and ln.strip() != "^"),
                     output.strip())
        super().__init__(device, f"rejected {line!r}: {error}")
        self.line = line
        self.output = output
        self.applied = applied


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = field(repr=False)

    def __repr__(self) -> str:
        return f"Credentials(username={self.username!r}, password=[secret])"


@dataclass(frozen=True)
class Target:
    """One device to talk to: where it listens and which CLI it speaks."""

    name: str
    vendor: Vendor
    host: str
    port: int


@dataclass(frozen=True)
class Timeouts:
    connect_s: float = 10.0
    """TCP connect, SSH handshake and login together."""
    command_s: float = 60.0
    """From sending a line to the next prompt (a whole running configuration on a big device)."""


@dataclass(frozen=True)
class HostKeys:
    """Which host keys are trusted: a known_hosts file (OpenSSH format)."""

    known_hosts: Path | None

    @classmethod
    def default(cls) -> HostKeys:
        path = Path.home() / ".ssh" / "known_hosts"
        return cls(path if path.exists() else None)

    @classmethod
    def trusting(cls, public_key: str, endpoints: Sequence[tuple[str, int]]) -> HostKeys:
        """Trust exactly ``public_key`` (OpenSSH one-line form) for these endpoints: simulated devices."""
        with tempfile.NamedTemporaryFile("w", prefix="yunwang-known-hosts-", delete=False,
                                         encoding="utf-8") as handle:
            for host, port in endpoints:
                handle.write(f"[{host}]:{port} {public_key}\n" if port != 22 else f"{host} {public_key}\n")
        atexit.register(Path(handle.name).unlink, missing_ok=True)
        return cls(Path(handle.name))


@dataclass(frozen=True)
class CliProfile:
    """What a transport needs to know about a vendor's CLI."""

    prompt: re.Pattern[str]
    """A prompt at the end of the output (any mode)."""
    paging_off: str
    enter_config: str
    leave_config: str
    show_running: str
    save: str
    error: re.Pattern[str]
    """A line of output that means the command was refused."""
    netmiko_type: str
    config_prompt: re.Pattern[str]
    """The prompt of configuration mode (system view)."""
    question: re.Pattern[str] = re.compile(r"\[Y/N\]:?\s*$", re.I)
    """A confirmation the device asks (answered ``y``: the change was confirmed before it was sent)."""
    enable: str = ""
    """Command from user to privileged exec, when the login lands in user exec (IOS ``enable``)."""


_BRACKETS = re.compile(r"(?:^|\n)[<\[][^<>\[\]\r\n]+[>\]]\s*$")
_BRACKETS_CONFIG = re.compile(r"(?:^|\n)\[[^<>\[\]\r\n]+\]\s*$")
_IOS = re.compile(r"(?:^|\n)[^\s()#>]+(?:\([^()\s]+\))?[>#]\s*$")
_IOS_CONFIG = re.compile(r"(?:^|\n)[^\s()#>]+\(config[^()\s]*\)#\s*$")

PROFILES: dict[Vendor, CliProfile] = {
    Vendor.HUAWEI: CliProfile(_BRACKETS, "screen-length 0 temporary", "system-view", "return",
                              "display current-configuration", "save", re.compile(r"^\s*Error\s*:", re.M),
                              "huawei", _BRACKETS_CONFIG),
    Vendor.H3C: CliProfile(_BRACKETS, "screen-length disable", "system-view", "return",
                           "display current-configuration", "save force", re.compile(r"^\s*%\s*\S", re.M),
                           "hp_comware", _BRACKETS_CONFIG),
    Vendor.CISCO: CliProfile(_IOS, "terminal length 0", "configure terminal", "end", "show running-config",
                             "write memory", re.compile(r"^\s*%\s*(Invalid|Incomplete|Ambiguous|Error|Unknown)", re.M),
                             "cisco_ios", _IOS_CONFIG, enable="enable"),
    Vendor.RUIJIE: CliProfile(_IOS, "terminal length 0", "configure terminal", "end", "show running-config",
                              "write", re.compile(r"^\s*%\s*(Invalid|Incomplete|Ambiguous|Error|Unknown)", re.M),
                              "ruijie_os", _IOS_CONFIG, enable="enable"),
}


class Transport(abc.ABC):
    """One session with one device. Use ``async with`` (connect, then close whatever happens)."""

    def __init__(self, target: Target, credentials: Credentials, host_keys: HostKeys, timeouts: Timeouts):
        self.target = target
        self.credentials = credentials
        self.host_keys = host_keys
        self.timeouts = timeouts
        self.profile = PROFILES[target.vendor]

    @abc.abstractmethod
    async def connect(self) -> None:
        """Log in and make the session ready for commands (paging off, privileged exec)."""

    @abc.abstractmethod
    async def show(self, command: str) -> str:
        """The output of a show/display command, without the echoed command and the prompt."""

    @abc.abstractmethod
    async def configure(self, lines: Sequence[str]) -> int:
        """Type ``lines`` in configuration mode, back to exec mode after; returns how many were sent.

        Raises :class:`CommandRejected` at the first line the device refuses (the lines before it were taken).
        """

    @abc.abstractmethod
    async def save(self) -> str:
        """Write the running configuration to the startup configuration (answering the device's confirmation)."""

    @abc.abstractmethod
    async def close(self) -> None: ...

    async def running_config(self) -> str:
        return await self.show(self.profile.show_running)

    async def __aenter__(self) -> Transport:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

