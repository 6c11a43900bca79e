"""The polling inventory: which device is polled at which address, with which modules and credentials.

It is derived from the topology once and shared by the Pulumi ConfigMap (NetworkInventory), the SNMP
poller, the monitor's Prometheus service discovery and the device simulator, so they can never disagree.
An *endpoints* file overrides management addresses, e.g. with the 127.0.0.1 ports of simulated devices.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from yunwang.errors import InputError, Problem
from yunwang.topology import Device, DeviceRole, Topology, Vendor

INVENTORY_SCHEMA = "yunwang.inventory/v1"
SNMP_PORT = 161

BASE_MODULES: tuple[str, ...] = ("system", "if_mib")
ROLE_MODULES: dict[DeviceRole, tuple[str, ...]] = {
    DeviceRole.CORE: ("entity", "lldp"),
    DeviceRole.AGGREGATION: ("entity", "lldp"),
    DeviceRole.ACCESS: ("lldp",),
    DeviceRole.ROUTER: ("entity", "lldp"),
    DeviceRole.FIREWALL: ("entity",),
    DeviceRole.IOT_GATEWAY: (),
}
VENDOR_MODULES: dict[Vendor, tuple[str, ...]] = {
    Vendor.HUAWEI: ("huawei_entity",),
    Vendor.H3C: ("h3c_entity",),
    Vendor.CISCO: (),
    Vendor.RUIJIE: (),
}


def modules_for(device: Device) -> list[str]:
    """SNMP modules (names of agents/snmp module definitions) worth walking on this kind of device."""
    return [*BASE_MODULES, *ROLE_MODULES[device.role], *VENDOR_MODULES[device.vendor]]


class InventoryDevice(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    address: str = Field(description="HOST:PORT the poller sends SNMP requests to")
    auth: str = Field(description="credential profile name (snmp_profiles / auths)")
    modules: list[str]
    labels: dict[str, str]


class Inventory(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_: str = Field(default=INVENTORY_SCHEMA, alias="schema")
    stack: str
    devices: list[InventoryDevice]

    def to_json(self) -> str:
        return json.dumps(self.model_dump(by_alias=True), ensure_ascii=False, sort_keys=True, indent=1)


def device_labels(topo: Topology, device: Device) -> dict[str, str]:
    """Prometheus target labels: what dashboards group and filter by."""
    return {
        "device": device.name,
        "region": device.region,
        "region_zh": topo.region_by_name[device.region].name_zh,
        "role": device.role.value,
        "vendor": device.vendor.value,
        "model": device.model,
        "site": device.site,
    }


def build_inventory(topo: Topology, endpoints: dict[str, str] | None = None) -> Inventory:
    """The inventory of ``topo``; ``endpoints`` maps device name → HOST:PORT to poll instead of mgmt:161."""
    endpoints = endpoints or {}
    devices = [
        InventoryDevice(
            name=d.name,
            address=endpoints.get(d.name, f"{d.mgmt}:{SNMP_PORT}"),
            auth=d.snmp,
            modules=modules_for(d),
            labels=device_labels(topo, d),
        )
        for d in topo.devices
    ]
    return Inventory(stack=topo.name, devices=devices)


def shard_of(name: str, shards: int) -> int:
    """Stable shard (0-based) of a device: the same on every poller, run and Python version."""
    digest = hashlib.sha1(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % shards


def load_endpoints(path: Path) -> dict[str, str]:
    """Read an endpoints file: a JSON object {device name: "HOST:PORT"}."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError([Problem(str(path), None, "", "", "endpoints file not found",
                                  "start `yunwang sim` first, or check the path")]) from None
    except (OSError, ValueError) as exc:
        raise InputError([Problem(str(path), None, "", "", f"cannot read endpoints file: {exc}",
                                  "it must be a JSON object of device name to HOST:PORT")]) from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise InputError([Problem(str(path), None, "", "", "endpoints file must map device names to 'HOST:PORT'",
                                  'e.g. {"luan-core-1": "127.0.0.1:16100"}')])
    return data


def load_inventory(path: Path) -> Inventory:
    """Read an inventory JSON file (as written by :meth:`Inventory.to_json` or the NetworkInventory ConfigMap)."""
    try:
        return Inventory.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        raise InputError([Problem(str(path), None, "", "", "inventory file not found", "check the path")]) from None
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise InputError([Problem(str(path), None, loc, str(first.get("input", ""))[:80], first["msg"],
                                  "write it with `yunwang plan` or follow the inventory schema")]) from None
