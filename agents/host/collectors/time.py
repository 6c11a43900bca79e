"""time: the system clock, time zone offset and clock sources."""

from __future__ import annotations

import glob
import time

from agents.host.collectors.base import Collector
from agents.host.exposition import Family


class TimeCollector(Collector):
    name = "time"

    def setup(self) -> None:
        self._sources: list[str] | None = None

    def collect(self) -> list[Family]:
        now = time.time()
        local = time.localtime(now)
        families = [
            Family("node_time_seconds", "System time in seconds since epoch (1970).").add(now),
            Family("node_time_zone_offset_seconds", "System time zone offset in seconds.", labelnames=("time_zone",))
            .add(local.tm_gmtoff, local.tm_zone),
        ]
        available = Family("node_time_clocksource_available_info",
                           "Available clocksources read from '/sys/devices/system/clocksource'.",
                           labelnames=("clocksource", "device"))
        current = Family("node_time_clocksource_current_info",
                         "Current clocksource read from '/sys/devices/system/clocksource'.",
                         labelnames=("clocksource", "device"))
        if self._sources is None:  # clock source devices are fixed at boot
            self._sources = sorted(glob.glob(f"{self.paths.sys}/devices/system/clocksource/clocksource[0-9]*"))
        for path in self._sources:
            device = path.rpartition("clocksource")[2]
            for source in (self.files.attr(f"{path}/available_clocksource") or "").split():
                available.add(1, source, device)
            chosen = self.files.attr(f"{path}/current_clocksource")
            if chosen:
                current.add(1, chosen, device)
        return [*families, available, current]
