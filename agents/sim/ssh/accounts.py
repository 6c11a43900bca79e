"""The account the device tools log in with: the MLPS system administrator (see yunwang.contracts.device_access)."""

from __future__ import annotations

from dataclasses import dataclass

from yunwang.contracts.device_access import DEFAULT_ADMIN_NAMES, LOGIN_ROLE, AdminRole, password_env
from yunwang.secrets import require_secret
from yunwang.topology import Device, Topology


@dataclass(frozen=True)
class LoginAccount:
    name: str
    password: str

    def __repr__(self) -> str:
        return f"LoginAccount(name={self.name!r}, password=[secret])"


def admin_name(_topology: Topology | None, _device: Device, role: AdminRole) -> str:
    """The name of a device's administrator for ``role``; the one place that reads it."""
    return DEFAULT_ADMIN_NAMES[role]


def login_account(topology: Topology | None, device: Device, password: str | None = None) -> LoginAccount:
    """The system administrator's name and password (from ``YUNWANG_DEVICE_SYSTEM_PASSWORD`` or ``…_FILE``)."""
    if password is None:
        password = require_secret(password_env(LOGIN_ROLE), "password for the devices' system administrator")
    return LoginAccount(admin_name(topology, device, LOGIN_ROLE), password)
