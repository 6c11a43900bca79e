"""Host security facts, schema ``yunwang.host-facts/v1``: the one definition of the document the host agent
writes (``GET /facts``), the monitor accepts and stores (``POST /api/v1/agents/{id}/facts``) and the MLPS host
rules audit (``yunwang audit host --facts FILE``).

Standard-library dataclasses, not pydantic, on purpose. The agent collects facts in a short-lived child process
every 30 s (``python -m agents.host.factsources``) and builds the values itself, so it needs no validation;
importing pydantic there cost more than every fact reader's imports together (docs/performance.md). The side
that must validate what arrives builds its pydantic model from these classes
(``yunwang.contracts.validation.open_model``: the monitor), and the policy engine reads the document as plain
JSON, checking each path its rules read against ``declares`` — so no side can drift from this module.

Compatibility: sections may gain fields (readers ignore what they do not know, the monitor keeps it); a field is
never removed or renamed within v1. An unknown update count is left out of the document rather than sent as a
zero, so readers see "not determined".
"""

from __future__ import annotations

import dataclasses
import functools
import json
import typing
from dataclasses import dataclass, field
from typing import Any, Final, Literal

SCHEMA: Final = "yunwang.host-facts/v1"


def _doc(text: str) -> dict[str, str]:
    """Field metadata: the description shown in the monitor's OpenAPI document."""
    return {"description": text}


@dataclass(kw_only=True)
class OsFacts:
    """Distribution (/etc/os-release) and running kernel."""

    id: str | None = None
    version: str | None = None
    kernel: str | None = None
    pretty_name: str | None = None
    id_like: list[str] = field(default_factory=list, metadata=_doc("ID_LIKE of os-release, lower case"))
    family: Literal["debian", "rpm"] | None = field(default=None, metadata=_doc(
        "layout family, from the package database found: 'debian' (dpkg: Debian, Ubuntu, UOS desktop and Server "
        "'d', Kylin desktop) or 'rpm' (RHEL lineage: openEuler, Kylin V10 server, UOS Server 'e'/'a', CentOS, "
        "RHEL); null when neither was found"))


@dataclass(kw_only=True)
class SshdFacts:
    """The SSH server's global settings, effective (``sshd -T``) or parsed from sshd_config and its Includes."""

    installed: bool = False
    source: str | None = field(default=None, metadata=_doc(
        "'sshd -T' (effective) or 'config' (parsed files) or null"))
    settings: dict[str, str] = field(default_factory=dict, metadata=_doc("lower-case keywords"))
    defaults_applied: list[str] = field(default_factory=list, metadata=_doc(
        "settings not in any file: OpenSSH's compiled-in default was used (source 'config' only)"))
    config_files: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class PwqualityFacts:
    """Password quality (pam_pwquality or pam_cracklib): options on the PAM line over pwquality.conf."""

    enabled: bool = False
    module: str | None = None
    minlen: int | None = None
    dcredit: int | None = None
    ucredit: int | None = None
    lcredit: int | None = None
    ocredit: int | None = None
    minclass: int | None = None
    retry: int | None = None
    difok: int | None = None
    maxrepeat: int | None = None
    enforce_for_root: bool = False


@dataclass(kw_only=True)
class LockoutFacts:
    """Login failure lockout (pam_faillock over faillock.conf, or pam_tally2)."""

    enabled: bool = False
    deny: int | None = None
    unlock_time: int | None = None
    fail_interval: int | None = None
    even_deny_root: bool = False


@dataclass(kw_only=True)
class PwhistoryFacts:
    """Password reuse: pam_pwhistory (over pwhistory.conf) or pam_unix ``remember=``."""

    enabled: bool = False
    remember: int | None = None


@dataclass(kw_only=True)
class PamUnixFacts:
    """pam_unix on the password and auth stacks: how passwords are hashed, whether empty ones are accepted."""

    hash: str | None = field(default=None, metadata=_doc(
        "hash named on the password line (sha512, yescrypt, md5 …), else ENCRYPT_METHOD of login.defs, lower case"))
    nullok: bool = field(default=False, metadata=_doc("an auth or password line of pam_unix accepts empty passwords"))


@dataclass(kw_only=True)
class AuthselectFacts:
    """authselect (RHEL 8+, openEuler 22.03+, Kylin V10 SP3): the profile that writes the PAM stacks."""

    installed: bool = False
    profile: str | None = field(default=None, metadata=_doc("selected profile id (sssd, minimal, local …) or null"))
    features: list[str] = field(default_factory=list)
    managed: bool = field(default=False, metadata=_doc(
        "system-auth and password-auth are authselect's symbolic links (edits elsewhere are overwritten)"))


@dataclass(kw_only=True)
class PamFacts:
    """The PAM password and auth stacks, Debian (common-*) and RHEL (system-auth, password-auth) layouts."""

    pwquality: PwqualityFacts = field(default_factory=PwqualityFacts)
    faillock: LockoutFacts = field(default_factory=LockoutFacts)
    tally2: LockoutFacts = field(default_factory=LockoutFacts)
    files: list[str] = field(default_factory=list)
    pwhistory: PwhistoryFacts = field(default_factory=PwhistoryFacts)
    unix: PamUnixFacts = field(default_factory=PamUnixFacts)
    authselect: AuthselectFacts = field(default_factory=AuthselectFacts)
    su_wheel: bool | None = field(default=None, metadata=_doc(
        "/etc/pam.d/su requires pam_wheel (only the wheel group may su); null when there is no su stack"))
    missing_modules: list[str] = field(default_factory=list, metadata=_doc(
        "modules the stacks name that are not installed (e.g. pam_tally2.so, gone since Linux-PAM 1.5)"))


@dataclass(kw_only=True)
class AuditdFacts:
    """The audit daemon and its loaded or configured rules."""

    installed: bool = False
    running: bool = False
    rules: list[str] = field(default_factory=list)
    config: dict[str, str] = field(default_factory=dict, metadata=_doc(
        "/etc/audit/auditd.conf, lower-case keys and values (max_log_file_action, disk_full_action …)"))
    boot_audit: bool | None = field(default=None, metadata=_doc(
        "audit=1 on the kernel command line (processes started before auditd are audited); null when unknown"))


@dataclass(kw_only=True)
class TimeSyncFacts:
    """The time service (running, else the first installed) and the kernel's clock state."""

    service: str | None = None
    running: bool = False
    synchronized: bool | None = None


@dataclass(kw_only=True)
class ListeningSocket:
    """A TCP socket in LISTEN or an unconnected UDP socket, with its process when readable."""

    proto: str
    address: str
    port: int
    process: str | None = None
    pid: int | None = None


@dataclass(kw_only=True)
class ServicesFacts:
    """Enabled systemd units and running process names."""

    enabled: list[str] = field(default_factory=list)
    running: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class UsersFacts:
    """Accounts from /etc/passwd and /etc/shadow."""

    empty_password: list[str] = field(default_factory=list)
    uid0: list[str] = field(default_factory=list)
    shell_users: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class SyslogFacts:
    """The syslog daemon and where it forwards to."""

    running: bool = False
    service: str | None = None
    remote: bool = False
    remote_targets: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class MacFacts:
    """Mandatory access control: SELinux mode, AppArmor."""

    selinux: str | None = field(default=None, metadata=_doc(
        "enforcing | permissive | disabled | null (not installed)"))
    apparmor: str | bool = False
    selinux_config: str | None = field(default=None, metadata=_doc(
        "SELINUX= of /etc/selinux/config (the mode after the next boot), lower case; null without the file"))
    selinux_policy: str | None = field(default=None, metadata=_doc("SELINUXTYPE= of /etc/selinux/config"))


@dataclass(kw_only=True)
class ShellFacts:
    """The idle timeout (TMOUT) a login shell ends up with, and the files that set it."""

    tmout: int | None = field(default=None, metadata=_doc("TMOUT set for login shells, seconds"))
    files: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class UpdatesFacts:
    """Pending security updates: apt's local security lists (Debian family) or the security advisories of the
    dnf/yum metadata cache (updateinfo, RPM family)."""

    security_pending: int | None = field(default=None, metadata=_doc(
        "installed packages with a newer security version; absent when not determined"))
    packages: list[str] = field(default_factory=list)
    lists: list[str] = field(default_factory=list, metadata=_doc("the apt lists or updateinfo files read"))
    advisories: list[str] = field(default_factory=list, metadata=_doc(
        "security advisories not fully installed (openEuler-SA-…, KYSA-…, RHSA-…); RPM family only"))


@dataclass(kw_only=True)
class PackageDbFacts:
    """The package database the agent read, so a report can say what 'installed' was judged from."""

    manager: Literal["dpkg", "rpm"] | None = None
    path: str | None = None
    format: str | None = field(default=None, metadata=_doc(
        "'dpkg status', 'sqlite' (rpmdb.sqlite, RPM 4.16+), 'bdb' (Berkeley DB Packages, older RPM) or 'rpm -qa'"))
    installed: int | None = field(default=None, metadata=_doc("number of installed packages"))
    gpgcheck: bool | None = field(default=None, metadata=_doc(
        "gpgcheck of dnf.conf/yum.conf [main] (RPM family; dnf's default is on)"))
    repos_without_gpgcheck: list[str] = field(default_factory=list, metadata=_doc(
        "enabled repositories of /etc/yum.repos.d that do not verify package signatures"))


@dataclass(kw_only=True)
class FirewallZone:
    """A firewalld zone as configured (/etc/firewalld/zones over /usr/lib/firewalld/zones)."""

    name: str
    target: str = field(default="default", metadata=_doc("default | ACCEPT | DROP | REJECT (%%REJECT%%)"))
    services: list[str] = field(default_factory=list)
    ports: list[str] = field(default_factory=list, metadata=_doc("PORT/PROTO, also those of the services"))
    sources: list[str] = field(default_factory=list)
    interfaces: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class FirewallFacts:
    """The host firewall: firewalld (RPM family default), ufw or nftables (Debian family)."""

    service: str | None = field(default=None, metadata=_doc("firewalld | ufw | nftables | iptables | null"))
    active: bool | None = field(default=None, metadata=_doc(
        "filtering now (firewalld running, ufw ENABLED=yes, nftables/iptables service enabled); null when unknown"))
    default_zone: str | None = None
    zones: list[FirewallZone] = field(default_factory=list, metadata=_doc(
        "firewalld: the default zone and every zone bound to an interface or source"))


@dataclass(kw_only=True)
class CryptoPolicyFacts:
    """The system-wide crypto policy (crypto-policies: RHEL 8+, openEuler, Kylin V10)."""

    policy: str | None = field(default=None, metadata=_doc(
        "DEFAULT, FUTURE, FIPS, LEGACY, with sub-policies (DEFAULT:NO-SHA1); null when crypto-policies is absent"))


@dataclass(kw_only=True)
class FactError:
    """Something the agent could not read; collection goes on."""

    source: str = field(metadata=_doc("the section (or file) that could not be collected"))
    message: str


@dataclass(kw_only=True)
class HostFacts:
    """The facts document. Top-level keys are a contract with the policy rules; sections may gain fields."""

    schema: Literal["yunwang.host-facts/v1"] = SCHEMA
    hostname: str
    collected_at: str = field(metadata=_doc("UTC, ISO 8601 to the second, e.g. 2026-12-01T08:00:00Z"))
    os: OsFacts = field(default_factory=OsFacts)
    sshd: SshdFacts = field(default_factory=SshdFacts)
    login_defs: dict[str, int | str] = field(default_factory=dict, metadata=_doc(
        "every key of /etc/login.defs; numbers as integers, UMASK as text"))
    pam: PamFacts = field(default_factory=PamFacts)
    auditd: AuditdFacts = field(default_factory=AuditdFacts)
    time_sync: TimeSyncFacts = field(default_factory=TimeSyncFacts)
    listening: list[ListeningSocket] = field(default_factory=list)
    services: ServicesFacts = field(default_factory=ServicesFacts)
    sysctl: dict[str, str] = field(default_factory=dict)
    users: UsersFacts = field(default_factory=UsersFacts)
    packages: dict[str, bool] = field(default_factory=dict, metadata=_doc("risky package → installed"))
    syslog: SyslogFacts = field(default_factory=SyslogFacts)
    # Additions to the first v1 shape, read by the host rules: MAC, shell idle timeout, pending security updates.
    mac: MacFacts = field(default_factory=MacFacts)
    shell: ShellFacts = field(default_factory=ShellFacts)
    updates: UpdatesFacts = field(default_factory=UpdatesFacts)
    # RPM-family additions: which package database was read, the host firewall, the system-wide crypto policy.
    package_db: PackageDbFacts = field(default_factory=PackageDbFacts)
    firewall: FirewallFacts = field(default_factory=FirewallFacts)
    crypto_policy: CryptoPolicyFacts = field(default_factory=CryptoPolicyFacts)
    errors: list[FactError] = field(default_factory=list, metadata=_doc(
        "what could not be read; the section keeps its defaults and the rules report 'could not determine'"))

    def to_dict(self) -> dict[str, Any]:
        doc = dataclasses.asdict(self)
        if self.updates.security_pending is None:
            del doc["updates"]["security_pending"]
        return doc

    def to_json(self) -> str:
        """Compact UTF-8 JSON, keys in the order above (the bytes GET /facts serves)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))


# Every top-level key filled by a fact reader of the agent, in document order (the others are the envelope).
SECTIONS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(HostFacts)
                                  if f.name not in ("schema", "hostname", "collected_at", "errors"))


@functools.cache
def declares(path: str) -> bool:
    """True when the dotted ``path`` (``sshd.settings.ciphers``, ``pam.faillock.deny``) names a fact this schema
    defines: a field at every level, any key below a mapping. Readers check paths with it so that a rule can only
    read what the agent writes."""
    kind: Any = HostFacts
    for key in path.split("."):
        if dataclasses.is_dataclass(kind):
            hints = typing.get_type_hints(kind)
            if key not in hints:
                return False
            kind = hints[key]
        elif typing.get_origin(kind) is dict:
            kind = typing.get_args(kind)[1]
        else:
            return False
    return True
