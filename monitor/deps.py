"""What the monitor's routes depend on: the running :class:`Monitor` and who the caller is.

Routes declare these as annotated parameters (``monitor: MonitorDep``, ``_: Reader``). The HTTP bearer
scheme is declared once here, so the OpenAPI document lists it on every operation that needs a token. Every
dependency is ``async``: FastAPI runs a plain ``def`` dependency in a worker thread, a hop per request.

A write route's caller is authenticated before its body is read (monitor.gate, from the :class:`Requirement`
the route declares); the principal found there is reused here rather than authenticated twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from monitor.auth import COOKIE, Principal, Role
from monitor.service import Monitor

bearer = HTTPBearer(auto_error=False, description="admin, viewer, agent, bootstrap or alertmanager token")
login_cookie = APIKeyCookie(name=COOKIE, auto_error=False)
"""The overview's sign-in session cookie; honoured on safe methods only, so not declared as a scheme of its own."""

READ = frozenset({Role.ADMIN, Role.VIEWER})
ADMIN = frozenset({Role.ADMIN})
AGENT = frozenset({Role.ADMIN, Role.AGENT})
ALERTS = frozenset({Role.ADMIN, Role.ALERTMANAGER})
BOOTSTRAP = frozenset({Role.BOOTSTRAP})
SAFE_METHODS = frozenset({"GET", "HEAD"})
PRINCIPAL_KEY = "yunwang.principal"
"""Where monitor.gate leaves the principal it authenticated, in the request scope's state."""


async def get_monitor(request: Request) -> Monitor:
    """The monitor ``create_app`` was built over."""
    monitor = request.app.state.monitor
    if not isinstance(monitor, Monitor):
        raise TypeError("the app has no monitor: build it with monitor.app.create_app")
    return monitor


MonitorDep = Annotated[Monitor, Depends(get_monitor)]
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def client_of(request: Request) -> str:
    """The address failed attempts are counted against."""
    return request.client.host if request.client else "unknown"


@dataclass(frozen=True)
class Presented:
    """What a caller presented: a bearer token, or (safe methods only) a sign-in session id."""

    token: str | None = None
    session_id: str | None = None

    def __bool__(self) -> bool:
        return bool(self.token or self.session_id)


def authenticate(monitor: Monitor, request: Request, presented: Presented | str | None,
                 roles: frozenset[Role]) -> Principal:
    """The caller's principal from a bearer token, else from a sign-in session; or ``AuthFailed`` (401/403/429,
    failures counted per client address)."""
    if not isinstance(presented, Presented):
        presented = Presented(token=presented)
    client, route = client_of(request), request.url.path
    if presented.token is None and presented.session_id:
        principal = monitor.session_principal(presented.session_id, client, route)
        return monitor.auth.check_role(principal, client, route, roles)
    agent_id = request.path_params.get("agent_id")
    return monitor.auth.authenticate(presented.token, client, route, roles, agent_id)


async def _presented(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Presented:
    """The bearer token; for safe methods also the sign-in cookie (never for writes: no cross-site forgery)."""
    if credentials is not None:
        return Presented(token=credentials.credentials)
    if request.method in SAFE_METHODS:
        return Presented(session_id=await login_cookie(request))
    return Presented()


async def presented_credentials(request: Request) -> Presented:
    return await _presented(request, await bearer(request))


UndeclaredToken = Annotated[Presented, Depends(presented_credentials)]
"""The same credentials, read without declaring the bearer scheme on the operation: for routes whose answer to
a missing token is not 401 (/metrics served open, the overview's redirect to the sign-in form)."""


class Requirement:
    """A dependency admitting only callers with one of ``roles``; monitor.gate reads ``roles`` to authenticate
    write requests before their body is read."""

    def __init__(self, roles: frozenset[Role]):
        self.roles = roles

    async def __call__(self, request: Request, credentials: BearerDep) -> Principal:
        found = request.scope.get("state", {}).get(PRINCIPAL_KEY)
        if isinstance(found, Principal):
            return found
        presented = await _presented(request, credentials)
        # Plain calls, not sub-dependencies: each dependency FastAPI resolves costs microseconds per request.
        return authenticate(await get_monitor(request), request, presented, self.roles)


Reader = Annotated[Principal, Depends(Requirement(READ))]
Admin = Annotated[Principal, Depends(Requirement(ADMIN))]
AgentOrAdmin = Annotated[Principal, Depends(Requirement(AGENT))]
"""An agent token counts only on its own agent's routes (the path's ``agent_id``); the admin's on all."""
Bootstrap = Annotated[Principal, Depends(Requirement(BOOTSTRAP))]
AlertSender = Annotated[Principal, Depends(Requirement(ALERTS))]
"""Alertmanager's token (it may only post notifications) or the admin's."""


async def metrics_reader(request: Request) -> None:
    """/metrics needs a reader's token unless the monitor serves it open (``--open-metrics``)."""
    monitor = await get_monitor(request)
    if not monitor.settings.open_metrics:
        authenticate(monitor, request, await presented_credentials(request), READ)
