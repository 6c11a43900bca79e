"""Who may do what: admin, viewer (read-only), agent and bootstrap tokens, compared in constant time by digest.

Tokens are high-entropy random strings, so a plain SHA-256 digest is a sound way to keep them at rest; the
plain text of a per-agent token exists only in the reply that creates it. The shared bootstrap token only
*enrols* an agent id that has no token yet (routes/agents.py); everything an agent writes afterwards needs its
own token.

Failed attempts are counted per client address. A client over its budget gets 429 with ``Retry-After`` for
every *wrong* credential, but a valid one is always accepted: one attacker behind a city-wide NAT must not
lock every operator behind the same address out. (The budget does not protect the tokens themselves — 256
random bits are not guessed — it keeps a guessing client from costing database reads and log volume.) The log
names the client and the route, never the presented token.
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
from yunwang.safetext import escape_controls

log = logging.getLogger("yunwang.monitor.auth")

COOKIE = "yunwang_session"
AGENT_CACHE_TTL_S = 30.0
MAX_TRACKED_CLIENTS = 10_000


class Role(Enum):
    ADMIN = "admin"
    VIEWER = "viewer"
    AGENT = "agent"
    BOOTSTRAP = "bootstrap"
    """The shared agent bootstrap token: enrols agent ids that have no token yet, nothing else."""
    ALERTMANAGER = "alertmanager"
    """Alertmanager posting notifications to the webhook: nothing else."""


@dataclass(frozen=True)
class Principal:
    role: Role
    agent_id: str | None = None  # the agent a per-agent token belongs to
    session: str | None = None  # the digest of the sign-in session the caller came with, if any


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

    def headers(self) -> dict[str, str]:
        """``WWW-Authenticate`` on 401, ``Retry-After`` on 429."""
        out = {"WWW-Authenticate": "Bearer"} if self.status == 401 else {}
        if self.retry_after is not None:
            out["Retry-After"] = str(self.retry_after)
        return out


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
        """Seconds until ``client`` is within budget again, or None when it is within budget."""
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
        self._agent_cache: OrderedDict[str, tuple[float, str | None]] = OrderedDict()
        self.limiter = FailureLimiter(limits)

    def forget_agent(self, agent_id: str) -> None:
        self._agent_cache.pop(agent_id, None)

    def _agent_hash(self, agent_id: str, fresh: bool) -> str | None:
        now = time.monotonic()
        cached = self._agent_cache.get(agent_id)
        if cached is None or fresh or now - cached[0] > AGENT_CACHE_TTL_S:
            cached = (now, self._lookup(agent_id))
            self._agent_cache[agent_id] = cached
            self._agent_cache.move_to_end(agent_id)
            while len(self._agent_cache) > MAX_TRACKED_CLIENTS:  # agent ids in paths are the caller's choice
                self._agent_cache.popitem(last=False)
        return cached[1]

    def console_role(self, token_digest: str) -> Role | None:
        """The admin or viewer role whose token has this digest (what a sign-in session is bound to)."""
        if _same(self._admin, token_digest):
            return Role.ADMIN
        if _same(self._viewer, token_digest):
            return Role.VIEWER
        return None

    def identify(self, token: str, agent_id: str | None = None, reread: bool = True) -> Principal | None:
        """The principal ``token`` belongs to; a per-agent token only counts on its own agent's routes.

        ``reread``: on a mismatch with the cached per-agent digest, read the database again (a token re-issued
        on another replica); off for clients over their failure budget, so guessing costs no database reads.
        """
        presented = digest(token)
        role = self.console_role(presented)
        if role is not None:
            return Principal(role)
        if _same(self._alertmanager, presented):
            return Principal(Role.ALERTMANAGER)
        if agent_id is not None:  # agent tokens count on an agent's routes only; elsewhere they are unknown
            if _same(self._bootstrap, presented):
                return Principal(Role.BOOTSTRAP)
            if _same(self._agent_hash(agent_id, fresh=False), presented) or (
                    reread and _same(self._agent_hash(agent_id, fresh=True), presented)):
                return Principal(Role.AGENT, agent_id)
        return None

    def refuse(self, client: str, route: str, wait: int | None, message: str = "invalid token") -> AuthFailed:
        """The answer to a wrong credential: 429 while the client is over its budget, else 401 (counted)."""
        if wait is not None:
            return AuthFailed(429, "too many failed authentication attempts from this address; try later", wait)
        self.limiter.fail(client)
        log.warning("authentication failed: client=%s route=%s", client, escape_controls(route))
        return AuthFailed(401, message)

    def check_role(self, principal: Principal, client: str, route: str, allowed: frozenset[Role]) -> Principal:
        if principal.role not in allowed:
            log.warning("forbidden: client=%s route=%s role=%s", client, escape_controls(route),
                        principal.role.value)
            hint = " (it only enrols an agent: POST /api/v1/agents/{id}/enrol)" if principal.role is Role.BOOTSTRAP \
                else ""
            raise AuthFailed(403, f"a {principal.role.value} token may not use this endpoint{hint}")
        return principal

    def authenticate(self, token: str | None, client: str, route: str, allowed: frozenset[Role],
                     agent_id: str | None = None) -> Principal:
        """The caller's principal, or :class:`AuthFailed` (401 no or wrong token, 403 wrong role, 429 a wrong
        token from a client over its failure budget). A valid token is never refused for its client's failures."""
        if not token:
            raise AuthFailed(401, "authentication required: send 'Authorization: Bearer <token>'")
        wait = self.limiter.retry_after(client)
        principal = self.identify(token, agent_id, reread=wait is None)
        if principal is None:
            raise self.refuse(client, route, wait)
        return self.check_role(principal, client, route, allowed)
