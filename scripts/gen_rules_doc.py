"""Write the rule tables and the peer coverage tables of policies/README.md from the rule registry and the peer
catalogue (run: .venv/bin/python scripts/gen_rules_doc.py).

Rerun it after adding or changing a rule or a file under policies/data/peers/; tests/audit/test_rules_doc.py fails
while the README is behind. Another Markdown file with the same markers can be named as the argument.
"""

from __future__ import annotations

import sys
from pathlib import Path

from policies.rules_doc import RulesDocError, regenerate

README = Path(__file__).resolve().parent.parent / "policies" / "README.md"


def main() -> int:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else README
    try:
        old = target.read_text(encoding="utf-8")
        new = regenerate(old, str(target))
    except (OSError, RulesDocError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if new == old:
        print(f"{target}: rule tables up to date")
        return 0
    target.write_text(new, encoding="utf-8")
    print(f"wrote the rule tables of {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
