"""``yunwang agent …``: the host agent (defined here) and the SNMP agent (agents/snmp/cli.py).

Both commands import their agent only when run: the shared CLI imports this module at every start.
"""

from __future__ import annotations

from pathlib import Path

import typer

from agents.snmp.cli import snmp

app = typer.Typer(help="Agents: host metrics and security facts, SNMP polling.", no_args_is_help=True)


@app.command("host")
def host(
    listen: str = typer.Option("127.0.0.1:9810", "--listen", help="Address to serve /metrics and /facts on."),
    monitor: str | None = typer.Option(None, "--monitor", help="Monitor base URL to push heartbeats and facts to."),
    textfile_dir: Path | None = typer.Option(None, "--textfile-dir",
                                             help="Directory of *.prom files to export (like node_exporter)."),
    agent_id: str | None = typer.Option(None, "--agent-id", help="Agent id at the monitor (default: hostname)."),
    token_file: Path | None = typer.Option(None, "--token-file",
                                           help="File holding the monitor token (else env YUNWANG_AGENT_TOKEN)."),
    state_dir: Path | None = typer.Option(None, "--state-dir",
                                          help="Folder (0700) where the agent keeps the token it received when it "
                                               "enrolled with the bootstrap token."),
    facts_from: list[str] = typer.Option([], "--facts-from",
                                         help="Also serve /facts to clients in this range (CIDR; repeat). By default "
                                              "only this host reads it; the monitor gets the facts pushed."),
    enable: list[str] = typer.Option([], "--enable", help="Also run this collector (e.g. processes)."),
    disable: list[str] = typer.Option([], "--disable", help="Do not run this collector."),
) -> None:
    """Serve node_exporter-compatible host metrics and host security facts."""
    from agents.host.__main__ import exec_agent, to_argv

    # The agent runs from its own lean entry point; see agents/host/__main__.py for why.
    exec_agent(to_argv(listen, monitor, textfile_dir, agent_id, token_file, enable, disable, state_dir, facts_from))


app.command("snmp")(snmp)
