"""Our hier-config drivers, one per vendor family (rule tables in each module, the machinery in ``rules``)."""

from __future__ import annotations

from functools import cache

from infra.network.drivers.rules import RulesDriver
from yunwang.topology import Vendor


@cache
def driver_for(vendor: Vendor) -> RulesDriver:
    """The family's driver (one instance per process: hier-config drivers hold no per-config state)."""
    if vendor == Vendor.HUAWEI:
        from infra.network.drivers.vrp import VrpDriver
        return VrpDriver()
    if vendor == Vendor.H3C:
        from infra.network.drivers.comware import ComwareDriver
        return ComwareDriver()
    if vendor == Vendor.CISCO:
        from infra.network.drivers.ios import IosDriver
        return IosDriver()
    if vendor == Vendor.RUIJIE:
        from infra.network.drivers.rgos import RgosDriver
        return RgosDriver()
    raise ValueError(f"no remediation driver for vendor {vendor}")
