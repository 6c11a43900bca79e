"""What the topology says about device configuration: management services, administrators, per-device overrides.

Kept small to write: everything has a default from the device's role and region (resolved on the network side,
``infra/network/intent.py``); a topology states only the management services and what differs.

    device_management:                  # stack-wide
      vlan: 4000                        # management VLAN of the switches
      syslog: [10.34.19.20]             # in a security-management range
      ntp: [10.34.19.21]
      aaa: {protocol: tacacs, servers: [10.34.19.22]}
      admins: {system: sysadmin, security: secadmin, audit: auditadmin}
    regions:
      - name: jinan
        device_management: {syslog: [10.34.51.20]}     # a region may override syslog, ntp or aaa
    devices:
      - {name: jinan-acc-2, …, intent: {edge_auth: port-security, edge_ports: "1-20",
                                        ports: {5: {zone: iot-sensing}}}}
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from yunwang.contracts.device_access import DEFAULT_ADMIN_NAMES

NAME_PATTERN = r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"
"""DNS-1123 labels: names become Kubernetes namespaces, label values and Pulumi resource names."""
Name = Annotated[str, Field(pattern=NAME_PATTERN)]
VlanId = Annotated[int, Field(ge=2, le=4094)]
AccountName = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_.-]{2,31}$")]
EdgeAuth = Literal["dot1x", "port-security"]

HIGH_RISK_PORTS: tuple[int, ...] = (135, 137, 138, 139, 445)
"""RPC, NetBIOS and SMB: closed at every border (MLPS 8.1.3.2); the access matrix may not open them."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class AaaServers(Strict):
    """Central authentication, authorisation and command accounting for administrators (and 802.1X)."""

    protocol: Literal["tacacs", "radius"] = "tacacs"
    servers: tuple[ipaddress.IPv4Address, ...] = Field(min_length=1, max_length=2)


class ManagementServices(Strict):
    """Where devices send logs, take time from and authenticate administrators; unset fields inherit."""

    syslog: tuple[ipaddress.IPv4Address, ...] | None = Field(default=None, min_length=1)
    ntp: tuple[ipaddress.IPv4Address, ...] | None = Field(default=None, min_length=1)
    aaa: AaaServers | None = None


class DeviceManagement(ManagementServices):
    """The stack-wide part: services plus the management VLAN, the administrators and session limits."""

    vlan: VlanId = Field(default=4000, description="VLAN of the switches' management interface")
    admins: dict[str, AccountName] = Field(default_factory=lambda: {str(k): v for k, v in DEFAULT_ADMIN_NAMES.items()})
    idle_timeout_min: int = Field(default=10, ge=1, le=15)
    login_attempts: int = Field(default=5, ge=3, le=10)
    lockout_min: int = Field(default=30, ge=5, le=1440)


class PortIntent(Strict):
    """One port's override: its zone (access VLAN), admission control, description, or switched off."""

    zone: Name | None = None
    edge_auth: EdgeAuth | None = None
    description: str | None = Field(default=None, max_length=80)
    enabled: bool | None = None


_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+))?\s*$")


def parse_port_ranges(text: str) -> tuple[int, ...]:
    """``"1-20,24"`` → (1, …, 20, 24); ValueError naming the bad part."""
    ports: set[int] = set()
    for part in text.split(","):
        match = _RANGE.match(part)
        if not match:
            raise ValueError(f"'{part.strip()}' is not a port number or range like 1-20")
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        if first < 1 or last < first:
            raise ValueError(f"'{part.strip()}' is not an ascending range of port numbers from 1")
        ports.update(range(first, last + 1))
    return tuple(sorted(ports))


class DeviceIntent(Strict):
    """What a device does differently from its role's defaults."""

    edge_auth: EdgeAuth | None = Field(default=None, description="admission control on edge (user) ports")
    access_zone: Name | None = Field(default=None, description="zone whose VLAN the edge ports carry")
    extra_zones: tuple[Name, ...] = Field(default=(), description="more zone VLANs carried on the uplinks")
    edge_ports: tuple[int, ...] | None = Field(default=None, description='edge (user) ports, e.g. "1-20,24"')
    login_acl: tuple[ipaddress.IPv4Network, ...] | None = Field(
        default=None, min_length=1, description="who may log in (inside the security-management ranges)")
    ports: dict[int, PortIntent] = Field(default_factory=dict)

    @field_validator("edge_ports", mode="before")
    @classmethod
    def _ranges(cls, value: object) -> object:
        return parse_port_ranges(value) if isinstance(value, str) else value
