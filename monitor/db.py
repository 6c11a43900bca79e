"""Database engine and migrations: SQLite (WAL, synchronous=FULL) by default, PostgreSQL for replicas.

An acknowledged write must survive ``kill -9`` and power loss: SQLite commits are fsynced (synchronous=FULL in
WAL mode), PostgreSQL commits are durable by default. A SQLite database (agents' facts: accounts, services,
open ports; audit history; token digests) is readable by its owner only: the file is created 0600 before SQLite
opens it (SQLite gives its -wal and -shm files the database file's mode) in a folder created 0700.

Migrations run on every start; on PostgreSQL an advisory lock keeps replicas that start together from
migrating at the same time.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from yunwang.errors import InputError, Problem

log = logging.getLogger("yunwang.monitor.db")

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK_ID = 0x79756E77  # "yunw": the advisory lock id replicas serialise migrations on


def _bad_url(url: str, message: str) -> InputError:
    return InputError([Problem("--db", None, "", _redact(url), message,
                               "use sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DB")])


def _redact(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable>"


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the durability settings above; the SQLite file's folder is created."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise _bad_url(url, "not a database URL") from None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:"):
            raise _bad_url(url, "an in-memory SQLite database would lose everything on restart")
        private_database_file(Path(database))
        engine = create_engine(parsed, connect_args={"timeout": 30, "check_same_thread": False},
                               pool_size=8, max_overflow=8)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() != "postgresql":
        raise _bad_url(url, f"unsupported database '{parsed.get_backend_name()}'")
    try:
        return create_engine(parsed, pool_size=8, max_overflow=8, pool_pre_ping=True)
    except ModuleNotFoundError as exc:  # the driver is the `postgres` extra, not a plain install
        raise InputError([Problem("--db", None, "", _redact(url), f"the PostgreSQL driver is not installed ({exc})",
                                  "pip install 'yunwang[postgres]', or use sqlite:///PATH")]) from None


def private_database_file(path: Path) -> None:
    """Create ``path``'s folder (0700) and the file itself (0600) unless they exist; narrow an existing database
    and its -wal/-shm files to 0600. An existing folder open to others is reported, not changed (it may be shared)."""
    folder = path.parent
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True)
    elif folder.stat().st_mode & 0o077:
        log.warning("the database folder %s is open to other users (mode %o); make it 0700",
                    folder, stat.S_IMODE(folder.stat().st_mode))
    os.close(os.open(path, os.O_RDONLY | os.O_CREAT, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists() and file.stat().st_mode & 0o077 and file.stat().st_uid == os.getuid():
            file.chmod(0o600)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def migrate(engine: Engine) -> str:
    """Bring the schema to the newest revision; returns that revision."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return current_revision(engine) or ""


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head
