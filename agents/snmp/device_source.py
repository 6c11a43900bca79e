"""Where the poller's devices come from, so that a device's configuration problem points at the entry to fix.

A device of an inventory file is ``devices[i]`` of that JSON. A device of a stack is ``devices[i]`` of the
stack's topology file: its ``snmp`` profile is the auth, its ``mgmt`` address the target, and its modules follow
from its role and vendor. An address taken from an endpoints file is that file's entry for the device. Lines
are looked up only when there is a problem to report.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from agents.snmp.errors import ScrapeConfigError
from agents.snmp.poller import DeviceJob
from yunwang.errors import InputError, Problem
from yunwang.inventory import InventoryDevice
from yunwang.yamlsource import KeyPath, SourceDoc, format_path, load_yaml

log = logging.getLogger("yunwang.agent.snmp")

INVENTORY_KEYS: Mapping[str, str] = {"address": "address", "auth": "auth", "modules": "modules"}
TOPOLOGY_KEYS: Mapping[str, str] = {"address": "mgmt", "auth": "snmp"}
SHOWN_NAMES = 5


@dataclass
class DeviceSource:
    """The file the devices were read from, each device's position in it and its keys for inventory fields."""

    file: Path
    positions: dict[str, int]
    keys: Mapping[str, str] = field(default_factory=lambda: INVENTORY_KEYS)
    endpoints: Path | None = None
    overridden: frozenset[str] = frozenset()  # devices whose address comes from the endpoints file
    _docs: dict[Path, SourceDoc | None] = field(default_factory=dict, repr=False)

    def locate(self, device: InventoryDevice, error: ScrapeConfigError) -> Problem:
        """The problem at the entry of ``device`` that holds the faulty value."""
        path: KeyPath
        if error.field == "address" and device.name in self.overridden and self.endpoints is not None:
            file, path = self.endpoints, (device.name,)
        else:
            file, path = self.file, ("devices", self.positions.get(device.name, 0))
            key = self.keys.get(error.field)
            if key is not None:
                path = (*path, key)
                if error.field == "modules" and error.value in device.modules:
                    path = (*path, device.modules.index(error.value))
        return Problem(str(file), self._line(file, path), format_path(path), error.value, error.message, error.hint)

    def _line(self, file: Path, path: KeyPath) -> int | None:
        if file not in self._docs:
            try:
                self._docs[file] = load_yaml(file)  # JSON is YAML: the same line tracking serves both
            except InputError:
                self._docs[file] = None
        doc = self._docs[file]
        return doc.line_of(path) if doc is not None else None


def check_jobs(jobs: list[DeviceJob], source: DeviceSource | None) -> None:
    """Report the devices that cannot be polled, once per cause at the first such device's entry: an
    :class:`InputError` when no device is left to poll, else a logged error (the others are polled)."""
    causes: dict[str, list[DeviceJob]] = {}
    for job in jobs:
        if job.error is not None:
            causes.setdefault(job.error.explain(), []).append(job)
    if not causes:
        return
    problems = [_grouped(bad, source) for bad in causes.values()]
    if all(job.error is not None for job in jobs):
        raise InputError(problems)
    for problem in problems:
        log.error("not polled: %s", problem.render())


def _grouped(bad: list[DeviceJob], source: DeviceSource | None) -> Problem:
    first, error = bad[0], bad[0].error
    assert error is not None
    problem = (source.locate(first.device, error) if source is not None
               else Problem("inventory", None, first.device.name, error.value, error.message, error.hint))
    others = [job.device.name for job in bad[1:]]
    also = ""
    if others:
        shown = ", ".join(others[:SHOWN_NAMES]) + (f" and {len(others) - SHOWN_NAMES} more"
                                                     if len(others) > SHOWN_NAMES else "")
        also = f" (also {len(others)} other device(s): {shown})"
    return dataclasses.replace(problem, message=f"device {first.device.name}: {problem.message}{also}")
