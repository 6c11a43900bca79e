"""pytest puts tests/ on sys.path, where the folder tests/policies would pass for a namespace package called
``policies``: put the repository first so ``policies`` is always the real package, whichever tests run."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if not getattr(sys.modules.get("policies"), "__file__", None):
    for name in [m for m in sys.modules if m == "policies" or m.startswith("policies.")]:
        sys.modules.pop(name, None)
if ROOT not in sys.path[:1]:
    sys.path.insert(0, ROOT)
