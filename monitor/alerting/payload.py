"""Bodies of the alerting routes: Alertmanager's webhook (version 4), the alert history, silences.

Alertmanager's webhook body is validated strictly where the monitor relies on it (version, status, labels) and
lets unknown fields through, so a newer Alertmanager keeps working.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

Status = Literal["firing", "resolved"]
LabelName = Annotated[str, Field(max_length=128)]
LabelValue = Annotated[str, Field(max_length=4096)]
Labels = dict[LabelName, LabelValue]
MAX_ALERTS = 10_000
"""Alertmanager sends every alert of a group (``max_alerts: 0``); a city-wide storm is far below this."""


class _Open(BaseModel):
    model_config = ConfigDict(extra="ignore")


class WebhookAlert(_Open):
    status: Status
    labels: Annotated[Labels, Field(min_length=1)]
    annotations: dict[LabelName, Annotated[str, Field(max_length=16384)]] = Field(default_factory=dict)
    startsAt: datetime
    endsAt: datetime | None = None
    generatorURL: Annotated[str, Field(max_length=4096)] = ""
    fingerprint: Annotated[str, Field(max_length=64)] = ""


class WebhookMessage(_Open):
    """What Alertmanager posts to a ``webhook_configs`` URL (its documented version 4 body)."""

    version: Literal["4"]
    groupKey: Annotated[str, Field(max_length=8192)]
    truncatedAlerts: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0
    status: Status
    receiver: Annotated[str, Field(min_length=1, max_length=128)]
    groupLabels: Labels = Field(default_factory=dict)
    commonLabels: Labels = Field(default_factory=dict)
    commonAnnotations: dict[LabelName, str] = Field(default_factory=dict)
    externalURL: Annotated[str, Field(max_length=4096)] = ""
    alerts: Annotated[list[WebhookAlert], Field(min_length=1, max_length=MAX_ALERTS)]


class WebhookAck(BaseModel):
    notification_id: int
    alerts: int
    forwards: list[str]
    """The robot channels the notification will be forwarded to (``dingtalk``, ``wecom``)."""


class AlertEvent(BaseModel):
    """One alert as one notification carried it."""

    id: int
    notification_id: int
    received_at: datetime
    receiver: str
    status: Status
    alertname: str
    region: str
    severity: str
    starts_at: datetime
    ends_at: datetime | None
    labels: dict[str, str]
    annotations: dict[str, str]


class Delivery(BaseModel):
    """One forward of a notification to one robot, and how it went."""

    id: int
    notification_id: int
    channel: Literal["dingtalk", "wecom"]
    region: str
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    delivered_at: datetime | None


Scope = Literal["device", "site", "region"]
"""What a maintenance window covers; each is an alert label (``device``, ``site``, ``region``)."""
MAX_WINDOW_MINUTES = 14 * 24 * 60


class SilenceRequest(BaseModel):
    """A maintenance window: silence every alert of one device, site or region for a while."""

    model_config = ConfigDict(extra="forbid")

    scope: Scope
    name: Annotated[str, Field(min_length=1, max_length=255, examples=["jinan-acc-1"])]
    comment: Annotated[str, Field(min_length=1, max_length=1000, examples=["change CHG-2026-0142: core upgrade"])]
    created_by: Annotated[str, Field(min_length=1, max_length=128, examples=["zhang.wei"])]
    starts_at: AwareDatetime | None = Field(default=None, description="default: now")
    duration_minutes: Annotated[int, Field(ge=1, le=MAX_WINDOW_MINUTES)] = 60


class Silence(BaseModel):
    id: str
    scope: Scope
    name: str
    state: Literal["active", "pending", "expired"]
    starts_at: datetime
    ends_at: datetime
    created_by: str
    comment: str
