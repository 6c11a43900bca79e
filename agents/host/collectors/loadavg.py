"""loadavg: node_load1, node_load5, node_load15 from /proc/loadavg."""

from __future__ import annotations

from agents.host.collectors.base import Collector
from agents.host.exposition import Family


class LoadavgCollector(Collector):
    name = "loadavg"

    def collect(self) -> list[Family]:
        one, five, fifteen = self.files.text(f"{self.paths.proc}/loadavg").split()[:3]
        return [
            Family("node_load1", "1m load average.").add(float(one)),
            Family("node_load5", "5m load average.").add(float(five)),
            Family("node_load15", "15m load average.").add(float(fifteen)),
        ]
