"""Configuration drift of network devices, the latest report per device.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "device_drift",
        sa.Column("device", sa.String(128), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False),
        sa.Column("drift_lines", sa.Integer, nullable=True),
        sa.Column("collected_at", sa.Float, nullable=True),
        sa.Column("remediation", sa.Text, nullable=False),
        sa.Column("reported_at", sa.Float, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("device_drift")
