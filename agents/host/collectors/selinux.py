"""selinux: whether SELinux is enabled and, if so, its configured and current modes."""

from __future__ import annotations

from agents.host.collectors.base import Collector
from agents.host.exposition import Family
from agents.host.procfs import read_text

_MODES = {"enforcing": 1, "permissive": 0, "disabled": -1}


class SelinuxCollector(Collector):
    name = "selinux"

    def collect(self) -> list[Family]:
        enforce = self.files.int(f"{self.paths.sys}/fs/selinux/enforce")
        enabled = Family("node_selinux_enabled", "SELinux is enabled, 1 is true, 0 is false")
        if enforce is None:
            return [enabled.add(0)]
        families = [enabled.add(1),
                    Family("node_selinux_current_mode",
                           "SELinux is enforcing, 1 is true, 0 is false, -1 is disabled").add(enforce)]
        try:
            config = read_text(f"{self.paths.etc}/selinux/config")
        except OSError:
            return families
        for line in config.splitlines():
            key, _, value = line.strip().partition("=")
            if key == "SELINUX" and value.strip() in _MODES:
                families.append(Family("node_selinux_config_mode",
                                       "Configured SELinux enforcement mode").add(_MODES[value.strip()]))
        return families
