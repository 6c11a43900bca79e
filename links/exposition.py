"""Link states as Prometheus series (the monitor serves them on its /metrics).

* ``yunwang_link_status{link, region, region_zh, a_device, a_port, b_device, b_port, state}``: a state set,
  1 for the link's current state and 0 for the others, so graphs have no gaps and ``sum by (state)`` counts;
* ``yunwang_link_miswired_info{…link labels…, at_device, at_port, seen_device, seen_port}``: 1 for every LLDP
  neighbour that shows a link miswired (which port sees what);
* ``yunwang_link_unexpected_neighbour{device, region, region_zh, port, seen_device, seen_port}``: 1 for every
  neighbour on a port no declared link names, seeing a port no declared link names;
* ``yunwang_link_check_timestamp_seconds``: when the observations were read.
"""

from __future__ import annotations

from links.state import LinkReport, State
from yunwang.contracts.exposition import label_set

STATUS = "yunwang_link_status"
MISWIRED = "yunwang_link_miswired_info"
UNEXPECTED = "yunwang_link_unexpected_neighbour"
CHECKED = "yunwang_link_check_timestamp_seconds"


def _head(name: str, help_text: str) -> list[str]:
    return [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]


def _sample(name: str, labels: dict[str, str]) -> str:
    return f"{name}{label_set(labels)} 1"


def link_metrics(report: LinkReport) -> str:
    lines = _head(STATUS, "State of each declared link (1 for its current state): ok, down, missing, miswired, "
                          "unknown.")
    for status in report.links:
        labels = status.link.labels()
        for state in State:
            lines.append(f"{STATUS}{label_set({**labels, 'state': state.value})} {int(status.state == state)}")
    lines += _head(MISWIRED, "An LLDP neighbour showing a declared link cabled elsewhere: which port sees what.")
    miswired = {_sample(MISWIRED, {**status.link.labels(), "at_device": s.at_device, "at_port": s.at_name,
                                   "seen_device": s.device, "seen_port": s.port_name})
                for status in report.links for s in status.wrong}
    lines += sorted(miswired)
    lines += _head(UNEXPECTED, "An LLDP neighbour that no declared link names, at a port no declared link uses.")
    unexpected = {_sample(UNEXPECTED, {"device": u.sighting.at_device, "region": u.region, "region_zh": u.region_zh,
                                       "port": u.sighting.at_name, "seen_device": u.sighting.device,
                                       "seen_port": u.sighting.port_name})
                  for u in report.unexpected}
    lines += sorted(unexpected)
    lines += _head(CHECKED, "When the observations behind the link states were read (Unix time).")
    lines.append(f"{CHECKED} {report.taken_at!r}")
    return "\n".join(lines) + "\n"
