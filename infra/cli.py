"""``yunwang plan``: the offline plan. Imported at CLI start-up, so Pulumi is imported inside the command."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import typer


def plan(
    stack: str = typer.Option("dev", "--stack", "-s", help="Stack name (Pulumi.<stack>.yaml)."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Output folder (default .yunwang/plan/<stack>)."),
) -> None:
    """Run the Pulumi program offline (mocks) and write resources.json and the Kubernetes manifests."""
    import time

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from infra.plan import check_out, run_program, write_device_configs, write_plan
    from yunwang.stacks import load_stack, project_root

    started = time.perf_counter()
    console = Console()
    loaded = load_stack(stack)  # bad stack or topology: InputError before anything starts
    out_dir = out or project_root() / ".yunwang" / "plan" / stack
    check_out(out_dir)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as progress:
        registering = progress.add_task("registering resources", total=None)
        result = run_program(loaded, on_register=lambda n: progress.update(registering, completed=n))
        progress.update(registering, total=len(result.registrations), completed=len(result.registrations))
        kube = sum(1 for r in result.registrations if r.type.startswith("kubernetes:"))
        writing = progress.add_task("writing manifests", total=kube)
        records = write_plan(result, out_dir, on_write=lambda: progress.advance(writing))
        assert loaded.topology is not None
        rendering = progress.add_task("rendering device configurations", total=len(loaded.topology.devices))
        configs = write_device_configs(loaded, out_dir, on_device=lambda: progress.advance(rendering))

    counts: Counter[tuple[str, str]] = Counter()
    for rec in records:
        counts[(rec["region"], rec["type"].rsplit(":", 1)[-1])] += 1
    kinds = sorted({kind for _, kind in counts})
    regions = sorted({region for region, _ in counts})
    table = Table(title=f"plan {stack}: {len(records)} resources → {out_dir}")
    table.add_column("kind")
    for region in regions:
        table.add_column(region, justify="right")
    table.add_column("total", justify="right", style="bold")
    for kind in kinds:
        row = [counts[(region, kind)] for region in regions]
        table.add_row(kind, *(str(n or "") for n in row), str(sum(row)))
    totals = [sum(counts[(region, kind)] for kind in kinds) for region in regions]
    table.add_row("total", *(str(n) for n in totals), str(sum(totals)), style="bold")
    console.print(table)
    console.print(f"{len(records)} resources and {configs} device configurations (configs/) in "
                  f"{time.perf_counter() - started:.1f} s")
