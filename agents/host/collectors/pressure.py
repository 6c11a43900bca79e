"""pressure: pressure-stall totals for cpu, io and memory from /proc/pressure/."""

from __future__ import annotations

from agents.host.collectors.base import Collector
from agents.host.exposition import Family

# (resource, line kind, metric, help)
_WAITED = "Total time in seconds that processes have waited"
_STALLED = "Total time in seconds no process could make progress"
_STALLS = (
    ("cpu", "some", "node_pressure_cpu_waiting_seconds_total", f"{_WAITED} for CPU time"),
    ("io", "some", "node_pressure_io_waiting_seconds_total", f"{_WAITED} due to IO congestion"),
    ("io", "full", "node_pressure_io_stalled_seconds_total", f"{_STALLED} due to IO congestion"),
    ("memory", "some", "node_pressure_memory_waiting_seconds_total", f"{_WAITED} for memory"),
    ("memory", "full", "node_pressure_memory_stalled_seconds_total", f"{_STALLED} due to memory congestion"),
)


class PressureCollector(Collector):
    name = "pressure"

    def collect(self) -> list[Family]:
        totals: dict[tuple[str, str], int] = {}
        for resource in ("cpu", "io", "memory"):
            for line in self.files.text(f"{self.paths.proc}/pressure/{resource}").splitlines():
                kind, _, rest = line.partition(" ")
                total = rest.rpartition("total=")[2]
                if total:
                    totals[(resource, kind)] = int(total)
        return [Family(metric, help_text, "counter").add(totals[(res, kind)] / 1e6)
                for res, kind, metric, help_text in _STALLS if (res, kind) in totals]
