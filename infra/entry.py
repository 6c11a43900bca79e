"""Reads the stack's Pulumi config and builds the program: shared by ``pulumi up`` and the offline plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from infra.components.monitoring import Images
from infra.program import DEFAULT_IMAGES, ProgramOptions, build, read_assets
from yunwang.errors import InputError, Problem
from yunwang.topology import Topology

CONFIG_NAMESPACE = "yunwang"


def _missing(key: str, hint: str) -> InputError:
    return InputError([Problem("Pulumi config", None, f"{CONFIG_NAMESPACE}:{key}", "", "secret config is not set",
                               hint)])


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
    token = config.get_secret("monitorToken")
    if token is None:
        raise _missing("monitorToken", "pulumi config set --secret yunwang:monitorToken \"$(openssl rand -hex 32)\"")
    rules, dashboards = read_assets(root)
    opts = ProgramOptions(stack=stack, credentials=credentials, monitor_token=token,
                          images=_images(config.get_object("images")),
                          prometheus_rules=rules, dashboards=dashboards)
    shared = config.get_secret("kubeconfig")
    kubeconfigs: dict[str, tuple[Any, str | None]] = {}
    for region in topology.regions:
        own = config.get_secret(f"kubeconfig-{region.name}")
        # A shared kubeconfig holds one context per region, named after the region.
        kubeconfigs[region.name] = (own, None) if own is not None else (shared, region.name if shared else None)
    return build(topology, opts, kubeconfigs)
