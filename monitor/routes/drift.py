"""Configuration drift of the network devices: reports in (admin), the latest state out (readers). Pages show it
through monitor.drift_view (the overview's drift section, the drift part of each device's page).

Reports come from ``yunwang net diff --report-to`` (the drift CronJob of each plane, ``yunwang up``'s drift
checker) with the admin token: the job that sends them already holds the devices' system-administrator password,
a far stronger credential, so a narrower monitor role would not lower what a stolen job secret can do, and it
would add a token to every layer (Pulumi config, Secrets, ``yunwang up``) for nothing. The device's region is
taken from the topology, never from the report.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from monitor.deps import Admin, MonitorDep, Reader
from monitor.drift_store import DriftRow
from monitor.routes import API_V1
from monitor.routes.responses import errors, utc
from monitor.service import Monitor
from yunwang.contracts.device_drift import (
    DRIFT_PATH,
    MAX_DEVICES_PER_REPORT,
    MAX_ERROR_CHARS,
    MAX_REMEDIATION_CHARS,
)
from yunwang.intent import NAME_PATTERN

router = APIRouter(tags=["drift"])
assert DRIFT_PATH.startswith(API_V1)
DevicePath = Annotated[str, Path(pattern=NAME_PATTERN, max_length=63, description="device name")]


DeviceName = Annotated[str, Field(pattern=NAME_PATTERN, max_length=63)]


class Collected(BaseModel):
    """A device whose running configuration was read (yunwang.contracts.device_drift.DeviceDrift)."""

    model_config = ConfigDict(extra="ignore")

    device: DeviceName
    collected_at: AwareDatetime
    drift_lines: Annotated[int, Field(ge=0, le=2**31 - 1)]
    remediation: Annotated[str, Field(max_length=MAX_REMEDIATION_CHARS)] = ""
    error: None = None


class NotCollected(BaseModel):
    """A device whose running configuration could not be read: why."""

    model_config = ConfigDict(extra="ignore")

    device: DeviceName
    error: Annotated[str, Field(min_length=1, max_length=MAX_ERROR_CHARS)]
    collected_at: None = None
    drift_lines: None = None


class DriftReport(BaseModel):
    devices: Annotated[list[Collected | NotCollected],
                       Field(min_length=1, max_length=MAX_DEVICES_PER_REPORT,
                             description="a device listed twice: the last entry counts")]


class DriftAck(BaseModel):
    stored: int


class DriftSummary(BaseModel):
    device: str
    region: str
    drift_lines: int | None = Field(description="null until a collection succeeded")
    collected_at: datetime | None
    reported_at: datetime
    error: str | None


class DeviceDriftView(DriftSummary):
    remediation: str = Field(description="the commands that would restore the intent; secrets as [secret]")


def _summary(row: DriftRow) -> dict[str, object]:
    return {"device": row.device, "region": row.region, "drift_lines": row.drift_lines,
            "collected_at": utc(row.collected_at) if row.collected_at is not None else None,
            "reported_at": utc(row.reported_at), "error": row.error}


def _row(monitor: Monitor, device: str) -> DriftRow:
    if device not in monitor.topo.device_by_name:
        raise HTTPException(404, f"no device '{device}' in stack {monitor.settings.stack}")
    row = monitor.drift.row(device)
    if row is None:
        raise HTTPException(404, f"no drift report for device '{device}' yet")
    return row


@router.post(DRIFT_PATH, response_model=DriftAck, responses=errors(404))
def report_drift(report: DriftReport, _: Admin, monitor: MonitorDep) -> DriftAck:
    """Store the latest drift of each listed device; a device the stack does not have refuses the whole report."""
    latest = {d.device: d for d in report.devices}
    unknown = sorted(n for n in latest if n not in monitor.topo.device_by_name)
    if unknown:
        raise HTTPException(404, f"no such devices in stack {monitor.settings.stack}: {', '.join(unknown)}")
    now = time.time()
    device = monitor.topo.device_by_name
    monitor.drift.record([
        DriftRow(name, device[name].region, d.drift_lines, d.collected_at.timestamp(), d.remediation, now, None)
        if isinstance(d, Collected) else DriftRow(name, device[name].region, None, None, "", now, d.error)
        for name, d in latest.items()])
    monitor.metrics.invalidate()
    return DriftAck(stored=len(latest))


@router.get(DRIFT_PATH, response_model=list[DriftSummary], responses=errors())
def list_drift(_: Reader, monitor: MonitorDep,
               drifted: Annotated[bool, Query(description="only devices with lines to remediate")] = False
               ) -> list[DriftSummary]:
    """The latest drift of every reported device (the remediation text is on each device's own route)."""
    return [DriftSummary.model_validate(_summary(r)) for r in monitor.drift.rows() if r.drifted or not drifted]


@router.get(f"{DRIFT_PATH}/{{device}}", response_model=DeviceDriftView, responses=errors(404))
def device_drift(device: DevicePath, _: Reader, monitor: MonitorDep) -> DeviceDriftView:
    """One device's latest drift, with the remediation that would restore its intent."""
    row = _row(monitor, device)
    return DeviceDriftView.model_validate({**_summary(row), "remediation": row.remediation})
