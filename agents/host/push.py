"""Pushes heartbeats (every 15 s) and facts (at start, then every 10 min) to the monitor.

POST {monitor}/api/v1/agents/{id}/heartbeat  {"agent_id", "kind": "host", "hostname", "version", "seq", "sent_at",
                                              "address": HOST:PORT of /metrics, for the monitor's service discovery}
POST {monitor}/api/v1/agents/{id}/facts      the facts JSON (after the first heartbeat: the monitor stores facts
                                             only for agents it has heard from)
``seq`` follows the wall clock in milliseconds and always grows by at least one, so it keeps increasing across
agent restarts too (the monitor refuses a seq that is not newer than the last one it stored).
Bearer token from the environment or a file, never from the command line; it is never logged. Failed posts are
retried with exponential back-off (1 s, 2 s, 4 s … up to ``max_backoff``), so a monitor outage is not hammered.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

log = logging.getLogger("yunwang.agent.host.push")


class MonitorPusher:
    def __init__(self, monitor_url: str, agent_id: str, hostname: str, version: str, token: str | None,
                 facts_json: Callable[[], bytes], heartbeat_interval: float = 15.0, facts_interval: float = 600.0,
                 max_backoff: float = 120.0, timeout: float = 10.0, address: str | None = None) -> None:
        self.base = f"{monitor_url.rstrip('/')}/api/v1/agents/{quote(agent_id, safe='')}"
        self.agent_id = agent_id
        self.hostname = hostname
        self.address = address
        self.version = version
        self.facts_json = facts_json
        self.heartbeat_interval = heartbeat_interval
        self.facts_interval = facts_interval
        self.max_backoff = max_backoff
        self.timeout = timeout
        self._headers = {"Content-Type": "application/json", "User-Agent": f"yunwang-host-agent/{version}"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        self.seq = 0
        self.sent = {"heartbeat": 0, "facts": 0}
        self.failures = {"heartbeat": 0, "facts": 0}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name="monitor-push", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _backoff(self, kind: str) -> float:
        return float(min(self.max_backoff, 2 ** min(self.failures[kind] - 1, 16)))

    def _post(self, client: Any, kind: str, body: bytes) -> bool:
        url = f"{self.base}/{kind}"
        try:
            response = client.post(url, content=body, headers=self._headers)
        except Exception as exc:  # network errors: logged (no headers, so no token) and retried
            self.failures[kind] += 1
            log.warning("%s to %s failed: %s; retry in %.0f s", kind, url, type(exc).__name__, self._backoff(kind))
            return False
        if response.status_code >= 300:
            self.failures[kind] += 1
            log.warning("%s to %s answered HTTP %d; retry in %.0f s", kind, url, response.status_code,
                        self._backoff(kind))
            return False
        if self.failures[kind]:
            log.info("%s to %s works again after %d failure(s)", kind, url, self.failures[kind])
        self.failures[kind] = 0
        self.sent[kind] += 1
        return True

    def heartbeat_body(self) -> bytes:
        self.seq = max(self.seq + 1, int(time.time() * 1000))
        payload: dict[str, Any] = {
            "agent_id": self.agent_id, "kind": "host", "hostname": self.hostname, "version": self.version,
            "seq": self.seq, "sent_at": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace(
                "+00:00", "Z"),
        }
        if self.address:
            payload["address"] = self.address
        return json.dumps(payload).encode()

    def run(self) -> None:
        import httpx

        logging.getLogger("httpx").setLevel(logging.WARNING)
        next_heartbeat = next_facts = time.monotonic()
        with httpx.Client(timeout=self.timeout) as client:
            while not self._stop.is_set():
                now = time.monotonic()
                if now >= next_heartbeat:
                    ok = self._post(client, "heartbeat", self.heartbeat_body())
                    next_heartbeat = now + (self.heartbeat_interval if ok else self._backoff("heartbeat"))
                if now >= next_facts and self.sent["heartbeat"]:
                    try:
                        body = self.facts_json()
                    except Exception:
                        log.exception("collecting facts for the monitor failed")
                        self.failures["facts"] += 1
                        body = b""
                    ok = bool(body) and self._post(client, "facts", body)
                    next_facts = now + (self.facts_interval if ok else self._backoff("facts"))
                wake = next_heartbeat if not self.sent["heartbeat"] else min(next_heartbeat, next_facts)
                self._stop.wait(max(0.0, wake - time.monotonic()))
