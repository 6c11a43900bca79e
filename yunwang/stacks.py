"""Stacks: ``Pulumi.<stack>.yaml`` names the topology file; the rest of the config is Pulumi's."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yunwang.errors import InputError, Problem
from yunwang.topology import Topology, load_topology
from yunwang.yamlsource import load_yaml

PROJECT = "yunwang"
TOPOLOGY_KEY = f"{PROJECT}:topology"


def project_root(start: Path | None = None) -> Path:
    """The folder holding ``Pulumi.yaml``: ``$YUNWANG_HOME``, else upward from ``start``/cwd, else the source tree."""
    env = os.environ.get("YUNWANG_HOME")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "Pulumi.yaml").is_file():
            return folder
    source_tree = Path(__file__).resolve().parent.parent
    if (source_tree / "Pulumi.yaml").is_file():
        return source_tree
    return here


@dataclass
class Stack:
    """A stack's Pulumi config plus its validated topology."""

    name: str
    root: Path
    config: dict[str, Any] = field(default_factory=dict)
    topology_file: Path = Path()
    topology: Topology | None = None

    @property
    def secret_keys(self) -> list[str]:
        return [k for k, v in self.config.items() if isinstance(v, dict) and "secure" in v]

    def plain_config(self) -> dict[str, str]:
        """Config values as Pulumi hands them to a program (strings), secrets excluded."""
        import json

        out: dict[str, str] = {}
        for key, value in self.config.items():
            if isinstance(value, dict) and "secure" in value:
                continue
            out[key] = value if isinstance(value, str) else json.dumps(value)
        return out


def available_stacks(root: Path | None = None) -> list[str]:
    root = root or project_root()
    return sorted(p.name[len("Pulumi."):-len(".yaml")] for p in root.glob("Pulumi.*.yaml"))


def load_stack(name: str, root: Path | None = None) -> Stack:
    """Read ``Pulumi.<name>.yaml`` and the topology it names; every problem is an :class:`InputError`."""
    root = root or project_root()
    stack_file = root / f"Pulumi.{name}.yaml"
    if not stack_file.is_file():
        known = ", ".join(available_stacks(root)) or "none"
        raise InputError([Problem(str(stack_file), None, "", name, "no such stack",
                                  f"use one of: {known} (or create {stack_file.name})")])
    doc = load_yaml(stack_file)
    config = (doc.data or {}).get("config", {}) if isinstance(doc.data, dict) else None
    if not isinstance(config, dict):
        raise InputError([Problem(str(stack_file), doc.line_of(("config",)), "config", "",
                                  "'config' must be a mapping", "see Pulumi's stack settings file format")])
    topo_ref = config.get(TOPOLOGY_KEY)
    if not isinstance(topo_ref, str):
        raise InputError([Problem(str(stack_file), doc.line_of(("config",)), f"config.{TOPOLOGY_KEY}",
                                  str(topo_ref or ""), "the stack does not name its topology file",
                                  f"set '{TOPOLOGY_KEY}: infra/topology/{name}.yaml'")])
    topo_file = (root / topo_ref).resolve()
    topology = load_topology(topo_file)
    return Stack(name=name, root=root, config=config, topology_file=topo_file, topology=topology)
