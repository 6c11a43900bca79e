"""The monitor's own Prometheus exposition."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from monitor.deps import MonitorDep, metrics_reader
from monitor.routes.responses import errors

router = APIRouter(tags=["metrics"])
PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"


@router.get("/metrics", response_class=Response, dependencies=[Depends(metrics_reader)],
            responses={200: {"content": {"text/plain": {}}}, **errors()})
async def metrics(monitor: MonitorDep) -> Response:
    """Prometheus exposition: request metrics, devices, agents' last heartbeat, the latest audit."""
    if monitor.metrics.fresh():
        return Response(monitor.metrics.render(), media_type=PROMETHEUS_TEXT)
    import anyio.to_thread

    body = await anyio.to_thread.run_sync(monitor.metrics.render)  # reads the database: off the event loop
    return Response(body, media_type=PROMETHEUS_TEXT)
