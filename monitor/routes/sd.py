"""Prometheus HTTP service discovery: cached target groups per job."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Response

from monitor.deps import MonitorDep, Reader
from monitor.routes import API_V1
from monitor.routes.responses import errors
from monitor.schemas import SdGroup
from monitor.views import SD_JOBS

router = APIRouter(prefix=f"{API_V1}/sd", tags=["service discovery"])


@router.get("/{job}", response_model=list[SdGroup], responses=errors(404))
async def service_discovery(job: Annotated[str, Path(max_length=63)], _: Reader, monitor: MonitorDep) -> Response:
    """Prometheus HTTP SD targets for `host`, `snmp`, `snmp-poller` or `monitor`."""
    if job not in SD_JOBS:
        raise HTTPException(404, f"unknown SD job '{job}'; known: {', '.join(SD_JOBS)}")
    if job == "host":
        import anyio.to_thread

        body = await anyio.to_thread.run_sync(monitor.sd.body, job)
    else:
        body = monitor.sd.body(job)
    assert body is not None
    return Response(body, media_type="application/json")
