"""Reads the stack's Pulumi config and builds the program: shared by ``pulumi up`` and the offline plan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from infra.components.monitoring import Images
from infra.components.network_inventory import credential_fields
from infra.program import DEFAULT_IMAGES, ProgramOptions, build, read_assets
from yunwang.errors import InputError, Problem
from yunwang.topology import Topology

CONFIG_NAMESPACE = "yunwang"


def _missing(key: str, hint: str) -> InputError:
    return InputError([Problem("Pulumi config", None, f"{CONFIG_NAMESPACE}:{key}", "", "secret config is not set",
                               hint)])


def check_credentials(topology: Topology, raw: Any) -> None:
    """Every profile used by a device has its secrets: checked up front, so one error lists all that is missing.

    Only the shape is looked at here; the values travel on as the secret Output of ``get_secret_object``.
    """
    try:
        creds = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        creds = None
    where = f"{CONFIG_NAMESPACE}:snmpCredentials"
    if raw is None:
        return
    if not isinstance(creds, dict):
        raise InputError([Problem("Pulumi config", None, where, "", "must be a JSON object {profile: {…}}",
                                  "see docs/deploy.md")])
    used = {d.snmp for d in topology.devices}
    problems = [Problem("Pulumi config", None, f"{where}.{p.name}.{f}", "", f"SNMP profile '{p.name}' needs '{f}'",
                        "add it with pulumi config set --secret (see docs/deploy.md)")
                for p in topology.snmp_profiles if p.name in used for f in credential_fields(p)
                if not isinstance(creds.get(p.name), dict) or not creds[p.name].get(f)]
    if problems:
        raise InputError(problems)


def _images(raw: Any) -> Images:
    if raw is None:
        return DEFAULT_IMAGES
    merged = {**DEFAULT_IMAGES.__dict__, **(raw if isinstance(raw, dict) else {})}
    bad = [f"{k}={v}" for k, v in merged.items() if not isinstance(v, str) or "@sha256:" not in v]
    if not isinstance(raw, dict) or set(raw) - set(DEFAULT_IMAGES.__dict__) or bad:
        raise InputError([Problem("Pulumi config", None, f"{CONFIG_NAMESPACE}:images", ", ".join(bad),
                                  "images must be an object {yunwang, prometheus, grafana} of digest-pinned refs",
                                  "e.g. registry/x@sha256:<64 hex>; tags are not accepted")])
    return Images(**merged)


def run(topology: Topology, stack: str, root: Path) -> dict[str, Any]:
    """The program body: config → options → :func:`infra.program.build`. Returns the (plain) outputs."""
    import pulumi

    config = pulumi.Config(CONFIG_NAMESPACE)
    credentials = config.get_secret_object("snmpCredentials")
    if credentials is None and topology.devices:
        raise _missing("snmpCredentials", "pulumi config set --secret yunwang:snmpCredentials "
                                          "'{\"<profile>\": {\"auth_key\": \"…\", \"priv_key\": \"…\"}}'")
    check_credentials(topology, pulumi.runtime.get_config(f"{CONFIG_NAMESPACE}:snmpCredentials"))
    token = config.get_secret("monitorToken")
    if token is None:
        raise _missing("monitorToken", "pulumi config set --secret yunwang:monitorToken \"$(openssl rand -hex 32)\"")
    grafana_password = config.get_secret("grafanaAdminPassword")
    if grafana_password is None:
        raise _missing("grafanaAdminPassword",
                       "pulumi config set --secret yunwang:grafanaAdminPassword \"$(openssl rand -base64 24)\"")
    rules, dashboards = read_assets(root)
    opts = ProgramOptions(stack=stack, credentials=credentials, monitor_token=token,
                          grafana_admin_password=grafana_password,
                          images=_images(config.get_object("images")),
                          prometheus_rules=rules, dashboards=dashboards)
    shared = config.get_secret("kubeconfig")
    kubeconfigs: dict[str, tuple[Any, str | None]] = {}
    for region in topology.regions:
        own = config.get_secret(f"kubeconfig-{region.name}")
        # A shared kubeconfig holds one context per region, named after the region.
        kubeconfigs[region.name] = (own, None) if own is not None else (shared, region.name if shared else None)
    return build(topology, opts, kubeconfigs)
