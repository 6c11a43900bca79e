"""The PostgreSQL test cluster stops quickly and for certain: fast shutdown even with a transaction open, SIGKILL
of a hung server and its backends after a bounded wait, and clusters of killed test runs reaped (only those)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from monitor_postgres import OWNER_FILE, PREFIX, Cluster, child_pids, reap_orphans, start_cluster, stop_cluster
from monitor_testlib import free_port, need_binary


@pytest.fixture
def cluster(pg_template: Path) -> Iterator[Cluster]:
    started = start_cluster(pg_template, need_binary("postgres", "postgresql"), free_port())
    yield started
    stop_cluster(started, timeout=1)  # a no-op when the test stopped it


def running(pid: int) -> bool:
    """Alive and not a zombie (a killed child of a reparented process may wait a moment to be reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
    except OSError:
        return False
    return state != b"Z"


def family_with_a_transaction_open(cluster: Cluster) -> tuple[list[int], psycopg.Connection]:
    connection = psycopg.connect(cluster.dsn)
    connection.execute("CREATE TABLE t (n int)")
    connection.execute("INSERT INTO t VALUES (1)")  # psycopg opened a transaction and leaves it open
    family = [cluster.proc.pid, *child_pids(cluster.proc.pid)]
    assert len(family) >= 3  # postmaster, the backend serving us, and auxiliary processes
    return family, connection


def test_fast_shutdown_does_not_wait_for_open_sessions(cluster: Cluster) -> None:
    family, connection = family_with_a_transaction_open(cluster)
    started = time.monotonic()
    assert stop_cluster(cluster) is True
    assert time.monotonic() - started < 5  # a smart shutdown (SIGTERM) would wait for this session forever
    assert not [pid for pid in family if running(pid)] and not cluster.base.exists()
    connection.close()


def test_a_hung_server_is_killed_with_its_backends(cluster: Cluster) -> None:
    family, connection = family_with_a_transaction_open(cluster)
    os.kill(cluster.proc.pid, signal.SIGSTOP)  # cannot act on the shutdown request
    started = time.monotonic()
    assert stop_cluster(cluster, timeout=0.5) is False
    assert time.monotonic() - started < 5
    deadline = time.monotonic() + 5
    while [pid for pid in family if running(pid)] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in family if running(pid)] and not cluster.base.exists()
    connection.close()


def test_only_clusters_of_dead_test_runs_are_reaped(tmp_path: Path) -> None:
    bystander = subprocess.Popen(["sleep", "60"])  # a live process whose pid an old postmaster.pid names
    dead_owner = subprocess.Popen(["true"])
    dead_owner.wait()
    orphan, owned = tmp_path / f"{PREFIX}orphan", tmp_path / f"{PREFIX}owned"
    for base, owner in ((orphan, dead_owner.pid), (owned, os.getpid())):
        (base / "data").mkdir(parents=True)
        (base / OWNER_FILE).write_text(f"{owner}\n")
        (base / "data" / "postmaster.pid").write_text(f"{bystander.pid}\n{base / 'data'}\n")
    try:
        assert reap_orphans((tmp_path,)) == [orphan]
        assert not orphan.exists() and owned.exists()
        assert bystander.poll() is None  # not that cluster's postmaster (its command line differs): untouched
    finally:
        bystander.kill()
        bystander.wait()
