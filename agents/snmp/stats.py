"""The SNMP agent's own metrics (``yunwang_snmp_*``), kept as plain counters and rendered as text."""

from __future__ import annotations

import os
import time
from collections import OrderedDict, defaultdict

from yunwang.contracts.exposition import escape_label_value as escape

MAX_TARGET_SERIES = 512
"""Exporter-mode targets (named by whoever calls /snmp) whose error series are kept; the least recently failed
beyond this many are dropped, so bogus targets cannot grow /metrics without bound."""

HELP: dict[str, tuple[str, str]] = {
    "yunwang_snmp_polls_total": ("counter", "Device polls (poller) or /snmp scrapes (exporter) by result."),
    "yunwang_snmp_poll_errors_total": ("counter", "Failed polls by device and reason "
                                                  "(timeout, auth, unreachable, malformed, error_status, config)."),
    "yunwang_snmp_pdus_sent_total": ("counter", "SNMP request datagrams sent, retransmissions included."),
    "yunwang_snmp_retransmits_total": ("counter", "SNMP requests resent after a timeout."),
    "yunwang_snmp_varbinds_total": ("counter", "Variable bindings received."),
    "yunwang_snmp_device_restarts_total": ("counter", "Device restarts seen as a decrease of sysUpTime."),
    "yunwang_snmp_devices": ("gauge", "Devices this poller polls (its shard of the inventory)."),
    "yunwang_snmp_poll_interval_seconds": ("gauge", "Configured poll interval."),
    "yunwang_snmp_http_requests_total": ("counter", "HTTP requests served by path and status."),
    "yunwang_snmp_process_cpu_seconds_total": ("counter", "CPU time of the agent process (user + system)."),
    "yunwang_snmp_process_resident_memory_bytes": ("gauge", "Resident memory of the agent process."),
    "yunwang_snmp_start_time_seconds": ("gauge", "Start time of the agent, seconds since the epoch."),
}


def _rss_bytes() -> int:
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


class AgentStats:
    """Counters keyed by (metric name, pre-rendered label text)."""

    def __init__(self, max_target_series: int = MAX_TARGET_SERIES) -> None:
        self.values: dict[str, dict[str, float]] = defaultdict(dict)
        self.set("yunwang_snmp_start_time_seconds", "", round(time.time(), 3))
        self.max_target_series = max_target_series
        self._targets: OrderedDict[str, set[str]] = OrderedDict()  # target → its error label sets, least recent first

    def inc(self, name: str, labels: str = "", by: float = 1) -> None:
        series = self.values[name]
        series[labels] = series.get(labels, 0) + by

    def set(self, name: str, labels: str, value: float) -> None:
        self.values[name][labels] = value

    def count_poll(self, device: str, ok: bool, reason: str | None, pdus: int, retransmits: int,
                   varbinds: int, target: bool = False) -> None:
        """Account one device poll (poller) or /snmp scrape (exporter, ``target``: the caller named the device, so
        its error series are bounded): the same counters for both modes."""
        self.inc("yunwang_snmp_polls_total", f'result="{"ok" if ok else "failed"}"')
        self.inc("yunwang_snmp_pdus_sent_total", "", pdus)
        self.inc("yunwang_snmp_retransmits_total", "", retransmits)
        self.inc("yunwang_snmp_varbinds_total", "", varbinds)
        if ok:
            return
        labels = f'device="{escape(device)}",reason="{reason}"'
        self.inc("yunwang_snmp_poll_errors_total", labels)
        if target:
            self._track_target(device, labels)

    def _track_target(self, device: str, labels: str) -> None:
        """Remember ``device``'s error series as the most recent; drop the series of the least recent beyond the cap."""
        known = self._targets.pop(device, None)
        self._targets[device] = (known or set()) | {labels}
        while len(self._targets) > self.max_target_series:
            _, dropped = self._targets.popitem(last=False)
            for old in dropped:
                self.values["yunwang_snmp_poll_errors_total"].pop(old, None)

    def render(self) -> str:
        times = os.times()
        self.set("yunwang_snmp_process_cpu_seconds_total", "", round(times.user + times.system, 3))
        self.set("yunwang_snmp_process_resident_memory_bytes", "", _rss_bytes())
        out: list[str] = []
        for name in sorted(self.values):
            kind, text = HELP.get(name, ("gauge", name))
            out.append(f"# HELP {name} {text}\n# TYPE {name} {kind}\n")
            for labels, value in sorted(self.values[name].items()):
                number = int(value) if float(value).is_integer() else value
                out.append(f"{name}{{{labels}}} {number}\n" if labels else f"{name} {number}\n")
        return "".join(out)
