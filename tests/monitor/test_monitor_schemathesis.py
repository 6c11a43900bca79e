"""Property-based run of the OpenAPI schema: no 5xx and no response outside the documented schema."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from monitor_testlib import ADMIN, ROOT, SilenceApiDouble, bearer
from schemathesis import GenerationMode

from monitor.settings import Limits

EXAMPLES = 6
AUDIT_EXAMPLES = 3  # free-form extra fields make each generated audit document large and slow to build


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from monitor.alerting.settings import AlertingSettings
    from monitor.app import create_app
    from monitor.service import build_monitor
    from monitor.settings import MonitorSettings, Tokens

    db = Path(tmp_path_factory.mktemp("schemathesis")) / "monitor.db"
    silences = SilenceApiDouble()
    monitor = build_monitor(MonitorSettings(
        stack="dev", db_url=f"sqlite:///{db}", project_root=ROOT,
        tokens=Tokens(admin=ADMIN, viewer=ADMIN + "-viewer", agent_bootstrap=ADMIN + "-agent"),
        limits=Limits(auth_failures_per_window=1_000_000),
        alerting=AlertingSettings(alertmanager_url=silences.url)))
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(monitor))
    # Every case is sent with the admin token (below), so a generated or removed Authorization header would
    # never reach the app: a negative case whose only other change is an ignored extra query parameter then
    # counted as "invalid data accepted".
    schema.config.generation.update(with_security_parameters=False)
    yield schema
    monitor.close()
    silences.close()


def test_api_conforms_to_its_schema(api_schema: Any) -> None:
    """Every operation, a bounded number of generated (valid and invalid) requests, with an admin token."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15
    for operation, mode in itertools.product(operations, (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)):
        heavy = (operation.method.upper(), operation.path) == ("POST", "/api/v1/audits")

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=AUDIT_EXAMPLES if heavy else EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck), derandomize=True)
        def run(case: Any) -> None:
            case.call_and_validate(headers=bearer(ADMIN))

        try:
            run()
        except Unsatisfiable:
            assert mode is GenerationMode.NEGATIVE  # nothing to get wrong, e.g. an operation without parameters
