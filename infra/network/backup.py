"""Oxidized-style backups of running configurations: one file per device, volatile lines gone, secrets masked.

A file is rewritten only when its content changed, so an unchanged device keeps its file's mtime (and a
version-control commit of the folder shows real changes only).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from infra.network.secrets import mask
from yunwang.topology import Device, Vendor

_COMMON = (r"^\s*[!#]?\s*Last configuration (was )?(updated|change)", r"uptime is ", r"^\s*[!#]?\s*System Time")
VOLATILE: dict[Vendor, tuple[re.Pattern[str], ...]] = {
    vendor: tuple(re.compile(p, re.I) for p in (*_COMMON, *extra)) for vendor, extra in {
        Vendor.HUAWEI: (r"^!Last configuration was (updated|saved)", r"^!Time:"),
        Vendor.H3C: (r"^\s*#\s*Last (saved|updated)",),
        Vendor.CISCO: (r"^! Last configuration change at", r"^! NVRAM config last updated", r"^ntp clock-period",
                       r"^Building configuration", r"^Current configuration\s*:"),
        Vendor.RUIJIE: (r"^Building configuration", r"^Current configuration\s*:", r"^! Last configuration change",
                        r"^ntp clock-period"),
    }.items()
}
"""Lines that change without anyone changing the configuration (timestamps, counters, the config's size)."""

Status = Literal["new", "changed", "unchanged", "failed"]


def strip_volatile(text: str, vendor: Vendor) -> str:
    patterns = VOLATILE[vendor]
    kept = [line for line in text.replace("\r", "").split("\n") if not any(p.search(line) for p in patterns)]
    return "\n".join(kept).strip("\n") + "\n"


def backup_text(text: str, vendor: Vendor) -> str:
    """What the backup keeps of a running configuration: no volatile line, no secret."""
    from infra.network.render import FAMILIES

    return mask(strip_volatile(text, vendor), FAMILIES[vendor].secret_patterns)


def backup_path(folder: Path, device: Device) -> Path:
    return folder / device.region / f"{device.name}.cfg"


def write_backup(folder: Path, device: Device, text: str) -> Status:
    """Write the device's backup unless it holds exactly this text already."""
    path = backup_path(folder, device)
    content = backup_text(text, device.vendor)
    try:
        if path.read_text(encoding="utf-8") == content:
            return "unchanged"
        status: Status = "changed"
    except FileNotFoundError:
        status = "new"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".cfg.tmp")
    tmp.write_text(content, encoding="utf-8")
    tmp.replace(path)
    return status


@dataclass
class Summary:
    """What a collection changed in the backup folder."""

    devices: dict[Status, list[str]] = field(default_factory=lambda: {s: [] for s in ("new", "changed",
                                                                                     "unchanged", "failed")})
    errors: dict[str, str] = field(default_factory=dict)

    def add(self, device: str, status: Status, error: str = "") -> None:
        self.devices[status].append(device)
        if error:
            self.errors[device] = error

    def counts(self) -> dict[str, int]:
        return {status: len(names) for status, names in self.devices.items()}

    def lines(self) -> Iterable[str]:
        counts = self.counts()
        yield ", ".join(f"{counts[s]} {s}" for s in ("new", "changed", "unchanged", "failed"))
        for status in ("new", "changed"):
            for name in sorted(self.devices[status]):  # type: ignore[index]
                yield f"  {status:9} {name}"
        for name in sorted(self.errors):
            yield f"  failed    {name}: {self.errors[name]}"
