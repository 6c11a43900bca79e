"""What one monitor process serves and where it keeps its state: resolved once by the CLI or a test."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from monitor.alerting.settings import AlertingSettings

DEFAULT_DB_URL = "sqlite:///.yunwang/monitor.db"
DEFAULT_LISTEN = "127.0.0.1:8080"
DEFAULT_POLLER = "127.0.0.1:9811"


@dataclass(frozen=True)
class Tokens:
    """Plain-text secrets as read from env or files; only their digests outlive start-up (see auth.py)."""

    admin: str | None = None
    viewer: str | None = None
    agent_bootstrap: str | None = None
    alertmanager: str | None = None


@dataclass(frozen=True)
class Limits:
    """Request limits that keep a misbehaving client from exhausting the monitor."""

    max_body_bytes: int = 1 << 20
    max_audit_bytes: int = 32 << 20
    auth_failures_per_window: int = 20
    auth_failure_window_s: float = 60.0
    max_seq_ahead_ms: int = 5 * 60 * 1000
    """How far a heartbeat's seq may run ahead of the monitor's clock in milliseconds (see routes/agents.py)."""


@dataclass(frozen=True)
class SessionPolicy:
    """Sign-in sessions of the overview: ended after ``idle_s`` without a request, or ``max_s`` after sign-in."""

    idle_s: float = 15 * 60.0
    max_s: float = 12 * 3600.0


@dataclass(frozen=True)
class MonitorSettings:
    stack: str = "dev"
    db_url: str = DEFAULT_DB_URL
    listen: str = DEFAULT_LISTEN
    endpoints_file: Path | None = None
    prometheus_url: str | None = None
    alert_sources: tuple[str, ...] = ()
    """Prometheus servers whose firing alerts the overview shows (``--alerts-from``; default ``prometheus_url``)."""
    poller_targets: tuple[str, ...] = (DEFAULT_POLLER,)
    host_targets: str = "all"  # "all": topology hosts + registered agents; "agents": registered agents only
    open_metrics: bool = False
    tokens: Tokens = field(default_factory=Tokens)
    limits: Limits = field(default_factory=Limits)
    sessions: SessionPolicy = field(default_factory=SessionPolicy)
    enrolment: bool = True
    """Whether the agent bootstrap token may enrol agent ids that have no token yet."""
    sd_allow: tuple[str, ...] = ()
    """Ranges (CIDR) an agent's address may lie in besides the stack's declared ranges (``--sd-allow``)."""
    sd_refresh_s: float = 5.0
    """How often replicated state (registered agents) is re-read for SD bodies and /metrics."""
    project_root: Path | None = None
    alerting: AlertingSettings = field(default_factory=AlertingSettings)
