"""Ranges an admin allowed in service discovery, beyond the stack's declared ranges (see monitor.views)."""

from __future__ import annotations

import ipaddress
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path

from monitor.deps import Admin, MonitorDep, Reader
from monitor.routes import API_V1
from monitor.routes.responses import errors, utc
from monitor.schemas import IPV4_PATTERN, SdAllowance, SdAllowed

router = APIRouter(prefix=f"{API_V1}/sd-allowed", tags=["service discovery"])


@router.get("", response_model=list[SdAllowed], responses=errors())
def list_allowed(_: Reader, monitor: MonitorDep) -> list[SdAllowed]:
    """Ranges allowed through this API (``--sd-allow`` ranges and the topology's are not listed)."""
    return [SdAllowed(cidr=c, reason=r, created_at=utc(at)) for c, r, at in monitor.store.sd_allowed()]


@router.post("", status_code=201, response_model=SdAllowed, responses=errors())
def allow(body: SdAllowance, _: Admin, monitor: MonitorDep) -> SdAllowed:
    """Let service discovery list host agents whose address lies in ``cidr`` (a /32 for one address)."""
    cidr = str(ipaddress.ip_network(body.cidr, strict=False))  # the pattern admits valid ranges only
    monitor.store.allow_sd(cidr, body.reason)
    monitor.sd.invalidate()
    return next(SdAllowed(cidr=c, reason=r, created_at=utc(at)) for c, r, at in monitor.store.sd_allowed()
                if c == cidr)


@router.delete("/{address}/{prefix}", status_code=204, responses=errors(404))
def disallow(address: Annotated[str, Path(pattern=IPV4_PATTERN)], prefix: Annotated[int, Path(ge=0, le=32)],
             _: Admin, monitor: MonitorDep) -> None:
    """Withdraw an allowance, e.g. ``DELETE /api/v1/sd-allowed/10.40.0.0/24``."""
    cidr = str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
    if not monitor.store.disallow_sd(cidr):
        raise HTTPException(404, f"no allowance for {cidr}")
    monitor.sd.invalidate()
