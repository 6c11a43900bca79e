"""The FastAPI application: error handling, security dependencies and the wiring of routers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException

from monitor.auth import COOKIE, AuthFailed, Principal, Role
from monitor.middleware import BodyLimit, RequestMetrics
from monitor.schemas import ErrorBody
from monitor.service import Monitor

log = logging.getLogger("yunwang.monitor")

bearer = HTTPBearer(auto_error=False, description="admin, viewer or agent token")

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text} for code, text in (
        (400, "malformed request"), (401, "missing or invalid token"), (403, "token not allowed here"),
        (404, "not found"), (413, "body too large"), (422, "request does not match the schema"),
        (429, "too many failed authentication attempts"))
}

READ = frozenset({Role.ADMIN, Role.VIEWER})
ADMIN = frozenset({Role.ADMIN})
AGENT = frozenset({Role.ADMIN, Role.AGENT})


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def token_of(request: Request, credentials: HTTPAuthorizationCredentials | None) -> str | None:
    """Bearer token; for safe methods also the login cookie (never for writes: no cross-site forgery)."""
    if credentials is not None and credentials.scheme.lower() == "bearer":
        return credentials.credentials
    if request.method in ("GET", "HEAD"):
        return request.cookies.get(COOKIE)
    return None


def require(roles: frozenset[Role]) -> Callable[..., Awaitable[Principal]]:
    async def dependency(request: Request,
                         credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Principal:
        monitor: Monitor = request.app.state.monitor
        agent_id = request.path_params.get("agent_id") if Role.AGENT in roles else None
        return monitor.auth.authenticate(token_of(request, credentials), client_of(request),
                                         request.url.path, roles, agent_id)
    return dependency


def _problems(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [{"loc": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", ""),
             "type": e.get("type", "")} for e in exc.errors()]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AuthFailed)
    async def _auth(_: Request, exc: AuthFailed) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
        if exc.retry_after is not None:
            headers["Retry-After"] = str(exc.retry_after)
        return JSONResponse({"error": exc.message}, status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = _problems(exc)
        if any(p["type"] == "json_invalid" for p in problems):
            return JSONResponse({"error": "malformed JSON in the request body", "problems": problems},
                                status_code=400)
        summary = "; ".join(f"{p['loc']}: {p['message']}" for p in problems[:5])
        return JSONResponse({"error": f"invalid request: {summary}", "problems": problems}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else "error"
        return JSONResponse({"error": detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse({"error": "internal error; the monitor's log has the details"}, status_code=500)


def create_app(monitor: Monitor) -> FastAPI:
    """The monitor's ASGI app over an already built :class:`Monitor` (database migrated, caches ready)."""
    from monitor.api import router as api_router
    from monitor.pages import router as pages_router

    app = FastAPI(title="yunwang monitor", version=_version(),
                  description="Inventory, Prometheus service discovery, agents' heartbeats and facts, "
                              "MLPS audit history of a yunwang stack.")
    app.state.monitor = monitor
    install_error_handlers(app)
    app.include_router(api_router)
    app.include_router(pages_router)
    limits = monitor.settings.limits

    def limit_for(path: str) -> int:
        return limits.max_audit_bytes if path.rstrip("/") == "/api/v1/audits" else limits.max_body_bytes

    app.add_middleware(BodyLimit, limit_for=limit_for)
    app.add_middleware(RequestMetrics, observe=monitor.metrics.observe)
    return app


def _version() -> str:
    from yunwang import __version__

    return __version__
