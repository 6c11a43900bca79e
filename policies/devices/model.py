"""Vendor-neutral facts read from one device configuration; the device rules look only at these.

Every fact keeps the line it came from so a finding can point at it. Secrets (community strings,
passwords) are kept only where a rule must compare them with well-known defaults; rules never print
a value that is not on the well-known list.

Vendor defaults are the readers' knowledge: where a setting is absent and the vendor's default is unsafe (IOS
answers with proxy ARP on every routed interface), the reader records the default as if it were written, with no
line, so the rules judge every vendor alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from policies.devices.matching import Match
from yunwang.contracts.vendors import Vendor

# plain: readable in the config; weak: trivially reversible (IOS type 7); encrypted: reversible with the
# device's key (VRP/Comware `cipher`); hashed: one-way (`irreversible-cipher`, `hash`, IOS type 5/8/9).
PasswordKind = Literal["none", "plain", "weak", "encrypted", "hashed"]
SnmpLevel = Literal["noauth", "auth", "priv"]
AuthStrength = Literal["none", "plain", "md5", "strong"]
"""How a protocol's messages are authenticated: not at all, by a clear-text key, by keyed MD5, or by a SHA-2 HMAC
(key chains with a SHA-2 algorithm, TCP-AO)."""
TOP_LEVEL = 15  # the highest command level; every vendor's administrator role maps to it


@dataclass(frozen=True)
class Evidence:
    """A configuration line that proves something, with a short explanation (line None: a vendor default)."""

    line: int | None
    what: str


@dataclass
class Setting:
    """A number and the line that sets it (None: not written, the vendor's default ``value`` applies)."""

    value: int
    line: int | None = None


@dataclass
class LocalUser:
    name: str
    line: int
    password: PasswordKind = "none"
    password_line: int | None = None
    manages_device: bool = True  # H3C `class network` users are network-access users, not administrators
    level: int | None = None  # command level 0-15 (roles mapped: network-admin 15, level-N N, operator 1)
    services: list[str] | None = None  # how the account may log in (VRP/Comware service-type); None: not limited
    services_line: int | None = None
    escalation: bool = False  # a privilege-escalation password (IOS `enable`, VRP/Comware `super`), not an account


@dataclass
class PasswordPolicy:
    """What new local passwords must meet. ``line`` None: the platform's built-in policy."""

    line: int | None
    min_length: int | None = None
    min_classes: int | None = None  # character classes required (upper, lower, digits, specials)
    max_age_days: int | None = None  # None or 0: passwords never expire
    history: int | None = None  # earlier passwords that may not be reused
    complexity_disabled: Evidence | None = None


@dataclass
class SnmpCommunity:
    line: int
    value: str | None  # None when the config stores it encrypted
    write: bool
    acl: str | None
    view: str | None = None  # MIB view the community is limited to; None: the whole MIB


@dataclass
class SnmpV3Entry:
    """An SNMPv3 group or user and the weakest security level it allows."""

    kind: Literal["group", "user"]
    name: str
    level: SnmpLevel
    line: int
    view: str | None = None  # groups: the read view; None: every object
    acl: str | None = None
    auth: str | None = None  # users: authentication algorithm, lower case (md5, sha, sha2-256 …)
    priv: str | None = None  # users: privacy algorithm (des, 3des, aes128 …)
    algorithm_line: int | None = None


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
    exec_enabled: bool | None = None  # IOS/RGOS AUX: False after `no exec`; None where the vendor has no such switch


@dataclass
class AclRule:
    line: int
    action: Literal["permit", "deny"]
    text: str
    any_any: bool  # matches every packet (no address, port or protocol restriction)
    match: Match | None = None  # what it matches (opaque inside when partly not understood); None: not read
    logged: bool = False  # `log` / `logging`: packets it matches are logged


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
    description: str = ""
    access_vlan: int | None = None
    trunk: bool = False
    external: str | None = None  # why it faces an untrusted network (zone, NAT outside, description); None: internal
    urpf: bool = False  # unicast reverse-path forwarding checks source addresses here
    cdp: bool = False  # a proprietary discovery protocol (CDP, NDP) runs here
    dhcp_snooping: bool = False  # DHCP snooping covers this port (directly or through its VLAN)
    arp_inspection: bool = False  # dynamic ARP inspection / ARP check covers this port
    edge: bool = False  # an edge port (portfast, stp edged-port)
    bpdu_guard: bool = False
    unsafe: list[Evidence] = field(default_factory=list)  # IP options left at unsafe values on this interface


@dataclass
class PolicyRule:
    """One rule of a zone firewall's security policy (USG `security-policy`, SecPath `security-policy ip` or
    `object-policy`). Empty zone tuples match every zone; ``match`` holds the addresses and services."""

    name: str
    line: int
    action: Literal["permit", "deny"]
    match: Match
    source_zones: tuple[str, ...] = ()
    destination_zones: tuple[str, ...] = ()
    applications: tuple[str, ...] = ()
    logged: bool = False
    enabled: bool = True
    policy: str = "security-policy"  # the policy it belongs to (a SecPath object-policy's name)


@dataclass
class PolicyObject:
    """A named address set, service set or object policy, and whether anything uses it."""

    kind: Literal["address", "service", "policy"]
    name: str
    line: int
    used: bool = False


@dataclass
class Firewall:
    """Zone-based / stateful firewall configuration, present only on firewalls."""

    line: int
    policy_rules: int = 0
    default_permit: Evidence | None = None
    app_control: bool = False
    attack_defense: bool = False
    spoofing_defense: Evidence | None = None  # IP-spoofing defence: a reverse route check of every source
    rules: list[PolicyRule] = field(default_factory=list)
    objects: list[PolicyObject] = field(default_factory=list)
    untrusted_zones: set[str] = field(default_factory=set)


@dataclass
class Wlan:
    name: str
    line: int
    open_auth: bool
    why: str


@dataclass
class NtpServer:
    line: int
    key: int | None  # authentication key used with this server


@dataclass
class NtpConfig:
    authenticate: bool = False  # `ntp authenticate` / `ntp-service authentication enable`
    keys: dict[int, tuple[str, int]] = field(default_factory=dict)  # key id → (algorithm, line)
    trusted: set[int] = field(default_factory=set)  # keys marked trusted (IOS) / reliable (VRP, Comware)
    servers: list[NtpServer] = field(default_factory=list)
    access_acls: list[tuple[str, int]] = field(default_factory=list)  # ACLs limiting who may query or peer
    serves: bool = True  # the device answers others' NTP requests


@dataclass
class Adjacency:
    """A routing or gateway-redundancy protocol session whose messages should be authenticated."""

    protocol: str  # OSPF, IS-IS, BGP, RIP, EIGRP, VRRP, HSRP
    name: str
    line: int
    auth: AuthStrength


AlgorithmKind = Literal["ssh-cipher", "ssh-mac", "ssh-kex", "ssh-hostkey", "tls-version", "tls-cipher"]


@dataclass
class AlgorithmList:
    """Algorithms a secure-management service is set to offer (lower case, ``_`` written ``-``)."""

    kind: AlgorithmKind
    line: int
    names: list[str]


@dataclass
class KeySize:
    line: int
    what: str
    bits: int


@dataclass
class SourceBinding:
    """A management protocol the device originates or serves, and the interface it is pinned to (None: whichever
    interface routing picks, or every interface)."""

    service: str
    interface: str | None
    line: int | None


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
    # What the CIS IOS benchmark and the Huawei/H3C hardening guides check besides the above.
    snmp_views: dict[str, int] = field(default_factory=dict)  # MIB view → line defining it
    traps_enabled: bool = True  # IOS/RGOS send no trap without `snmp-server enable traps`
    password_policy: PasswordPolicy | None = None
    enable_guard: Literal["aaa", "secret", "password", "none"] | None = None  # IOS/RGOS privileged mode; None: n/a
    enable_line: int | None = None
    web_auth: Evidence | None = None  # the web server logs users in with a shared password
    ssh_algorithms: list[AlgorithmList] = field(default_factory=list)
    key_sizes: list[KeySize] = field(default_factory=list)
    ssh_timeout: Setting | None = None  # seconds an unauthenticated SSH connection may wait
    ssh_retries: Setting | None = None
    session_gaps: list[str] = field(default_factory=list)  # dead-session detection missing (IOS TCP keepalives)
    ntp: NtpConfig = field(default_factory=NtpConfig)
    adjacencies: list[Adjacency] = field(default_factory=list)
    dhcp_snooping: Evidence | None = None  # enabled globally
    bpdu_protection: bool = False  # every edge port shut on a BPDU (global setting)
    unsafe_defaults: list[Evidence] = field(default_factory=list)  # services and IP options on for the device
    missing_login_logs: list[str] = field(default_factory=list)  # "success", "failure": logins not logged
    log_levels: list[Evidence] = field(default_factory=list)  # log settings that drop security events
    sources: list[SourceBinding] = field(default_factory=list)
    aaa_gaps: list[str] = field(default_factory=list)  # what central AAA neither authorizes nor accounts
    web_limits: list[str] = field(default_factory=list)  # web management session limits not set
    acl_uses: list[tuple[str, str, int]] = field(default_factory=list)  # (ACL, what uses it, line); VTY lines apart

    def mgmt_lines(self, kind: str | None = None) -> list[MgmtLine]:
        return [m for m in self.lines if kind is None or m.kind == kind]

    def admins(self) -> list[LocalUser]:
        """Accounts that administer the device (escalation passwords and network-access users excluded)."""
        return [u for u in self.users if u.manages_device and not u.escalation]
