"""Pushes heartbeats (every 15 s) and facts (at start, then every 10 min) to the monitor.

POST {monitor}/api/v1/agents/{id}/heartbeat  {"agent_id", "kind": "host", "hostname", "version", "seq", "sent_at",
                                              "address": HOST:PORT of /metrics, for the monitor's service discovery}
POST {monitor}/api/v1/agents/{id}/facts      the facts JSON (after the first heartbeat: the monitor stores facts
                                             only for agents it has heard from)
``seq`` follows the wall clock in milliseconds and always grows by at least one, so it keeps increasing across
agent restarts too (the monitor refuses a seq that is not newer than the last one it stored, and one more than
5 minutes ahead of its own clock).

Identity: the configured token (environment or file, never the command line; never logged) is either the
agent's own token, issued by an admin, or the shared bootstrap token. A monitor answers a write with the
bootstrap token 403: the agent then enrols (POST {monitor}/api/v1/agents/{id}/enrol), receives its own token and
writes with it from then on, keeping it in ``identity_file`` (mode 0600) when given so that a restart does not
need to enrol again (the monitor enrols an agent id only once). A 401 for the own token (an admin reset the
agent, or the monitor's database was replaced) drops it, and the agent enrols again. Failed posts are
retried with exponential back-off (1 s, 2 s, 4 s … up to ``max_backoff``), so a monitor outage is not hammered.

Posts go out through the standard library's ``http.client`` (already loaded by the agent's HTTP server) on the
push thread: httpx and its dependencies cost the long-running agent ~11 MB of RSS (+45 % over node_exporter) for
one small POST every 15 s. One connection per post, so a connection the monitor closed while idle (uvicorn
does after 5 s) is never reused. HTTPS verifies the certificate and host name against the system's CA store
(``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` select another); redirects are not followed, so the token goes only to
the configured monitor; proxy variables are ignored (the monitor is reached directly).
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

log = logging.getLogger("yunwang.agent.host.push")

REPLY_LIMIT = 64 * 1024  # the monitor answers with a few bytes of JSON; never buffer more than this


def connection_factory(monitor_url: str, timeout: float) -> Callable[[], http.client.HTTPConnection]:
    """A new connection to the monitor's host per call; HTTPS with certificate and host name verification."""
    parts = urlsplit(monitor_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http:// or https:// URL: {monitor_url}")
    host, port = parts.hostname, parts.port
    if parts.scheme == "http":
        return lambda: http.client.HTTPConnection(host, port, timeout=timeout)
    import ssl

    context = ssl.create_default_context()  # CERT_REQUIRED and check_hostname; loaded once, shared by posts
    return lambda: http.client.HTTPSConnection(host, port, timeout=timeout, context=context)


def describe(exc: BaseException) -> str:
    """The failure for the log: exception type and its reason (never the request, so never the token)."""
    reason = getattr(exc, "reason", None) or getattr(exc, "strerror", None) or str(exc)
    return f"{type(exc).__name__} ({reason})" if reason else type(exc).__name__


class AgentIdentity:
    """The token the agent writes with: its own once enrolled (kept in ``identity_file``), else the configured one."""

    def __init__(self, configured: str | None, identity_file: Path | None = None) -> None:
        self.configured = configured
        self.identity_file = identity_file
        self.own: str | None = None
        if identity_file is not None and identity_file.is_file():
            self.own = identity_file.read_text(encoding="utf-8").strip() or None

    def token(self) -> str | None:
        return self.own or self.configured

    def keep(self, token: str) -> None:
        """Use ``token`` from now on and write it to the identity file (0600 in a 0700 folder), if there is one."""
        self.own = token
        if self.identity_file is not None:
            self.identity_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(self.identity_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(token + "\n")

    def forget(self) -> None:
        self.own = None
        if self.identity_file is not None:
            self.identity_file.unlink(missing_ok=True)


class MonitorPusher:
    def __init__(self, monitor_url: str, agent_id: str, hostname: str, version: str, token: str | None,
                 facts_json: Callable[[], bytes], heartbeat_interval: float = 15.0, facts_interval: float = 600.0,
                 max_backoff: float = 120.0, timeout: float = 10.0, address: str | None = None,
                 identity_file: Path | None = None) -> None:
        self.base = f"{monitor_url.rstrip('/')}/api/v1/agents/{quote(agent_id, safe='')}"
        self._path = f"{urlsplit(monitor_url).path.rstrip('/')}/api/v1/agents/{quote(agent_id, safe='')}"
        self._connect = connection_factory(monitor_url, timeout)
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
        self.identity = AgentIdentity(token, identity_file)
        self.seq = 0
        self.sent = {"heartbeat": 0, "facts": 0}
        self.failures = {"heartbeat": 0, "facts": 0}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name="monitor-push", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 1.0) -> None:
        """Ask the push thread to end; wait at most ``timeout`` s (a post or facts collection in flight is left to
        the daemon thread, so stopping the agent never waits out a silent monitor's 10 s timeout)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _backoff(self, kind: str) -> float:
        return float(min(self.max_backoff, 2 ** min(self.failures[kind] - 1, 16)))

    def send(self, kind: str, body: bytes, token: str | None = None) -> tuple[int, bytes]:
        """POST ``body`` to the monitor's ``kind`` endpoint with ``token``; the HTTP status and (at most 64 KiB of)
        the reply. Raises OSError/HTTPException."""
        headers = {**self._headers, "Authorization": f"Bearer {token}"} if token else self._headers
        connection = self._connect()
        try:
            connection.request("POST", f"{self._path}/{kind}", body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.read(REPLY_LIMIT)
        finally:
            connection.close()

    def _send_as_agent(self, kind: str, body: bytes) -> int:
        """Send with the agent's token, enrolling first when the monitor refuses the configured one (403)."""
        status, _ = self.send(kind, body, self.identity.token())
        if status == 401 and self.identity.own is not None:
            log.warning("the monitor no longer accepts this agent's own token (reset by an admin?): enrolling again")
            self.identity.forget()
            status, _ = self.send(kind, body, self.identity.token())
        if status == 403 and self.identity.own is None and self.identity.configured and self._enrol():
            status, _ = self.send(kind, body, self.identity.token())
        return status

    def _enrol(self) -> bool:
        """Exchange the configured (bootstrap) token for the agent's own token; True when that worked."""
        status, reply = self.send("enrol", b"", self.identity.configured)
        if status == 201:
            try:
                token = json.loads(reply)["token"]
            except (ValueError, KeyError, TypeError):
                log.warning("enrolment at %s/enrol answered 201 without a token", self.base)
                return False
            self.identity.keep(str(token))
            log.info("enrolled at the monitor as agent %s%s", self.agent_id,
                     f"; its token is kept in {self.identity.identity_file}" if self.identity.identity_file else "")
            return True
        if status == 409:
            log.error("agent id %s is enrolled at the monitor already, but this agent does not hold its token "
                      "(no --state-dir, or its file was lost): an admin resets the agent with POST %s/reset",
                      self.agent_id, self.base)
        elif status != 403:  # 403: the configured token is not a bootstrap token, or enrolment is off
            log.warning("enrolment at %s/enrol answered HTTP %d", self.base, status)
        return False

    def _post(self, kind: str, body: bytes) -> bool:
        url = f"{self.base}/{kind}"
        try:
            status = self._send_as_agent(kind, body)
        except (OSError, http.client.HTTPException) as exc:  # logged (no headers, so no token) and retried
            self.failures[kind] += 1
            log.warning("%s to %s failed: %s; retry in %.0f s", kind, url, describe(exc), self._backoff(kind))
            return False
        if status >= 300:
            self.failures[kind] += 1
            log.warning("%s to %s answered HTTP %d; retry in %.0f s", kind, url, status, self._backoff(kind))
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
        next_heartbeat = next_facts = time.monotonic()
        while not self._stop.is_set():
            now = time.monotonic()
            if now >= next_heartbeat:
                ok = self._post("heartbeat", self.heartbeat_body())
                next_heartbeat = now + (self.heartbeat_interval if ok else self._backoff("heartbeat"))
            if now >= next_facts and self.sent["heartbeat"]:
                try:
                    body = self.facts_json()
                except Exception:
                    log.exception("collecting facts for the monitor failed")
                    self.failures["facts"] += 1
                    body = b""
                ok = bool(body) and self._post("facts", body)
                next_facts = now + (self.facts_interval if ok else self._backoff("facts"))
            wake = next_heartbeat if not self.sent["heartbeat"] else min(next_heartbeat, next_facts)
            self._stop.wait(max(0.0, wake - time.monotonic()))
