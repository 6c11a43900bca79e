"""The FastAPI application: error handling, middleware and the routers of ``monitor.routes``."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from monitor.auth import AuthFailed
from monitor.gate import WriteGate
from monitor.middleware import RequestMetrics, SecurityHeaders
from monitor.routes import agents, alerts, audits, drift, health, inventory, metrics, pages, sd, sd_allowed, silences
from monitor.routes.docs import mount_docs
from monitor.service import Monitor
from yunwang.safetext import escape_controls

log = logging.getLogger("yunwang.monitor")


def _problems(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [{"loc": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", ""),
             "type": e.get("type", "")} for e in exc.errors()]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AuthFailed)
    async def _auth(_: Request, exc: AuthFailed) -> JSONResponse:
        return JSONResponse({"error": exc.message}, status_code=exc.status, headers=exc.headers())

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
        log.exception("unexpected error on %s %s", request.method, escape_controls(request.url.path))
        return JSONResponse({"error": "internal error; the monitor's log has the details"}, status_code=500)


def create_app(monitor: Monitor) -> FastAPI:
    """The monitor's ASGI app over an already built :class:`Monitor` (database migrated, caches ready)."""
    app = FastAPI(title="yunwang monitor", version=_version(), docs_url=None, redoc_url=None,
                  description="Inventory, Prometheus service discovery, agents' heartbeats and facts, "
                              "MLPS audit history of a yunwang stack.")
    app.state.monitor = monitor
    install_error_handlers(app)
    routers = [routes.router for routes in (health, metrics, inventory, sd, sd_allowed, agents, audits, drift, alerts,
                                            silences, pages)]
    for router in routers:  # the OpenAPI document's order
        app.include_router(router)
    mount_docs(app)
    app.mount("/static", StaticFiles(directory=pages.STATIC_DIR), name="static")  # the overview's script and style
    limits = monitor.settings.limits
    large = {audits.router.prefix, f"{alerts.router.prefix}/webhook"}  # audit reports, alert storms

    def limit_for(route: APIRoute) -> int:
        return limits.max_audit_bytes if route.path.rstrip("/") in large else limits.max_body_bytes

    # Added innermost first: /metrics, service discovery and every other answer gzipped when the client asks
    # (Prometheus always does) at level 1, the cheapest; the gate runs before routing; headers go on every reply;
    # metrics see every request, compression included.
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=1)
    app.add_middleware(WriteGate, routers=routers, monitor=monitor, limit_for=limit_for)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestMetrics, observe=monitor.metrics.observe)
    return app


def _version() -> str:
    from yunwang import __version__

    return __version__
