"""Maintenance windows: Alertmanager silences for one device, site or region, created and listed by the monitor."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query
from fastapi.concurrency import run_in_threadpool

from monitor.alerting.payload import Scope, Silence, SilenceRequest
from monitor.alerting.silences import AlertmanagerUnavailable, known_names, unknown_name_hint
from monitor.deps import Admin, MonitorDep, Reader
from monitor.routes import API_V1
from monitor.routes.responses import errors

router = APIRouter(prefix=f"{API_V1}/silences", tags=["silences"])
UPSTREAM: dict[int | str, dict[str, Any]] = {502: {"description": "Alertmanager did not answer or refused"},
            503: {"description": "no Alertmanager configured"}}
SilenceId = Annotated[str, Path(pattern=r"^[0-9a-fA-F-]{8,64}$", description="Alertmanager's silence id")]


def _upstream(exc: AlertmanagerUnavailable) -> HTTPException:
    return HTTPException(exc.status, exc.message)


@router.post("", status_code=201, response_model=Silence, responses={**errors(404), **UPSTREAM})
async def create_silence(body: SilenceRequest, _: Admin, monitor: MonitorDep) -> Silence:
    """Silence every alert of a device, a site or a region for a maintenance window."""
    if body.name not in known_names(monitor.topo, body.scope):
        raise HTTPException(404, unknown_name_hint(monitor.topo, body.scope))
    try:
        silence_id = await run_in_threadpool(monitor.alerting.silences.create, body)
        found = await run_in_threadpool(monitor.alerting.silences.list, body.scope, body.name,
                                        ("active", "pending"))
    except AlertmanagerUnavailable as exc:
        raise _upstream(exc) from None
    for silence in found:
        if silence.id == silence_id:
            return silence
    raise HTTPException(502, f"Alertmanager accepted silence {silence_id} but does not list it")


@router.get("", response_model=list[Silence], responses={**errors(), **UPSTREAM})
async def list_silences(_: Reader, monitor: MonitorDep, scope: Scope | None = None,
                        name: Annotated[str | None, Query(max_length=255)] = None,
                        expired: bool = False) -> list[Silence]:
    """Maintenance windows (active and pending; with ``expired=true`` the ended ones too), by start time;
    ``scope`` and ``name`` narrow the list."""
    states = ("active", "pending", "expired") if expired else ("active", "pending")
    try:
        return await run_in_threadpool(monitor.alerting.silences.list, scope, name, states)
    except AlertmanagerUnavailable as exc:
        raise _upstream(exc) from None


@router.delete("/{silence_id}", status_code=204, responses={**errors(404), **UPSTREAM})
async def expire_silence(silence_id: SilenceId, _: Admin, monitor: MonitorDep) -> None:
    """End a maintenance window now."""
    try:
        await run_in_threadpool(monitor.alerting.silences.expire, silence_id)
    except AlertmanagerUnavailable as exc:
        raise _upstream(exc) from None
