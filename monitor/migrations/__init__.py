"""Alembic migrations of the monitor's database, run programmatically on start (see monitor/db.py)."""
