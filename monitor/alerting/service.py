"""The monitor's alerting part: history, robot forwards and silences, built once per monitor process."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Engine

from monitor.alerting.delivery import DeliveryWorker
from monitor.alerting.history import AlertHistory
from monitor.alerting.payload import WebhookMessage
from monitor.alerting.robots import load_robot_secrets
from monitor.alerting.settings import AlertingSettings
from monitor.alerting.silences import Silences
from yunwang.topology import Topology

log = logging.getLogger("yunwang.monitor.alerting")


@dataclass
class Alerting:
    topo: Topology
    history: AlertHistory
    worker: DeliveryWorker
    silences: Silences

    def forwards_for(self, receiver: str) -> list[tuple[str, str]]:
        """(channel, region) of each robot of the receiver's team (receivers are named after regions)."""
        contact = self.topo.alerting.contact_for(receiver)
        return [] if contact is None else [(robot, contact.region) for robot in contact.robots]

    def receive(self, message: WebhookMessage) -> tuple[int, list[str]]:
        """Store a notification with its forwards (durable before returning), then wake the worker."""
        forwards = self.forwards_for(message.receiver)
        notification_id = self.history.record(message, forwards)
        if forwards:
            self.worker.wake()
        return notification_id, [channel for channel, _ in forwards]

    def close(self) -> None:
        self.worker.close()


def build_alerting(topo: Topology, engine: Engine, settings: AlertingSettings,
                   env: Mapping[str, str] | None = None) -> Alerting:
    secrets = load_robot_secrets(topo, env)
    if secrets.missing:
        log.warning("robot secrets not set, those forwards will be recorded as failed: %s", ", ".join(secrets.missing))
    history = AlertHistory(engine)
    worker = DeliveryWorker(history, secrets, settings)
    worker.start()
    return Alerting(topo, history, worker, Silences(settings.alertmanager_url, settings.timeout_s))
