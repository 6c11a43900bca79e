"""softnet: per-CPU packet processing counters from /proc/net/softnet_stat."""

from __future__ import annotations

from agents.host.collectors.base import Collector
from agents.host.exposition import Family


class SoftnetCollector(Collector):
    name = "softnet"

    def collect(self) -> list[Family]:
        processed = Family("node_softnet_processed_total", "Number of processed packets", "counter", ("cpu",))
        dropped = Family("node_softnet_dropped_total", "Number of dropped packets", "counter", ("cpu",))
        squeezed = Family("node_softnet_times_squeezed_total", "Number of times processing packets ran out of quota",
                          "counter", ("cpu",))
        for cpu, line in enumerate(self.files.text(f"{self.paths.proc}/net/softnet_stat").splitlines()):
            fields = line.split()
            if len(fields) < 3:
                continue
            labels = (str(cpu),)
            processed.samples.append((labels, int(fields[0], 16)))
            dropped.samples.append((labels, int(fields[1], 16)))
            squeezed.samples.append((labels, int(fields[2], 16)))
        return [processed, dropped, squeezed]
