"""``yunwang net``: device configurations as code. Imported at CLI start-up, so the heavy modules load inside commands.

Exit status: 0 success; 1 something differs (``diff``) or a device failed (``collect``, ``apply``); 2 input error
(topology, options, missing secret); 3 ``diff`` could read no drift but some device could not be read;
130 ``apply`` interrupted (Ctrl-C) — the devices in progress were finished or rolled back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from infra.network.cli_support import (
    COMMAND_TIMEOUT,
    CONCURRENCY,
    CONNECT_TIMEOUT,
    DEVICES,
    ENDPOINTS,
    KNOWN_HOSTS,
    STACK,
    TRANSPORT,
    TRUST_SIMULATOR,
)

if TYPE_CHECKING:
    from infra.network.diff import DeviceDiff

app = typer.Typer(help="Device configurations as code: render, back up, diff against the intent, apply; check the "
                  "cabling.", no_args_is_help=True)


@app.command("render")
def render(
    stack: str = typer.Option("dev", "--stack", "-s", help="Stack name (Pulumi.<stack>.yaml)."),
    device: list[str] = typer.Option([], "--device", "-d", help="Only this device (repeatable)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for <region>/<device>.cfg."),
) -> None:
    """Render every device's full configuration (secrets shown as [secret]) into OUT/<region>/<device>.cfg."""
    import time

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from infra.network.render import iter_rendered
    from yunwang.stacks import load_stack

    started = time.perf_counter()
    console = Console()
    loaded = load_stack(stack)
    topo = loaded.topology
    assert topo is not None
    count = len(device) if device else len(topo.devices)
    written = 0
    made: set[Path] = set()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task("rendering devices", total=count)
        for item in iter_rendered(topo, loaded.topology_file, devices=device or None):
            target = out / item.device.region / f"{item.device.name}.cfg"
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_text(item.text, encoding="utf-8")
            written += 1
            progress.advance(task)
    console.print(f"{written} device configurations → {out} in {time.perf_counter() - started:.1f} s")


@app.command("collect")
def collect(
    stack: str = STACK, device: list[str] = DEVICES,
    out: Path = typer.Option(..., "--out", "-o", help="Backup folder: <region>/<device>.cfg."),
    endpoints: Path | None = ENDPOINTS, known_hosts: Path | None = KNOWN_HOSTS,
    trust_simulator: bool = TRUST_SIMULATOR, transport: str = TRANSPORT, concurrency: int = CONCURRENCY,
    connect_timeout: float = CONNECT_TIMEOUT, command_timeout: float = COMMAND_TIMEOUT,
) -> None:
    """Back up running configurations over SSH (Oxidized-style): volatile lines stripped, secrets masked, a file
    rewritten only when it changed; prints what changed. Exit 1 when a device could not be read."""
    from infra.network.backup import Summary, write_backup
    from infra.network.cli_support import access_for, err, progress_bar, run, select
    from infra.network.collect import collect as collect_all

    sel = select(stack, device)
    access = access_for(sel, endpoints, known_hosts, trust_simulator, transport, connect_timeout, command_timeout)
    with progress_bar("collecting running configurations", len(sel.devices)) as advance:
        results = run(collect_all(access, [d.name for d in sel.devices], concurrency, advance))
    by_name = {d.name: d for d in sel.devices}
    summary = Summary()
    for got in results:
        if got.text is None:
            summary.add(got.device, "failed", got.error or "")
        else:
            summary.add(got.device, write_backup(out, by_name[got.device], got.text))
    for line in summary.lines():
        err.print(line, markup=False)
    raise typer.Exit(1 if summary.devices["failed"] else 0)


@app.command("diff")
def diff(
    stack: str = STACK, device: list[str] = DEVICES,
    region: list[str] = typer.Option([], "--region", help="Only the devices of this region (repeatable)."),
    running: Path | None = typer.Option(None, "--running", help="Compare with the configurations in this folder "
                                        "(net collect's backup) instead of reading the devices live."),
    output_format: str = typer.Option("text", "--format", "-f", help="text or json (for machines: per device "
                                      "status, drift_lines, collected_at, remediation, rollback)."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write the report here instead of stdout."),
    report_to: str | None = typer.Option(None, "--report-to", help="Send each device's drift to this monitor "
                                         "(admin token from YUNWANG_ADMIN_TOKEN or …_FILE) instead of printing "
                                         "it; exit 0 once the monitor took it, drift or not."),
    every: str | None = typer.Option(None, "--every", help="With --report-to: check again every interval "
                                     "(e.g. 5m) until stopped (SIGTERM, Ctrl-C)."),
    endpoints: Path | None = ENDPOINTS, known_hosts: Path | None = KNOWN_HOSTS,
    trust_simulator: bool = TRUST_SIMULATOR, transport: str = TRANSPORT, concurrency: int = CONCURRENCY,
    connect_timeout: float = CONNECT_TIMEOUT, command_timeout: float = COMMAND_TIMEOUT,
) -> None:
    """Per device the remediation (what `net apply` would send, vendor syntax, secrets masked) and its rollback.
    Exit 0 when nothing differs, 1 when something does, 3 when nothing is known to differ but some device could
    not be read, 2 on an input error (as `terraform plan -detailed-exitcode`, with drift as 1). With
    --report-to the monitor is told instead (the drift CronJob and `yunwang up`): exit 0 when it took the report,
    1 when it did not."""
    import dataclasses

    from infra.network import drift_report
    from infra.network.cli_support import access_for, err, progress_bar, run, select
    from infra.network.collect import collect as collect_all
    from infra.network.diff import diff_stack, exit_status, read_backups
    from yunwang.errors import InputError, Problem

    if output_format not in ("text", "json"):
        raise InputError([Problem("--format", None, "", output_format, "unknown format", "use text or json")])
    if every is not None and report_to is None:
        raise InputError([Problem("--every", None, "", every, "repeating only makes sense when reporting",
                                  "add --report-to <the monitor's URL>")])
    monitor_url = drift_report.check_monitor_url(report_to) if report_to is not None else None
    if every is not None:
        drift_report.interval_of(every)
    token = drift_report.admin_token() if monitor_url is not None else ""
    sel = select(stack, device)
    sel = dataclasses.replace(sel, devices=drift_report.only_regions(sel.devices, region, sel.topology,
                                                                     sel.topology_file))
    if running is not None and not running.is_dir():
        raise InputError([Problem(str(running), None, "", "", "no such folder",
                                  "point --running at the folder `net collect --out` wrote")])
    access = None if running is not None else access_for(sel, endpoints, known_hosts, trust_simulator, transport,
                                                          connect_timeout, command_timeout)

    def one_round() -> list[DeviceDiff]:
        if access is None:
            assert running is not None
            collected = read_backups(running, sel.devices)
        else:
            with progress_bar("reading running configurations", len(sel.devices)) as advance:
                collected = {c.device: c for c in run(collect_all(access, [d.name for d in sel.devices],
                                                                  concurrency, advance))}
        with progress_bar("computing remediations", len(sel.devices)) as advance:
            return diff_stack(sel.topology, sel.topology_file, sel.devices, collected, advance)

    if monitor_url is None:
        diffs = one_round()
        _print_diffs(stack, diffs, output_format, out)
        raise typer.Exit(exit_status(diffs))
    try:
        if every is not None:
            drift_report.watch(every, one_round, monitor_url, token)
        else:
            diffs = one_round()
            drift_report.post_drift(monitor_url, token, [drift_report.to_drift(d) for d in diffs])
            err.print(f"drift of {len(diffs)} devices reported to {monitor_url}", markup=False)
    except drift_report.ReportError as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(1) from None


def _print_diffs(stack: str, diffs: list[DeviceDiff], output_format: str, out: Path | None) -> None:
    from rich.console import Console

    from infra.network.diff import diff_report
    from infra.network.views import print_diffs

    if output_format == "json":
        text = json.dumps(diff_report(stack, diffs), indent=1, ensure_ascii=False) + "\n"
        if out is None:
            typer.echo(text, nl=False)
        else:
            out.write_text(text, encoding="utf-8")
        return
    handle = out.open("w", encoding="utf-8") if out is not None else None
    try:
        console = Console(file=handle, no_color=handle is not None, width=200 if handle else None)
        print_diffs(console, diffs)
    finally:
        if handle is not None:
            handle.close()


@app.command("apply")
def apply(
    stack: str = STACK, device: list[str] = DEVICES,
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the plan; send nothing."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Apply without asking: each device is read, planned (its "
                             "plan printed) and applied in one session, so nothing can change in between."),
    report: Path | None = typer.Option(None, "--report", help="Also write the outcome as JSON: per device its "
                                       "result, lines sent and seconds per phase; the command's own phases."),
    endpoints: Path | None = ENDPOINTS, known_hosts: Path | None = KNOWN_HOSTS,
    trust_simulator: bool = TRUST_SIMULATOR, transport: str = TRANSPORT, concurrency: int = CONCURRENCY,
    connect_timeout: float = CONNECT_TIMEOUT, command_timeout: float = COMMAND_TIMEOUT,
) -> None:
    """Bring devices to their intent: read them, show the plan (secrets masked), ask, then per device push the
    remediation, verify that nothing differs any more and save; a rejected line or a failed verification rolls
    that device back. Only the selected devices are touched. Exit 1 if any device failed or was refused."""
    import asyncio
    import time

    from rich.console import Console

    from infra.network.apply import DevicePlan, apply_plans, outcome_report, plan_and_apply, plan_devices
    from infra.network.cli_support import access_for, err, progress_bar, run, select, with_interrupt
    from infra.network.remediation import Remediation
    from infra.network.render import render_stack
    from infra.network.views import print_lines, print_outcomes, print_plan

    clock = {"start": time.perf_counter()}
    sel = select(stack, device)
    names = [d.name for d in sel.devices]
    intended = render_stack(sel.topology, sel.topology_file, devices=names)
    pushed = render_stack(sel.topology, sel.topology_file, devices=names, push=True)  # secrets needed: fail early
    access = access_for(sel, endpoints, known_hosts, trust_simulator, transport, connect_timeout, command_timeout)
    console = Console(highlight=False)
    clock["rendered"] = time.perf_counter()
    stop = asyncio.Event()
    if yes and not dry_run:  # nothing to wait for: each device read, planned and applied in one session
        with progress_bar("applying", len(names)) as advance:
            plans, outcomes = run(with_interrupt(lambda: plan_and_apply(
                access, intended, pushed, concurrency, stop=stop, done=advance,
                show=lambda plan: print_plan(console, [plan], summary=False)), stop))
        clock["planned"] = clock["rendered"]
    else:
        with progress_bar("reading running configurations", len(names)) as advance:
            plans = run(plan_devices(access, intended, pushed, concurrency, advance))
        clock["planned"] = time.perf_counter()
        print_plan(console, plans)
        todo = [p for p in plans if p.changes]
        failed_reading = any(p.error for p in plans)
        if dry_run or not todo:
            raise typer.Exit(1 if failed_reading else 0)
        if not typer.confirm(f"Apply these changes to {len(todo)} devices?", default=False):
            err.print("nothing applied")
            raise typer.Exit(1)
        ask = asyncio.Lock()

        async def reconfirm(plan: DevicePlan, remediation: Remediation) -> bool:
            async with ask:
                console.print(f"[yellow]{plan.device.name} changed since the plan[/yellow]; its new plan:")
                print_lines(console, remediation.lines)
                return await asyncio.to_thread(typer.confirm, f"Apply the new plan to {plan.device.name}?",
                                               default=False)

        with progress_bar("applying", len(todo)) as advance:
            outcomes = run(with_interrupt(lambda: apply_plans(access, plans, concurrency, reconfirm=reconfirm,
                                                              stop=stop, done=advance), stop))
    clock["applied"] = time.perf_counter()
    print_outcomes(console, outcomes)
    if report is not None:
        report.write_text(json.dumps(outcome_report(outcomes, clock), indent=1) + "\n", encoding="utf-8")
    if stop.is_set():
        raise typer.Exit(130)
    raise typer.Exit(1 if any(o.status in ("failed", "refused") for o in outcomes) else 0)


@app.command("links")
def links(
    stack: str = typer.Option("dev", "--stack", "-s", help="Stack name (Pulumi.<stack>.yaml)."),
    prometheus: str | None = typer.Option(None, "--prometheus",
                                          help="Read what the pollers stored in this Prometheus (e.g. "
                                               "http://127.0.0.1:9090) instead of polling the devices."),
    endpoints: Path | None = typer.Option(None, "--endpoints",
                                          help="Poll these HOST:PORTs instead of the management addresses (JSON "
                                               "{device: address}, e.g. .yunwang/sim-endpoints.json)."),
    output: str = typer.Option("table", "--format", "-f", help="table or json."),
    show_all: bool = typer.Option(False, "--all", help="List ok links too."),
    timeout: float = typer.Option(5.0, "--timeout", min=0.1, help="Seconds per query or SNMP request."),
) -> None:
    """Declared links against LLDP neighbours and interface state: exit 1 if any is not ok (2: nothing read)."""
    from links.cli import check_links
    from yunwang.errors import InputError, Problem

    if output not in ("table", "json"):
        raise InputError([Problem("--format", None, "", output, "unknown format", "use table or json")])
    raise typer.Exit(check_links(stack, prometheus, endpoints, output, show_all, timeout))
