"""Liveness and readiness: open to anyone, for load balancers and orchestrators."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from monitor.deps import MonitorDep
from monitor.schemas import ErrorBody

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"model": ErrorBody}})
def readyz(monitor: MonitorDep) -> Response:
    """Readiness: the database answers and its schema is at this build's migration head."""
    try:
        monitor.store.ping()
    except Exception as exc:  # any database failure means "not ready", with the reason
        return JSONResponse({"error": f"database unavailable: {type(exc).__name__}"}, status_code=503)
    if not monitor.heartbeats.alive():
        return JSONResponse({"error": "the heartbeat writer has stopped"}, status_code=503)
    return JSONResponse({"status": "ready", "schema": monitor.head})
