"""The series that say how a scrape went, written by one function for both modes with snmp_exporter's names.

snmp_exporter 0.21 ends every ``/snmp`` answer with ``snmp_scrape_walk_duration_seconds``,
``snmp_scrape_packets_sent``, ``snmp_scrape_packets_retried``, ``snmp_scrape_pdus_returned`` ("PDUs" there are
varbinds) and ``snmp_scrape_duration_seconds``; both modes write those, plus ``snmp_up``,
``snmp_scrape_partial``, ``snmp_scrape_timestamp_seconds`` and, on failure, ``snmp_scrape_error{reason}``.
Exporter mode writes them for its one scrape, the walk figures labelled by ``module`` (as snmp_exporter
≥0.24 does); poller mode for every device of its shard, each with the device's inventory labels.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from agents.snmp.collect import DeviceResult
from yunwang.contracts.exposition import escape_label_value as escape


@dataclass(frozen=True)
class MetaSeries:
    name: str
    help: str
    value: Callable[[DeviceResult], str]
    per_walk: bool = False  # a figure of the walks: carries the module label in exporter mode


SERIES: tuple[MetaSeries, ...] = (
    MetaSeries("snmp_up", "1 if every walk and get succeeded, else 0.", lambda r: "1" if r.ok else "0"),
    MetaSeries("snmp_scrape_walk_duration_seconds", "Time the SNMP walks and gets took.",
               lambda r: f"{r.walk_seconds:.6f}", per_walk=True),
    MetaSeries("snmp_scrape_packets_sent", "SNMP requests sent for gets and walks, retransmissions included.",
               lambda r: str(r.pdus_sent), per_walk=True),
    MetaSeries("snmp_scrape_packets_retried", "SNMP requests resent after a timeout.",
               lambda r: str(r.retransmits), per_walk=True),
    MetaSeries("snmp_scrape_pdus_returned", "Values (varbinds) returned by the gets and walks.",
               lambda r: str(r.varbinds), per_walk=True),
    MetaSeries("snmp_scrape_partial", "1 if the deadline cut the walks short.", lambda r: "1" if r.partial else "0"),
    MetaSeries("snmp_scrape_duration_seconds", "Total time the scrape took (walks and processing).",
               lambda r: f"{r.duration:.6f}"),
    MetaSeries("snmp_scrape_timestamp_seconds", "When the scrape started, seconds since the epoch.",
               lambda r: f"{r.started:.3f}"),
)

RENAMED: dict[str, str] = {"snmp_scrape_packets_sent": "snmp_scrape_pdus",
                           "snmp_scrape_pdus_returned": "snmp_scrape_varbinds"}
"""snmp_exporter name → the name poller mode used before; written as well (``old_names``) for one release."""


def write_scrape_meta(results: Sequence[DeviceResult], labels: Mapping[str, str], *, walk_labels: str = "",
                      error_message: bool = False, old_names: bool = False) -> str:
    """Every scrape series of ``results``, one family at a time.

    ``labels`` maps a result's name to its rendered ``k="v",`` label prefix; ``walk_labels`` (same form) is
    added to the walk figures only. ``error_message`` adds the error text to ``snmp_scrape_error`` (one scrape
    answered at once); ``old_names`` also writes the renamed series under their old names.
    """
    out: list[str] = []
    prefixes = [(r, labels[r.name]) for r in results]
    for series in SERIES:
        names = [series.name]
        if old_names and series.name in RENAMED:
            names.append(RENAMED[series.name])
        rows = [(_braced(prefix + walk_labels if series.per_walk else prefix), series.value(r))
                for r, prefix in prefixes]
        for name in names:
            text = series.help if name == series.name else f"Old name of {series.name} (removed in the next release)."
            out.append(f"# HELP {name} {text}\n# TYPE {name} gauge\n")
            out.extend(f"{name}{braced} {value}\n" for braced, value in rows)
    failed = [(r, prefix) for r, prefix in prefixes if not r.ok]
    if failed:
        out.append("# HELP snmp_scrape_error Why the scrape failed (1 per failed scrape).\n"
                   "# TYPE snmp_scrape_error gauge\n")
        for r, prefix in failed:
            message = f',message="{escape(r.error or "")}"' if error_message else ""
            out.append(f'snmp_scrape_error{{{prefix}reason="{r.reason}"{message}}} 1\n')
    return "".join(out)


def _braced(prefix: str) -> str:
    """``{k="v"}`` from a ``k="v",`` prefix; nothing for an empty one."""
    return "{" + prefix[:-1] + "}" if prefix else ""
