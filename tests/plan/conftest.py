"""Session-scoped plans of the dev and liuan stacks, shared by the tests of this folder."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The helpers next to this file (infra_plans, infra_k8s_schema, netpol_eval) are plain modules, whatever the
# import mode.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from infra_plans import ROOT, Plan, write


@pytest.fixture(scope="session")
def dev_plan(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    return write("dev", tmp_path_factory.mktemp("plan-dev"))


@pytest.fixture(scope="session")
def liuan_plan(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    if not (ROOT / "infra" / "topology" / "liuan.yaml").is_file():
        pytest.skip("infra/topology/liuan.yaml is not there yet")
    return write("liuan", tmp_path_factory.mktemp("plan-liuan"))


@pytest.fixture(params=["dev", "liuan"])
def plan(request: pytest.FixtureRequest) -> Plan:
    return request.getfixturevalue(f"{request.param}_plan")  # type: ignore[no-any-return]
