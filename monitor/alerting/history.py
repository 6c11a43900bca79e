"""The alert history: every notification Alertmanager posted, its alerts, and each forward to a robot.

A notification and its forwards are stored in one transaction before Alertmanager gets its 200, so a forward
that later fails is still there to retry and to show: nothing acknowledged is lost. Several monitor replicas
share the database; a replica takes a forward by a conditional UPDATE (a lease), so each is sent by one.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, or_, select, update

from monitor import tables as t
from monitor.alerting.payload import WebhookAlert, WebhookMessage

LEASE_S = 120.0
"""How long a replica may take to send a forward before another one may try it."""


@dataclass(frozen=True)
class StoredAlert:
    status: str
    labels: dict[str, str]
    annotations: dict[str, str]
    starts_at: float
    ends_at: float | None


@dataclass(frozen=True)
class Forward:
    """A forward due to be sent, with what the message needs."""

    id: int
    notification_id: int
    channel: str
    region: str
    attempts: int
    status: str
    """The notification's status (firing or resolved)."""
    external_url: str
    truncated: int
    alerts: tuple[StoredAlert, ...]


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _epoch(alert: WebhookAlert) -> tuple[float, float | None]:
    ends = alert.endsAt.timestamp() if alert.endsAt is not None and alert.endsAt.year > 1 else None
    return alert.startsAt.timestamp(), ends


class AlertHistory:
    def __init__(self, engine: Engine):
        self.engine = engine

    def record(self, message: WebhookMessage, forwards: Sequence[tuple[str, str]], now: float | None = None) -> int:
        """Store a notification, its alerts and one pending forward per (channel, region); returns its id."""
        now = time.time() if now is None else now
        with self.engine.begin() as c:
            notification_id = int(c.execute(t.alert_notifications.insert().values(
                received_at=now, receiver=message.receiver, status=message.status, group_key=message.groupKey,
                external_url=message.externalURL, truncated=message.truncatedAlerts,
            ).returning(t.alert_notifications.c.id)).scalar_one())
            rows = []
            for alert in message.alerts:
                starts, ends = _epoch(alert)
                labels = alert.labels
                rows.append({"notification_id": notification_id, "received_at": now,
                             "fingerprint": alert.fingerprint, "status": alert.status,
                             "alertname": labels.get("alertname", "")[:255], "region": labels.get("region", "")[:63],
                             "severity": labels.get("severity", "")[:32], "starts_at": starts, "ends_at": ends,
                             "labels": _dumps(labels), "annotations": _dumps(alert.annotations)})
            c.execute(t.alert_events.insert(), rows)
            if forwards:
                c.execute(t.alert_deliveries.insert(), [
                    {"notification_id": notification_id, "channel": channel, "region": region, "status": "pending",
                     "attempts": 0, "next_attempt_at": now, "lease_until": None, "last_error": None,
                     "delivered_at": None} for channel, region in forwards])
        return notification_id

    # -- reading ---------------------------------------------------------------------------------------
    def events(self, limit: int = 100, offset: int = 0, region: str | None = None, status: str | None = None,
               alertname: str | None = None) -> list[dict[str, Any]]:
        """Alerts as notified, newest first."""
        e, n = t.alert_events, t.alert_notifications
        stmt = (select(e, n.c.receiver).select_from(e.join(n, n.c.id == e.c.notification_id))
                .order_by(e.c.id.desc()).limit(limit).offset(offset))
        for column, value in ((e.c.region, region), (e.c.status, status), (e.c.alertname, alertname)):
            if value is not None:
                stmt = stmt.where(column == value)
        with self.engine.connect() as c:
            rows = c.execute(stmt).mappings().all()
        return [{**{k: row[k] for k in ("id", "notification_id", "received_at", "receiver", "status", "alertname",
                                        "region", "severity", "starts_at", "ends_at")},
                 "labels": json.loads(row["labels"]), "annotations": json.loads(row["annotations"])}
                for row in rows]

    def deliveries(self, status: str | None = None, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        d = t.alert_deliveries
        stmt = select(d).order_by(d.c.id.desc()).limit(limit).offset(offset)
        if status is not None:
            stmt = stmt.where(d.c.status == status)
        with self.engine.connect() as c:
            return [dict(row) for row in c.execute(stmt).mappings()]

    # -- delivering ------------------------------------------------------------------------------------
    def due(self, now: float | None = None, limit: int = 20) -> list[int]:
        """Ids of forwards to try now (pending, due, not leased by a live replica), oldest first."""
        now = time.time() if now is None else now
        d = t.alert_deliveries
        stmt = (select(d.c.id).where(d.c.status == "pending", d.c.next_attempt_at <= now,
                                     or_(d.c.lease_until.is_(None), d.c.lease_until < now))
                .order_by(d.c.next_attempt_at, d.c.id).limit(limit))
        with self.engine.connect() as c:
            return [int(i) for i in c.execute(stmt).scalars()]

    def claim(self, delivery_id: int, now: float | None = None) -> Forward | None:
        """Take a due forward for ``LEASE_S`` (None when another replica took it first)."""
        now = time.time() if now is None else now
        d, n, e = t.alert_deliveries, t.alert_notifications, t.alert_events
        with self.engine.begin() as c:
            taken = c.execute(update(d).where(
                d.c.id == delivery_id, d.c.status == "pending",
                or_(d.c.lease_until.is_(None), d.c.lease_until < now),
            ).values(lease_until=now + LEASE_S)).rowcount
            if taken != 1:
                return None
            row = c.execute(select(d, n.c.status.label("notification_status"), n.c.external_url, n.c.truncated)
                            .select_from(d.join(n, n.c.id == d.c.notification_id))
                            .where(d.c.id == delivery_id)).mappings().one()
            alerts = tuple(StoredAlert(a["status"], json.loads(a["labels"]), json.loads(a["annotations"]),
                                       a["starts_at"], a["ends_at"])
                           for a in c.execute(select(e).where(e.c.notification_id == row["notification_id"])
                                              .order_by(e.c.id)).mappings())
        return Forward(id=delivery_id, notification_id=row["notification_id"], channel=row["channel"],
                       region=row["region"], attempts=row["attempts"], status=row["notification_status"],
                       external_url=row["external_url"], truncated=row["truncated"], alerts=alerts)

    def finish(self, forward: Forward, error: str | None, retry_at: float | None, now: float | None = None) -> None:
        """Record an attempt: delivered (``error`` None), retried at ``retry_at``, or failed for good."""
        now = time.time() if now is None else now
        d = t.alert_deliveries
        if error is None:
            values: dict[str, Any] = {"status": "delivered", "delivered_at": now, "last_error": None,
                                      "next_attempt_at": None}
        else:
            values = {"status": "pending" if retry_at is not None else "failed", "last_error": error[:2000],
                      "next_attempt_at": retry_at}
        with self.engine.begin() as c:
            c.execute(update(d).where(d.c.id == forward.id)
                      .values(attempts=forward.attempts + 1, lease_until=None, **values))
