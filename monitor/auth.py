"""Who may do what: admin, viewer (read-only) and agent tokens, compared in constant time by digest.

Tokens are high-entropy random strings, so a plain SHA-256 digest is a sound way to keep them at rest; the
plain text of a per-agent token exists only in the reply that creates it. Failed attempts are counted per
client address and answered with 429 once a client exceeds the budget; the log names the client and the
route, never the presented token.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from monitor.settings import Limits, Tokens

log = logging.getLogger("yunwang.monitor.auth")

COOKIE = "yunwang_token"
AGENT_CACHE_TTL_S = 30.0
MAX_TRACKED_CLIENTS = 10_000


class Role(Enum):
    ADMIN = "admin"
    VIEWER = "viewer"
    AGENT = "agent"
    ALERTMANAGER = "alertmanager"
    """Alertmanager posting notifications to the webhook: nothing else."""


@dataclass(frozen=True)
class Principal:
    role: Role
    agent_id: str | None = None  # None for the shared bootstrap agent token: any agent id


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _same(a: str | None, b: str) -> bool:
    return a is not None and hmac.compare_digest(a, b)


class AuthFailed(Exception):
    def __init__(self, status: int, message: str, retry_after: int | None = None):
        self.status, self.message, self.retry_after = status, message, retry_after
        super().__init__(message)


class FailureLimiter:
    """Sliding-window count of failed authentications per client address."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic):
        self.limit, self.window, self.clock = limits.auth_failures_per_window, limits.auth_failure_window_s, clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self._failures.setdefault(client, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def retry_after(self, client: str) -> int | None:
        """Seconds until ``client`` may try again, or None when it is within budget."""
        with self._lock:
            if client not in self._failures:
                return None
            now = self.clock()
            times = self._recent(client, now)
            if len(times) < self.limit:
                return None
            return max(1, int(times[0] + self.window - now) + 1)

    def fail(self, client: str) -> None:
        with self._lock:
            self._recent(client, self.clock()).append(self.clock())
            self._failures.move_to_end(client)
            while len(self._failures) > MAX_TRACKED_CLIENTS:
                self._failures.popitem(last=False)


class Authenticator:
    def __init__(self, tokens: Tokens, limits: Limits, agent_token_hash: Callable[[str], str | None]):
        self._admin = digest(tokens.admin) if tokens.admin else None
        self._viewer = digest(tokens.viewer) if tokens.viewer else None
        self._bootstrap = digest(tokens.agent_bootstrap) if tokens.agent_bootstrap else None
        self._alertmanager = digest(tokens.alertmanager) if tokens.alertmanager else None
        self._lookup = agent_token_hash
        self._agent_cache: dict[str, tuple[float, str | None]] = {}
        self.limiter = FailureLimiter(limits)

    def forget_agent(self, agent_id: str) -> None:
        self._agent_cache.pop(agent_id, None)

    def _agent_hash(self, agent_id: str, fresh: bool) -> str | None:
        now = time.monotonic()
        cached = self._agent_cache.get(agent_id)
        if cached is None or fresh or now - cached[0] > AGENT_CACHE_TTL_S:
            cached = (now, self._lookup(agent_id))
            self._agent_cache[agent_id] = cached
        return cached[1]

    def identify(self, token: str, agent_id: str | None = None) -> Principal | None:
        """The principal ``token`` belongs to; an agent token only counts on its own agent's routes."""
        presented = digest(token)
        if _same(self._admin, presented):
            return Principal(Role.ADMIN)
        if _same(self._viewer, presented):
            return Principal(Role.VIEWER)
        if _same(self._alertmanager, presented):
            return Principal(Role.ALERTMANAGER)
        if agent_id is not None:
            if _same(self._bootstrap, presented):
                return Principal(Role.AGENT)
            # A cached digest may be stale after a token was re-issued on another replica: re-read on mismatch.
            if _same(self._agent_hash(agent_id, fresh=False), presented) or _same(
                    self._agent_hash(agent_id, fresh=True), presented):
                return Principal(Role.AGENT, agent_id)
        return None

    def authenticate(self, token: str | None, client: str, route: str, allowed: frozenset[Role],
                     agent_id: str | None = None) -> Principal:
        """The caller's principal, or :class:`AuthFailed` (401 no token, 403 wrong role, 429 too many tries)."""
        wait = self.limiter.retry_after(client)
        if wait is not None:
            raise AuthFailed(429, "too many failed authentication attempts from this address; try later", wait)
        if not token:
            raise AuthFailed(401, "authentication required: send 'Authorization: Bearer <token>'")
        principal = self.identify(token, agent_id)
        if principal is None:
            self.limiter.fail(client)
            log.warning("authentication failed: client=%s route=%s", client, route)
            raise AuthFailed(401, "invalid token")
        if principal.role not in allowed:
            log.warning("forbidden: client=%s route=%s role=%s", client, route, principal.role.value)
            raise AuthFailed(403, f"a {principal.role.value} token may not use this endpoint")
        return principal
