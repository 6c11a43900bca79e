"""``yunwang net``: device configurations as code. Imported at CLI start-up, so the renderer loads inside commands."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="Device configurations as code: render them from the topology; check the cabling.",
                  no_args_is_help=True)


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
