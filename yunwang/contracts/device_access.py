"""How the device tools log in to a network device, and how the simulated devices let them in.

MLPS level 3 asks for separation of duties on every device (三权分立, 8.1.4.2 / 8.1.4.1): a system, a security and
an audit administrator. The configuration tools work as the system administrator. The three accounts' names
come from the topology (these are the defaults); their passwords only from secrets, never from the topology:
``YUNWANG_DEVICE_SYSTEM_PASSWORD``, ``…_SECURITY_PASSWORD``, ``…_AUDIT_PASSWORD`` (or ``…_FILE``).

Simulated devices listen for SSH on 127.0.0.1, device *i* of the stack (topology order) on
``SSH_BASE_PORT + i``; the simulator writes ``{device: "127.0.0.1:PORT"}`` to ``SSH_ENDPOINTS_FILE`` in the
state folder, and the device tools read it with ``--endpoints``, as the SNMP poller does with its own file.
"""

from __future__ import annotations

from typing import Literal

AdminRole = Literal["system", "security", "audit"]
ADMIN_ROLES: tuple[AdminRole, ...] = ("system", "security", "audit")
DEFAULT_ADMIN_NAMES: dict[AdminRole, str] = {"system": "sysadmin", "security": "secadmin", "audit": "auditadmin"}
LOGIN_ROLE: AdminRole = "system"
SSH_PORT = 22
SSH_BASE_PORT = 12200
SSH_ENDPOINTS_FILE = "ssh-endpoints.json"


def password_env(role: AdminRole) -> str:
    """The variable holding an administrator role's password: ``system`` → ``YUNWANG_DEVICE_SYSTEM_PASSWORD``."""
    return f"YUNWANG_DEVICE_{role.upper()}_PASSWORD"
