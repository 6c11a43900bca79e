"""What the monitor's routes depend on: the running :class:`Monitor` and who the caller is.

Routes declare these as annotated parameters (``monitor: MonitorDep``, ``_: Reader``). The HTTP bearer
scheme is declared once here, so the OpenAPI document lists it on every operation that needs a token. Every
dependency is ``async``: FastAPI runs a plain ``def`` dependency in a worker thread, a hop per request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from monitor.auth import COOKIE, Principal, Role
from monitor.service import Monitor

bearer = HTTPBearer(auto_error=False, description="admin, viewer, agent or alertmanager token")
login_cookie = APIKeyCookie(name=COOKIE, auto_error=False)
"""The overview's sign-in cookie; honoured on safe methods only, so not declared as a scheme of its own."""

READ = frozenset({Role.ADMIN, Role.VIEWER})
ADMIN = frozenset({Role.ADMIN})
AGENT = frozenset({Role.ADMIN, Role.AGENT})
ALERTS = frozenset({Role.ADMIN, Role.ALERTMANAGER})
SAFE_METHODS = frozenset({"GET", "HEAD"})


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


async def presented_token(request: Request, credentials: HTTPAuthorizationCredentials | None) -> str | None:
    """Bearer token; for safe methods also the login cookie (never for writes: no cross-site forgery)."""
    if credentials is not None:
        return credentials.credentials
    if request.method in SAFE_METHODS:
        return await login_cookie(request)
    return None


async def undeclared_token(request: Request) -> str | None:
    """The same token, read without declaring the bearer scheme on the operation: for routes whose answer to
    a missing token is not 401 (/metrics served open, the overview's redirect to the sign-in form)."""
    return await presented_token(request, await bearer(request))


UndeclaredToken = Annotated[str | None, Depends(undeclared_token)]


def authenticate(monitor: Monitor, request: Request, token: str | None, roles: frozenset[Role]) -> Principal:
    """The caller's principal, or ``AuthFailed`` (401/403/429, failures counted per client address)."""
    agent_id = request.path_params.get("agent_id") if Role.AGENT in roles else None
    return monitor.auth.authenticate(token, client_of(request), request.url.path, roles, agent_id)


def require(roles: frozenset[Role]) -> Callable[..., Awaitable[Principal]]:
    """A dependency admitting only callers whose token has one of ``roles``."""
    async def caller(request: Request, credentials: BearerDep) -> Principal:
        # Plain calls, not sub-dependencies: each dependency FastAPI resolves costs microseconds per request.
        token = await presented_token(request, credentials)
        return authenticate(await get_monitor(request), request, token, roles)
    return caller


Reader = Annotated[Principal, Depends(require(READ))]
Admin = Annotated[Principal, Depends(require(ADMIN))]
AgentOrAdmin = Annotated[Principal, Depends(require(AGENT))]
"""An agent token counts only on its own agent's routes (the path's ``agent_id``); the admin's on all."""
AlertSender = Annotated[Principal, Depends(require(ALERTS))]
"""Alertmanager's token (it may only post notifications) or the admin's."""


async def metrics_reader(request: Request) -> None:
    """/metrics needs a reader's token unless the monitor serves it open (``--open-metrics``)."""
    monitor = await get_monitor(request)
    if not monitor.settings.open_metrics:
        authenticate(monitor, request, await undeclared_token(request), READ)
