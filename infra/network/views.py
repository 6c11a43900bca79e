"""How the net commands print diffs, plans and outcomes for a person (masked, per device)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from infra.network.apply import DevicePlan, Outcome
from infra.network.diff import DeviceDiff

STYLE = {"clean": "green", "drifted": "yellow", "unreadable": "red", "applied": "green", "unchanged": "green",
         "failed": "red", "refused": "red", "not-started": "yellow"}


def print_lines(console: Console, lines: Iterable[str], prefix: str = "    ") -> None:
    for line in lines:
        console.print(prefix + escape(line), highlight=False, soft_wrap=True)


def print_diffs(console: Console, diffs: Sequence[DeviceDiff], rollback: bool = True) -> None:
    for d in diffs:
        style = STYLE[d.status]
        if d.status == "clean":
            console.print(f"[{style}]= {d.device}[/{style}] ({d.vendor}, {d.region}): matches its intent",
                          highlight=False)
            continue
        if d.status == "unreadable":
            console.print(f"[{style}]? {d.device}[/{style}] ({d.vendor}, {d.region}): {escape(d.error or '')}",
                          highlight=False)
            continue
        when = d.collected_at.isoformat() if d.collected_at else "unknown"
        console.print(f"[{style}]~ {d.device}[/{style}] ({d.vendor}, {d.region}): {d.drift_lines} lines to send "
                      f"(running configuration of {when})", highlight=False)
        print_lines(console, d.remediation)
        if rollback:
            console.print("  rollback:", highlight=False)
            print_lines(console, d.rollback)
    counts = {s: sum(1 for d in diffs if d.status == s) for s in ("drifted", "clean", "unreadable")}
    console.print(f"{len(diffs)} devices: {counts['drifted']} drifted, {counts['clean']} clean, "
                  f"{counts['unreadable']} unreadable", highlight=False)


def print_plan(console: Console, plans: Sequence[DevicePlan], summary: bool = True) -> None:
    for p in plans:
        name = f"{p.device.name} ({p.device.vendor.value}, {p.device.region})"
        if p.error is not None:
            console.print(f"[red]? {name}[/red]: {escape(p.error)}", highlight=False)
        elif p.changes:
            assert p.remediation is not None
            console.print(f"[yellow]~ {name}[/yellow]: {len(p.remediation.changes)} changes", highlight=False)
            print_lines(console, p.remediation.lines)
        else:
            console.print(f"[green]= {name}[/green]: matches its intent", highlight=False)
    if not summary:
        return
    change = sum(1 for p in plans if p.changes)
    failed = sum(1 for p in plans if p.error is not None)
    console.print(f"Plan: {change} to change, {len(plans) - change - failed} unchanged, {failed} unreadable",
                  highlight=False)


def print_outcomes(console: Console, outcomes: Sequence[Outcome]) -> None:
    table = Table("device", "result", "lines sent", "detail", box=None, pad_edge=False)
    for o in outcomes:
        style = STYLE[o.status]
        table.add_row(o.device, f"[{style}]{o.status}[/{style}]", str(o.sent) if o.sent else "", escape(o.detail))
    console.print(table)
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.status] = counts.get(o.status, 0) + 1
    console.print(", ".join(f"{n} {s}" for s, n in sorted(counts.items())), highlight=False)
