"""stat: boot time, context switches, interrupts, forks and runnable/blocked processes from /proc/stat."""

from __future__ import annotations

from agents.host.collectors.base import Collector
from agents.host.exposition import Family

_FIELDS = {
    "intr": ("node_intr_total", "Total number of interrupts serviced.", "counter"),
    "ctxt": ("node_context_switches_total", "Total number of context switches.", "counter"),
    "btime": ("node_boot_time_seconds", "Node boot time, in unixtime.", "gauge"),
    "processes": ("node_forks_total", "Total number of forks.", "counter"),
    "procs_running": ("node_procs_running", "Number of processes in runnable state.", "gauge"),
    "procs_blocked": ("node_procs_blocked", "Number of processes blocked waiting for I/O to complete.", "gauge"),
}


class StatCollector(Collector):
    name = "stat"

    def collect(self) -> list[Family]:
        families: list[Family] = []
        for line in self.files.text(f"{self.paths.proc}/stat").splitlines():
            key, _, rest = line.partition(" ")
            spec = _FIELDS.get(key)
            if spec is not None:
                value = rest.split(None, 1)[0]
                families.append(Family(*spec).add(int(value)))
        return families
