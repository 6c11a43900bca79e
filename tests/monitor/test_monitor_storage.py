"""Storage: migrations, atomic heartbeat ordering under concurrency, nothing acknowledged lost on kill -9."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from monitor_testlib import ADMIN, VIEWER, MonitorProcess, bearer, enrol, finding, heartbeat, report

from monitor.db import current_revision, head_revision, make_engine, migrate
from monitor.schemas import Heartbeat
from monitor.store import Conflict, Store
from yunwang.errors import InputError


def test_migrations_are_idempotent(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert migrate(engine) == head_revision()
        assert migrate(engine) == head_revision() == current_revision(engine)
    finally:
        engine.dispose()


def test_migrations_create_exactly_the_tables_the_code_uses(db_url: str) -> None:
    """monitor/tables.py and monitor/migrations agree: nothing for autogenerate to add, drop or change."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from monitor.tables import metadata

    engine = make_engine(db_url)
    try:
        migrate(engine)
        with engine.connect() as c:
            diff = compare_metadata(MigrationContext.configure(c, opts={"compare_type": True}), metadata)
        assert [d for d in diff if d[0] != "remove_table" or d[1].name != "alembic_version"] == []
    finally:
        engine.dispose()


def test_sqlite_is_durable_by_configuration(sqlite_url: str) -> None:
    from sqlalchemy import text

    engine = make_engine(sqlite_url)
    with engine.connect() as c:
        assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert c.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    engine.dispose()


def test_bad_database_urls_are_input_errors() -> None:
    for url, message in (("nonsense", "not a database URL"), ("sqlite://", "in-memory"),
                         ("mysql://u:secret@h/db", "unsupported")):
        with pytest.raises(InputError, match=message) as caught:
            make_engine(url)
        assert "secret" not in str(caught.value)


def test_postgres_without_its_driver_says_which_extra_to_install(tmp_path: Path) -> None:
    """A plain install has no PostgreSQL driver: exit 2 naming the `postgres` extra, no traceback, no password."""
    blocked = ("import sys; sys.modules['psycopg'] = None; from yunwang.cli import main; sys.argv[0] = 'yunwang'; "
               "main()")
    done = subprocess.run([sys.executable, "-c", blocked, "monitor", "--stack", "dev", "--listen", "127.0.0.1:1",
                           "--db", "postgresql://u:secret@127.0.0.1:1/db", "--state-dir", str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "PostgreSQL driver is not installed" in done.stderr
    assert "pip install 'yunwang[postgres]'" in done.stderr  # brackets survive the coloured error printer
    assert "Traceback" not in done.stderr and "secret" not in done.stderr


def test_concurrent_copies_of_one_heartbeat_are_stored_once(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    store = Store(engine)
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def send(seq: int) -> None:
        barrier.wait()
        try:
            store.record_heartbeat(Heartbeat(agent_id="a1", kind="host", hostname="h", version="1", seq=seq,
                                             sent_at=datetime.now(UTC)))
            outcomes.append("stored")
        except Conflict:
            outcomes.append("conflict")

    for seq in (1, 2):
        outcomes.clear()
        threads = [threading.Thread(target=send, args=(seq,)) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["conflict"] * 7 + ["stored"]
    assert [a.last_seq for a in store.agents()] == [2]
    engine.dispose()


def _writer(url: str, acked_audits: list[int], acked_seqs: list[int], stop: threading.Event) -> None:
    """Write audits and heartbeats as fast as one client can, recording what the monitor acknowledged."""
    seq = 0
    with httpx.Client(base_url=url, timeout=5) as client:
        while not stop.is_set():
            try:
                seq += 1
                hb = client.post("/api/v1/agents/w1/heartbeat", json=heartbeat("w1", seq=seq),
                                 headers=bearer(ADMIN))
                if hb.status_code == 200:
                    acked_seqs.append(seq)
                posted = client.post("/api/v1/audits", json=report(finding(f"r{seq}", "host-1")),
                                     headers=bearer(ADMIN))
                if posted.status_code == 201:
                    acked_audits.append(posted.json()["id"])
            except httpx.HTTPError:
                return


@pytest.mark.slow
def test_nothing_acknowledged_is_lost_on_kill_9(db_url: str, tmp_path: Path) -> None:
    server = MonitorProcess(tmp_path, db_url)
    acked_audits: list[int] = []
    acked_seqs: list[int] = []
    stop = threading.Event()
    writer = threading.Thread(target=_writer, args=(server.url, acked_audits, acked_seqs, stop))
    try:
        writer.start()
        deadline = time.monotonic() + 20
        while len(acked_audits) < 25 and time.monotonic() < deadline:
            time.sleep(0.05)
        server.proc.kill()  # SIGKILL mid-write: no shutdown handler runs
        server.proc.wait()
    finally:
        stop.set()
        writer.join(timeout=10)
    assert len(acked_audits) >= 25, "the writer did not get far enough to make the test meaningful"
    restarted = MonitorProcess(tmp_path, db_url)
    try:
        stored = httpx.get(f"{restarted.url}/api/v1/audits", params={"limit": 1000},
                           headers=bearer(VIEWER)).json()
        stored_ids = {a["id"] for a in stored}
        assert set(acked_audits) <= stored_ids
        agent: dict[str, Any] = httpx.get(f"{restarted.url}/api/v1/agents/w1", headers=bearer(VIEWER)).json()
        assert agent["last_seq"] >= max(acked_seqs)
        replay = httpx.post(f"{restarted.url}/api/v1/agents/w1/heartbeat", json=heartbeat("w1", seq=max(acked_seqs)),
                            headers=bearer(ADMIN))
        assert replay.status_code == 409
    finally:
        restarted.stop()


def test_two_replicas_share_one_postgresql(make_client: Any, postgres: str) -> None:
    """Replicas agree on heartbeat order and see each other's agents and audits."""
    from monitor_testlib import new_database

    url = new_database(postgres)
    a, b = make_client(url, sd_refresh_s=0.0), make_client(url, sd_refresh_s=0.0, sd_allow=("127.0.0.0/8",))
    own = enrol(a, "h1")  # enrolled on one replica, its token works on the other
    assert a.post("/api/v1/agents/h1/heartbeat", json=heartbeat("h1", seq=7, address="127.0.0.1:9999"),
                  headers=own).status_code == 200
    replay = b.post("/api/v1/agents/h1/heartbeat", json=heartbeat("h1", seq=7), headers=own)
    assert replay.status_code == 409
    assert ["127.0.0.1:9999"] in [g["targets"] for g in b.get("/api/v1/sd/host", headers=bearer(VIEWER)).json()]
    audit_id = b.post("/api/v1/audits", json=report(finding("r", "h1")), headers=bearer(ADMIN)).json()["id"]
    assert a.get(f"/api/v1/audits/{audit_id}", headers=bearer(VIEWER)).status_code == 200
