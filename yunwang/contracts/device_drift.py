"""Configuration drift reports: what ``yunwang net diff --report-to`` posts to the monitor, one entry a device.

A device has drifted when its running configuration differs from the configuration rendered from the topology:
``drift_lines`` counts the remediation lines that would bring it back (0: in line with its intent), and
``remediation`` holds them as the vendor's commands with every secret shown as ``[secret]`` (the monitor stores
and shows it; it never holds a secret). A device whose configuration could not be read (unreachable, login
refused) is reported with ``error`` and no counts: the monitor keeps its last good collection, so the time of
the last collection shows how stale its drift figure is.

The body is ``{"devices": [DeviceDrift, …]}`` with at most :data:`MAX_DEVICES_PER_REPORT` entries and
:data:`MAX_REPORT_BYTES` bytes, sent with the monitor's admin token (see docs/monitor.md); a reporter splits a
larger fleet into several posts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

DRIFT_PATH = "/api/v1/drift"
MAX_DEVICES_PER_REPORT = 200
MAX_REPORT_BYTES = 512 * 1024
"""A reporter keeps each post under this (the monitor takes 1 MiB bodies by default)."""
MAX_REMEDIATION_CHARS = 32_768
"""Longer remediations are cut at a line boundary and end with :data:`TRUNCATED_MARK` (a factory-fresh device
needs a few hundred lines; the whole text is always one ``net diff`` away)."""
MAX_ERROR_CHARS = 1000
TRUNCATED_MARK = "# … truncated: run `yunwang net diff` for the whole remediation"


@dataclass(frozen=True)
class DeviceDrift:
    device: str
    collected_at: str | None
    """When the running configuration was read: ISO 8601 with a UTC offset (None when it could not be read)."""
    drift_lines: int | None
    remediation: str = ""
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def clip_remediation(text: str) -> str:
    """``text`` within :data:`MAX_REMEDIATION_CHARS`, cut after a whole line and marked when it was longer."""
    if len(text) <= MAX_REMEDIATION_CHARS:
        return text
    room = MAX_REMEDIATION_CHARS - len(TRUNCATED_MARK) - 1
    cut = text.rfind("\n", 0, room) + 1
    return text[:cut] + TRUNCATED_MARK + "\n"
