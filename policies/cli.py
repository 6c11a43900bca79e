"""``yunwang audit``: MLPS level-3 audit of plans and Kubernetes YAML (host/device/SNMP commands register here too).

Exit status: 0 nothing at or above --fail-on, 1 findings, 2 usage or input error or nothing could be audited.
The options and report writer every audit command shares live in policies.cli_common; policies.cli_live adds
the host, device and snmp commands to :data:`app`.

Annotations here are real objects, not postponed strings: Typer would evaluate each string annotation of every
audit command at every start.
"""

from collections.abc import Callable
from pathlib import Path

import typer

from policies.cli_common import FAIL_ON, FORMAT, OUT, WAIVERS, common_options, finish
from policies.cli_live import register as register_live_commands
from policies.engine import AuditUnit, ReadStats

app = typer.Typer(
    help="MLPS 2.0 (等保2.0, GB/T 22239-2019 level 3) audit of plans, Kubernetes YAML, hosts and devices. "
         "Exit 0: nothing at or above --fail-on; 1: findings; 2: usage/input error or nothing audited.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

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
def controls(fmt: str = typer.Option("table", "--format", "-f", help="table | json (with --peers: also markdown)"),
             rules_markdown: bool = typer.Option(False, "--rules-markdown",
                                                 help="Print every rule instead (id, severity, titles, clauses) as "
                                                      "Markdown tables, one per audit source."),
             peers: bool = typer.Option(False, "--peers",
                                        help="Print instead how many of the established tools' checks (Checkov, "
                                             "Kubescape, Polaris, kube-score, Pod Security Standards, CIS) the rules "
                                             "make, check by check, with what is out of scope and why.")) -> None:
    """Every MLPS level-3 technical control and the rules that cover it ("manual" when none can)."""
    import json

    from policies.engine import load_rules
    from policies.render import control_rows

    if rules_markdown:
        from policies.rules_doc import rules_markdown as catalogue

        print(_generated(catalogue), end="")
        return
    if peers:
        print(_generated(lambda: _peer_report(fmt)), end="")
        return
    load_rules()
    rows = control_rows()
    if fmt == "json":
        print(json.dumps([{"clause": c.id, "citation": c.citation, "control_zh": c.control_zh,
                           "control_en": c.control_en, "automatable": list(c.automatable),
                           "rules": [r.id for r in rules] or ("manual" if c.process_only else "none")}
                          for c, rules in rows], ensure_ascii=False, indent=2))
        return
    if fmt != "table":
        raise typer.BadParameter(f"'{fmt}' is not one of table, json", param_hint="--format")
    from rich.console import Console
    from rich.table import Table

    table = Table(title="GB/T 22239-2019 level 3 technical controls / 等保三级技术要求")
    for col in ("clause", "id", "control", "evidence", "rules"):
        table.add_column(col, overflow="fold")
    for c, rules in rows:
        covered = ", ".join(r.id for r in rules) or ("manual" if c.process_only else "none yet")
        table.add_row(c.citation, c.id, f"{c.control_zh} {c.control_en}", ", ".join(c.automatable), covered)
    Console(width=160).print(table)


def _generated(make: Callable[[], str]) -> str:
    """Text generated from every rule (catalogue, peer coverage); exit 2 naming what is wrong when a rule module does
    not import or the peer catalogue does not hold (an incomplete table would mislead)."""
    from policies.rules_doc import RulesDocError

    try:
        return make()
    except RulesDocError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def _peer_report(fmt: str) -> str:
    import json

    from policies.peers import render_table
    from policies.rules_doc import peer_coverage, peers_markdown

    if fmt == "markdown":
        return peers_markdown()
    if fmt == "json":
        return json.dumps([c.as_dict() for c in peer_coverage()], ensure_ascii=False, indent=2) + "\n"
    if fmt == "table":
        return render_table(peer_coverage())
    raise typer.BadParameter(f"'{fmt}' is not one of table, json, markdown", param_hint="--format")


register_live_commands(app)
