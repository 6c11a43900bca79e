"""``yunwang net links``: is everything cabled as planned? A table of declared links and their states.

Exit status 0 when every declared link is ok, 1 when any is not, 2 for bad input or when nothing could be
read. Undeclared neighbours are listed too (they do not change the exit status: no declared link is wrong).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from links.declared import End, declared_network
from links.observed import Observations
from links.state import STATE_ZH, UNEXPECTED_ZH, LinkReport, State, evaluate
from yunwang.errors import InputError, Problem
from yunwang.topology import Topology

STYLE = {State.OK: "green", State.MISWIRED: "bold red", State.DOWN: "red", State.MISSING: "yellow",
         State.UNKNOWN: "dim"}


def _end_json(end: End) -> dict[str, Any]:
    return {"device": end.device, "port": end.port, "name": end.name, "region": end.region, "site": end.site}


def report_json(report: LinkReport, stack: str) -> dict[str, Any]:
    counts = report.counts()
    return {
        "stack": stack, "source": report.source, "taken_at": report.taken_at,
        "counts": {state.value: counts.get(state, 0) for state in State},
        "links": [{"id": s.link.id, "state": s.state.value, "region": s.link.region, "region_zh": s.link.region_zh,
                   "a": _end_json(s.link.a), "b": _end_json(s.link.b), "reason": s.reason, "reason_zh": s.reason_zh}
                  for s in report.links],
        "unexpected": [{"device": u.sighting.at_device, "port": u.sighting.at_name, "region": u.region,
                        "region_zh": u.region_zh, "seen_device": u.sighting.device,
                        "seen_port": u.sighting.port_name, "reason": u.reason, "reason_zh": u.reason_zh}
                       for u in report.unexpected],
    }


def print_table(report: LinkReport, stack: str, show_ok: bool) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    counts = report.counts()
    table = Table(title=f"链路 links · {stack} · {report.source}", show_lines=False)
    for column in ("状态 state", "区域 region", "A 端 end A", "B 端 end B", "说明 reason"):
        table.add_column(column, overflow="fold")
    for s in sorted(report.links, key=lambda s: (s.state == State.OK, s.link.region, s.link.id)):
        if s.state == State.OK and not show_ok:
            continue
        ends = [f"{escape(str(e))}\n[dim]{escape(e.site)}[/dim]" for e in (s.link.a, s.link.b)]
        table.add_row(f"[{STYLE[s.state]}]{STATE_ZH[s.state]} {s.state.value}[/]",
                      f"{escape(s.link.region_zh)} {s.link.region}", *ends, escape(s.reason))
    for u in report.unexpected:
        table.add_row(f"[magenta]{UNEXPECTED_ZH} unexpected[/]", f"{escape(u.region_zh)} {u.region}",
                      escape(u.sighting.near()), escape(u.sighting.far()), escape(u.reason))
    console.print(table)
    summary = " · ".join(f"{STATE_ZH[state]} {state.value} {counts[state]}" for state in State if counts[state])
    console.print(f"{len(report.links)} declared links: {summary}; {len(report.unexpected)} unexpected "
                  f"neighbour(s)" + ("" if show_ok else " (ok links hidden: --all shows them)"), highlight=False)


def observe(stack: str, prometheus: str | None, endpoints: Path | None,
            timeout: float) -> tuple[Topology, Observations]:
    """The stack's topology and what its devices report (from Prometheus, or polled now)."""
    from yunwang.inventory import load_endpoints
    from yunwang.stacks import load_stack

    loaded = load_stack(stack)
    topo = loaded.topology
    assert topo is not None
    if prometheus:
        from links.prometheus import PrometheusError, read_observations

        try:
            return topo, read_observations(prometheus, timeout)
        except PrometheusError as exc:
            raise InputError([Problem("--prometheus", None, "", prometheus, f"cannot read from Prometheus: {exc}",
                                      "check the URL, or leave --prometheus out to poll the devices directly")]
                             ) from None
    from links.snmp import poll_observations

    return topo, poll_observations(topo, load_endpoints(endpoints) if endpoints else None, timeout)


def check_links(stack: str, prometheus: str | None, endpoints: Path | None, output: str, show_ok: bool,
                timeout: float = 5.0) -> int:
    """Print the link states of ``stack``; the exit status (0 all ok, 1 not)."""
    topo, seen = observe(stack, prometheus, endpoints, timeout)
    if not any(seen.reachable.values()):
        where = f"Prometheus at {prometheus} holds no device series" if prometheus else "no device answered"
        raise InputError([Problem(stack, None, "", "", f"nothing to check: {where}",
                                  "are the pollers running (Prometheus) or the devices reachable (SNMP)?")])
    report = evaluate(declared_network(topo), seen)
    if output == "json":
        print(json.dumps(report_json(report, stack), ensure_ascii=False, indent=1))
    else:
        print_table(report, stack, show_ok)
    return 0 if report.all_ok else 1
