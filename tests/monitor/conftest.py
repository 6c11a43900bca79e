"""Monitor fixtures: a real PostgreSQL started on 127.0.0.1 for the session, and apps on either backend."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from monitor_testlib import ADMIN, AGENT, BACKENDS, VIEWER, free_port, need_binary, new_database


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the `postgres` user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """URL of a throw-away PostgreSQL cluster (trust auth, loopback only) for this test session."""
    initdb = need_binary("initdb", "postgresql")
    server = need_binary("postgres", "postgresql")
    base = Path(tempfile.mkdtemp(prefix="yunwang-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    data = base / "data"
    subprocess.run(_as_postgres([initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                                 "--no-sync"]), check=True, capture_output=True)
    port = free_port()
    log = open(base / "server.log", "wb")  # noqa: SIM115 - open for the server's whole life
    proc = subprocess.Popen(_as_postgres([server, "-D", str(data), "-k", str(base), "-p", str(port),
                                          "-h", "127.0.0.1", "-c", "fsync=off", "-c", "max_connections=200"]),
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    import psycopg

    deadline = time.monotonic() + 30
    while True:
        try:
            psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=postgres", connect_timeout=2).close()
            break
        except psycopg.OperationalError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError((base / "server.log").read_text()[-2000:]) from None
            time.sleep(0.2)
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(base, ignore_errors=True)


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


