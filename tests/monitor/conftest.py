"""Monitor fixtures: a real PostgreSQL started on 127.0.0.1 for the session, and apps on either backend."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "netlinks"))  # links_testlib: the simulated fleet

from monitor_postgres import init_template, reap_orphans, remove_template, start_cluster, stop_cluster
from monitor_testlib import ADMIN, AGENT, BACKENDS, VIEWER, free_port, need_binary, new_database


@pytest.fixture(scope="session")
def pg_template() -> Iterator[Path]:
    """An initdb'd PostgreSQL data directory (trust auth) that clusters are copied from."""
    initdb = need_binary("initdb", "postgresql")
    reap_orphans()
    template = init_template(initdb)
    try:
        yield template
    finally:
        remove_template(template)


@pytest.fixture(scope="session")
def postgres(pg_template: Path) -> Iterator[str]:
    """URL of a throw-away PostgreSQL cluster (loopback only) for this test session."""
    cluster = start_cluster(pg_template, need_binary("postgres", "postgresql"), free_port())
    try:
        yield cluster.url
    finally:
        stop_cluster(cluster)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/monitor.db"
    return new_database(request.getfixturevalue("postgres"))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/monitor.db"


@pytest.fixture
def make_client(repo_root: Path) -> Iterator[Callable[..., Any]]:
    """Build a monitor over ``db_url`` with test tokens; keyword arguments override settings."""
    from fastapi.testclient import TestClient

    from monitor.app import create_app
    from monitor.service import build_monitor
    from monitor.settings import MonitorSettings, Tokens

    made: list[Any] = []

    def make(db_url: str, **overrides: Any) -> TestClient:
        settings = MonitorSettings(stack="dev", db_url=db_url, project_root=repo_root,
                                   tokens=Tokens(admin=ADMIN, viewer=VIEWER, agent_bootstrap=AGENT))
        settings = replace(settings, **overrides)
        monitor = build_monitor(settings)
        client = TestClient(create_app(monitor), raise_server_exceptions=False)
        made.append(monitor)
        return client

    yield make
    for monitor in made:
        monitor.close()


