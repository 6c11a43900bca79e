"""cpu: node_cpu_seconds_total{cpu,mode} and node_cpu_guest_seconds_total from /proc/stat."""

from __future__ import annotations

import os

from agents.host.collectors.base import Collector
from agents.host.exposition import Family

_MODES = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")


class CpuCollector(Collector):
    name = "cpu"

    def setup(self) -> None:
        self.ticks = float(os.sysconf("SC_CLK_TCK"))

    def collect(self) -> list[Family]:
        seconds = Family("node_cpu_seconds_total", "Seconds the CPUs spent in each mode.", "counter", ("cpu", "mode"))
        guest = Family("node_cpu_guest_seconds_total", "Seconds the CPUs spent in guests (VMs) for each mode.",
                       "counter", ("cpu", "mode"))
        add, add_guest, ticks = seconds.samples.append, guest.samples.append, self.ticks
        for line in self.files.text(f"{self.paths.proc}/stat").splitlines():
            if not line.startswith("cpu") or line.startswith("cpu "):
                continue
            fields = line.split()
            cpu = fields[0][3:]
            values = fields[1:11]
            for mode, raw in zip(_MODES, values, strict=False):
                add(((cpu, mode), int(raw) / ticks))
            if len(values) >= 10:
                add_guest(((cpu, "user"), int(values[8]) / ticks))
                add_guest(((cpu, "nice"), int(values[9]) / ticks))
        return [seconds, guest]
