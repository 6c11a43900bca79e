"""Vendor-neutral facts read from one device configuration; the device rules look only at these.

Every fact keeps the line it came from so a finding can point at it. Secrets (community strings,
passwords) are kept only where a rule must compare them with well-known defaults; rules never print
a value that is not on the well-known list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from yunwang.contracts.vendors import Vendor

# plain: readable in the config; weak: trivially reversible (IOS type 7); encrypted: reversible with the
# device's key (VRP/Comware `cipher`); hashed: one-way (`irreversible-cipher`, `hash`, IOS type 5/8/9).
PasswordKind = Literal["none", "plain", "weak", "encrypted", "hashed"]
SnmpLevel = Literal["noauth", "auth", "priv"]


@dataclass(frozen=True)
class Evidence:
    """A configuration line that proves something, with a short explanation."""

    line: int
    what: str


@dataclass
class LocalUser:
    name: str
    line: int
    password: PasswordKind = "none"
    password_line: int | None = None
    manages_device: bool = True  # H3C `class network` users are network-access users, not administrators


@dataclass
class SnmpCommunity:
    line: int
    value: str | None  # None when the config stores it encrypted
    write: bool
    acl: str | None


@dataclass
class SnmpV3Entry:
    """An SNMPv3 group or user and the weakest security level it allows."""

    kind: Literal["group", "user"]
    name: str
    level: SnmpLevel
    line: int


@dataclass
class MgmtLine:
    """A console, AUX or VTY line (user-interface) block."""

    kind: Literal["console", "aux", "vty"]
    label: str
    line: int
    idle_timeout_s: int | None = None  # None: not set, the vendor default (10 minutes) applies
    idle_line: int | None = None
    acl_in: str | None = None
    auth: str | None = None  # aaa/scheme/local/password/none; None: not set
    auth_line: int | None = None
    protocols: list[str] | None = None  # inbound transports; None: not set
    protocols_line: int | None = None


@dataclass
class AclRule:
    line: int
    action: Literal["permit", "deny"]
    text: str
    any_any: bool  # matches every packet (no address, port or protocol restriction)


@dataclass
class Acl:
    name: str
    line: int
    rules: list[AclRule] = field(default_factory=list)


@dataclass
class Interface:
    name: str
    line: int
    access_port: bool = False
    edge_auth: bool = False  # port security, 802.1X or MAC authentication
    l3: bool = False
    shutdown: bool = False
    acls: list[tuple[str, str, int]] = field(default_factory=list)  # (acl, direction, line)


@dataclass
class Firewall:
    """Zone-based / stateful firewall configuration, present only on firewalls."""

    line: int
    policy_rules: int = 0
    default_permit: Evidence | None = None
    app_control: bool = False
    attack_defense: bool = False


@dataclass
class Wlan:
    name: str
    line: int
    open_auth: bool
    why: str


@dataclass
class DeviceConfig:
    """Everything the device rules need from one running configuration."""

    file: str
    vendor: Vendor
    hostname: str
    telnet: list[Evidence] = field(default_factory=list)
    http: list[Evidence] = field(default_factory=list)
    ssh_v1: list[Evidence] = field(default_factory=list)
    snmp_v1v2c: list[Evidence] = field(default_factory=list)
    communities: list[SnmpCommunity] = field(default_factory=list)
    snmp_v3: list[SnmpV3Entry] = field(default_factory=list)
    snmp_enabled: bool = False
    trap_hosts: list[int] = field(default_factory=list)
    users: list[LocalUser] = field(default_factory=list)
    password_encryption_missing: bool = False  # IOS without `service password-encryption`
    logging_disabled: Evidence | None = None
    log_hosts: list[int] = field(default_factory=list)
    timestamps_bad: Evidence | None = None
    ntp_servers: list[int] = field(default_factory=list)
    lines: list[MgmtLine] = field(default_factory=list)
    lockout: Evidence | None = None
    lockout_disabled: Evidence | None = None
    banner: int | None = None
    remote_aaa: bool = False
    accounting: bool = False
    acls: dict[str, Acl] = field(default_factory=dict)
    acl_refs: dict[str, list[int]] = field(default_factory=dict)
    acl_implicit_deny: bool = False  # packets no ACL rule matches are dropped (IOS, RGOS); VRP/Comware permit them
    interfaces: list[Interface] = field(default_factory=list)
    firewall: Firewall | None = None
    wlans: list[Wlan] = field(default_factory=list)
    risky_services: list[Evidence] = field(default_factory=list)
    capacity_alarms: list[int] = field(default_factory=list)  # CPU/memory usage alarm thresholds

    def mgmt_lines(self, kind: str | None = None) -> list[MgmtLine]:
        return [m for m in self.lines if kind is None or m.kind == kind]
