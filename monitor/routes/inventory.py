"""The stack's inventory: regions, zones, tenants, devices and hosts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response

from monitor.deps import MonitorDep, Reader
from monitor.routes import API_V1
from monitor.routes.responses import errors, json_response
from yunwang.topology import DeviceRole, Vendor

router = APIRouter(prefix=f"{API_V1}/inventory", tags=["inventory"])


@router.get("", responses=errors(404))
async def inventory(monitor: MonitorDep, _: Reader,
                    region: Annotated[str | None, Query(max_length=63)] = None,
                    zone: Annotated[str | None, Query(max_length=63)] = None,
                    role: DeviceRole | None = None, vendor: Vendor | None = None) -> Response:
    """Regions, zones, tenants, devices and hosts of the stack; filters narrow the sections that carry them."""
    topo = monitor.topo
    if region is not None and region not in topo.region_by_name:
        raise HTTPException(404, f"unknown region '{region}'; known: {', '.join(topo.region_by_name)}")
    if zone is not None and zone not in topo.zone_by_name:
        raise HTTPException(404, f"unknown zone '{zone}'; known: {', '.join(topo.zone_by_name)}")
    return json_response(monitor.views.inventory_body(region, zone, role.value if role else None,
                                                      vendor.value if vendor else None))
