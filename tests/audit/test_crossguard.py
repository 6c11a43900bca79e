"""The CrossGuard pack: policies validated by hand-built arguments (a PolicyPack would start a server)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import audit_k8s_cases as cases
import pytest
from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from policies.pack.crossguard import build_policies

OPTS = PolicyResourceOptions(protect=False, ignore_changes=[], delete_before_replace=None, aliases=[],
                             custom_timeouts=PolicyCustomTimeouts(0, 0, 0), additional_secret_outputs=[])


def _type(doc: dict[str, Any]) -> str:
    group, _, version = doc["apiVersion"].rpartition("/")
    return f"kubernetes:{group or 'core'}/{version}:{doc['kind']}"


def _resource(doc: dict[str, Any]) -> PolicyResource:
    return PolicyResource(_type(doc), doc, f"urn:pulumi:dev::yunwang::{_type(doc)}::{doc['metadata']['name']}",
                          doc["metadata"]["name"], OPTS, None, None, [], {})


@pytest.fixture(scope="module")
def policies() -> dict[str, Any]:
    return {p.name: p for p in build_policies()}


def violations(policy: ResourceValidationPolicy | StackValidationPolicy, docs: list[dict[str, Any]]) -> list[str]:
    found: list[str] = []

    def report(message: str, urn: str | None = None) -> None:
        found.append(message)

    flat = [i for d in docs for i in (d["items"] if d["kind"] == "List" else [d])]
    if isinstance(policy, StackValidationPolicy):
        policy.validate(StackValidationArgs([_resource(d) for d in flat]), report)
    else:
        for d in flat:
            r = _resource(d)
            policy.validate(ResourceValidationArgs(r.resource_type, r.props, r.urn, r.name, OPTS, None), report)
    return found


def test_enforcement_follows_severity(policies) -> None:  # type: ignore[no-untyped-def]
    assert policies["yw-k8s-001"].enforcement_level == EnforcementLevel.MANDATORY
    assert policies["yw-k8s-006"].enforcement_level == EnforcementLevel.ADVISORY
    assert isinstance(policies["yw-k8s-011"], StackValidationPolicy)
    assert isinstance(policies["yw-k8s-001"], ResourceValidationPolicy)


@pytest.mark.parametrize("rule_id", sorted(cases.FAILING))
def test_pack_reports_what_the_audit_reports(policies, rule_id: str) -> None:  # type: ignore[no-untyped-def]
    policy = policies[rule_id.lower()]
    assert violations(policy, cases.secure()) == []
    messages = violations(policy, cases.mutated(rule_id))
    assert messages and all(m.startswith(rule_id) for m in messages)


def test_non_kubernetes_resources_are_ignored(policies) -> None:  # type: ignore[no-untyped-def]
    found: list[str] = []
    args = ResourceValidationArgs("yunwang:infra:Tenant", {"kind": "Pod", "spec": {"hostPID": True}}, "urn:x",
                                  "x", OPTS, None)
    policies["yw-k8s-004"].validate(args, lambda m, u=None: found.append(m))
    assert found == []


def test_importing_the_entry_point_builds_no_pack() -> None:
    """__main__ builds the PolicyPack (which serves and blocks) only when run as the pack."""
    main = Path(__file__).resolve().parents[2] / "policies" / "pack" / "__main__.py"
    code = f"import runpy; runpy.run_path({str(main)!r}, run_name='not_main'); print('ok')"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "ok", proc.stderr
