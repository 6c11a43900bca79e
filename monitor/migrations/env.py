"""Alembic environment: always given an open connection by monitor.db.migrate (no alembic.ini needed)."""

from __future__ import annotations

from alembic import context

from monitor.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached through the alembic command line
    raise SystemExit("run migrations through `yunwang monitor` (monitor.db.migrate), which supplies a connection")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
