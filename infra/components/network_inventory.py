"""NetworkInventory: the polling inventory of a region's devices (ConfigMap) and their SNMP secrets (Secret).

The inventory JSON is :func:`yunwang.inventory.build_inventory`'s, so the poller in the cluster reads exactly
what ``yunwang agent snmp --stack`` would derive locally. Secrets come from the Pulumi secret config
``yunwang:snmpCredentials`` and stay Pulumi secrets end to end; each becomes one file of the Secret, named
after the environment variable the poller reads (``YUNWANG_SNMP_<PROFILE>_AUTH_KEY`` …, via ``…_FILE``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import pulumi

from infra.common import APP, Manifest, meta, secret
from infra.component import Component
from infra.secret_values import Secret
from yunwang.errors import InputError, Problem
from yunwang.topology import Region, SnmpProfile, Zone

CREDENTIALS_KEY = "yunwang:snmpCredentials"
INVENTORY_CONFIGMAP = "snmp-inventory"
CREDENTIALS_SECRET = "snmp-credentials"
CREDENTIALS_DIR = "/etc/yunwang/snmp"
POLLER_APP = "snmp-poller"
"""The SNMP pollers' app label: they read both objects, which carry it too."""
SnmpCredentials = dict[str, dict[str, str]]
"""The ``yunwang:snmpCredentials`` object: profile → field (community, auth_key, priv_key) → secret."""


def credential_fields(profile: SnmpProfile) -> list[str]:
    """The secret fields a profile needs: community (v2c) or auth/priv keys by security level (v3)."""
    if profile.version == "2c":
        return ["community"]
    level = profile.security_level or "authPriv"
    return {"noAuthNoPriv": [], "authNoPriv": ["auth_key"], "authPriv": ["auth_key", "priv_key"]}[level]


def env_name(profile: str, field: str) -> str:
    """The poller's variable for one secret, e.g. ``YUNWANG_SNMP_V3_CORE_AUTH_KEY``."""
    return f"YUNWANG_SNMP_{profile.upper().replace('-', '_')}_{field.upper()}"


def pick(credentials: Any, *, profile: str, field: str) -> str:
    """One secret value from the credentials object, or a clear error naming the missing key."""
    value = credentials.get(profile, {}).get(field) if isinstance(credentials, dict) else None
    if not isinstance(value, str) or not value:
        raise InputError([Problem("Pulumi config", None, f"{CREDENTIALS_KEY}.{profile}.{field}", "",
                                  f"SNMP profile '{profile}' needs a '{field}'",
                                  f"pulumi config set --secret {CREDENTIALS_KEY} "
                                  "'{\"" + profile + "\": {\"auth_key\": \"…\", \"priv_key\": \"…\"}}' "
                                  "(see docs/deploy.md)")])
    return value


@dataclass(frozen=True)
class NetworkInventoryArgs:
    region: Region
    zone: Zone
    inventory_json: str
    profiles: tuple[SnmpProfile, ...]
    credentials: Secret[SnmpCredentials] | None
    """The ``yunwang:snmpCredentials`` object (None: not set; then no profile may need a secret)."""


def secret_entries(profiles: tuple[SnmpProfile, ...], credentials: Secret[SnmpCredentials] | None
                   ) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for profile in profiles:
        for field in credential_fields(profile):
            if isinstance(credentials, pulumi.Output):
                out[env_name(profile.name, field)] = credentials.apply(partial(pick, profile=profile.name, field=field))
            else:
                out[env_name(profile.name, field)] = pick(credentials, profile=profile.name, field=field)
    return out


class NetworkInventory(Component[NetworkInventoryArgs]):
    """ConfigMap ``snmp-inventory`` (inventory.json) and Secret ``snmp-credentials`` in the management zone."""

    TYPE = "yunwang:infra:NetworkInventory"

    @staticmethod
    def manifests(args: NetworkInventoryArgs) -> list[Manifest]:
        r, z = args.region.name, args.zone.name
        app = {APP: POLLER_APP}
        return [
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(INVENTORY_CONFIGMAP, z, r, z, extra_labels=app),
             "data": {"inventory.json": args.inventory_json}},
            secret(CREDENTIALS_SECRET, z, r, z, secret_entries(args.profiles, args.credentials), app),
        ]
