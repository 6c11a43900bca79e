"""Admission of write requests: who the caller is, then how large a body its route takes — before any byte of
the body is read.

FastAPI reads and parses a body before it resolves a route's dependencies, so a token check in a dependency
comes too late: an unauthenticated 30 MiB JSON document cost ~1 s of the event loop and ~240 MiB of memory
before it was refused. This middleware finds the route a request is for, authenticates it with the
:class:`~monitor.deps.Requirement` the route declares (so routes stay the one place that says who may call
them), and only then reads the body through :func:`monitor.middleware.read_capped` with the route's limit.
The principal it found is left in the request's state for the route's own dependency to reuse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security.utils import get_authorization_scheme_param
from starlette.types import ASGIApp, Receive, Scope, Send

from monitor.auth import AuthFailed, Principal, Role
from monitor.deps import PRINCIPAL_KEY, Requirement
from monitor.middleware import send_json, with_capped_body
from monitor.service import Monitor

NO_BODY_LIMIT = 1024
"""Routes without a declared body (and the sign-in form, which reads its few bytes itself): nothing that costs
memory."""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Admission:
    roles: frozenset[Role] | None
    """Who may call the route (None: the route authenticates by itself, e.g. the sign-in form)."""
    limit: int


def _requirements(dependant: Dependant) -> Iterator[Requirement]:
    for sub in dependant.dependencies:
        if isinstance(sub.call, Requirement):
            yield sub.call
        yield from _requirements(sub)


class WriteGate:
    """Authenticates every non-GET request against its route's requirement, then caps its body.

    Routes are matched here by their own path pattern and methods (the routers' API routes): the same
    templates the router uses, so a request is judged by the route that will serve it.
    """

    def __init__(self, app: ASGIApp, routers: Iterable[APIRouter], monitor: Monitor,
                 limit_for: Callable[[APIRoute], int]):
        self.app, self.monitor = app, monitor
        self.routes = [(route, self._admission(route, limit_for)) for router in routers for route in router.routes
                       if isinstance(route, APIRoute)]

    @staticmethod
    def _admission(route: APIRoute, limit_for: Callable[[APIRoute], int]) -> Admission:
        roles = next((r.roles for r in _requirements(route.dependant)), None)
        return Admission(roles, limit_for(route) if route.body_field is not None else NO_BODY_LIMIT)

    def _match(self, scope: Scope) -> tuple[APIRoute, Admission, dict[str, Any]] | None:
        path = scope["path"]
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root):]
        for route, admission in self.routes:
            found = route.path_regex.match(path)
            if found is not None and scope["method"] in (route.methods or ()):
                params = {k: route.param_convertors[k].convert(v) for k, v in found.groupdict().items()}
                return route, admission, params
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        found = self._match(scope)
        if found is None:  # no such write route: the router answers 404/405 without reading the body
            await with_capped_body(self.app, scope, receive, send, NO_BODY_LIMIT)
            return
        route, admission, params = found
        if admission.roles is not None:
            try:
                principal = self._authenticate(scope, params, admission.roles)
            except AuthFailed as exc:
                scope["route"] = route  # labels the refused request's metrics with its route
                await send_json(send, exc.status, {"error": exc.message}, exc.headers())
                return
            scope.setdefault("state", {})[PRINCIPAL_KEY] = principal
        await with_capped_body(self.app, scope, receive, send, admission.limit)

    def _authenticate(self, scope: Scope, path_params: dict[str, Any], roles: frozenset[Role]) -> Principal:
        token = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, credentials = get_authorization_scheme_param(value.decode("latin-1"))
                token = credentials if scheme.lower() == "bearer" and credentials else None
                break
        client = scope["client"][0] if scope.get("client") else "unknown"
        agent_id = path_params.get("agent_id")
        return self.monitor.auth.authenticate(token, client, scope["path"], roles,
                                              agent_id if isinstance(agent_id, str) else None)
