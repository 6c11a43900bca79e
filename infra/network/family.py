"""A vendor family: its template, the device models it can render, its spellings and its secret patterns.

One file per family in ``vendors/`` builds a :class:`Family`; :mod:`infra.network.render` keys them by
:class:`yunwang.topology.Vendor`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from yunwang.topology import Device, DeviceRole, Vendor

SWITCHES = frozenset({DeviceRole.CORE, DeviceRole.AGGREGATION, DeviceRole.ACCESS})
ROUTERS = frozenset({DeviceRole.ROUTER, DeviceRole.IOT_GATEWAY})
FIREWALLS = frozenset({DeviceRole.FIREWALL})


@dataclass(frozen=True)
class ModelLine:
    """A product line: model names it matches and the roles such a box can play."""

    pattern: re.Pattern[str]
    roles: frozenset[DeviceRole]
    label: str


@dataclass(frozen=True)
class Family:
    vendor: Vendor
    name: str
    template: str
    lines: tuple[ModelLine, ...]
    secret_patterns: tuple[re.Pattern[str], ...]
    """Mask a running configuration of this family (group 1 kept, the value after it becomes ``[secret]``)."""
    words: Mapping[str, Any] = field(default_factory=dict)
    """The family's spellings handed to the template as ``kw`` (SNMP algorithms, role privileges …)."""

    def line_for(self, device: Device) -> ModelLine | None:
        return next((line for line in self.lines if line.pattern.match(device.model)), None)

    def unsupported(self, device: Device) -> tuple[str, str, str] | None:
        """(key, message, hint) when this family cannot render the device, else None."""
        line = self.line_for(device)
        known = "; ".join(f"{ml.label} ({', '.join(sorted(r.value for r in ml.roles))})" for ml in self.lines)
        if line is None:
            return ("model", f"no {self.name} renderer for model {device.model}",
                    f"supported {self.vendor.value} product lines: {known}")
        if device.role not in line.roles:
            return ("role", f"a {line.label} cannot be rendered as a {device.role.value}",
                    f"supported {self.vendor.value} product lines and roles: {known}")
        return None
