"""The robots' secrets in Pulumi config (``yunwang:alertSecrets``) and the SMTP relay's password.

``yunwang:alertSecrets`` is one secret object ``{region: {wecom_key, dingtalk_token, dingtalk_secret}}``, checked
up front so one error lists everything missing; the values travel on as secret Outputs into each plane's
``alert-robots`` Secret, one file per variable the monitor reads (``YUNWANG_ALERT_<REGION>_<FIELD>_FILE``).
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

import pulumi

from infra.secret_values import Secret
from yunwang.contacts import env_name, secret_fields
from yunwang.errors import InputError, Problem
from yunwang.topology import Topology

ALERT_SECRETS_KEY = "yunwang:alertSecrets"
SMTP_PASSWORD_KEY = "yunwang:smtpPassword"
AlertSecrets = dict[str, dict[str, str]]
_HINT = (f"pulumi config set --secret {ALERT_SECRETS_KEY} "
         "'{\"<region>\": {\"dingtalk_token\": \"…\", \"dingtalk_secret\": \"SEC…\", \"wecom_key\": \"…\"}}' "
         "(see docs/deploy.md, \"Alert routing\")")


def needed(topo: Topology, regions: list[str] | None = None) -> list[tuple[str, str]]:
    """(region, field) of every robot secret the contacts of ``regions`` (default: all) need."""
    return [(c.region, f) for c in topo.alerting.contacts if regions is None or c.region in regions
            for f in secret_fields(c)]


def check_alert_secrets(topo: Topology, raw: Any) -> None:
    """Every robot of the topology has its secrets: one error listing all that is missing."""
    wanted = needed(topo)
    if not wanted:
        return
    try:
        secrets = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        secrets = None
    if not isinstance(secrets, dict):
        raise InputError([Problem("Pulumi config", None, ALERT_SECRETS_KEY, "",
                                  "secret config is not set or not a JSON object {region: {…}}", _HINT)])
    problems = [Problem("Pulumi config", None, f"{ALERT_SECRETS_KEY}.{region}.{field}", "",
                        f"the {field.split('_')[0]} robot of region {region}'s team needs '{field}'", _HINT)
                for region, field in wanted
                if not isinstance(secrets.get(region), dict) or not secrets[region].get(field)]
    if problems:
        raise InputError(problems)


def pick(secrets: Any, *, region: str, field: str) -> str:
    value = secrets.get(region, {}).get(field) if isinstance(secrets, dict) else None
    if not isinstance(value, str) or not value:
        raise InputError([Problem("Pulumi config", None, f"{ALERT_SECRETS_KEY}.{region}.{field}", "",
                                  f"region {region}'s robot needs '{field}'", _HINT)])
    return value


def robot_secret_entries(pairs: list[tuple[str, str]], secrets: Secret[AlertSecrets] | None) -> dict[str, Any]:
    """Secret file name (the monitor's variable) → value, for the given (region, field) pairs."""
    out: dict[str, Any] = {}
    for region, field in pairs:
        if isinstance(secrets, pulumi.Output):
            out[env_name(region, field)] = secrets.apply(partial(pick, region=region, field=field))
        else:
            out[env_name(region, field)] = pick(secrets, region=region, field=field)
    return out
