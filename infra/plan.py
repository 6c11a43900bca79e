"""The offline plan: run the real program under Pulumi's mocks and write what it would send to Kubernetes.

No Pulumi CLI, engine, plugin, cluster or network is involved. The mock monitor records every registration
(type, name, parent, provider, inputs); numbers come back as floats and are made integers again where the
Kubernetes schema says so; secret values are replaced by ``[secret]`` before anything is written. The engine
registers resources in a varying order, so everything is sorted before it is written.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from infra.k8s_integers import restore_integers
from yunwang.stacks import Stack

PROJECT = "yunwang"


class _Dumper(yaml.CSafeDumper):
    """Multi-line strings (configs, dashboards) as literal blocks, so the manifests read like the files they hold."""


def _str(dumper: _Dumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _str)
SECRET = "[secret]"
_SIG_KEY = "4dabf18193072939515e22adb298388d"


@dataclass
class Registration:
    urn: str
    type: str
    name: str
    parent: str | None
    provider: str | None
    custom: bool
    inputs: Any


@dataclass
class PlanResult:
    stack: str
    registrations: list[Registration] = field(default_factory=list)
    topology_file: Path | None = None
    outputs: dict[str, Any] = field(default_factory=dict)


def redact(value: Any) -> Any:
    """The value with every secret (the mocks' marker dict) replaced by ``[secret]``."""
    if isinstance(value, dict):
        if _SIG_KEY in value:
            inner = value.get("value")
            # A secret map (pulumi-kubernetes makes a Secret's whole data/stringData secret): keys stay visible.
            return {k: SECRET for k in inner} if isinstance(inner, dict) else SECRET
        return {k: redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def placeholder_secrets(topology: Any) -> dict[str, str]:
    """Deterministic stand-ins for the stack's secret config: the plan never needs (or sees) real secrets."""
    from infra.alert_secrets import needed
    from infra.components.monitoring import TOKEN_ROLES
    from infra.components.network_inventory import credential_fields
    from infra.program import needed_databases

    creds = {p.name: {f: f"plan-placeholder-{p.name}-{f}" for f in credential_fields(p)}
             for p in topology.snmp_profiles}
    alerts: dict[str, dict[str, str]] = {}
    for region, name in needed(topology):
        alerts.setdefault(region, {})[name] = f"plan-placeholder-{region}-{name}"
    databases = {region: {name: f"postgresql://{name}:plan-placeholder@{name}.{region}.db.invalid:5432/{name}"
                          for name in names} for region, names in needed_databases(topology).items()}
    return {"yunwang:snmpCredentials": json.dumps(creds, sort_keys=True),
            **{f"yunwang:monitor{role.title()}Token": f"plan-placeholder-monitor-{role}-token"
               for role in TOKEN_ROLES},
            "yunwang:grafanaAdminPassword": "plan-placeholder-grafana-admin",
            "yunwang:databases": json.dumps(databases, sort_keys=True),
            "yunwang:backupRepository": "rest:https://backup:plan-placeholder@backup.invalid:8000/yunwang",
            "yunwang:backupPassword": "plan-placeholder-backup",
            "yunwang:alertSecrets": json.dumps(alerts, sort_keys=True),
            "yunwang:smtpPassword": "plan-placeholder-smtp",
            "yunwang:deviceSystemPassword": "plan-placeholder-device-system"}


def run_program(stack_name: str | Stack, *, root: Path | None = None, secrets: dict[str, str] | None = None,
                on_register: Callable[[int], None] | None = None) -> PlanResult:
    """Load the stack (InputError on bad input) and run the program under mocks; returns every registration.

    ``secrets`` overrides the placeholder secret config (tests set recognizable values through it).
    """
    from yunwang.stacks import load_stack

    stack = load_stack(stack_name, root) if isinstance(stack_name, str) else stack_name
    stack_name = stack.name
    assert stack.topology is not None
    config = {**stack.plain_config(), **placeholder_secrets(stack.topology), **(secrets or {})}
    secret_keys = [*stack.secret_keys, *placeholder_secrets(stack.topology), *(secrets or {})]
    config = {k: v for k, v in config.items() if not (isinstance(v, dict) and "secure" in v)}
    result = PlanResult(stack=stack_name, topology_file=stack.topology_file)

    def program() -> None:
        from infra.entry import run

        result.outputs = run(stack.topology, stack_name, stack.root)  # type: ignore[arg-type]

    result.registrations = run_with_mocks(program, stack_name, config, secret_keys, on_register)
    return result


def run_with_mocks(program: Callable[[], object], stack_name: str, config: dict[str, str], secret_keys: list[str],
                   on_register: Callable[[int], None] | None = None) -> list[Registration]:
    """Run ``program`` under fresh mocks (safe to repeat in one process) and return its registrations."""
    import pulumi
    from pulumi.runtime import mocks, rpc, settings
    from pulumi.runtime.proto import resource_pb2
    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

    recorded: list[Registration] = []
    lock = threading.Lock()

    class Recorder(mocks.MockMonitor):
        """Records each registration; answers with no outputs (the program reads none)."""

        def RegisterResource(self, request: Any) -> Any:
            urn = self.make_urn(request.parent, request.type, request.name)
            if request.type == "pulumi:pulumi:Stack":
                return resource_pb2.RegisterResourceResponse(urn=urn)
            _ensure_event_loop()
            inputs = rpc.deserialize_properties(request.object)
            provider = request.provider.rsplit("::", 1)[0] if request.provider else None  # "URN::ID"
            parent = request.parent if request.parent and "::pulumi:pulumi:Stack::" not in request.parent else None
            rid = f"{request.name}_id"
            with lock:
                recorded.append(Registration(urn, request.type, request.name, parent, provider,
                                             bool(request.custom), inputs))
                self.resources[urn] = mocks.MockMonitor.ResourceRegistration(urn, rid, {})
                count = len(recorded)
            if on_register is not None:
                on_register(count)
            return resource_pb2.RegisterResourceResponse(urn=urn, id=rid)

    class NoCalls(pulumi.runtime.Mocks):
        def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
            return f"{args.name}_id", {}

        def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
            return {}, None

    _ensure_event_loop()  # an earlier asyncio.run() in this process leaves the main thread without a loop
    settings.reset_options(project=PROJECT, stack=stack_name)
    pulumi.runtime.set_all_config(config, secret_keys)
    pulumi.runtime.set_mocks(NoCalls(), project=PROJECT, stack=stack_name, preview=False,
                             monitor=Recorder(NoCalls()))
    settings.SETTINGS.outputs.clear()
    def body() -> None:
        program()

    _sync_await(run_pulumi_func(body))
    return recorded


def region_of(reg: Registration) -> str:
    """Every yunwang resource name starts with its region (``luan/…``; providers are named after it)."""
    return reg.name.split("/", 1)[0]


def manifest_path(region: str, manifest: dict[str, Any]) -> str:
    md = manifest.get("metadata") or {}
    return f"manifests/{region}/{md.get('namespace') or '_cluster'}/{manifest['kind'].lower()}-{md['name']}.yaml"


def check_out(out: Path) -> None:
    """Refuse an output folder whose ``manifests`` folder is not an earlier plan's (it would be replaced)."""
    if (out / "manifests").exists() and not (out / "resources.json").is_file():
        from yunwang.errors import InputError, Problem

        raise InputError([Problem(str(out), None, "", "", "the folder holds a 'manifests' folder but no plan",
                                  "choose an empty or new --out folder (an old plan there is replaced)")])


def write_plan(result: PlanResult, out: Path, on_write: Callable[[], None] | None = None) -> list[dict[str, Any]]:
    """Write ``out/resources.json``, ``out/manifests/…`` and ``out/topology.yaml``; returns the records by URN.

    The topology travels with the plan, so an audit later or elsewhere judges what was planned, not today's file.
    """
    check_out(out)
    manifests_dir = out / "manifests"
    if manifests_dir.exists():
        shutil.rmtree(manifests_dir)  # a previous plan: replaced whole, so no stale manifest survives
    out.mkdir(parents=True, exist_ok=True)
    records: list[dict[str, Any]] = []
    made: set[Path] = set()
    for reg in sorted(result.registrations, key=lambda r: r.urn):
        region = region_of(reg)
        inputs = redact(reg.inputs)
        path = None
        if reg.custom and reg.type.startswith("kubernetes:") and isinstance(inputs, dict) and "kind" in inputs:
            inputs = restore_integers(inputs)
            path = manifest_path(region, inputs)
            target = out / path
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_text(yaml.dump(inputs, Dumper=_Dumper, sort_keys=True, allow_unicode=True,
                                        default_flow_style=False, width=120), encoding="utf-8")
            if on_write is not None:
                on_write()
        records.append({"urn": reg.urn, "type": reg.type, "name": reg.name, "parent": reg.parent,
                        "region": region, "provider": reg.provider, "inputs": inputs, "manifest": path})
    (out / "resources.json").write_text(resources_json(result, records), encoding="utf-8")
    if result.topology_file is not None and result.topology_file.is_file():
        shutil.copyfile(result.topology_file, out / "topology.yaml")
    return records


def write_device_configs(stack: Stack, out: Path, on_device: Callable[[], None] | None = None) -> int:
    """``out/configs/<region>/<device>.cfg``: every device's rendered configuration, secrets ``[secret]``."""
    from infra.network.render import render_stack, write_configs

    assert stack.topology is not None
    rendered = render_stack(stack.topology, stack.topology_file,
                            on_device=(lambda _r: on_device()) if on_device else None)
    return len(write_configs(rendered, out))


def resources_json(result: PlanResult, records: list[dict[str, Any]]) -> str:
    """One resource a line: readable and diffable, and written by the C JSON encoder (indent= is pure Python)."""
    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    lines = ",\n".join(dump(r) for r in records)
    return (f'{{"project": {dump(PROJECT)}, "stack": {dump(result.stack)},\n"outputs": {dump(result.outputs)},\n'
            f'"resources": [\n{lines}\n]}}\n')
