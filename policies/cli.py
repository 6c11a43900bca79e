"""``yunwang audit``: MLPS level-3 audit of plans and Kubernetes YAML (host/device/SNMP commands register here too).

Exit status: 0 nothing at or above --fail-on, 1 findings, 2 usage or input error or nothing could be audited.
Other audit commands reuse :data:`FORMAT`, :data:`OUT`, :data:`WAIVERS`, :data:`FAIL_ON`,
:func:`common_options` and :func:`finish` (or :func:`emit` for a ready report).

Annotations here are real objects, not postponed strings: Typer would evaluate each string annotation of every
audit command at every start.
"""

import sys
from dataclasses import dataclass
from pathlib import Path

import typer

from policies.engine import SEVERITY_RANK, AuditError, AuditUnit, ReadStats, Report, Waiver, run_audit

FORMATS = ("table", "json", "sarif", "junit", "html")

app = typer.Typer(
    help="MLPS 2.0 (等保2.0, GB/T 22239-2019 level 3) audit of plans, Kubernetes YAML, hosts and devices. "
         "Exit 0: nothing at or above --fail-on; 1: findings; 2: usage/input error or nothing audited.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

FORMAT: str = typer.Option("table", "--format", "-f", help="table | json | sarif | junit | html")
OUT: Path | None = typer.Option(None, "--out", "-o", help="Write the report to FILE instead of stdout.")
WAIVERS: Path | None = typer.Option(None, "--waivers", help="YAML file of waivers (rule, target, justification, "
                                                            "approver, expires).")
FAIL_ON: str = typer.Option("high", "--fail-on", help="Exit 1 when a finding of this severity or higher exists: "
                                                      "high | medium | low")


@dataclass(frozen=True)
class OutputOptions:
    """The common audit options, validated."""

    fmt: str
    out: Path | None
    waivers: Path | None
    fail_on: str


def common_options(fmt: str, out: Path | None, waivers: Path | None, fail_on: str) -> OutputOptions:
    """Validate the common options (a bad value is a usage error, exit 2)."""
    if fmt not in FORMATS:
        raise typer.BadParameter(f"'{fmt}' is not one of {', '.join(FORMATS)}", param_hint="--format")
    if fail_on not in SEVERITY_RANK:
        raise typer.BadParameter(f"'{fail_on}' is not one of high, medium, low", param_hint="--fail-on")
    return OutputOptions(fmt=fmt, out=out, waivers=waivers, fail_on=fail_on)


def emit(report: Report, fmt: str, out: Path | None, fail_on: str) -> int:
    """Write the report in ``fmt`` to ``out`` (stdout when None) and return the exit status."""
    from policies.render import RENDERERS

    text = RENDERERS[fmt](report)
    if out is None:
        sys.stdout.write(text)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    if fmt != "table" or out is not None:
        for e in report.errors:
            where = f"{e.file}{':' + str(e.line) if e.line else ''}: " if e.file else ""
            print(f"error: {where}{e.message}", file=sys.stderr)
    if report.stats.audited_total() == 0:
        print("error: nothing could be audited (see errors above)", file=sys.stderr)
        return 2
    return 1 if report.worst() >= SEVERITY_RANK[fail_on] else 0


def finish(units: list[AuditUnit], stats: ReadStats, errors: list[AuditError], opts: OutputOptions,
           extra_waivers: list[Waiver] | None = None) -> int:
    """Load the waivers file, run the audit, emit the report; returns the exit status."""
    from policies.waivers import load_waivers

    waivers = list(extra_waivers or [])
    if opts.waivers is not None:
        waivers += load_waivers(opts.waivers)
    report = run_audit(units, waivers=waivers, stats=stats, errors=errors)
    return emit(report, opts.fmt, opts.out, opts.fail_on)


@app.command("k8s")
def k8s(paths: list[Path] = typer.Argument(..., help="Kubernetes YAML files or folders (multi-document, List, "
                                                     "Helm-rendered output)."),
        fmt: str = FORMAT, out: Path | None = OUT, waivers: Path | None = WAIVERS, fail_on: str = FAIL_ON) -> None:
    """Audit Kubernetes manifests."""
    from policies.k8s import load_k8s

    opts = common_options(fmt, out, waivers, fail_on)
    stats = ReadStats()
    loaded = load_k8s(paths, stats)
    units = [AuditUnit("k8s", loaded.facts)] if loaded.facts.objects else []
    raise typer.Exit(finish(units, stats, loaded.errors, opts, loaded.waivers))


@app.command("plan")
def plan(directory: Path = typer.Argument(..., help="Folder written by `yunwang plan --out DIR`."),
         fmt: str = FORMAT, out: Path | None = OUT, waivers: Path | None = WAIVERS, fail_on: str = FAIL_ON) -> None:
    """Audit an offline plan: the topology and resources (IaC rules) and its rendered manifests."""
    from policies.plan import load_plan

    opts = common_options(fmt, out, waivers, fail_on)
    stats = ReadStats()
    loaded = load_plan(directory, stats)
    raise typer.Exit(finish(loaded.units, stats, loaded.errors, opts, loaded.waivers))


@app.command("controls")
def controls(fmt: str = typer.Option("table", "--format", "-f", help="table | json")) -> None:
    """Every MLPS level-3 technical control and the rules that cover it ("manual" when none can)."""
    import json

    from policies.engine import load_rules
    from policies.render import control_rows

    load_rules()
    rows = control_rows()
    if fmt == "json":
        print(json.dumps([{"clause": c.id, "control_zh": c.control_zh, "control_en": c.control_en,
                           "automatable": list(c.automatable),
                           "rules": [r.id for r in rules] or ("manual" if c.process_only else "none")}
                          for c, rules in rows], ensure_ascii=False, indent=2))
        return
    if fmt != "table":
        raise typer.BadParameter(f"'{fmt}' is not one of table, json", param_hint="--format")
    from rich.console import Console
    from rich.table import Table

    table = Table(title="GB/T 22239-2019 level 3 technical controls / 等保三级技术要求")
    for col in ("clause", "control", "evidence", "rules"):
        table.add_column(col, overflow="fold")
    for c, rules in rows:
        covered = ", ".join(r.id for r in rules) or ("manual" if c.process_only else "none yet")
        table.add_row(c.id, f"{c.control_zh} {c.control_en}", ", ".join(c.automatable), covered)
    Console(width=160).print(table)


try:
    from policies.cli_live import register as _register_live
except ModuleNotFoundError as exc:
    if exc.name != "policies.cli_live":
        raise
    _register_live = None  # type: ignore[assignment]
if _register_live is not None:
    _register_live(app)
