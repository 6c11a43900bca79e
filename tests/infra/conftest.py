"""Session-scoped plans of the dev and liuan stacks, shared by the tests of this folder."""

from __future__ import annotations

import pytest
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
