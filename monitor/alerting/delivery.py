"""The delivery worker: sends stored forwards to the robots, retries them, and records every outcome.

One background thread per monitor: woken when a notification is stored, and every ``poll_s`` for retries, forwards
left by a replica that stopped, and forwards stored before a restart. An attempt tries the HTTP request up to
``tries`` times (0.5 s, 1 s apart); a failed attempt is retried 1, 2, 4 … 30 minutes later, up to
``max_attempts``, then the forward stays in the history as failed with its last error.
"""

from __future__ import annotations

import logging
import threading
import time

import httpx

from monitor.alerting.history import AlertHistory
from monitor.alerting.robots import Request, RobotSecrets, build_request, scrub, send
from monitor.alerting.settings import AlertingSettings

log = logging.getLogger("yunwang.monitor.alerting")
MAX_BACKOFF_S = 1800.0


def retry_delay(attempts: int) -> float:
    """Seconds before attempt ``attempts + 1``: 60, 120, 240 … at most 30 minutes."""
    return min(MAX_BACKOFF_S, 60.0 * 2 ** max(0, attempts - 1))


class DeliveryWorker:
    def __init__(self, history: AlertHistory, secrets: RobotSecrets, settings: AlertingSettings):
        self.history, self.secrets, self.settings = history, secrets, settings
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._client = httpx.Client(timeout=settings.timeout_s, trust_env=True)
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="alert-delivery", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._client.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # a database hiccup must not end deliveries: try again at the next round
                log.exception("alert delivery round failed")
            self._wake.wait(self.settings.poll_s)
            self._wake.clear()

    def run_once(self) -> int:
        """Try every due forward once; returns how many were attempted."""
        tried = 0
        for delivery_id in self.history.due():
            if self._stop.is_set():
                break
            forward = self.history.claim(delivery_id)
            if forward is None:
                continue  # another replica has it
            tried += 1
            request = build_request(forward, self.secrets, self.settings.dingtalk_api, self.settings.wecom_api)
            if isinstance(request, str):  # no secret: retrying cannot help until the monitor is reconfigured
                self.history.finish(forward, request, None)
                log.warning("alert forward %d (%s, %s) failed: %s", forward.id, forward.channel, forward.region,
                            request)
                continue
            error = self._attempt(request)
            attempts = forward.attempts + 1
            retry_at = time.time() + retry_delay(attempts) if error and attempts < self.settings.max_attempts else None
            self.history.finish(forward, error, retry_at)
            if error:
                log.warning("alert forward %d (%s, %s), attempt %d: %s%s", forward.id, forward.channel,
                            forward.region, attempts, error, "" if retry_at else "; giving up")
        return tried

    def _attempt(self, request: Request) -> str | None:
        error: str | None = None
        for i in range(max(1, self.settings.tries)):
            if i:
                time.sleep(0.5 * i)
            error = send(self._client, request)
            if error is None:
                return None
        return scrub(error or "", self.secrets)
