"""The real entry point (infra/__main__.py, what `pulumi up` runs) and its config handling, under mocks."""

from __future__ import annotations

import json
import runpy

import pytest
from infra_plans import ROOT, SECRETS, Plan

from infra.plan import run_program, run_with_mocks
from yunwang.errors import InputError


def test_entry_point_registers_what_the_plan_shows(dev_plan: Plan, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YUNWANG_HOME", str(ROOT))
    config = {"yunwang:topology": "infra/topology/dev.yaml", **SECRETS}
    registrations = run_with_mocks(lambda: runpy.run_path(str(ROOT / "infra" / "__main__.py")), "dev", config,
                                   list(SECRETS))
    assert sorted(r.urn for r in registrations) == [r["urn"] for r in dev_plan.doc["resources"]]


def test_missing_credential_is_a_located_input_error() -> None:
    partial = json.dumps({"v3-core": {"auth_key": "a", "priv_key": "b"}, "v3-edge": {"auth_key": "c"}})
    with pytest.raises(InputError) as exc:
        run_program("dev", root=ROOT, secrets={"yunwang:snmpCredentials": partial})
    assert "yunwang:snmpCredentials.v3-edge.priv_key" in str(exc.value)
    assert "v3-core" not in str(exc.value)


def test_images_must_be_pinned_by_digest() -> None:
    with pytest.raises(InputError) as exc:
        run_program("dev", root=ROOT, secrets={"yunwang:images": json.dumps({"grafana": "grafana/grafana:11"})})
    assert "yunwang:images" in str(exc.value) and "grafana/grafana:11" in str(exc.value)
