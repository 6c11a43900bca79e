"""diskstats: per-device I/O counters from /proc/diskstats, node_disk_info from udev's database."""

from __future__ import annotations

import re

from agents.host.collectors.base import Collector
from agents.host.exposition import Family
from agents.host.procfs import read_text

IGNORED_DEVICES = re.compile(r"^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$")
_MS = 0.001
_SECTOR = 512
# (column after the device name, metric, help, scale); columns as documented in Documentation/admin-guide/iostats.
_COUNTERS = (
    (0, "reads_completed_total", "The total number of reads completed successfully.", 1),
    (1, "reads_merged_total", "The total number of reads merged.", 1),
    (2, "read_bytes_total", "The total number of bytes read successfully.", _SECTOR),
    (3, "read_time_seconds_total", "The total number of seconds spent by all reads.", _MS),
    (4, "writes_completed_total", "The total number of writes completed successfully.", 1),
    (5, "writes_merged_total", "The number of writes merged.", 1),
    (6, "written_bytes_total", "The total number of bytes written successfully.", _SECTOR),
    (7, "write_time_seconds_total", "This is the total number of seconds spent by all writes.", _MS),
    (8, "io_now", "The number of I/Os currently in progress.", 1),
    (9, "io_time_seconds_total", "Total seconds spent doing I/Os.", _MS),
    (10, "io_time_weighted_seconds_total", "The weighted # of seconds spent doing I/Os.", _MS),
    (11, "discards_completed_total", "The total number of discards completed successfully.", 1),
    (12, "discards_merged_total", "The total number of discards merged.", 1),
    (13, "discarded_sectors_total", "The total number of sectors discarded successfully.", 1),
    (14, "discard_time_seconds_total", "This is the total number of seconds spent by all discards.", _MS),
    (15, "flush_requests_total", "The total number of flush requests completed successfully", 1),
    (16, "flush_requests_time_seconds_total", "This is the total number of seconds spent by all flush requests.",
     _MS),
)
_INFO_LABELS = ("device", "major", "minor", "model", "path", "revision", "serial", "wwn")
_UDEV_KEYS = {"ID_MODEL": "model", "ID_PATH": "path", "ID_REVISION": "revision", "ID_SERIAL_SHORT": "serial",
              "ID_WWN": "wwn"}


class DiskstatsCollector(Collector):
    name = "diskstats"

    def udev_properties(self, major: str, minor: str) -> dict[str, str]:
        try:
            text = read_text(f"{self.paths.run}/udev/data/b{major}:{minor}")
        except OSError:
            return {}
        props = {}
        for line in text.splitlines():
            if line.startswith("E:"):
                key, _, value = line[2:].partition("=")
                if key in _UDEV_KEYS:
                    props[_UDEV_KEYS[key]] = value
        return props

    def collect(self) -> list[Family]:
        families = [Family(f"node_disk_{metric}", help_text, "gauge" if metric == "io_now" else "counter",
                           ("device",)) for _, metric, help_text, _ in _COUNTERS]
        info = Family("node_disk_info", "Info of /sys/block/<block_device>.", labelnames=_INFO_LABELS)
        for line in self.files.text(f"{self.paths.proc}/diskstats").splitlines():
            fields = line.split()
            if len(fields) < 14:
                continue
            major, minor, device = fields[0], fields[1], fields[2]
            if IGNORED_DEVICES.match(device):
                continue
            values = fields[3:]
            props = self.udev_properties(major, minor)
            info.add(1, device, major, minor, props.get("model", ""), props.get("path", ""),
                     props.get("revision", ""), props.get("serial", ""), props.get("wwn", ""))
            for family, (column, _, _, scale) in zip(families, _COUNTERS, strict=True):
                if column < len(values):
                    raw = int(values[column])
                    family.samples.append(((device,), raw * scale))
        families.append(info)
        return families
