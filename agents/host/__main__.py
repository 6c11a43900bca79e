"""``python -m agents.host``: the agent's lean entry point (argparse only; no Typer, Rich or pydantic).

``yunwang agent host`` validates nothing itself and execs this module: the shared CLI has by then loaded about
20 MB of libraries that a long-running agent never uses again, and exec gives that memory back while keeping the
process id (so service managers see one process). The options are the same.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="yunwang agent host",
                                     description="Serve node_exporter-compatible host metrics and host security facts.")
    parser.add_argument("--listen", default="127.0.0.1:9810", help="address to serve /metrics and /facts on")
    parser.add_argument("--monitor", help="monitor base URL to push heartbeats and facts to")
    parser.add_argument("--textfile-dir", type=Path, help="directory of *.prom files to export")
    parser.add_argument("--agent-id", help="agent id at the monitor (default: hostname)")
    parser.add_argument("--token-file", type=Path, help="file holding the monitor token (else env YUNWANG_AGENT_TOKEN)")
    parser.add_argument("--state-dir", type=Path,
                        help="folder (0700) where the agent keeps the token it received when it enrolled")
    parser.add_argument("--facts-from", action="append", default=[], metavar="CIDR",
                        help="also serve /facts to clients in this range (default: this host only)")
    parser.add_argument("--enable", action="append", default=[], help="also run this collector (e.g. processes)")
    parser.add_argument("--disable", action="append", default=[], help="do not run this collector")
    return parser


def to_argv(listen: str, monitor: str | None, textfile_dir: Path | None, agent_id: str | None,
            token_file: Path | None, enable: Sequence[str], disable: Sequence[str], state_dir: Path | None = None,
            facts_from: Sequence[str] = ()) -> list[str]:
    """Options back into arguments for this module (the token itself never travels on a command line)."""
    argv = ["--listen", listen]
    for flag, value in (("--monitor", monitor), ("--textfile-dir", textfile_dir), ("--agent-id", agent_id),
                        ("--token-file", token_file), ("--state-dir", state_dir)):
        if value is not None:
            argv += [flag, str(value)]
    for cidr in facts_from:
        argv += ["--facts-from", cidr]
    for name in enable:
        argv += ["--enable", name]
    for name in disable:
        argv += ["--disable", name]
    return argv


def exec_agent(argv: list[str]) -> None:
    """Replace the current process with the lean agent (environment, and so YUNWANG_AGENT_TOKEN, is kept)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-m", "agents.host", *argv])


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)  # before the agent's imports: --help and usage errors stay instant
    from agents.host.agent import run_agent
    from yunwang.errors import InputError

    try:
        run_agent(listen=args.listen, monitor=args.monitor, textfile_dir=args.textfile_dir, agent_id=args.agent_id,
                  token_file=args.token_file, enable=args.enable, disable=args.disable, state_dir=args.state_dir,
                  facts_from=args.facts_from)
    except InputError as exc:
        for problem in exc.problems:
            print(f"error: {problem.render()}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
