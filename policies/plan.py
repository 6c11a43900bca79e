"""The offline plan as audit facts: ``DIR/resources.json``, ``DIR/manifests/**`` and the stack's topology.

``yunwang plan --out DIR`` writes resources and manifests but not the topology they came from; the topology is
read from ``DIR/topology.yaml`` when present, else from the stack named in resources.json (its
``Pulumi.<stack>.yaml`` in the project). Without a topology the IaC rules cannot run: that is an error entry,
and the manifests are still audited.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policies.engine import AuditError, AuditUnit, ReadStats, Waiver
from policies.k8s import K8sFacts, load_k8s, read_text

if TYPE_CHECKING:  # the pydantic model is imported only when a plan is loaded, not for `audit k8s`
    from yunwang.topology import Topology


@dataclass
class PlanFacts:
    """What the IaC rules see: the validated topology, the plan's resource records and its manifests."""

    topology: Topology
    resources: list[dict[str, Any]] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    k8s: K8sFacts = field(default_factory=K8sFacts)
    file: str = "resources.json"
    topology_file: str | None = None

    def of_type(self, suffix: str) -> list[dict[str, Any]]:
        return [r for r in self.resources if str(r.get("type", "")).endswith(suffix)]


@dataclass
class PlanLoad:
    units: list[AuditUnit]
    errors: list[AuditError]
    waivers: list[Waiver]
    facts: PlanFacts | None


def _topology(directory: Path, stack: str | None, errors: list[AuditError]) -> tuple[Topology | None, str | None]:
    from yunwang.errors import InputError
    from yunwang.topology import load_topology

    local = directory / "topology.yaml"
    try:
        if local.is_file():
            return load_topology(local), str(local)
        if stack:
            from yunwang.stacks import load_stack

            loaded = load_stack(stack)
            return loaded.topology, str(loaded.topology_file)
    except InputError as exc:
        for p in exc.problems:
            errors.append(AuditError(p.file, p.line, f"topology: {p.render()}"))
        return None, None
    errors.append(AuditError(str(directory / "resources.json"), None,
                             "no topology: resources.json names no stack and there is no topology.yaml; "
                             "IaC rules not run"))
    return None, None


def load_plan(directory: Path, stats: ReadStats) -> PlanLoad:
    """Read a plan folder; every problem is an error entry naming the file, and whatever can be audited is."""
    errors: list[AuditError] = []
    units: list[AuditUnit] = []
    waivers: list[Waiver] = []
    if not directory.is_dir():
        return PlanLoad([], [AuditError(str(directory), None, "not a folder: pass the DIR of `yunwang plan --out "
                                                               "DIR`")], [], None)
    doc: dict[str, Any] = {}
    res_file = directory / "resources.json"
    stats.note_file("plan")
    if not res_file.is_file():
        errors.append(AuditError(str(res_file), None, "missing: run `yunwang plan --stack S --out DIR` first"))
    else:
        text = read_text(res_file, errors)
        if text is not None:
            try:
                loaded = json.loads(text)
            except json.JSONDecodeError as exc:
                errors.append(AuditError(str(res_file), exc.lineno, f"invalid JSON: {exc.msg}"))
            else:
                if isinstance(loaded, dict) and isinstance(loaded.get("resources", []), list):
                    doc = loaded
                else:
                    errors.append(AuditError(str(res_file), 1, "expected an object with a 'resources' list"))
    resources = [r for r in doc.get("resources", []) if isinstance(r, dict)]
    stats.note_read("plan", len(resources))
    k8s = K8sFacts()
    manifests = directory / "manifests"
    if manifests.is_dir():
        loaded_k8s = load_k8s([manifests], stats, display_root=directory)
        k8s = loaded_k8s.facts
        errors += loaded_k8s.errors
        waivers += loaded_k8s.waivers
        if k8s.objects:
            units.append(AuditUnit("k8s", k8s))
    facts = None
    if doc:
        topology, topology_file = _topology(directory, doc.get("stack"), errors)
        if topology is not None:
            facts = PlanFacts(topology=topology, resources=resources, outputs=doc.get("outputs") or {}, k8s=k8s,
                              file=str(res_file), topology_file=topology_file)
            units.insert(0, AuditUnit("plan", facts))
            stats.note_audited("plan", len(resources) or 1)
        else:
            stats.skip("plan", str(res_file), "no topology: IaC rules not run")
    return PlanLoad(units=units, errors=errors, waivers=waivers, facts=facts)
