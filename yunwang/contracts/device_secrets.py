"""The secrets a rendered device configuration needs besides the administrators' passwords and SNMP keys.

Each is read with :func:`yunwang.secrets.env_secret` (``$NAME`` or ``$NAME_FILE``) when a configuration is pushed,
and shown as ``[secret]`` everywhere else (plans, rendered files, diffs). SNMPv3 keys are the pollers' own
(``YUNWANG_SNMP_<PROFILE>_AUTH_KEY`` / ``_PRIV_KEY``); administrator passwords are ``YUNWANG_DEVICE_<ROLE>_PASSWORD``
(:mod:`yunwang.contracts.device_access`).
"""

from __future__ import annotations

AAA_KEY_ENV = "YUNWANG_DEVICE_AAA_KEY"
"""Shared key between devices and the AAA (TACACS+/RADIUS) servers."""
NTP_KEY_ENV = "YUNWANG_DEVICE_NTP_KEY"
"""Authentication key for NTP (key id 1)."""
OSPF_KEY_ENV = "YUNWANG_DEVICE_OSPF_KEY"
"""HMAC key authenticating every OSPF adjacency (key id 1)."""
SECRET_SHOWN = "[secret]"
"""How a secret value appears in anything written to disk or shown to a person."""
