"""Alerts: Alertmanager's webhook (history + robot forwards), the alert history and the forwards' outcomes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from monitor.alerting.payload import AlertEvent, Delivery, Status, WebhookAck, WebhookMessage
from monitor.deps import AlertSender, MonitorDep, Reader
from monitor.routes import API_V1
from monitor.routes.responses import errors, utc

router = APIRouter(prefix=f"{API_V1}/alerts", tags=["alerts"])
Limit = Annotated[int, Query(ge=1, le=1000)]
Offset = Annotated[int, Query(ge=0, le=2**31)]


@router.post("/webhook", response_model=WebhookAck, responses=errors())
async def webhook(message: WebhookMessage, _: AlertSender, monitor: MonitorDep) -> WebhookAck:
    """Alertmanager's webhook (version 4): stored before the reply, then forwarded to the team's robots."""
    notification_id, forwards = await run_in_threadpool(monitor.alerting.receive, message)
    return WebhookAck(notification_id=notification_id, alerts=len(message.alerts), forwards=forwards)


@router.get("", response_model=list[AlertEvent], responses=errors())
def list_alerts(_: Reader, monitor: MonitorDep, limit: Limit = 100, offset: Offset = 0,
                region: Annotated[str | None, Query(max_length=63)] = None, status: Status | None = None,
                alertname: Annotated[str | None, Query(max_length=255)] = None) -> list[AlertEvent]:
    """Alerts as Alertmanager notified them, newest first."""
    rows = monitor.alerting.history.events(limit, offset, region, status, alertname)
    return [AlertEvent(**{**r, "received_at": utc(r["received_at"]), "starts_at": utc(r["starts_at"]),
                          "ends_at": utc(r["ends_at"]) if r["ends_at"] is not None else None}) for r in rows]


@router.get("/deliveries", response_model=list[Delivery], responses=errors())
def list_deliveries(_: Reader, monitor: MonitorDep, limit: Limit = 100, offset: Offset = 0,
                    status: Annotated[str | None, Query(pattern="^(pending|delivered|failed)$")] = None
                    ) -> list[Delivery]:
    """Each forward to a robot: pending (with its next attempt), delivered, or failed with the last error."""
    rows = monitor.alerting.history.deliveries(status, limit, offset)
    return [Delivery(**{**{k: r[k] for k in Delivery.model_fields if k in r},
                        "next_attempt_at": utc(r["next_attempt_at"]) if r["next_attempt_at"] is not None else None,
                        "delivered_at": utc(r["delivered_at"]) if r["delivered_at"] is not None else None})
            for r in rows]
