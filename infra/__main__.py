"""Pulumi entry point (``main: infra/`` in Pulumi.yaml): ``pulumi preview`` / ``pulumi up`` run this file."""

from __future__ import annotations

import pulumi

from infra.entry import CONFIG_NAMESPACE, run
from yunwang.errors import InputError
from yunwang.stacks import project_root
from yunwang.topology import load_topology


def main() -> None:
    root = project_root()
    topology_ref = pulumi.Config(CONFIG_NAMESPACE).require("topology")
    try:
        topology = load_topology(root / topology_ref)
        run(topology, pulumi.get_stack(), root)
    except InputError as exc:
        raise pulumi.RunError(str(exc)) from None


main()
