"""What a poll cycle (and a drift round) of the local stack costs on this machine, and so which simulator and intervals
it can meet.

The figures are per SNMP value walked, measured on the project's 2-core machines (docs/performance.md, "Local
stack at city scale"): a stack's cycle walks about :data:`VALUES_PER_INTERFACE` values per interface (liuan:
610,732 values for 15,288 interfaces), each costing the poller and the simulator their CPU time. A cycle may use
at most :data:`CPU_SHARE` of the CPUs that other work leaves free (the load average at start, counted against the
CPUs, but never less than :data:`MIN_FREE` of them): Prometheus, the monitor and the audits need the rest. An
interval shorter than that is not met, and the arithmetic says so. The drift check (``net diff`` over SSH) is
priced per device the same way and may take :data:`DRIFT_CPU_SHARE` of the free CPUs.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Protocol

from yunwang.hardware import profile_for
from yunwang.topology import Topology

VALUES_PER_INTERFACE = 40
POLLER_CPU_PER_VALUE = 19e-6
"""Seconds of poller CPU per value (liuan, one cycle: 11.7 CPU-s for 610,732 values, SNMPv3 authPriv)."""
SIM_CPU_PER_VALUE = {"snmpsim": 310e-6, "fast": 16e-6}
"""Seconds of simulator CPU per value served (snmpsim 1.2: ~3,200 values per CPU-second; the fast simulator
~63,000, liuan's recordings over SNMPv3 authPriv)."""
DRIFT_CLIENT_CPU_PER_DEVICE = 0.08
"""Seconds of CPU one device costs ``net diff`` per round: SSH key exchange and login, reading the running
configuration, the comparison with its intent (liuan's simulated devices, ~200 drifted lines each: 54 CPU-s for 667
devices, two thirds of it comparing)."""
DRIFT_SERVER_CPU_PER_DEVICE = 0.035
"""The same session's cost to the simulated device's SSH server (the simulator's own process; liuan: 23 CPU-s)."""
DRIFT_CPU_SHARE = 0.25
"""A drift round is background work beside the polling (which may take half the free CPUs): at most a quarter."""
CPU_SHARE = 0.5
MIN_FREE = 0.25
STEPS_S = (10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0)
"""Intervals chosen from (a person reads ``2m``, not ``97s``)."""
ENGINES = ("snmpsim", "fast")


def free_cpus(cpus: int, load: float) -> float:
    """The CPUs other work leaves (the load average counted against them), never less than :data:`MIN_FREE`."""
    return max(cpus - load, cpus * MIN_FREE)


def _busy(load: float) -> str:
    return f" (load average {load:.1f} from other work)" if load >= 0.5 else ""


class IntervalCost(Protocol):
    """What a repeated piece of work costs here, so :func:`choose_interval` can pick how often it may run."""

    option: str
    doing: str
    overrun: str

    @property
    def shortest_interval(self) -> float: ...

    def explain(self) -> str: ...


@dataclass(frozen=True)
class CycleCost:
    """CPU seconds one poll cycle of the whole fleet needs, and the shortest interval this machine meets."""

    devices: int
    values: int
    engine: str
    cpus: int
    load: float = 0.0
    """Load average of other work when the stack starts."""
    option = "--poll-interval"
    doing = "polling"
    overrun = "cycles will overrun (devices fall behind their deadline)"

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
        return free_cpus(self.cpus, self.load)

    @property
    def shortest_interval(self) -> float:
        return self.cpu / (self.free_cpus * CPU_SHARE)

    def explain(self) -> str:
        sim = f" + {self.engine} simulator {self.sim_cpu:.0f} s" if self.engine else ""
        return (f"{self.devices} devices × ~{self.values / max(self.devices, 1):,.0f} values need ~{self.cpu:.0f} "
                f"CPU-s per poll cycle here (poller {self.poller_cpu:.0f} s{sim}); {CPU_SHARE:.0%} of the "
                f"{self.free_cpus:.2g} of {self.cpus} CPUs free{_busy(self.load)} gives a cycle every "
                f"{self.shortest_interval:.0f} s at best")


@dataclass(frozen=True)
class DriftCost:
    """CPU seconds one drift round (``net diff`` of every device over SSH) needs, and how often this machine
    affords one beside the polling."""

    devices: int
    cpus: int
    load: float = 0.0
    simulated: bool = True
    """The simulated devices' SSH servers run on this machine too."""
    option = "--drift-interval"
    doing = "checking drift"
    overrun = "rounds will run back to back and take CPU from the polling"

    @property
    def client_cpu(self) -> float:
        return self.devices * DRIFT_CLIENT_CPU_PER_DEVICE

    @property
    def server_cpu(self) -> float:
        return self.devices * DRIFT_SERVER_CPU_PER_DEVICE if self.simulated else 0.0

    @property
    def cpu(self) -> float:
        return self.client_cpu + self.server_cpu

    @property
    def free_cpus(self) -> float:
        return free_cpus(self.cpus, self.load)

    @property
    def shortest_interval(self) -> float:
        return self.cpu / (self.free_cpus * DRIFT_CPU_SHARE)

    def explain(self) -> str:
        server = f" + the simulated devices' SSH {self.server_cpu:.0f} s" if self.simulated else ""
        return (f"{self.devices} devices' drift check needs ~{self.cpu:.0f} CPU-s per round here (SSH sessions and "
                f"comparisons {self.client_cpu:.0f} s{server}); {DRIFT_CPU_SHARE:.0%} of the {self.free_cpus:.2g} "
                f"of {self.cpus} CPUs free{_busy(self.load)} gives a round every {self.shortest_interval:.0f} s at "
                "best")


def drift_cost(topology: Topology, simulated: bool, cpus: int | None = None, load: float | None = None
               ) -> DriftCost:
    """The cost of one drift round over every device of ``topology`` on ``cpus`` CPUs busy with ``load``."""
    return DriftCost(len(topology.devices), cpus or os.cpu_count() or 1,
                     os.getloadavg()[0] if load is None else load, simulated)


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


def choose_interval(cost: IntervalCost, wanted_s: float, explicit: bool) -> tuple[float, str | None]:
    """(interval in seconds, what to tell the user or None).

    An interval this machine cannot meet is kept when the user gave it (with a warning), else replaced by the
    next step up that it can meet, with the arithmetic.
    """
    if cost.shortest_interval <= wanted_s:
        return wanted_s, None
    not_possible = f"{cost.explain()}; {cost.doing} every {format_interval(wanted_s)} is not possible here"
    if explicit:
        return wanted_s, f"{not_possible}: {cost.overrun}"
    chosen = next((s for s in STEPS_S if s >= cost.shortest_interval),
                  float(math.ceil(cost.shortest_interval / 60) * 60))
    return chosen, f"{not_possible}: using {format_interval(chosen)} ({cost.option} overrides)"


PROMETHEUS_BASE_BYTES = 50 << 20
"""Resident memory of a Prometheus before its series (2.42 with the project's rules, scraping itself: 49 MB)."""
PROMETHEUS_MEMORY_SHARE = 0.1
"""One Prometheus per region may cost at most this share of the memory available at start in extra servers; the
series themselves cost the same in one server or spread over several."""


@dataclass(frozen=True)
class PrometheusLayout:
    """Whether the local stack runs one Prometheus per region (as the plan) or one for all, and why."""

    regions: int
    available: int
    """Bytes of memory available at start."""
    per_region: bool
    explicit: bool = False

    @property
    def extra(self) -> int:
        """Bytes the region servers cost beyond one server."""
        return max(self.regions - 1, 0) * PROMETHEUS_BASE_BYTES

    def explain(self) -> str:
        arithmetic = (f"{self.regions} region servers cost ~{self.extra >> 20} MiB more than one; "
                      f"{PROMETHEUS_MEMORY_SHARE:.0%} of the {self.available >> 20} MiB available is "
                      f"{int(self.available * PROMETHEUS_MEMORY_SHARE) >> 20} MiB")
        if self.explicit:
            return "as asked (--prometheus-per-region/--one-prometheus)"
        return arithmetic


def available_memory() -> int:
    """Bytes of memory available now (MemAvailable on Linux, else the free pages)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


def choose_prometheus_layout(regions: int, wanted: bool | None, available: int | None = None) -> PrometheusLayout:
    """One Prometheus per region unless ``wanted`` says otherwise or the extra servers would take more than
    :data:`PROMETHEUS_MEMORY_SHARE` of the memory available here."""
    free = available_memory() if available is None else available
    if wanted is not None:
        return PrometheusLayout(regions, free, wanted and regions > 1, explicit=True)
    extra = max(regions - 1, 0) * PROMETHEUS_BASE_BYTES
    return PrometheusLayout(regions, free, regions > 1 and extra <= free * PROMETHEUS_MEMORY_SHARE)
