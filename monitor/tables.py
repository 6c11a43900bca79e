"""The monitor's tables (SQLAlchemy Core). Migrations in monitor/migrations/ create exactly these."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

agents = Table(
    "agents",
    metadata,
    Column("agent_id", String(128), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("hostname", String(255), nullable=False),
    Column("version", String(64), nullable=False),
    Column("address", String(255), nullable=True),
    Column("last_seq", BigInteger, nullable=False),
    Column("sent_at", Float, nullable=False),
    Column("first_seen", Float, nullable=False),
    Column("last_seen", Float, nullable=False),
)

agent_facts = Table(
    "agent_facts",
    metadata,
    Column("agent_id", String(128), ForeignKey("agents.agent_id", ondelete="CASCADE"), primary_key=True),
    Column("received_at", Float, nullable=False),
    Column("document", Text, nullable=False),
)

agent_tokens = Table(
    "agent_tokens",
    metadata,
    Column("agent_id", String(128), primary_key=True),
    Column("token_hash", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
)

audits = Table(
    "audits",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("received_at", Float, nullable=False),
    Column("tool_name", String(64), nullable=False),
    Column("tool_version", String(64), nullable=False),
    Column("standard", String(128), nullable=False),
    Column("high", Integer, nullable=False),
    Column("medium", Integer, nullable=False),
    Column("low", Integer, nullable=False),
    Column("waived", Integer, nullable=False),
    Column("findings", Integer, nullable=False),
    Column("document", Text, nullable=False),
)

findings = Table(
    "findings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("audit_id", Integer, ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("rule_id", String(128), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("source", String(16), nullable=False),
    Column("target_id", Text, nullable=False),
    Column("clauses", Text, nullable=False, doc="',a,b,': delimited so one LIKE finds a clause"),
    Column("waived", Boolean, nullable=False),
    Column("document", Text, nullable=False),
    Index("ix_findings_audit", "audit_id", "idx"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True, doc="SHA-256 of the session id; the id itself is never stored"),
    Column("token_hash", String(64), nullable=False, doc="SHA-256 of the token that signed in"),
    Column("created_at", Float, nullable=False),
    Column("last_seen", Float, nullable=False),
)

sd_allowed = Table(
    "sd_allowed",
    metadata,
    Column("cidr", String(64), primary_key=True, doc="a range agents' addresses may lie in beyond the topology's"),
    Column("reason", String(255), nullable=False),
    Column("created_at", Float, nullable=False),
)

device_drift = Table(
    "device_drift",
    metadata,
    Column("device", String(128), primary_key=True),
    Column("region", String(64), nullable=False),
    Column("drift_lines", Integer, nullable=True, doc="NULL until a collection succeeded"),
    Column("collected_at", Float, nullable=True),
    Column("remediation", Text, nullable=False, doc="masked: every secret is [secret]"),
    Column("reported_at", Float, nullable=False),
    Column("error", Text, nullable=True, doc="why the latest collection failed; NULL after a good one"),
)

alert_notifications = Table(
    "alert_notifications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("received_at", Float, nullable=False),
    Column("receiver", String(128), nullable=False),
    Column("status", String(16), nullable=False),
    Column("group_key", Text, nullable=False),
    Column("external_url", Text, nullable=False),
    Column("truncated", Integer, nullable=False, doc="alerts Alertmanager left out of the notification"),
)

alert_events = Table(
    "alert_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("notification_id", Integer, ForeignKey("alert_notifications.id", ondelete="CASCADE"), nullable=False),
    Column("received_at", Float, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("alertname", String(255), nullable=False),
    Column("region", String(63), nullable=False),
    Column("severity", String(32), nullable=False),
    Column("starts_at", Float, nullable=False),
    Column("ends_at", Float, nullable=True),
    Column("labels", Text, nullable=False),
    Column("annotations", Text, nullable=False),
    Index("ix_alert_events_notification", "notification_id"),
    Index("ix_alert_events_received", "received_at"),
)

alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("notification_id", Integer, ForeignKey("alert_notifications.id", ondelete="CASCADE"), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("region", String(63), nullable=False),
    Column("status", String(16), nullable=False, doc="pending, delivered or failed (no attempt left)"),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", Float, nullable=True),
    Column("lease_until", Float, nullable=True, doc="a replica sending it holds it until then"),
    Column("last_error", Text, nullable=True),
    Column("delivered_at", Float, nullable=True),
    Index("ix_alert_deliveries_due", "status", "next_attempt_at"),
)
