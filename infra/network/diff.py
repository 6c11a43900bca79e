"""Drift: per device, the remediation that would bring it to its intent, and its rollback, secrets masked.

:func:`diff_device` is the typed API the monitor and the Pulumi provider call; :func:`diff_stack` runs it over a
stack against configurations collected live or read from a backup folder (``net collect``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from infra.network.backup import backup_path
from infra.network.collect import Collected
from infra.network.remediation import RemediationError, remediate
from yunwang.topology import Device, Topology

DiffStatus = Literal["clean", "drifted", "unreadable"]


@dataclass(frozen=True)
class DeviceDiff:
    """One device's drift from its intent."""

    device: str
    region: str
    vendor: str
    collected_at: dt.datetime | None
    remediation: tuple[str, ...] = ()
    """The lines that would be sent (vendor syntax, sections indented, secrets ``[secret]``)."""
    rollback: tuple[str, ...] = ()
    """The lines that would take the device back from its intent to what it runs now."""
    error: str | None = None
    """Why the running configuration could not be read or compared (then the drift is unknown)."""

    @property
    def drift_lines(self) -> int:
        return len(self.remediation)

    @property
    def status(self) -> DiffStatus:
        if self.error is not None:
            return "unreadable"
        return "drifted" if self.remediation else "clean"

    def as_dict(self) -> dict[str, Any]:
        return {"device": self.device, "region": self.region, "vendor": self.vendor, "status": self.status,
                "drift_lines": self.drift_lines if self.error is None else None,
                "collected_at": self.collected_at.isoformat() if self.collected_at else None,
                "remediation": "".join(line + "\n" for line in self.remediation),
                "rollback": "".join(line + "\n" for line in self.rollback), "error": self.error}


def diff_device(device: Device, running: str, intended_masked: str,
                collected_at: dt.datetime | None = None) -> DeviceDiff:
    """The drift of one device: its running configuration (as printed, or a masked backup) against its intent."""
    base = dict(device=device.name, region=device.region, vendor=device.vendor.value, collected_at=collected_at)
    try:
        found = remediate(device.vendor, running, intended_masked, device=device.name)
    except RemediationError as exc:
        return DeviceDiff(**base, error=str(exc))  # type: ignore[arg-type]
    return DeviceDiff(**base, remediation=found.lines, rollback=found.rollback_lines)  # type: ignore[arg-type]


def read_backups(folder: Path, devices: Sequence[Device]) -> dict[str, Collected]:
    """Configurations from a ``net collect`` folder; a missing file is that device's error, not the run's."""
    out = {}
    for device in devices:
        path = backup_path(folder, device)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            out[device.name] = Collected(device.name, None, None, f"no collected configuration at {path}")
            continue
        when = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).replace(microsecond=0)
        out[device.name] = Collected(device.name, text, when)
    return out


def diff_stack(topo: Topology, topology_file: str | Path, devices: Sequence[Device],
               running: Mapping[str, Collected], done: Callable[[DeviceDiff], None] | None = None) -> list[DeviceDiff]:
    """Every device's drift, in topology order (rendering masked: no secret is needed to diff)."""
    from infra.network.render import iter_rendered

    out = []
    for item in iter_rendered(topo, topology_file, devices=[d.name for d in devices]):
        device = item.device
        got = running.get(device.name)
        if got is None or got.text is None:
            result = DeviceDiff(device.name, device.region, device.vendor.value,
                                got.collected_at if got else None,
                                error=got.error if got else "not collected")
        else:
            result = diff_device(device, got.text, item.text, got.collected_at)
        out.append(result)
        if done is not None:
            done(result)
    return out


def diff_report(stack: str, diffs: Sequence[DeviceDiff]) -> dict[str, Any]:
    """The JSON document of ``net diff --format json`` (what the monitor reads drift counts from)."""
    counts = {s: sum(1 for d in diffs if d.status == s) for s in ("clean", "drifted", "unreadable")}
    return {"stack": stack, "generated_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "summary": {"devices": len(diffs), **counts, "drift_lines": sum(d.drift_lines for d in diffs)},
            "devices": [d.as_dict() for d in diffs]}


def exit_status(diffs: Sequence[DeviceDiff]) -> int:
    """0 nothing differs; 1 some device differs; 3 nothing known to differ but some device could not be read."""
    if any(d.status == "drifted" for d in diffs):
        return 1
    if any(d.status == "unreadable" for d in diffs):
        return 3
    return 0
