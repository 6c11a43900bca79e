"""netclass: link properties of each interface from /sys/class/net/<iface>/ (mtu, speed, carrier, operstate…)."""

from __future__ import annotations

import os

from agents.host.collectors.base import Collector
from agents.host.exposition import Family

# (sysfs attribute, metric suffix, base, type)
_PROPERTIES = (
    ("addr_assign_type", "address_assign_type", 10, "gauge"),
    ("carrier", "carrier", 10, "gauge"),
    ("carrier_changes", "carrier_changes_total", 10, "counter"),
    ("carrier_up_count", "carrier_up_changes_total", 10, "counter"),
    ("carrier_down_count", "carrier_down_changes_total", 10, "counter"),
    ("dev_id", "device_id", 16, "gauge"),
    ("dormant", "dormant", 10, "gauge"),
    ("flags", "flags", 16, "gauge"),
    ("ifindex", "iface_id", 10, "gauge"),
    ("iflink", "iface_link", 10, "gauge"),
    ("link_mode", "iface_link_mode", 10, "gauge"),
    ("mtu", "mtu_bytes", 10, "gauge"),
    ("name_assign_type", "name_assign_type", 10, "gauge"),
    ("netdev_group", "net_dev_group", 10, "gauge"),
    ("type", "protocol_type", 10, "gauge"),
    ("tx_queue_len", "transmit_queue_length", 10, "gauge"),
)
_INFO_LABELS = ("address", "broadcast", "device", "duplex", "ifalias", "operstate")


class NetclassCollector(Collector):
    name = "netclass"

    def setup(self) -> None:
        self._devices: set[str] = set()  # to close the files of interfaces that went away

    def collect(self) -> list[Family]:
        base = f"{self.paths.sys}/class/net"
        props = [Family(f"node_network_{metric}", f"Network device property: {metric}", kind, ("device",))
                 for _, metric, _, kind in _PROPERTIES]
        speed = Family("node_network_speed_bytes", "Network device property: speed_bytes", labelnames=("device",))
        up = Family("node_network_up", "Value is 1 if operstate is 'up', 0 otherwise.", labelnames=("device",))
        info = Family("node_network_info", "Non-numeric data from /sys/class/net/<iface>, value is always 1.",
                      labelnames=_INFO_LABELS)
        devices = sorted(d for d in os.listdir(base) if d != "bonding_masters")
        for gone in self._devices.difference(devices):
            self.files.revalidate(f"{base}/{gone}")
        self._devices = set(devices)
        attr, number = self.files.attr, self.files.int
        for device in devices:
            path = f"{base}/{device}"
            if not self.files.revalidate(path):
                continue  # removed since listdir
            labels = (device,)
            for family, (attribute, _, number_base, _) in zip(props, _PROPERTIES, strict=True):
                value = number(f"{path}/{attribute}", number_base)
                if value is not None:
                    family.samples.append((labels, value))
            mbits = number(f"{path}/speed")
            if mbits is not None:
                speed.add(mbits * 125000, device)
            operstate = attr(f"{path}/operstate") or ""
            up.add(1 if operstate == "up" else 0, device)
            info.add(1, attr(f"{path}/address") or "", attr(f"{path}/broadcast") or "", device,
                     attr(f"{path}/duplex") or "", attr(f"{path}/ifalias") or "", operstate)
        return [*props, speed, up, info]
