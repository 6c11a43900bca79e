"""The ``yunwang`` command. Each package registers its own commands; heavy imports stay inside them."""

from __future__ import annotations

import sys

import typer

from yunwang import __version__
from yunwang.errors import InputError

app = typer.Typer(
    name="yunwang",
    help="yunwang (云网): the city's government cloud and e-government network as code, monitored and audited.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
def _version(value: bool) -> None:
    if value:
        print(f"yunwang {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """yunwang (云网)."""


@app.command("check")
def check(stack: str = typer.Option("dev", "--stack", "-s", help="Stack name (Pulumi.<stack>.yaml).")) -> None:
    """Validate a stack's topology file and print what it declares."""
    from rich.console import Console
    from rich.table import Table

    from yunwang.stacks import load_stack

    loaded = load_stack(stack)
    topo = loaded.topology
    assert topo is not None
    table = Table(title=f"stack {stack}: {topo.name_zh or topo.name}")
    table.add_column("section")
    table.add_column("count", justify="right")
    for section in ("regions", "zones", "access", "tenants", "platforms", "portals", "snmp_profiles",
                    "devices", "links", "hosts"):
        table.add_row(section, str(len(getattr(topo, section))))
    Console().print(table)


COMMANDS: dict[str, tuple[str, str]] = {
    "plan": ("infra.cli", "plan"),
    "audit": ("policies.cli", "app"),
    "agent": ("agents.cli", "app"),
    "sim": ("agents.sim.cli", "sim"),
    "monitor": ("monitor.cli", "monitor"),
    "up": ("yunwang.up", "up"),
    "net": ("infra.network.cli", "app"),
}
"""Command name → (module, attribute): a Typer group or a command function, imported only when needed."""


def register(only: str | None = None) -> None:
    """Attach the packages' commands (just ``only`` when given: every agent start-up pays for what it imports)."""
    import importlib

    for name, (module_name, attr) in COMMANDS.items():
        if only is not None and name != only:
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue  # that part is not installed
            raise
        target = getattr(module, attr)
        if isinstance(target, typer.Typer):
            app.add_typer(target, name=name)
        else:
            app.command(name)(target)


def requested_command(argv: list[str]) -> str | None:
    """The subcommand about to run, if it is one of :data:`COMMANDS` (else all are registered, e.g. for --help)."""
    first = next((a for a in argv if not a.startswith("-")), None)
    return first if first in COMMANDS else None


def main() -> None:
    """Entry point: input errors become a list of problems and exit status 2, never a traceback."""
    register(requested_command(sys.argv[1:]))
    try:
        app()
    except InputError as exc:
        from rich.console import Console
        from rich.markup import escape

        err_console = Console(stderr=True)
        for problem in exc.problems:  # escaped: a value or hint such as `yunwang[postgres]` is text, not markup
            err_console.print(f"[red]error:[/red] {escape(problem.render())}", markup=True, highlight=False,
                              soft_wrap=True)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
