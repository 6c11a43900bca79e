"""Host security facts (schema ``yunwang.host-facts/v1``): what the MLPS host rules check, as one JSON document.

Served at GET /facts and pushed to the monitor. ``collect_facts(root)`` reads a whole filesystem tree (``/`` in
production, a fixture tree in tests); anything unreadable is recorded in ``errors`` and never raises. Programs
(``sshd -T``) and live kernel state (adjtimex) are only consulted when ``root`` is ``/``.
"""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

SCHEMA = "yunwang.host-facts/v1"


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class OsFacts(_Open):
    id: str | None = None
    version: str | None = None
    kernel: str | None = None
    pretty_name: str | None = None


class SshdFacts(_Open):
    installed: bool = False
    source: str | None = Field(None, description="'sshd -T' (effective) or 'config' (parsed files) or null")
    settings: dict[str, str] = Field(default_factory=dict)
    defaults_applied: list[str] = Field(default_factory=list, description="settings not in any file: "
                                        "OpenSSH's compiled-in default was used (source 'config' only)")
    config_files: list[str] = Field(default_factory=list)


class PwqualityFacts(_Open):
    enabled: bool = False
    module: str | None = None
    minlen: int | None = None
    dcredit: int | None = None
    ucredit: int | None = None
    lcredit: int | None = None
    ocredit: int | None = None
    minclass: int | None = None
    retry: int | None = None


class LockoutFacts(_Open):
    enabled: bool = False
    deny: int | None = None
    unlock_time: int | None = None


class PamFacts(_Open):
    pwquality: PwqualityFacts = Field(default_factory=PwqualityFacts)
    faillock: LockoutFacts = Field(default_factory=LockoutFacts)
    tally2: LockoutFacts = Field(default_factory=LockoutFacts)
    files: list[str] = Field(default_factory=list)


class AuditdFacts(_Open):
    installed: bool = False
    running: bool = False
    rules: list[str] = Field(default_factory=list)


class TimeSyncFacts(_Open):
    service: str | None = None
    running: bool = False
    synchronized: bool | None = None


class ListeningSocket(_Open):
    proto: str
    address: str
    port: int
    process: str | None = None
    pid: int | None = None


class ServicesFacts(_Open):
    enabled: list[str] = Field(default_factory=list)
    running: list[str] = Field(default_factory=list)


class UsersFacts(_Open):
    empty_password: list[str] = Field(default_factory=list)
    uid0: list[str] = Field(default_factory=list)
    shell_users: list[str] = Field(default_factory=list)


class SyslogFacts(_Open):
    running: bool = False
    service: str | None = None
    remote: bool = False
    remote_targets: list[str] = Field(default_factory=list)


class MacFacts(_Open):
    selinux: str | None = Field(None, description="enforcing | permissive | disabled | null (not installed)")
    apparmor: str | bool = False


class ShellFacts(_Open):
    tmout: int | None = Field(None, description="TMOUT set for login shells, seconds")
    files: list[str] = Field(default_factory=list)


class UpdatesFacts(_Open):
    security_pending: int | None = Field(None, description="installed packages with a newer security version")
    packages: list[str] = Field(default_factory=list)
    lists: list[str] = Field(default_factory=list)


class FactError(BaseModel):
    source: str
    message: str


class HostFacts(_Open):
    """The facts document. Top-level keys are a contract with the policy rules; sections may gain fields."""

    schema_: str = Field(SCHEMA, alias="schema")
    hostname: str
    collected_at: str
    os: OsFacts = Field(default_factory=OsFacts)
    sshd: SshdFacts = Field(default_factory=SshdFacts)
    login_defs: dict[str, int | str] = Field(default_factory=dict)
    pam: PamFacts = Field(default_factory=PamFacts)
    auditd: AuditdFacts = Field(default_factory=AuditdFacts)
    time_sync: TimeSyncFacts = Field(default_factory=TimeSyncFacts)
    listening: list[ListeningSocket] = Field(default_factory=list)
    services: ServicesFacts = Field(default_factory=ServicesFacts)
    sysctl: dict[str, str] = Field(default_factory=dict)
    users: UsersFacts = Field(default_factory=UsersFacts)
    packages: dict[str, bool] = Field(default_factory=dict)
    syslog: SyslogFacts = Field(default_factory=SyslogFacts)
    # Additions to the v1 shape, read by the host rules: MAC, shell idle timeout, pending security updates.
    mac: MacFacts = Field(default_factory=MacFacts)
    shell: ShellFacts = Field(default_factory=ShellFacts)
    updates: UpdatesFacts = Field(default_factory=UpdatesFacts)
    errors: list[FactError] = Field(default_factory=list)

    model_config = ConfigDict(populate_by_name=True, extra="allow")

    def to_json(self) -> str:
        # An unknown update count is left out, so readers see "not determined" rather than a zero.
        return self.model_dump_json(by_alias=True, exclude=self._unknown())

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, mode="json", exclude=self._unknown())

    def _unknown(self) -> dict[str, Any] | None:
        return {"updates": {"security_pending"}} if self.updates.security_pending is None else None


def _hostname(root: Path, live: bool) -> str:
    if live:
        return socket.gethostname()
    for candidate in (root / "etc/hostname", root / "proc/sys/kernel/hostname"):
        try:
            name = candidate.read_text().strip()
        except OSError:
            continue
        if name:
            return name
    return "unknown"


def collect_facts(root: Path = Path("/")) -> HostFacts:
    """Collect every section; a section that fails adds an entry to ``errors`` and keeps its defaults."""
    from agents.host.factsources import accounts, daemons, mac, network, pam, sshd, system, updates
    from agents.host.factsources.context import FactContext

    ctx = FactContext(root)
    facts = HostFacts(hostname=_hostname(ctx.root, ctx.live),
                      collected_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"))
    # Each section's reader returns the value of the HostFacts field of the same name.
    readers: tuple[tuple[str, Callable[[FactContext], Any]], ...] = (
        ("os", system.os_facts), ("sshd", sshd.sshd_facts), ("login_defs", pam.login_defs), ("pam", pam.pam_facts),
        ("auditd", daemons.auditd_facts), ("time_sync", daemons.time_sync_facts), ("listening", network.listening),
        ("services", system.services), ("sysctl", system.sysctl), ("users", accounts.users),
        ("packages", system.packages), ("syslog", daemons.syslog_facts), ("mac", mac.mac_facts),
        ("shell", mac.shell_facts), ("updates", updates.updates_facts),
    )
    for name, read in readers:
        try:
            setattr(facts, name, read(ctx))
        except Exception as exc:  # one broken source never costs the others
            ctx.error(name, f"{type(exc).__name__}: {exc}")
    facts.errors = [FactError(source=s, message=m) for s, m in ctx.errors]
    return facts
