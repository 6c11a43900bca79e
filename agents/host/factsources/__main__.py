"""``python -m agents.host.factsources [--root DIR]``: print the host facts JSON.

The agent runs this as a short-lived child for each facts collection: what the readers load (apt's security
lists) is given back when it exits, and a reader that misbehaves (a hung ``sshd -T``) cannot take the metrics
endpoint down with it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from agents.host.facts import collect_facts


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m agents.host.factsources")
    parser.add_argument("--root", type=Path, default=Path("/"), help="filesystem root to read (default /)")
    parser.add_argument("--indent", type=int, default=None)
    args = parser.parse_args()
    facts = collect_facts(args.root)
    text = facts.to_json()
    if args.indent is not None:
        text = json.dumps(json.loads(text), indent=args.indent, ensure_ascii=False)
    sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
