"""What a poll cycle of the local stack costs on this machine, and so which simulator and poll interval it can meet.

The figures are per SNMP value walked, measured on the project's 2-core machines (docs/performance.md, "Local
stack at city scale"): a stack's cycle walks about :data:`VALUES_PER_INTERFACE` values per interface (liuan:
610,732 values for 15,288 interfaces), each costing the poller and the simulator their CPU time. A cycle may use
at most :data:`CPU_SHARE` of the CPUs that other work leaves free (the load average at start, counted against the
CPUs, but never less than :data:`MIN_FREE` of them): Prometheus, the monitor and the audits need the rest. An
interval shorter than that is not met, and the arithmetic says so.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from yunwang.hardware import profile_for
from yunwang.topology import Topology

VALUES_PER_INTERFACE = 40
POLLER_CPU_PER_VALUE = 19e-6
"""Seconds of poller CPU per value (liuan, one cycle: 11.7 CPU-s for 610,732 values, SNMPv3 authPriv)."""
SIM_CPU_PER_VALUE = {"snmpsim": 310e-6, "fast": 16e-6}
"""Seconds of simulator CPU per value served (snmpsim 1.2: ~3,200 values per CPU-second; the fast simulator
~63,000, liuan's recordings over SNMPv3 authPriv)."""
CPU_SHARE = 0.5
MIN_FREE = 0.25
STEPS_S = (10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0)
"""Intervals chosen from (a person reads ``2m``, not ``97s``)."""
ENGINES = ("snmpsim", "fast")


@dataclass(frozen=True)
class CycleCost:
    """CPU seconds one poll cycle of the whole fleet needs, and the shortest interval this machine meets."""

    devices: int
    values: int
    engine: str
    cpus: int
    load: float = 0.0
    """Load average of other work when the stack starts."""

    @property
    def poller_cpu(self) -> float:
        return self.values * POLLER_CPU_PER_VALUE

    @property
    def sim_cpu(self) -> float:
        return self.values * SIM_CPU_PER_VALUE[self.engine] if self.engine else 0.0

    @property
    def cpu(self) -> float:
        return self.poller_cpu + self.sim_cpu

    @property
    def free_cpus(self) -> float:
        return max(self.cpus - self.load, self.cpus * MIN_FREE)

    @property
    def shortest_interval(self) -> float:
        return self.cpu / (self.free_cpus * CPU_SHARE)

    def explain(self) -> str:
        sim = f" + {self.engine} simulator {self.sim_cpu:.0f} s" if self.engine else ""
        busy = f" (load average {self.load:.1f} from other work)" if self.load >= 0.5 else ""
        return (f"{self.devices} devices × ~{self.values / max(self.devices, 1):,.0f} values need ~{self.cpu:.0f} "
                f"CPU-s per poll cycle here (poller {self.poller_cpu:.0f} s{sim}); {CPU_SHARE:.0%} of the "
                f"{self.free_cpus:.2g} of {self.cpus} CPUs free{busy} gives a cycle every "
                f"{self.shortest_interval:.0f} s at best")


def cycle_cost(topology: Topology, engine: str, cpus: int | None = None, load: float | None = None) -> CycleCost:
    """The cost of polling every device of ``topology`` once, served by ``engine`` ("" for real devices), on
    ``cpus`` CPUs busy with ``load`` (default: this machine's, now)."""
    interfaces = sum(d.interfaces + len(profile_for(d).logical) for d in topology.devices)
    return CycleCost(len(topology.devices), interfaces * VALUES_PER_INTERFACE, engine, cpus or os.cpu_count() or 1,
                     os.getloadavg()[0] if load is None else load)


def choose_engine(topology: Topology, interval_s: float, cpus: int | None = None, load: float | None = None) -> str:
    """snmpsim (the reference) when it can serve a cycle every ``interval_s`` here, else the fast simulator."""
    return "snmpsim" if cycle_cost(topology, "snmpsim", cpus, load).shortest_interval <= interval_s else "fast"


def format_interval(seconds: float) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:.0f}m"
    return f"{seconds:g}s"


def choose_interval(cost: CycleCost, wanted_s: float, explicit: bool) -> tuple[float, str | None]:
    """(poll interval in seconds, what to tell the user or None).

    An interval this machine cannot meet is kept when the user gave it (with a warning), else replaced by the
    next step up that it can meet, with the arithmetic.
    """
    if cost.shortest_interval <= wanted_s:
        return wanted_s, None
    if explicit:
        return wanted_s, (f"{cost.explain()}; polling every {format_interval(wanted_s)} is not possible here: "
                          "cycles will overrun (devices fall behind their deadline)")
    chosen = next((s for s in STEPS_S if s >= cost.shortest_interval),
                  float(math.ceil(cost.shortest_interval / 60) * 60))
    return chosen, (f"{cost.explain()}; polling every {format_interval(wanted_s)} is not possible here: "
                    f"using {format_interval(chosen)} (--poll-interval overrides)")
